"""出发 / on my way: the customer is told when to expect the worker — from the minutes the
worker says, a location they share (then or a little before), or the booked time."""

import pytest

from domain.geo import distance_m
from domain.people import GeoPoint
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    seed_worker,
    telegram_gps,
)
from webhooks.keys import DATABASE

NEARBY = (HOME[0] + 0.027, HOME[1])  # about 3 km north of the customers' home


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock: Clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


async def taken(app, client, fake, worker_uid: int, customer_uid: int):
    """A worker (their base far from the customer) took tomorrow's 15:00 order; an hour
    before it. Returns the worker, the customer and the order number."""
    await seed_worker(app, channel="telegram", user_id=str(worker_uid), center=HOME)
    customer = TelegramUser(client, fake, customer_uid)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake, worker_uid)
    await worker.say(f"/accept #{number}")
    await near_the_start(app, number, minutes_before=60)  # 14:00 in Shanghai
    return worker, customer, number


async def stored(app, number: int):
    async with app[DATABASE].uow() as uow:
        return await uow.orders.by_number(number)


def last_to(fake, uid: int) -> str:
    return fake.sent(uid)[-1]["text"]


async def test_the_worker_is_asked_when_they_arrive_and_a_wrong_answer_is_asked_again(
    tg, fake_telegram
):
    app, client = tg
    worker, customer, number = await taken(app, client, fake_telegram, 610001, 610101)
    told = len(fake_telegram.sent(610101))
    await worker.say(f"/onway #{number}")
    assert f"#{number} 预计多久到达" in worker.text()
    keys = [
        b["callback_data"]
        for row in worker.last[-2]["reply_markup"]["inline_keyboard"]
        for b in row
    ]
    assert keys == ["eta:15", "eta:30", "eta:45", "eta:60", "eta:booked"]
    assert len(fake_telegram.sent(610101)) == told  # not set off before the answer
    for wrong in ("马上", "0", "999"):
        await worker.say(wrong)
        assert "没看懂多久到达。请输入 1–240 之间的分钟数" in worker.text()
        assert f"#{number} 预计多久到达" in worker.text()  # and the question again
    assert (await stored(app, number)).status.value == "accepted"
    await worker.say("25分钟")
    assert "预计 25 分钟后(11月24日 周二 14:25)到达" in worker.text(), worker.text()
    assert last_to(fake_telegram, 610101) == (
        f"师傅 测试师傅(新师傅,暂无评价)已出发前往 #{number},预计 25 分钟后(14:25)到达。"
    )
    order = await stored(app, number)
    assert order.status.value == "on_the_way" and order.eta_minutes == 25
    assert order.timeline[-1].note == "eta:25:worker"


async def test_a_location_shared_on_setting_off_estimates_the_arrival_from_its_distance(
    tg, fake_telegram
):
    app, client = tg
    worker, customer, number = await taken(app, client, fake_telegram, 610002, 610102)
    await worker.say(f"/onway #{number}")
    await worker.share(location=telegram_gps(NEARBY))
    metres = distance_m(GeoPoint(*NEARBY), GeoPoint(*HOME))
    minutes = -(-metres * 60 // 20_000)  # at the rules' 20 km/h
    assert 8 <= minutes <= 10
    assert f"预计 {minutes} 分钟后" in last_to(fake_telegram, 610102)
    order = await stored(app, number)
    assert order.eta_minutes == minutes and order.timeline[-1].note == f"eta:{minutes}:location"


async def test_a_location_shared_a_little_before_sets_off_without_asking(tg, fake_telegram):
    app, client = tg
    worker, customer, number = await taken(app, client, fake_telegram, 610003, 610103)
    await worker.share(location=telegram_gps(NEARBY))  # at the menu: too far to check in
    assert "需在" in worker.text()
    await worker.say(f"/onway #{number}")
    assert "预计多久到达" not in worker.text() and "已通知客户您已出发" in worker.text()
    assert (await stored(app, number)).timeline[-1].note.endswith(":location")


async def test_the_booked_time_is_the_estimate_when_the_worker_cannot_say(tg, fake_telegram):
    app, client = tg
    worker, customer, number = await taken(app, client, fake_telegram, 610004, 610104)
    await worker.say(f"/onway #{number}")
    await worker.choose("按预约时间")
    assert last_to(fake_telegram, 610104).endswith("预计按预约时间 15:00 左右到达。")
    assert (await stored(app, number)).timeline[-1].note == "eta:60:booked"


async def test_the_customers_order_shows_when_the_worker_on_the_way_is_expected(tg, fake_telegram):
    app, client = tg
    worker, customer, number = await taken(app, client, fake_telegram, 610005, 610105)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "状态:已接单\n时间" in customer.text()  # not set off: nothing expected yet
    await worker.say(f"/onway #{number}")
    await worker.say("25分钟")
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "状态:师傅在路上\n师傅预计 11月24日 周二 14:25 左右到达\n" in customer.text(), (
        customer.text()
    )
    await customer.say("English")  # the same detail, in English
    assert "Status: worker on the way\nExpected around Tue 24 Nov 14:25\n" in customer.text()
