"""WeChat's five-second passive reply end to end: a retry of a message still running waits
for its answer and is answered alike; a slow turn answers ``success`` and its answer goes by
customer-service message; a turn that fails is tried again, and one never done is answered
"send it again" in the person's language; a person's messages are taken in the order they
came (fake WeChat API on loopback)."""

import asyncio

from tests.e2e.helpers import WeChatUser
from tests.e2e.test_wechat import place_on_wechat, wechat_app
from tests.fakes.wechat import (
    WeChatServer,
    text_xml,
)
from webhooks.keys import CHAT, CLOCK


class Gate:
    """Every command of the app's chat engine waits here until the test opens the gate: a turn
    stays in flight as long as the test likes, instead of a sleep making it slow."""

    def __init__(self, app) -> None:
        self.reached = asyncio.Event()
        self.opened = asyncio.Event()
        engine = app[CHAT].engine
        run = engine.run

        async def gated(command):
            self.reached.set()
            await self.opened.wait()
            return await run(command)

        engine.run = gated


def requests_in(app, count: int) -> asyncio.Event:
    """Set once the WeChat bot has taken in ``count`` signed messages (each one's nonce
    taken for its claim: the step before the turn; a retry of a message in progress then
    waits, behind the first attempt, for its answer)."""
    from webhooks.keys import CHANNELS

    replay = app[CHANNELS]["wechat"].replay
    nonce = replay.nonce
    seen = asyncio.Event()
    calls = 0

    def counted(*args, **kw):
        nonlocal calls
        calls += 1
        if calls >= count:
            seen.set()
        return nonce(*args, **kw)

    replay.nonce = counted
    return seen


async def test_retries_while_the_first_is_still_running_wait_for_its_answer(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    gate, asked = Gate(app), requests_in(app, 3)
    xml = text_xml("o-concurrent", "/start", msg_id=777000222)
    posting = asyncio.gather(
        *[
            client.post("/wechat", params=q, data=b)
            for q, b in (server.request(xml) for _ in range(3))
        ]
    )
    await asyncio.wait_for(gate.reached.wait(), 5)  # the first attempt's turn is running
    await asyncio.wait_for(asked.wait(), 5)  # and both retries have come in meanwhile
    gate.opened.set()
    texts = [await r.text() for r in await asyncio.wait_for(posting, 10)]
    # WeChat gave up on the first request (it retried): each carries the answer, run once
    assert all("欢迎" in t for t in texts)
    metrics = await (await client.get("/metrics")).text()
    assert 'daojia_messages_total{channel="wechat",result="handled"} 1.0' in metrics
    assert 'daojia_messages_total{channel="wechat",result="duplicate"} 2.0' in metrics


async def test_a_slow_turn_answers_success_then_customer_service_messages(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    app[CHANNELS]["wechat"].budget_s = 0  # the turn held at the gate outlasts any budget
    gate = Gate(app)
    user = WeChatUser(client, fake_wechat, "o-slow", WeChatServer(clock=app[CLOCK]))
    answer = await asyncio.wait_for(user.post_xml(text_xml("o-slow", "/start"), settle=False), 5)
    assert answer == "success"
    await asyncio.wait_for(gate.reached.wait(), 5)  # answered while the turn runs
    assert fake_wechat.texts("o-slow") == []
    gate.opened.set()
    await app[CHANNELS]["wechat"].drain()
    texts = fake_wechat.texts("o-slow")
    assert len(texts) == 1 and "欢迎" in texts[0]
    assert fake_wechat.token_fetches == 1


async def test_the_wechat_helper_waits_for_a_slow_turn_and_reads_its_pushed_answer(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    """Under load a turn outlives the passive reply's budget: answered ``success``, it ends
    in the background and its answer is pushed later. The e2e person waits for it through the
    channel's ``drain`` (no sleep), reads that answer, and what they send next follows it."""
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    app[CHANNELS]["wechat"].budget_s = 0  # every turn outlasts the budget
    user = WeChatUser(client, fake_wechat, "o-helper", WeChatServer(clock=app[CLOCK]))
    assert await user.post_xml(text_xml("o-helper", "/start")) == "success"
    assert "欢迎" in user.last_text, user.last_text  # pushed by the turn, and waited for
    assert not app[CHANNELS]["wechat"].follow_ups.tasks  # nothing of it still running
    await user.choose("预约服务")  # an option of that answer: the turn's step was saved
    assert "保洁" in user.last_text, user.last_text
    assert len(fake_wechat.texts("o-helper")) >= 2


def failing(app, times: int) -> list[str]:
    """The chat engine's first ``times`` turns fail as a turn does that waited out another's
    lock (``stayed locked``); the list names what each call did."""
    engine = app[CHAT].engine
    handle = engine.handle
    calls: list[str] = []

    async def flaky(event, deliver=None):
        if len(calls) < times:
            calls.append("failed")
            raise TimeoutError(f"conversation wechat:{event.user_id} stayed locked")
        calls.append("ran")
        return await handle(event, deliver)

    engine.handle = flaky
    return calls


async def test_paying_after_the_reply_came_too_late_is_not_lost(
    aiohttp_client, tmp_path, db_url, pii_key, fake_wechat
):
    """Under load the pay message waited past the person's lock for the slow turn before it
    and failed after WeChat had been answered ``success`` (it never sends it again): the
    placed order stayed unpaid in silence. It is tried again, and the payment goes through."""
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, db_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    user = WeChatUser(client, fake_wechat, "o-late-pay", WeChatServer(clock=app[CLOCK]))
    await place_on_wechat(user)
    bot = app[CHANNELS]["wechat"]
    bot.budget_s, bot.retry_pause_s = 0, 0  # the pay turn outlasts the passive reply's budget
    calls = failing(app, 1)
    await user.choose("确认支付")  # answered ``success``; the helper waits for the turn
    assert "支付成功" in user.last_text
    assert calls == ["failed", "ran"]
    texts = fake_wechat.texts("o-late-pay")
    assert len(texts) == 1 and "支付成功" in texts[0]


async def test_a_message_that_cannot_be_done_is_answered_so(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    from bots.wechat import ATTEMPTS
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    bot = app[CHANNELS]["wechat"]
    bot.budget_s, bot.retry_pause_s = 0, 0
    calls = failing(app, ATTEMPTS)
    user = WeChatUser(client, fake_wechat, "o-not-done", WeChatServer(clock=app[CLOCK]))
    assert await user.post_xml(text_xml("o-not-done", "/start")) == "success"
    await bot.drain()
    assert calls == ["failed"] * ATTEMPTS
    assert fake_wechat.texts("o-not-done") == [
        "抱歉,系统繁忙,您刚才的消息没有处理成功,请再发一次。"
    ]


async def test_a_persons_messages_are_taken_in_order(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    """The next message waits for the one before it in the process, not for the person's
    lock (where it could give up while a slow turn runs on)."""
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    bot = app[CHANNELS]["wechat"]
    bot.budget_s = 0
    gate = Gate(app)
    user = WeChatUser(client, fake_wechat, "o-order", WeChatServer(clock=app[CLOCK]))
    claims = app[CHAT].engine.store
    begin, asked = claims.begin, []

    async def counted(*args, **kw):
        asked.append(args[2])  # the message id
        return await begin(*args, **kw)

    claims.begin = counted
    assert await user.post_xml(text_xml("o-order", "/start", msg_id=1), settle=False) == "success"
    await asyncio.wait_for(gate.reached.wait(), 5)
    assert await user.post_xml(text_xml("o-order", "1", msg_id=2), settle=False) == "success"
    assert asked == ["m1"]  # the second has not asked for the lock while the first runs
    gate.opened.set()
    await bot.drain()
    assert asked == ["m1", "m2"]
    texts = fake_wechat.texts("o-order")
    assert len(texts) == 2 and "欢迎" in texts[0] and "欢迎" not in texts[1]


async def test_the_send_again_reply_speaks_the_persons_language(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    from bots.wechat import ATTEMPTS
    from webhooks.keys import CHANNELS

    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    user = WeChatUser(client, fake_wechat, "o-not-done-en", WeChatServer(clock=app[CLOCK]))
    await user.say("/start")
    await user.choose("English")
    bot = app[CHANNELS]["wechat"]
    bot.budget_s, bot.retry_pause_s = 0, 0
    calls = failing(app, ATTEMPTS)
    assert await user.post_xml(text_xml("o-not-done-en", "Book a service")) == "success"
    await bot.drain()
    assert calls == ["failed"] * ATTEMPTS
    assert fake_wechat.texts("o-not-done-en")[-1] == (
        "Sorry, we were too busy to handle your last message. Please send it again."
    )
