"""A platform's retry of a message whose answer took several messages sends only what did not
go out yet: the parts a turn pushed (Bot API or customer-service calls besides the webhook
response) go out before the conversation store's commit, which notes how many, and are
skipped; the webhook response's own part goes again, since a platform retries only a message
whose answer it did not get. A crash before the store's commit leaves nothing noted: the retry
answers from the database's checkpoint and sends all (again: at least once).

On the demo set-up (SQLite + the local conversation store) and the operators' one (PostgreSQL
+ Redis), against the fake Bot API and the fake WeChat API.
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
from aiohttp import web

import bots.wechat_send
import conversations.engine
from bots.telegram import SECRET_HEADER, TelegramBot
from bots.wechat import WeChatBot
from conversations.lease import Lease
from tests.e2e.helpers import TelegramUser, WeChatUser, make_app, on_telegram, on_wechat
from tests.e2e.test_crash_recovery import fail_once, orders_of, placing, to_the_quote
from tests.fakes.wechat import WeChatServer, text_xml
from webhooks.keys import CHANNELS, CLOCK, CONVERSATIONS


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
    """A customer on Telegram at the quote, with Telegram Payments: placing the order is
    answered with three messages (placed, the invoice, when to pay), the first two pushed."""
    db_url, extra = setup
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        telegram_payment_token="PROVIDER:TEST",
        **extra,
    )
    user = TelegramUser(await aiohttp_client(app), fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    return user


def kinds(sent: list[dict]) -> list[str]:
    """The messages as what they are: placed, invoice, pay later."""
    return [
        "invoice" if m["method"] == "sendInvoice" else "placed" if "已提交" in m["text"] else "ask"
        for m in sent
    ]


async def test_a_retry_after_the_answer_went_out_sends_only_the_webhook_response(telegram):
    user = telegram
    place = placing(user)
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "invoice", "ask"]
    # the webhook response was lost on the way: Telegram sends the update again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["ask"]  # the pushed two are not sent again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["ask"]


async def test_a_retry_after_a_crash_before_the_pushes_sends_the_whole_answer(
    telegram, monkeypatch
):
    user = telegram
    place = placing(user)
    bot = user.client.server.app[CHANNELS].get("telegram")
    assert isinstance(bot, TelegramBot)
    # the turn is committed, then the process dies before its first Bot API call
    fail_once(monkeypatch, bot, "_call", RuntimeError("power cut"))
    assert await user.post(place) == 500
    assert user.last == []
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "invoice", "ask"]
    assert len([m for m in user.fake.sent(user.uid) if m["method"] == "sendInvoice"]) == 1


async def test_a_retry_after_a_crash_between_the_pushes_and_the_store_commit_sends_it_again(
    telegram, monkeypatch
):
    user = telegram
    place = placing(user)
    app = user.client.server.app
    # the order is committed and its first two messages pushed, then the conversation
    # store's commit fails (the process dies there: the same for the retry)
    fail_once(monkeypatch, app[CONVERSATIONS], "commit", ConnectionError("connection cut"))
    assert await user.post(place) == 500
    assert kinds(user.last) == ["placed", "invoice"]
    # the retry is answered from the checkpoint, not redone: all of it, the pushed ones again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "invoice", "ask"]
    placed, _ = await orders_of(app, user)
    assert len(placed) == 1
    # what the retry pushed is noted: a retry of it sends the webhook response's part only
    assert await user.post(place) == 200
    assert kinds(user.last) == ["ask"]


async def test_the_persons_lock_is_leased_on_while_the_answer_is_pushed(telegram, monkeypatch):
    user = telegram
    leases: list[Watched] = []

    class Watched(Lease):
        stopped = False

        def __init__(self, *args) -> None:
            super().__init__(*args)
            leases.append(self)

        def stop(self) -> None:
            self.stopped = True
            super().stop()

    monkeypatch.setattr(conversations.engine, "Lease", Watched)
    bot = user.client.server.app[CHANNELS].get("telegram")
    push, renewed = bot._push, []

    async def pushing(*args):
        renewed.append(not leases[-1].stopped)  # the lease's renewals still run
        return await push(*args)

    monkeypatch.setattr(bot, "_push", pushing)
    assert await user.post(placing(user)) == 200
    assert kinds(user.last) == ["placed", "invoice", "ask"] and renewed == [True]
    assert leases[-1].stopped


async def test_a_turn_that_lost_its_lock_before_the_store_commit_sends_its_answer_once(
    telegram, monkeypatch
):
    user = telegram
    store = user.client.server.app[CONVERSATIONS]
    commit = store.commit

    async def lock_lost(*args, **kwargs):
        monkeypatch.setattr(store, "commit", commit)
        return False  # its lease ran out meanwhile (or Redis lost its memory): not saved

    monkeypatch.setattr(store, "commit", lock_lost)
    assert await user.post(placing(user)) == 200
    # pushed before the commit, and not again for it: the webhook response carries the last
    assert kinds(user.last) == ["placed", "invoice", "ask"]


async def test_a_retry_after_part_of_the_answer_went_out_sends_the_rest(telegram):
    user = telegram
    place = placing(user)
    user.fake.fail_chat[user.uid] = [None, (502, "Bad Gateway")]  # the invoice fails
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "ask"]
    # the webhook response was lost too: the retry sends the invoice, and the last again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["invoice", "ask"]
    assert await user.post(place) == 200  # once more: the invoice went out this time
    assert kinds(user.last) == ["ask"]


async def test_a_retrys_webhook_response_does_not_wait_for_the_note_of_what_it_pushed(
    telegram, monkeypatch
):
    """A retry that pushes what an earlier attempt did not notes how far it got (one Redis
    round trip) on its own: the webhook response is made before the note begins and goes out
    while it is held; the note lands all the same."""
    user = telegram
    place = placing(user)
    user.fake.fail_chat[user.uid] = [None, (502, "Bad Gateway")]  # the invoice fails
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "ask"]
    app = user.client.server.app
    bot, store = app[CHANNELS].get("telegram"), app[CONVERSATIONS]
    note, answer = store.delivered, bot._answer
    answered, opened, began = asyncio.Event(), asyncio.Event(), []

    async def answering(*args):
        body = await answer(*args)
        answered.set()  # the webhook response is made: nothing of the request awaits now
        return body

    async def held(*args):
        began.append(answered.is_set())
        if answered.is_set():  # (a note the response waits for is not held: no deadlock)
            await opened.wait()
        await note(*args)

    monkeypatch.setattr(bot, "_answer", answering)
    monkeypatch.setattr(store, "delivered", held)
    before = len(user.fake.sent(user.uid))
    resp = await user.client.post("/telegram", json=place, headers={SECRET_HEADER: user.secret})
    assert resp.status == 200
    assert kinds([await resp.json()]) == ["ask"]
    assert kinds(user.fake.sent(user.uid)[before:]) == ["invoice"]
    assert began == [True] and len(bot.pushes.notes) == 1  # the note began, and is held
    opened.set()
    await bot.drain()
    assert not bot.pushes.notes
    assert await user.post(place) == 200
    assert kinds(user.last) == ["ask"]  # noted: the invoice does not go again


@pytest.fixture
async def wechat(setup, aiohttp_client, tmp_path, pii_key, fake_wechat, clock, monkeypatch):
    """A follower on WeChat whose welcome takes three texts (texts of 60 bytes at most): the
    first the passive reply, the other two customer-service messages."""
    monkeypatch.setattr(bots.wechat_send, "PASSIVE_MAX_BYTES", 60)
    db_url, extra = setup
    app = make_app(tmp_path, db_url, pii_key, clock=clock, **on_wechat(fake_wechat), **extra)
    client = await aiohttp_client(app)
    openid = f"o-retried-{secrets.token_hex(6)}"
    return WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))


def bot_of(user: WeChatUser) -> WeChatBot:
    bot = user.client.server.app[CHANNELS].get("wechat")
    assert isinstance(bot, WeChatBot)
    return bot


async def welcome(user: WeChatUser, xml: str) -> tuple[str, list[str]]:
    """WeChat delivering ``xml``: the passive reply, and the texts pushed for it."""
    before = len(user.fake.texts(user.openid))
    await user.post_xml(xml)
    await bot_of(user).drain()
    return user.last_text, user.fake.texts(user.openid)[before:]


async def test_a_wechat_retry_after_the_answer_went_out_answers_passively_again_only(wechat):
    user = wechat
    xml = text_xml(user.openid, "/start", msg_id=secrets.randbelow(10**12))
    passive, pushed = await welcome(user, xml)
    assert "欢迎" in passive and len(pushed) == 2 and "新人券" in pushed[0]
    # WeChat did not get that answer (or it would not retry): the passive reply again
    assert await welcome(user, xml) == (passive, [])
    assert await welcome(user, xml) == (passive, [])


async def test_a_wechat_retry_after_a_crash_before_the_answer_went_out_sends_it_all(
    wechat, monkeypatch
):
    user = wechat
    bot = bot_of(user)
    handle = bot._handle

    async def stopped(replies, lang):
        raise web.HTTPServiceUnavailable(text="stopping")

    async def committed_then_stopped(event, deliver=None):
        monkeypatch.setattr(bot, "_handle", handle)
        # the turn is committed in the database; the process stops before its answer goes
        # out, and before the conversation store's commit
        await handle(event, stopped)

    monkeypatch.setattr(bot, "_handle", committed_then_stopped)
    xml = text_xml(user.openid, "/start", msg_id=secrets.randbelow(10**12))
    assert await welcome(user, xml) == ("", [])
    assert user.status == 503
    passive, pushed = await welcome(user, xml)
    assert "欢迎" in passive and len(pushed) == 2 and "新人券" in pushed[0]


async def test_a_wechat_retry_after_part_of_the_answer_went_out_sends_the_rest(wechat):
    user = wechat
    user.fake.fail_path["message/custom/send"] = [0, 45047]  # the second text is refused
    xml = text_xml(user.openid, "/start", msg_id=secrets.randbelow(10**12))
    passive, pushed = await welcome(user, xml)
    assert "欢迎" in passive and len(pushed) == 1 and "新人券" in pushed[0]
    passive_again, rest = await welcome(user, xml)
    assert passive_again == passive and len(rest) == 1 and "回复序号" in rest[0]
    assert await welcome(user, xml) == (passive, [])


async def test_a_wechat_turn_whose_store_commit_failed_after_its_answer_went_out_sends_it_again(
    wechat, monkeypatch
):
    """The passive reply and the texts after it went out, then the conversation store's
    commit failed: the turn is tried again, answered from its checkpoint, and its texts go
    again (at least once); the texts that went out then are noted for WeChat's retries."""
    user = wechat
    bot_of(user).retry_pause_s = 0
    store = user.client.server.app[CONVERSATIONS]
    fail_once(monkeypatch, store, "commit", ConnectionError("connection cut"))
    xml = text_xml(user.openid, "/start", msg_id=secrets.randbelow(10**12))
    passive, pushed = await welcome(user, xml)
    assert "欢迎" in passive and len(pushed) == 4 and pushed[:2] == pushed[2:]
    assert await welcome(user, xml) == (passive, [])
