"""A customer with a paid order asks about it in their own words in the web chat, in Chinese
and in English — where is it, when does the worker come, cancel it, a refund, a complaint,
a person — and gets the screen My orders, the cancellation, the complaint or support has for
it; "when will the cleaner come?" starts no booking, "I need a cleaner tomorrow" still does."""

from __future__ import annotations

import re

import pytest

from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor
from tests.e2e.helpers import (
    HOME,
    Clock,
    WebUser,
    book_on_web,
    make_app,
    order_of,
    taken_by_a_worker,
)
from webhooks.keys import CLOCK, DATABASE

ADDRESS = "88 Caoxi North Road, Xuhui District, Room 1201"


class EnglishWebUser(WebUser):
    """A person in the web chat whose browser speaks English."""

    async def send(self, **message):
        message.setdefault("lang", "en-US")
        return await super().send(**message)


@pytest.fixture
async def shop(aiohttp_client, tmp_path, sqlite_url, pii_key):
    app = make_app(tmp_path, sqlite_url, pii_key, clock=Clock())
    return app, await aiohttp_client(app)


async def chinese(client) -> WebUser:
    user = WebUser(client)
    await user.open()
    return user


async def english(client) -> EnglishWebUser:
    user = EnglishWebUser(client)
    await user.open()
    await user.say("hi")
    assert "Book a service" in user.text(), user.text()
    return user


async def book_in_english(customer: EnglishWebUser, at: str = "13:00") -> int:
    """Two hours of daily cleaning today at ``at``, paid in the sandbox; the number."""
    for option in ("Book a service", "Cleaning", "Daily cleaning", "2 hours", at):
        await customer.choose(option)
    await customer.say(ADDRESS)
    await customer.choose("Confirm order")
    if "mobile" in customer.text():
        await customer.send(type="contact", phone=customer.phone)
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed is not None, customer.text()
    await customer.choose("Pay ¥")
    assert "Paid" in customer.text(), customer.text()
    return int(placed.group(1))


async def book_in_chinese(customer: WebUser, when: str = "明天 15:00") -> int:
    """As ``book_on_web``, a second time too (the phone number asked only once)."""
    await customer.say("/start")
    for option in ("预约服务", "保洁", "日常保洁", "2小时"):
        await customer.choose(option)
    await customer.say(when)
    await customer.send(type="location", lat=HOME[0], lon=HOME[1], label="人民广场")
    await customer.say("8楼801")
    await customer.choose("确认下单")
    if "手机号" in customer.text():
        await customer.send(type="contact", phone=customer.phone)
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed is not None, customer.text()
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()
    return int(placed.group(1))


async def finished(app, number: int, user_id: str) -> None:
    """The order's worker came and finished it just now (arranged in the store)."""
    worker_id = await taken_by_a_worker(app, number, user_id)
    now = app[CLOCK]()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert order is not None
        for action in (Action.DEPART, Action.ARRIVE, Action.START, Action.FINISH):
            order.apply(action, Actor(ActorKind.WORKER, str(worker_id)), now)
        order.finished_at = now
        await uow.orders.save(order, now)
        await uow.commit()


@pytest.mark.parametrize("question", ["订单到哪了", "师傅什么时候到", "有人接单吗"])
async def test_where_is_my_order_with_one_order_shows_its_detail(shop, question):
    _, client = shop
    customer = await chinese(client)
    number = await book_on_web(customer)
    await customer.say(question)
    detail = customer.text()
    assert f"#{number} 日常保洁" in detail and "状态:派单中" in detail, detail
    assert "没太明白" not in detail


@pytest.mark.parametrize(
    "question", ["where is my order", "when will the cleaner come?", "where is my cleaner?"]
)
async def test_where_is_my_cleaner_in_english_shows_the_order_and_books_nothing(shop, question):
    _, client = shop
    customer = await english(client)
    number = await book_in_english(customer)
    await customer.say(question)
    detail = customer.text()
    assert f"#{number} Daily cleaning" in detail and "Status:" in detail, detail
    assert "Sorry" not in detail and "What time" not in detail and "address" not in detail
    await customer.say("menu")
    await customer.say("I need a cleaner tomorrow 3pm")  # a request still books
    assert "How many hours?" in customer.text() and f"#{number}" not in customer.text()


async def test_with_two_orders_the_list_comes_to_pick_from(shop):
    _, client = shop
    customer = await chinese(client)
    first = await book_in_chinese(customer, "明天 15:00")
    second = await book_in_chinese(customer, "后天 10:00")
    await customer.say("订单状态")
    assert "您最近的订单" in customer.text()
    assert f"#{first}" in customer.text() and f"#{second}" in customer.text()


async def test_in_english_with_two_orders_the_list_comes(shop):
    _, client = shop
    customer = await english(client)
    first = await book_in_english(customer, "13:00")
    second = await book_in_english(customer, "15:00")
    await customer.say("status")
    assert "Your recent orders" in customer.text(), customer.text()
    assert f"#{first}" in customer.text() and f"#{second}" in customer.text()


async def test_with_no_order_it_says_there_is_none(shop):
    _, client = shop
    customer = await chinese(client)
    await customer.say("/start")
    await customer.say("订单到哪了")
    assert "您还没有订单" in customer.text(), customer.text()


async def test_in_english_with_no_order_it_says_there_is_none(shop):
    _, client = shop
    customer = await english(client)
    await customer.say("where is my order")
    assert "You have no orders yet" in customer.text(), customer.text()


async def test_cancel_reaches_the_confirmation_and_cancels_nothing_before_it(shop):
    app, client = shop
    customer = await chinese(client)
    number = await book_on_web(customer)
    await customer.say("不要了,取消订单")
    assert f"取消订单 #{number}" in customer.text() and "确认取消吗" in customer.text()
    order = await order_of(app, number)
    assert order.status != OrderStatus.CANCELLED
    await customer.choose("确认取消")
    assert f"订单 #{number} 已取消" in customer.text()


async def test_cancel_in_english_reaches_the_confirmation(shop):
    app, client = shop
    customer = await english(client)
    number = await book_in_english(customer)
    await customer.say("cancel my order")
    assert f"Cancel order #{number}" in customer.text(), customer.text()
    assert (await order_of(app, number)).status != OrderStatus.CANCELLED
    await customer.choose("keep it")  # "不取消"
    assert (await order_of(app, number)).status != OrderStatus.CANCELLED


@pytest.mark.parametrize("question", ["退款", "我要投诉"])
async def test_refund_or_complaint_of_a_served_order_starts_its_complaint(shop, question):
    app, client = shop
    customer = await chinese(client)
    number = await book_on_web(customer)
    await finished(app, number, f"6{number}")
    await customer.say(question)
    assert f"投诉订单 #{number}" in customer.text(), customer.text()


@pytest.mark.parametrize("question", ["refund", "I want to complain"])
async def test_refund_or_complaint_in_english_starts_the_complaint(shop, question):
    app, client = shop
    customer = await english(client)
    number = await book_in_english(customer)
    await finished(app, number, f"7{number}")
    await customer.say(question)
    assert f"Order #{number}: what went wrong?" in customer.text(), customer.text()


async def test_a_refund_before_the_visit_is_the_cancellation_with_its_refund(shop):
    _, client = shop
    customer = await english(client)
    number = await book_in_english(customer)
    await customer.say("refund please")
    assert f"Cancel order #{number}" in customer.text(), customer.text()


@pytest.mark.parametrize(("question", "lang"), [("转人工", "zh"), ("human", "en")])
async def test_a_person_asked_for_is_support(shop, question, lang):
    _, client = shop
    customer = await (chinese(client) if lang == "zh" else english(client))
    if lang == "zh":
        await customer.say("/start")
    await customer.say(question)
    assert ("客服" if lang == "zh" else "support") in customer.text(), customer.text()


async def test_at_the_bookings_category_where_is_my_cleaner_shows_the_order(shop):
    _, client = shop
    customer = await english(client)
    number = await book_in_english(customer)
    await customer.say("menu")
    await customer.choose("Book a service")
    await customer.say("where is my cleaner?")
    detail = customer.text()
    assert f"#{number} Daily cleaning" in detail and "Status:" in detail, detail
    assert "How many hours?" not in detail


async def test_at_the_bookings_category_a_question_with_no_order_goes_on_with_it(shop):
    _, client = shop
    customer = await chinese(client)
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.say("师傅什么时候到")
    said = customer.text()
    assert "您还没有订单" in said and "保洁" in said, said  # the category asked again
    await customer.choose("保洁")
    assert "日常保洁" in customer.text(), customer.text()


async def test_progress_from_a_customer_shows_their_order(shop):
    _, client = shop
    customer = await chinese(client)
    number = await book_on_web(customer)
    await customer.say("进度")
    detail = customer.text()
    assert f"#{number} 日常保洁" in detail and "状态:派单中" in detail, detail
    assert "您还不是我们的师傅" not in detail


async def test_a_request_typed_on_an_orders_detail_starts_the_booking(shop):
    _, client = shop
    customer = await chinese(client)
    number = await book_on_web(customer)
    await customer.choose("我的订单")
    await customer.choose(f"#{number}")
    assert f"#{number} 日常保洁" in customer.text(), customer.text()
    await customer.say("后天下午三点 日常保洁 3小时")
    said = customer.text()
    assert "没太明白" not in said and "地址" in said, said  # all but the address was named


async def test_on_an_orders_detail_a_move_with_its_time_is_its_confirmation(shop):
    """ "改到后天上午10点" on an order's detail books nothing: that order's move, to confirm."""
    app, client = shop
    customer = await chinese(client)
    number = await book_on_web(customer)
    await customer.say("我的订单")
    await customer.choose(f"#{number}")
    await customer.say("改到后天上午10点")
    shown = customer.text()
    assert f"将订单 #{number} 改约到 11月25日 周三 10:00" in shown and "确认改约吗" in shown, shown
    assert "请选择服务类别" not in shown
    assert (await order_of(app, number)).start_at.hour == 7  # 15:00 +08:00 until the yes
    await customer.choose("确认改约")
    assert f"订单 #{number} 已改约到 11月25日 周三 10:00" in customer.text(), customer.text()


async def test_in_english_a_move_with_its_time_at_the_menu_is_its_confirmation(shop):
    app, client = shop
    customer = await english(client)
    number = await book_in_english(customer)  # today 13:00
    await customer.say("reschedule to tomorrow 3pm")
    shown = customer.text()
    assert f"Move order #{number} to Tue 24 Nov 15:00" in shown and "Confirm?" in shown, shown
    assert "How many hours?" not in shown
    await customer.choose("Confirm the new time")
    assert f"Order #{number} now starts at Tue 24 Nov 15:00" in customer.text(), customer.text()
