"""A turn is atomic or exactly repeatable: crashes between or before its commits, then the
platform's retries, never lose a message, never do it twice, never leave an orphan order.

Each test runs on the demo set-up (SQLite + the local conversation store) and the operators'
one (PostgreSQL + Redis). The crash is a failure injected at a commit of the turn, in the
process; ``bench/faults.py`` (and ``test_faults.py``) kill real processes.
"""

from __future__ import annotations

import secrets

import pytest
import redis.asyncio as aioredis

from domain.people import Channel
from tests.e2e.helpers import TelegramUser, confirm_order, make_app, on_telegram
from tests.fakes.telegram import callback_update, message_update
from webhooks.keys import CONVERSATIONS, DATABASE


@pytest.fixture(params=["sqlite+local", "postgres+redis"])
def setup(request):
    """(database URL, extra settings) of the demo set-up or the operators' one."""
    if request.param == "postgres+redis":
        return request.getfixturevalue("postgres_url"), {
            "redis_url": request.getfixturevalue("redis_url")
        }
    return request.getfixturevalue("fresh_sqlite_url"), {}


@pytest.fixture
async def telegram(setup, aiohttp_client, tmp_path, pii_key, fake_telegram, clock):
    """(app, client) on the set-up of the parameter."""
    db_url, extra = setup
    app = make_app(tmp_path, db_url, pii_key, clock=clock, **on_telegram(fake_telegram), **extra)
    client = await aiohttp_client(app)
    return app, client


async def to_the_quote(user: TelegramUser, *, signed_up: bool = False) -> None:
    if not signed_up:
        await user.say("/start")
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.say("明天 15:00")
    await user.say("浦东新区世纪大道100号 5楼")
    assert "确认下单" in user.text()


def placing(user: TelegramUser) -> dict:
    """The update that places the order at a first quote: the phone number, typed."""
    return message_update(user.uid, user.phone)


def button(user: TelegramUser, label: str) -> dict:
    data = next(b["callback_data"] for b in user.options() if label in b["text"])
    return callback_update(user.uid, data)


async def orders_of(app, user: TelegramUser) -> list:
    async with app[DATABASE].uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(user.uid))
        assert identity is not None and identity.customer_id is not None
        orders = await uow.orders.for_customer(identity.customer_id)
        coupons = await uow.coupons.for_customer(identity.customer_id)
    return [(o.number, o.status.value, o.coupon_code) for o in orders], coupons


def fail_once(monkeypatch, target, name: str, error: BaseException) -> list[int]:
    """Make ``target.name`` raise ``error`` the next time it is called (a crash there)."""
    calls = [0]
    real = getattr(target, name)

    async def failing(*args, **kwargs):
        calls[0] += 1
        if calls[0] == 1:
            raise error
        return await real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)
    return calls


async def test_a_cut_between_the_database_and_the_conversation_commit_leaves_no_orphan(
    telegram, fake_telegram, monkeypatch
):
    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    confirm = placing(user)
    fail_once(monkeypatch, app[CONVERSATIONS], "commit", ConnectionError("connection cut"))
    assert await user.post(confirm) == 500  # the order is committed, the state is not
    placed, _ = await orders_of(app, user)
    assert len(placed) == 1 and placed[0][1] == "awaiting_payment"

    assert await user.post(confirm) == 200  # the platform's retry: answered, not redone
    assert f"#{placed[0][0]}" in user.text() and "确认支付" in user.text()
    assert (await orders_of(app, user))[0] == placed

    await user.post(confirm)  # the same again: a duplicate, answered alike
    assert "确认支付" in user.text()
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    after, coupons = await orders_of(app, user)
    assert [(n, s) for n, s, _ in after] == [(placed[0][0], "dispatching")]
    assert sum(c.used_at is not None for c in coupons) <= 1


async def test_after_a_lost_conversation_commit_a_new_message_goes_on_from_the_checkpoint(
    telegram, fake_telegram, monkeypatch
):
    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    confirm = placing(user)
    fail_once(monkeypatch, app[CONVERSATIONS], "commit", ConnectionError("connection cut"))
    assert await user.post(confirm) == 500
    # no retry comes; the customer sends the number again at the old quote: a new update
    assert await user.post(button_again := placing(user)) == 200
    assert button_again["update_id"] != confirm["update_id"]
    placed, _ = await orders_of(app, user)
    assert len(placed) == 1  # no second order at a new price
    await user.say("你好")
    assert "确认支付" in user.text()  # the unpaid order is still there to pay


async def test_a_turn_that_lost_its_lock_before_saving_leaves_its_successor_to_recover(
    telegram, fake_telegram, monkeypatch
):
    app, client = telegram
    store = app[CONVERSATIONS]
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    real = store.commit
    calls = [0]

    async def lost(*args, **kwargs):  # the lease ran out, or Redis forgot the lock
        calls[0] += 1
        return False if calls[0] == 1 else await real(*args, **kwargs)

    monkeypatch.setattr(store, "commit", lost)
    await confirm_order(user)  # the order is committed; the state here is still the quote
    assert "确认支付" in user.text()
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    placed, _ = await orders_of(app, user)
    assert [(n, s) for n, s, _ in placed] == [(placed[0][0], "dispatching")]


async def test_a_crash_before_the_database_commit_leaves_nothing_and_the_retry_does_it_once(
    telegram, fake_telegram, monkeypatch
):
    from store.turns import TurnTransaction

    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    confirm = placing(user)
    fail_once(monkeypatch, TurnTransaction, "commit", RuntimeError("power cut"))
    assert await user.post(confirm) == 500
    assert (await orders_of(app, user))[0] == []  # nothing of the turn was kept
    assert await user.post(confirm) == 200
    placed, _ = await orders_of(app, user)
    assert len(placed) == 1 and "确认支付" in user.text()


async def test_a_conversation_whose_state_vanished_resumes_with_the_unpaid_order(
    telegram, fake_telegram, request
):
    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    await confirm_order(user)
    ((number, status, _),) = (await orders_of(app, user))[0]
    assert status == "awaiting_payment"
    await forget_conversations(app, request)  # Redis restarted without persistence
    await user.say("你好")
    assert f"#{number}" in user.text() or "确认支付" in user.text()
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    assert [(n, s) for n, s, _ in (await orders_of(app, user))[0]] == [(number, "dispatching")]


async def test_a_conversation_idle_past_the_keeping_time_starts_afresh(
    telegram, fake_telegram, request, clock
):
    from domain.commands import ForgetConversations
    from webhooks.keys import SERVICES

    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    await confirm_order(user)
    clock.advance(days=8)
    await forget_conversations(app, request)  # its state expired there
    await user.say("你好")  # its checkpoint is still stored (the sweep has not run yet)
    assert "确认支付" not in user.text() and "预约服务" in user.text()  # the menu
    await to_the_quote(user, signed_up=True)
    await confirm_order(user)  # a turn that writes, never fenced off by the old one
    assert "确认支付" in user.text()
    assert len((await orders_of(app, user))[0]) == 2
    await app[SERVICES].run(ForgetConversations())
    clock.advance(days=8)
    await app[SERVICES].run(ForgetConversations())
    async with app[DATABASE].uow() as uow:
        assert await uow.checkpoints.get("telegram", str(user.uid)) is None


async def forget_conversations(app, request) -> None:
    store = app[CONVERSATIONS]
    if "redis" in request.node.callspec.params["setup"]:
        client = aioredis.from_url(request.getfixturevalue("redis_url"))
        try:
            keys = await client.keys("daojia:telegram:*")
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()
    else:
        store._states.clear()
        store._seen.clear()
        store._known.clear()
        store._db.execute("DELETE FROM conversations")


async def test_a_retry_of_a_message_answered_before_gets_the_same_answer(telegram, fake_telegram):
    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    update = message_update(user.uid, "/start")
    assert await user.post(update) == 200
    first = user.text()
    assert await user.post(update) == 200  # its answer was lost on the way: sent again
    assert user.text() == first
