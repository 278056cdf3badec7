"""A recurring visit whose order fails unexpectedly (an error, not a rule's refusal), the
sweep driven directly with the clock: a passing fault is tried again by the next sweeps and
mends unseen; a fault that lasts ``booking.recurring_retry_minutes`` from the first failure
skips the visit once, the customer and ops told once; two processes sweeping at once count
from the same first failure and skip it once."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from conversations.services import order_steps
from domain.commands import GenerateRecurring
from domain.privacy import mask_phone
from store.tables import SubscriptionRow
from tests.e2e.helpers import RULES, Clock, TelegramUser
from tests.e2e.test_recurring import at, orders_of, repeat_weekly, sweep, tg_app
from tests.e2e.test_reminders import book, texts
from webhooks.keys import DATABASE, SERVICES

OPS, OPS_EN = 772998, 772997
RETRY = timedelta(minutes=RULES.booking.recurring_retry_minutes)
SWEEP_EVERY = timedelta(minutes=10)  # the scheduler's period for GenerateRecurring


@pytest.fixture(params=["fresh_sqlite_url", "own_postgres_url"])
def any_db(request):
    return request.getfixturevalue(request.param)


def hiccup() -> OperationalError:
    return OperationalError("INSERT INTO orders …", {}, ConnectionResetError("server closed"))


async def failed_at(app, chat: int):
    """When the customer's booking's next visit first failed (None: it has not)."""
    order, *_ = await orders_of(app, chat)
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(
            select(SubscriptionRow.visit_failed_at).where(
                SubscriptionRow.customer_id == order.customer_id
            )
        )
        return rows.one()


async def test_a_visit_that_fails_once_is_made_by_the_next_sweep_and_nobody_is_told(
    aiohttp_client, tmp_path, any_db, pii_key, fake_telegram, clock, monkeypatch
):
    app = tg_app(tmp_path, any_db, pii_key, fake_telegram, clock, admins=f"telegram:{OPS}:ops")
    customer = TelegramUser(await aiohttp_client(app), fake_telegram, 772031)
    first = await book(customer, "明天 15:00")  # Tuesday 24 Nov; weekly from 1 Dec
    await repeat_weekly(customer, first)
    place, tries = order_steps.place, []

    async def flaky(*args, **kw):
        tries.append(clock())
        if len(tries) == 1:
            raise hiccup()
        return await place(*args, **kw)

    monkeypatch.setattr(order_steps, "place", flaky)
    clock.now = at(24, 15, 1)
    await sweep(app, times=1)
    assert len(tries) == 1 and len(await orders_of(app, 772031)) == 1
    assert not texts(fake_telegram, 772031, "未能生成订单")
    assert await failed_at(app, 772031) == at(24, 15, 1)

    clock.now += SWEEP_EVERY
    await sweep(app)
    orders = await orders_of(app, 772031)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(1, 15)]
    assert len(texts(fake_telegram, 772031, "已为您生成")) == 1
    assert not texts(fake_telegram, 772031, "未能生成订单")
    assert not texts(fake_telegram, OPS, "生成订单时出错")
    await customer.say("/recurring")
    assert "(下次 12月8日 周二 15:00)" in customer.text()
    assert await failed_at(app, 772031) is None  # 8 Dec's visit starts with a clean slate


async def test_a_visit_failing_past_the_retry_time_is_skipped_once_with_customer_and_ops_told(
    aiohttp_client, tmp_path, any_db, pii_key, fake_telegram, clock, monkeypatch
):
    admins = f"telegram:{OPS}:ops,telegram:{OPS_EN}:ops"
    app = tg_app(tmp_path, any_db, pii_key, fake_telegram, clock, admins=admins)
    client = await aiohttp_client(app)
    await TelegramUser(client, fake_telegram, OPS_EN, lang="en").say("/help")  # reads English
    customer = TelegramUser(client, fake_telegram, 772032)
    first = await book(customer, "明天 15:00")
    await repeat_weekly(customer, first)
    place, tries = order_steps.place, []

    async def broken(*args, **kw):
        tries.append(clock())
        raise hiccup()

    monkeypatch.setattr(order_steps, "place", broken)
    clock.now = start = at(24, 15, 1)
    while clock.now < start + RETRY:  # every sweep until the retry time is up tries again
        await sweep(app, times=1)
        clock.now += SWEEP_EVERY
    assert tries == [start + n * SWEEP_EVERY for n in range(RETRY // SWEEP_EVERY)]
    assert not texts(fake_telegram, 772032, "未能生成订单")
    assert not texts(fake_telegram, OPS, "生成订单时出错")

    assert clock.now == start + RETRY
    await sweep(app, times=3)
    [skipped] = texts(fake_telegram, 772032, "未能生成订单")
    assert "12月1日 周二 15:00" in skipped and "系统出错" in skipped
    assert "下次服务:12月8日 周二 15:00" in skipped
    [told] = texts(fake_telegram, OPS, "生成订单时出错")
    assert "12月1日 周二 15:00" in told and "12月8日 周二 15:00" in told
    # the booking as its customer's list names it, the customer by name and masked phone
    customer_of = (await orders_of(app, 772032))[0].customer_id
    async with app[DATABASE].uow() as uow:
        person = await uow.customers.get(customer_of)
    who = f"{person.name} {mask_phone(person.phone)}"
    assert told.startswith(f"定期预约「每周二 15:00 日常保洁」(客户 {who})12月1日 周二 15:00 "), (
        told
    )
    [english] = texts(fake_telegram, OPS_EN, "making the order")
    assert english.startswith(
        f'Recurring booking "every Tuesday at 15:00: Daily cleaning" of {who}: '
        "making the order of the Tue 1 Dec 15:00 visit failed"
    ), english
    assert "Next visit: Tue 8 Dec 15:00." in english
    assert told.endswith("下次上门:12月8日 周二 15:00。需要的话请为客户手动预约这次。")  # no id
    assert len(await orders_of(app, 772032)) == 1
    assert await failed_at(app, 772032) is None

    monkeypatch.setattr(order_steps, "place", place)  # mended: the next visit is made
    clock.now = at(1, 15, 1)
    await sweep(app)
    orders = await orders_of(app, 772032)
    assert sorted(o.start_at for o in orders) == [at(24, 15), at(8, 15)]
    assert len(texts(fake_telegram, 772032, "未能生成订单")) == 1


async def test_two_processes_failing_one_visit_count_from_one_failure_and_skip_it_once(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_telegram, monkeypatch
):
    clock = Clock()
    ops = 7 * 10**9 + random.randrange(10**9)
    one, two = (
        tg_app(
            tmp_path / name,
            postgres_url,
            pii_key,
            fake_telegram,
            clock,
            redis_url=redis_url,
            admins=f"telegram:{ops}:ops",
        )
        for name in "ab"
    )
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    chat = 6 * 10**9 + random.randrange(10**9)  # Redis keeps conversations between runs
    customer = TelegramUser(client, fake_telegram, chat)
    first = await book(customer, "明天 15:00", (30.2 + random.random(), 114.0))
    await repeat_weekly(customer, first)

    async def broken(*args, **kw):
        raise hiccup()

    monkeypatch.setattr(order_steps, "place", broken)
    clock.now = start = at(24, 15, 1)

    async def race() -> None:
        await asyncio.gather(*[app[SERVICES].run(GenerateRecurring()) for app in (one, two) * 4])

    await race()
    assert await failed_at(one, chat) == start
    clock.now = start + RETRY - SWEEP_EVERY
    await race()  # the first failure still counts, whichever process noted it
    assert await failed_at(one, chat) == start
    assert not texts(fake_telegram, chat, "未能生成订单")
    clock.now = start + RETRY
    await race()
    assert len(texts(fake_telegram, chat, "未能生成订单")) == 1
    assert len(texts(fake_telegram, ops, "生成订单时出错")) == 1
    assert len(await orders_of(one, chat)) == 1
