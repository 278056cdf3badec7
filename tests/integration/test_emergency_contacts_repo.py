"""Emergency contacts in the store (SQLite and PostgreSQL): one per customer or worker,
replaced when set again, the name and phone unreadable in the raw table."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from domain.emergency import EmergencyContact, Holder
from domain.people import Customer
from tests import random_refs

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


async def test_a_contact_round_trips_is_replaced_and_is_sealed(database):
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(created_at=NOW, phone=random_refs.phone()))
        await uow.commit()
    assert customer.id is not None
    first, second = random_refs.phone(), random_refs.phone()
    async with database.uow() as uow:
        assert await uow.emergency_contacts.get(Holder.CUSTOMER, customer.id) is None
        await uow.emergency_contacts.save(
            Holder.CUSTOMER, customer.id, EmergencyContact("王芳", first, "母亲"), NOW
        )
        await uow.commit()
    async with database.uow() as uow:
        await uow.emergency_contacts.save(
            Holder.CUSTOMER, customer.id, EmergencyContact("李强", second), NOW
        )
        await uow.commit()
    async with database.uow() as uow:
        got = await uow.emergency_contacts.get(Holder.CUSTOMER, customer.id)
        assert await uow.emergency_contacts.get(Holder.WORKER, customer.id) is None
        conn = await uow.session.connection()
        rows = (
            await conn.execute(
                text("SELECT * FROM emergency_contacts WHERE holder_id = :id AND holder = :who"),
                {"id": customer.id, "who": "customer"},
            )
        ).all()
    assert got == EmergencyContact("李强", second, "")
    assert got.masked_phone == f"{second[:3]}****{second[-4:]}"
    [row] = rows
    raw = " ".join(repr(v) for v in row)
    for secret in (second, "李强", first, "王芳"):
        assert secret not in raw and secret.encode() not in raw.encode()
