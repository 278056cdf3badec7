"""The same repository contract on SQLite and PostgreSQL (real servers); money's in
``test_money_repositories``."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from domain.audit import AuditEntry
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order
from domain.people import (
    Address,
    Certificate,
    Channel,
    Customer,
    GeoPoint,
    Identity,
    ServiceArea,
    Worker,
    WorkerStatus,
)
from domain.pricing import QuoteRequest, Selection, quote
from store.catalog_file import load_catalog
from store.orders_repo import ConcurrentUpdate
from store.tables import OrderRow
from tests import random_refs

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CATALOG, RULES = load_catalog()


async def new_customer(database, **kw) -> Customer:
    async with database.uow() as uow:
        customer = await uow.customers.add(
            Customer(created_at=NOW, phone=random_refs.phone(), name="王女士", **kw)
        )
        await uow.commit()
    return customer


async def new_order(database, customer: Customer) -> Order:
    sel = (Selection("daily_cleaning", 3, area_sqm=100),)
    q = quote(CATALOG, RULES, QuoteRequest(sel, NOW + timedelta(days=2)))
    async with database.uow() as uow:
        address = await uow.addresses.add(
            Address(
                customer.id,
                "上海市徐汇区漕溪北路 88 号 12 楼 1203",
                "王女士",
                customer.phone,
                GeoPoint(31.1880, 121.4370),
                "徐汇区",
            )
        )
        order = Order.from_quote(
            number=await uow.orders.next_number(),
            customer_id=customer.id,
            selections=sel,
            quote=q,
            start_at=NOW + timedelta(days=2),
            created_at=NOW,
            channel="telegram",
            actor=Actor(ActorKind.CUSTOMER, str(customer.id)),
            address_id=address.id,
            notes="门禁密码 1234",
        )
        await uow.orders.add(order)
        await uow.commit()
    return order


async def test_customers_round_trip_and_are_found_by_phone(database):
    customer = await new_customer(database, lang="en")
    async with database.uow() as uow:
        again = await uow.customers.get(customer.id)
        by_phone = await uow.customers.by_phone(customer.phone)
    assert again == customer
    assert by_phone is not None and by_phone.id == customer.id


async def test_phones_addresses_and_notes_are_not_readable_in_the_raw_database(database):
    customer = await new_customer(database)
    order = await new_order(database, customer)
    async with database.uow() as uow:
        rows = {}
        for table, key in [
            ("customers", customer.id),
            ("addresses", order.address_id),
            ("orders", order.id),
        ]:
            conn = await uow.session.connection()
            result = await conn.execute(text(f"SELECT * FROM {table} WHERE id = :id"), {"id": key})
            rows[table] = " ".join(repr(v) for v in result.one())
        address = await uow.addresses.get(order.address_id)
    raw = " ".join(rows.values())
    for secret in [customer.phone, "漕溪北路", "1203", "门禁密码", "31.188", "121.437"]:
        assert secret not in raw
        assert secret.encode() not in raw.encode()
    assert address.text.startswith("上海市徐汇区") and address.location == GeoPoint(
        31.188, 121.437
    )


async def test_orders_keep_their_quote_lines_and_timeline(database):
    customer = await new_customer(database)
    order = await new_order(database, customer)
    async with database.uow() as uow:
        loaded = await uow.orders.by_number(order.number)
        loaded.apply(Action.REQUEST_PAYMENT, Actor(ActorKind.CUSTOMER, "c"), NOW)
        loaded.apply(Action.PAY, Actor(ActorKind.SYSTEM, "sandbox"), NOW + timedelta(minutes=1))
        loaded.paid_cents = loaded.total_cents
        await uow.orders.save(loaded, NOW)
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.orders.get(order.id)
    assert again.status == OrderStatus.PAID
    assert again.lines == order.lines
    assert again.total_cents == 14000 and again.paid_cents == 14000
    assert again.notes == "门禁密码 1234"
    assert [(e.from_status, e.to_status) for e in again.timeline] == [
        (None, OrderStatus.QUOTED),
        (OrderStatus.QUOTED, OrderStatus.AWAITING_PAYMENT),
        (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID),
    ]
    assert again.timeline[-1].actor == Actor(ActorKind.SYSTEM, "sandbox")
    assert again.start_at == order.start_at and again.start_at.tzinfo is not None


async def test_a_stale_order_cannot_overwrite_a_newer_one(database):
    order = await new_order(database, await new_customer(database))
    async with database.uow() as uow:
        stale = await uow.orders.get(order.id)  # read, then someone else changes the order
    async with database.uow() as first:
        a = await first.orders.get(order.id)
        a.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "c"), NOW)
        await first.orders.save(a, NOW)
        await first.commit()
    async with database.uow() as second:
        stale.apply(Action.REQUEST_PAYMENT, Actor(ActorKind.CUSTOMER, "c"), NOW)
        with pytest.raises(ConcurrentUpdate):
            await second.orders.save(stale, NOW)
    async with database.uow() as uow:
        assert (await uow.orders.get(order.id)).status == OrderStatus.CANCELLED


async def test_a_save_sets_only_the_columns_that_changed(database):
    order = await new_order(database, await new_customer(database))
    by_hand = text("UPDATE orders SET dispatch_note = :note WHERE id = :id")
    async with database.uow() as uow:
        loaded = await uow.orders.get(order.id)
        await (await uow.session.connection()).execute(
            by_hand, {"note": "by hand", "id": order.id}
        )
        loaded.apply(Action.REQUEST_PAYMENT, Actor(ActorKind.CUSTOMER, "c"), NOW)
        loaded.notes = "新的备注"
        await uow.orders.save(loaded, NOW)
        await uow.commit()
    async with database.uow() as uow:
        again = await uow.orders.get(order.id)
    assert again.status == OrderStatus.AWAITING_PAYMENT and again.notes == "新的备注"
    assert again.dispatch_note == "by hand"  # not changed by this save, so not written
    async with database.uow() as uow:  # saving an order this unit of work did not read
        conn = await uow.session.connection()
        await conn.execute(by_hand, {"note": "again by hand", "id": order.id})
        again.apply(Action.PAY, Actor(ActorKind.SYSTEM, "sandbox"), NOW)
        await uow.orders.save(again, NOW)
        await uow.commit()
    async with database.uow() as uow:
        last = await uow.orders.get(order.id)
    assert last.status == OrderStatus.PAID and last.notes == "新的备注"
    assert last.dispatch_note == "by hand"  # every column written: nothing to compare with


async def test_only_an_open_transaction_is_rolled_back_through_the_driver(database, monkeypatch):
    """PostgreSQL rolls back through the session; SQLite's plans through the connection, where
    a read outside a write leaves no transaction open (sqlite3 begins one at the first write)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from store.sqlite.direct import DirectConnection

    calls = []
    real_close, real_rollback = AsyncSession.close, DirectConnection.rollback

    async def close(self):
        calls.append("session")
        await real_close(self)

    async def rollback(self):
        calls.append("connection")
        await real_rollback(self)

    monkeypatch.setattr(AsyncSession, "close", close)
    monkeypatch.setattr(DirectConnection, "rollback", rollback)
    customer = await new_customer(database)  # committed: nothing left to roll back
    async with database.uow():  # never used
        pass
    assert calls == []
    async with database.uow() as uow:  # read and not committed
        await uow.customers.get(customer.id)
    async with database.uow() as uow:  # written and not committed: rolled back
        ghost = await uow.customers.add(Customer(created_at=NOW, phone=random_refs.phone()))
    sqlite = database.engine.dialect.name == "sqlite"
    assert calls == (["connection"] if sqlite else ["session", "session"])
    async with database.uow() as uow:
        assert await uow.customers.get(ghost.id) is None


async def test_nothing_is_written_without_commit(database):
    customer = await new_customer(database)
    async with database.uow() as uow:
        ghost = await uow.customers.add(Customer(created_at=NOW, phone=random_refs.phone()))
    async with database.uow() as uow:
        assert await uow.customers.get(ghost.id) is None
        assert await uow.customers.get(customer.id) is not None


async def test_workers_with_certificates_and_service_area(database):
    worker = Worker(
        name="李阿姨",
        phone=random_refs.phone(),
        created_at=NOW,
        skills=("cleaning", "deep_cleaning"),
        certificates=(
            Certificate("health", "media/w/health.jpg", NOW.date() + timedelta(days=300), True),
        ),
        area=ServiceArea(GeoPoint(31.2, 121.44), 8000, ("徐汇区",)),
    )
    async with database.uow() as uow:
        await uow.workers.add(worker)
        await uow.identities.put(
            Identity(Channel.WECHAT, "o" + random_refs.user_id(), worker_id=worker.id)
        )
        await uow.commit()
    async with database.uow() as uow:
        loaded = await uow.workers.get(worker.id)
        loaded.status = WorkerStatus.APPROVED
        await uow.workers.save(loaded)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.workers.get(worker.id) == loaded
        approved = await uow.workers.with_status([WorkerStatus.APPROVED])
    assert worker.id in [w.id for w in approved]


async def test_identities_link_channel_accounts_to_people(database):
    customer = await new_customer(database)
    tg = Identity(Channel.TELEGRAM, random_refs.user_id(), customer_id=customer.id)
    async with database.uow() as uow:
        await uow.identities.put(tg)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.identities.get(Channel.TELEGRAM, tg.channel_user_id) == tg
        assert await uow.identities.get(Channel.WECHAT, tg.channel_user_id) is None


async def test_the_audit_log_is_append_only(database):
    target = f"order:{random_refs.code()}"
    async with database.uow() as uow:
        await uow.audit.append(
            AuditEntry(
                NOW, "telegram:1", "refund", target, "finance", {"refunded": 0}, {"refunded": 2000}
            )
        )
        await uow.commit()
    async with database.uow() as uow:
        [entry] = await uow.audit.for_target(target)
        assert entry.after == {"refunded": 2000}
    for statement in (
        "UPDATE audit_log SET action = 'nothing' WHERE target = :t",
        "DELETE FROM audit_log WHERE target = :t",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.uow() as uow:
                conn = await uow.session.connection()
                await conn.execute(text(statement), {"t": target})


async def test_a_write_is_seen_by_later_reads_in_the_same_unit_of_work(database):
    """Writes that bypass the ORM session (store.prepared) must not leave the session a stale
    copy, and prepared reads must see the session's own pending changes."""
    customer = await new_customer(database)
    order = await new_order(database, customer)
    async with database.uow() as uow:
        by_orm = (await uow.session.exec(select(OrderRow).where(OrderRow.id == order.id))).one()
        assert by_orm.status == OrderStatus.QUOTED.value  # the session holds the row now
        loaded = await uow.orders.get(order.id)
        loaded.apply(Action.CANCEL, Actor(ActorKind.CUSTOMER, "c"), NOW)
        await uow.orders.save(loaded, NOW)
        again = (await uow.session.exec(select(OrderRow).where(OrderRow.id == order.id))).one()
        assert again.status == OrderStatus.CANCELLED.value
        assert (await uow.orders.get(order.id)).status == OrderStatus.CANCELLED
        held = await uow.customers.get(customer.id)
        held.name = "改过的名字"
        await uow.customers.save(held)  # an ORM change in the session
        assert (await uow.customers.get(customer.id)).name == "改过的名字"


async def test_an_order_has_one_policy_requested(database):
    from domain.insurance import Policy, PolicyStatus

    order = await new_order(database, await new_customer(database))

    def policy() -> Policy:
        return Policy(
            order.id, order.number, "日常保洁", order.start_at, order.end_at, 1_000_000, NOW, NOW
        )

    first, again = policy(), policy()
    async with database.uow() as uow:
        assert await uow.policies.request(first)
        assert not await uow.policies.request(again)  # the same order: kept once
        await uow.commit()
    assert first.id is not None and again.id is None
    async with database.uow() as uow:
        kept = await uow.policies.by_order(order.id)
    assert kept is not None and kept.id == first.id and kept.status is PolicyStatus.REQUESTED
    assert (kept.item, kept.insured_cents) == ("日常保洁", 1_000_000)
    assert kept.starts_at == order.start_at
