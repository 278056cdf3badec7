"""Emergency contacts: the person a customer or a worker names in 我的 (name, phone and how
they are related) to be told by SMS when they raise an SOS. Pure: the text of that SMS and
what a contact looks like masked."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.digits import whole
from domain.errors import DomainError
from domain.privacy import mask_phone
from domain.text import N_


class Holder(StrEnum):
    """Whose contact it is."""

    CUSTOMER = "customer"
    WORKER = "worker"


@dataclass(frozen=True, slots=True)
class EmergencyContact:
    name: str
    phone: str
    relation: str = ""
    """How they are related ("母亲", "配偶", "friend"), or ""."""

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


NAME_MAX = 40
RELATION_MAX = 20


def check_contact(contact: EmergencyContact, own_phone: str) -> None:
    """Refuse a contact without a name, with names too long, or with the person's own
    number (who would be told of their own emergency)."""
    if not contact.name or len(contact.name) > NAME_MAX or len(contact.relation) > RELATION_MAX:
        raise DomainError(N_("请写紧急联系人的姓名(40 字以内)、手机号和关系。"))
    if own_phone and contact.phone == own_phone:
        raise DomainError(N_("紧急联系人不能是您自己的号码,请填写家人或朋友的手机号。"))


def sms_key(sos_id: int, holder: Holder, holder_id: int, token: str = "") -> str:
    """The SMS's idempotency key: one SMS per SOS and contact, however often it is retried.
    ``token`` (drawn per SOS) keeps it unique beyond this database: a restored or fresh
    database, or a staging copy on the same provider account, numbers its SOS again, and the
    provider would take a repeated key for a message already sent."""
    key = f"daojia-sos-{sos_id}-{holder.value}-{holder_id}"
    return f"{key}-{token}" if token else key


def sms_recipient(sos_id: int, holder: Holder, holder_id: int, token: str = "") -> str:
    """How the outbox names the SMS (never the number: that is read, decrypted, when it is
    sent): ``sos:12:customer:34`` and the SOS's token (``sms_key``)."""
    name = f"sos:{sos_id}:{holder.value}:{holder_id}"
    return f"{name}:{token}" if token else name


def read_recipient(user_id: str) -> tuple[int, Holder, int, str] | None:
    """``sms_recipient`` read back (a row queued without a token reads with ""), or None."""
    parts = user_id.split(":")
    if len(parts) not in (4, 5) or parts[0] != "sos":
        return None
    sos_id, holder_id = whole(parts[1], ascii_only=True), whole(parts[3], ascii_only=True)
    if sos_id is None or holder_id is None:
        return None
    try:
        holder = Holder(parts[2])
    except ValueError:
        return None
    return sos_id, holder, holder_id, parts[4] if len(parts) == 5 else ""
