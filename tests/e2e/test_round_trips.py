"""Round trips per chat turn on the operators' set-up (PostgreSQL + Redis), counted from the
outside — SQLAlchemy's engine events and the Redis client's commands — so a regression fails:
a turn that only moves the conversation makes no database round trip and two Redis round
trips (the turn's begin and commit scripts), its answer of several messages too: those pushed
besides the webhook response go out before the commit, whose script notes how many (so that a
retry does not send them again); a turn that changes state (signing up, the quote, placing the
order, paying with the offer to a worker) runs in one PostgreSQL transaction, reads included
— with cold caches of admins and prices too."""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

import pytest
from redis.asyncio.client import Pipeline
from sqlalchemy import event

from store.pg_direct import observe
from tests.e2e.helpers import TelegramUser, WeChatUser, make_app, on_telegram, on_wechat
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CLOCK, DATABASE, REDIS

MOVES = [("choose", "预约服务"), ("choose", "保洁"), ("choose", "日常保洁"), ("choose", "2小时")]


class RoundTrips:
    """What one webhook request cost: SQL statements, transactions begun, Redis round trips
    (a command, a script, or a whole pipeline)."""

    def __init__(self, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: Counter[str] = Counter()
        engine = app[DATABASE].engine.sync_engine
        event.listen(engine, "before_cursor_execute", lambda *a, **k: self._hit("sql"))
        # the statements store.pg_direct runs on asyncpg's connection, past SQLAlchemy's events
        observe(app[DATABASE].engine, lambda sql: self._hit("sql"))  # gone with the app's engine
        event.listen(engine, "begin", lambda *a, **k: self._hit("transactions"))
        client = app[REDIS]
        command = client.execute_command

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self._hit("redis")
            return await command(*args, **kwargs)

        monkeypatch.setattr(client, "execute_command", counted)
        execute = Pipeline.execute

        async def pipelined(pipe: Pipeline, *args: Any, **kwargs: Any) -> Any:
            self._hit("redis")
            return await execute(pipe, *args, **kwargs)

        monkeypatch.setattr(Pipeline, "execute", pipelined)

    def _hit(self, what: str) -> None:
        self.seen[what] += 1

    async def of(self, step: Any) -> dict[str, int]:
        self.seen.clear()
        await step
        return {k: self.seen[k] for k in ("sql", "transactions", "redis")}


@pytest.fixture
def operators_app(tmp_path, own_postgres_url, redis_url, pii_key, clock):
    """The app on the operators' set-up (a database of its own, Redis), on ``channel``'s
    settings."""

    def made(channel: dict[str, str]) -> Any:
        return make_app(
            tmp_path, own_postgres_url, pii_key, clock=clock, redis_url=redis_url, **channel
        )

    return made


@pytest.fixture
async def counted(aiohttp_client, operators_app, fake_telegram, monkeypatch):
    app = operators_app(on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    user = TelegramUser(client, fake_telegram, 990_000_000 + secrets.randbelow(10**6))
    return user, RoundTrips(app, monkeypatch)


async def test_moving_through_the_booking_makes_no_database_round_trip(counted):
    user, trips = counted
    await user.say("/start")
    for kind, what in MOVES:
        cost = await trips.of(getattr(user, kind)(what))
        assert cost == {"sql": 0, "transactions": 0, "redis": 2}, (what, cost)


async def test_on_wechat_the_replay_check_rides_on_the_turns_claim(
    aiohttp_client, operators_app, fake_wechat, monkeypatch
):
    """A signed WeChat message is checked against replays in the script that claims it: a
    move costs the same two Redis round trips as on Telegram (three before)."""
    app = operators_app(on_wechat(fake_wechat))
    client = await aiohttp_client(app)
    openid = f"o-trips-{secrets.token_hex(4)}"
    user = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))
    trips = RoundTrips(app, monkeypatch)
    await user.say("你好")
    cost = await trips.of(user.say("1"))  # 预约服务
    assert "保洁" in user.last_text
    assert cost == {"sql": 0, "transactions": 0, "redis": 2}, cost


async def test_the_quote_and_placing_the_order_each_run_in_one_transaction(counted):
    user, trips = counted
    await user.say("/start")
    for kind, what in MOVES:
        await getattr(user, kind)(what)
    await user.say("明天 15:00")
    quote = await trips.of(user.say("浦东新区世纪大道100号 5楼"))
    assert "合计" in user.text()
    # the quote is pushed, the phone's request rides on the webhook response: the quote is
    # pushed before the commit, whose script notes it as sent (3 when a command of its own
    # noted it after the commit)
    assert len(user.last) == 2
    assert quote["transactions"] == 1 and quote["redis"] == 2, quote
    # the customer with their coupons and cards (one statement; 5 before), and the prices
    # this process has not read yet
    assert quote["sql"] <= 2, quote
    placed = await trips.of(user.say(user.phone))  # the phone at the first quote places it
    assert "已提交" in user.text() and len(user.last) == 1
    assert placed["transactions"] == 1 and placed["redis"] == 2, placed
    # the order, its quote lines, timeline and payment request in one INSERT, its number
    # drawn without a SELECT (store.new_orders); the customer read with their order stats,
    # the other accounts with the number, their recent cancellations (the risk rule), the
    # number of price changes (the prices the quote read are not read again) and the
    # coupons and cards they hold, in one statement; the payer the account placing it (not
    # read): 5 statements where there were 16
    assert placed["sql"] <= 5, placed


async def test_signing_up_runs_in_one_transaction(counted):
    user, trips = counted
    cost = await trips.of(user.say("/start"))
    assert cost["transactions"] <= 1 and cost["redis"] <= 2, cost
    # the cold caches' reads of admins and prices, the checkpoint, the chat account (read
    # once: the sign-up's INSERT checks it is new), the customer with their chat account —
    # noted as written on, so the turn's note changes nothing and is not sent — and welcome
    # coupon in one statement (store.new_customers), the checkpoint: 6 where there were 10
    assert cost["sql"] <= 6, cost


async def test_paying_runs_in_one_transaction(counted):
    user, trips = counted
    await user.say("/start")
    for kind, what in MOVES:
        await getattr(user, kind)(what)
    await user.say("明天 15:00")
    await user.say("浦东新区世纪大道100号 5楼")
    await user.say(user.phone)
    cost = await trips.of(user.choose("确认支付"))
    assert "支付成功" in user.text()
    assert cost["transactions"] <= 1 and cost["redis"] <= 2, cost
    # the payment request read with its order, under the order's lock, in one statement
    # (store.order_queries.PAID_ORDER_LOCKED), offered as credited (its quote lines
    # read only for an offer; nobody is free here), each save one statement with its
    # timeline events (store.order_saves), the payment's claim with its journal
    # (store.payment_claims), the customer's previous workers read with their level, no
    # offers read for an order never dispatched before, the credited order saved once with
    # the dispatch's changes: 8 where there were 19
    assert cost["sql"] <= 8, cost
