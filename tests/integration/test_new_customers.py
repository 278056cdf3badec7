"""A new customer's rows — the customer, their chat account noted as written on, their welcome
coupon — written without a read first (``store.new_customers``: one statement on PostgreSQL),
or nothing when the chat account is recorded or the referral code taken, on SQLite and
PostgreSQL; and the turn's note of the same message then changes nothing and is not sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from domain.coupons import WELCOME, Coupon
from domain.people import Channel, Customer, Identity, Worker
from domain.pricing import CouponKind, CouponTerms
from store.pg_direct import observe
from store.tables import CouponRow, IdentityRow
from tests import random_refs

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
EVERY = timedelta(minutes=10)


def a_coupon() -> Coupon:
    terms = CouponTerms("welcome", CouponKind.FIXED, amount_cents=2_000, threshold_cents=10_000)
    return Coupon(random_refs.code("W"), terms, NOW, NOW + timedelta(days=30), None, WELCOME)


def a_customer(code: str = "") -> Customer:
    return Customer(
        created_at=NOW,
        name="新客",
        phone=random_refs.phone(),
        referral_code=code or random_refs.code(),
    )


def an_account() -> Identity:
    return Identity(Channel.TELEGRAM, random_refs.user_id(), None, None)


class Statements:
    """How many statements reach the database (SQLAlchemy's and the plans' past it)."""

    def __init__(self, database) -> None:
        self.count = 0
        self._engine = database.engine.sync_engine
        self._stop = observe(database.engine, self._seen)
        event.listen(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def close(self) -> None:
        self._stop()
        event.remove(self._engine, "before_cursor_execute", self._seen)


async def rows(database, account: Identity) -> tuple[list[IdentityRow], list[CouponRow]]:
    async with database.uow() as uow:
        found = await uow.session.exec(
            select(IdentityRow).where(IdentityRow.channel_user_id == account.channel_user_id)
        )
        identities = list(found.scalars().all())
        ids = [i.customer_id for i in identities]
        coupons = await uow.session.exec(select(CouponRow).where(CouponRow.customer_id.in_(ids)))
        return identities, list(coupons.scalars().all())


async def test_a_new_chat_account_signs_up_with_its_coupon_and_its_note_in_one_go(database):
    customer, account, coupon = a_customer(), an_account(), a_coupon()
    seen = Statements(database)
    try:
        async with database.uow() as uow:
            assert await uow.customers.sign_up(customer, account, NOW, coupon)
            signed_up = seen.count
            # the turn's note of the same message, a moment later: nothing to change
            await uow.marketing.note_inbound("telegram", account.channel_user_id, NOW, EVERY)
            await uow.commit()
            noted = seen.count - signed_up
    finally:
        seen.close()
    if database.engine.dialect.name == "postgresql":
        assert signed_up == 1  # customer, account and coupon in one statement
    assert noted == 0
    async with database.uow() as uow:
        assert await uow.customers.get(customer.id) == customer
    [identity], [held] = await rows(database, account)
    assert identity.customer_id == customer.id and identity.worker_id is None
    assert identity.last_inbound_at == NOW and identity.unreachable_at is None
    assert (held.id, held.code, held.customer_id) == (coupon.id, coupon.code, customer.id)
    assert coupon.customer_id == customer.id and held.reason == WELCOME


async def test_a_note_past_the_window_still_updates_the_account_signed_up(database):
    customer, account = a_customer(), an_account()
    async with database.uow() as uow:
        assert await uow.customers.sign_up(customer, account, NOW, a_coupon())
        later = NOW + EVERY + timedelta(seconds=1)
        await uow.marketing.note_inbound("telegram", account.channel_user_id, later, EVERY)
        await uow.commit()
    [identity], _ = await rows(database, account)
    assert identity.last_inbound_at == later


async def test_a_recorded_chat_account_or_a_taken_referral_code_signs_nobody_up(database):
    worker_account, taken = an_account(), a_customer()
    async with database.uow() as uow:
        await uow.identities.add(worker_account)
        await uow.customers.add(taken)
        await uow.commit()
    for customer, account in (
        (a_customer(), worker_account),  # a worker's, say: the caller joins it by hand
        (a_customer(taken.referral_code), an_account()),  # drawn again by the caller
    ):
        coupon = a_coupon()
        async with database.uow() as uow:
            assert not await uow.customers.sign_up(customer, account, NOW, coupon)
            await uow.commit()
        assert customer.id is None and coupon.id is None
        async with database.uow() as uow:
            assert await uow.customers.by_phone(customer.phone) is None
            assert await uow.coupons.by_code(coupon.code) is None
    identities, _ = await rows(database, worker_account)
    assert [i.customer_id for i in identities] == [None]


async def test_who_is_behind_a_chat_account_is_read_in_one_statement(database):
    """Customer, worker, both or neither, with the language they chat in (the customer's,
    else the worker's, else Chinese) — as reading the account, then each of them, says."""
    async with database.uow() as uow:
        customer = await uow.customers.add(Customer(created_at=NOW, lang="en"))
        worker = await uow.workers.add(
            Worker(name="师傅", phone=random_refs.phone(), created_at=NOW, lang="en")
        )
        zh_worker = await uow.workers.add(
            Worker(name="师傅", phone=random_refs.phone(), created_at=NOW)
        )
        accounts = {
            "customer": (customer.id, None),
            "worker": (None, worker.id),
            "both": (customer.id, zh_worker.id),
            "neither": (None, None),
        }
        users = {name: random_refs.code("u") for name in accounts}
        for name, (customer_id, worker_id) in accounts.items():
            await uow.identities.add(Identity(Channel.WECHAT, users[name], customer_id, worker_id))
        await uow.commit()
    seen = Statements(database)
    try:
        async with database.uow() as uow:
            found = {n: await uow.identities.account(Channel.WECHAT, u) for n, u in users.items()}
            if database.engine.dialect.name == "postgresql":  # SQLite's plans pass unseen
                assert seen.count == len(users)
            unknown = await uow.identities.account(Channel.TELEGRAM, users["customer"])
    finally:
        seen.close()
    assert found == {
        "customer": (customer.id, None, "en"),
        "worker": (None, worker.id, "en"),
        "both": (customer.id, zh_worker.id, "en"),
        "neither": (None, None, "zh"),
    }
    assert unknown is None
