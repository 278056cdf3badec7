"""SMS at the composition root: which provider runs (the HTTP one of ``DAOJIA_SMS_API_BASE``,
else the sandbox under ``daojia demo``, else none) and the outbox's ``sms`` channel, which
tells an emergency contact of an SOS."""

from __future__ import annotations

from collections.abc import Callable

from bots.sms import HttpSms, SandboxSms
from conversations.replies import Ask, Reply, Say
from domain.emergency import read_recipient, sms_key
from domain.errors import DeliveryFailed
from domain.gateways import SmsGateway
from domain.ports import UnitOfWork
from webhooks.settings import Settings


def provider(settings: Settings, demo: bool) -> SmsGateway | None:
    if settings.sms_api_base and settings.sms_key is not None:
        return HttpSms(settings.sms_api_base, settings.sms_key.get_secret_value())
    return SandboxSms() if demo else None


class SmsDelivery:
    """The outbox's SMS channel: ``user_id`` names the SOS and whose contact is told
    (``sos:12:customer:34``); the number is read (decrypted) when it is sent, never kept in
    the outbox."""

    def __init__(self, gateway: SmsGateway, uow: Callable[[], UnitOfWork]) -> None:
        self.gateway = gateway
        self.uow = uow

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        found = read_recipient(user_id)
        if found is None:
            raise DeliveryFailed("no SMS recipient", permanent=True)
        sos_id, holder, holder_id, token = found
        async with self.uow() as uow:
            contact = await uow.emergency_contacts.get(holder, holder_id)
        if contact is None or not contact.phone:
            raise DeliveryFailed("the emergency contact is gone", permanent=True)
        text = "\n".join(r.text for r in replies if isinstance(r, Say | Ask)).strip()
        await self.gateway.send(contact.phone, text, sms_key(sos_id, holder, holder_id, token))
