"""An order booked for as soon as possible (尽快上门) starts ``asap_lead_minutes`` away at the
soonest: the worker who takes it, sets off at once and arrives when they told the customer
is let in at the door. Before, check-in opened only ``checkin_before_minutes`` before that
start, so a worker who said "20 minutes" waited outside for half an hour, refused with
"还没到打卡时间". A booked time keeps its rule."""

import pytest

from domain.execution import checkin_lead_minutes
from domain.people import Channel
from domain.rules import ExecutionRules
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    confirm_order,
    make_app,
    on_telegram,
    seed_worker,
    telegram_gps,
)
from webhooks.keys import DATABASE


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


async def test_a_worker_who_sets_off_at_once_for_an_asap_order_checks_in_on_arrival(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="640001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 640101)
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("2小时")
    await customer.choose("尽快上门")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("8楼801")
    await confirm_order(customer)
    await customer.choose("确认支付")
    async with app[DATABASE].uow() as uow:
        [order] = await uow.orders.for_customer(
            (await uow.customers.by_identity(Channel.TELEGRAM, "640101")).id
        )
    assert order.asap and (order.start_at - clock()).total_seconds() >= 90 * 60
    worker = TelegramUser(client, fake_telegram, 640001)
    await worker.say(f"/accept #{order.number}")
    await worker.say(f"/onway #{order.number}")
    await worker.say("20")
    assert "已通知客户" in worker.text()
    clock.advance(minutes=20)  # there when they said: still more than an hour before the start
    await worker.say("任务")
    assert f"打卡 #{order.number}" in worker.text()
    await worker.say(f"/checkin #{order.number}")
    assert "还没到打卡时间" not in worker.text(), worker.text()
    await worker.share(location=telegram_gps(HOME))
    assert "位置已确认" in worker.text(), worker.text()
    async with app[DATABASE].uow() as uow:
        done = await uow.orders.by_number(order.number)
    assert done is not None and done.checkin is not None


def test_an_asap_order_is_checked_in_to_as_early_as_it_is_set_off_for_a_booked_one_is_not():
    rules = ExecutionRules(depart_before_minutes=180, checkin_before_minutes=60)
    assert checkin_lead_minutes(rules, asap=True) == 180
    assert checkin_lead_minutes(rules, asap=False) == 60
    assert checkin_lead_minutes(ExecutionRules(30, 20, 90), asap=True) == 90  # never less
