"""A chat account becomes a customer (``conversations.services.sign_ups``): a new one in one
go with its welcome coupon, noted as written on; a worker's keeps its worker and gets the
coupon too; one that is a customer already stays that customer, with no second coupon."""

from __future__ import annotations

from sqlmodel import select

from conversations.results.customers import CustomerRegistered
from domain.commands import RegisterCustomer
from store.tables import CouponRow, IdentityRow
from tests import random_refs
from tests.e2e.helpers import TelegramUser, seed_worker, telegram_app
from webhooks.keys import DATABASE, SERVICES


async def account(app, user_id: str) -> tuple[IdentityRow, list[CouponRow]]:
    async with app[DATABASE].uow() as uow:
        query = select(IdentityRow).where(IdentityRow.channel_user_id == user_id)
        [identity] = (await uow.session.exec(query)).all()
        coupons = select(CouponRow).where(CouponRow.customer_id == identity.customer_id)
        return identity, list((await uow.session.exec(coupons)).all())


async def test_a_new_chat_account_is_a_customer_with_its_coupon_noted_as_written_on(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    user = TelegramUser(client, fake_telegram, int(random_refs.user_id()))
    await user.say("/start")
    assert "新人券" in user.text()
    identity, [coupon] = await account(app, str(user.uid))
    assert identity.customer_id is not None and identity.worker_id is None
    assert identity.last_inbound_at == clock() and identity.unreachable_at is None
    assert coupon.reason == "welcome" and coupon.used_order_id is None


async def test_a_workers_chat_account_signs_up_keeping_its_worker_and_only_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, _ = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    user_id = random_refs.user_id()
    worker_id = await seed_worker(app, channel="telegram", user_id=user_id)
    sign_up = RegisterCustomer("telegram", user_id, "", "zh", "师傅")
    [first] = await app[SERVICES].run(sign_up)
    assert isinstance(first, CustomerRegistered) and first.welcome_coupon is not None
    identity, [coupon] = await account(app, user_id)
    assert (identity.customer_id, identity.worker_id) == (first.customer_id, worker_id)
    assert coupon.code == first.welcome_coupon.code
    [again] = await app[SERVICES].run(sign_up)
    assert again == CustomerRegistered(first.customer_id, None)
    assert len((await account(app, user_id))[1]) == 1
