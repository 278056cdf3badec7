"""A customer's or a worker's emergency contact as they see it: the phone masked."""

from __future__ import annotations

from conversations.results.emergency import EmergencyContactShown
from domain.emergency import Holder
from domain.ports import Reads
from domain.queries import LoadEmergencyContact


async def emergency_contact(uow: Reads, q: LoadEmergencyContact) -> EmergencyContactShown:
    contact = await uow.emergency_contacts.get(Holder(q.holder), q.holder_id)
    if contact is None:
        return EmergencyContactShown("", "", "")
    return EmergencyContactShown(contact.name, contact.masked_phone, contact.relation)
