"""A button pressed on an older message, once the order or the chat has moved on: an order's
"去支付", "改约时间", "取消订单" and "确认完成" act on their own order (named in the button),
whose status is checked then — a paid, cancelled or confirmed order says so, with its detail;
a button that names no order and that the screen shown does not take says it has expired,
and the screen is asked again. Never a silent jump to the main menu. On Telegram (callback
data of an old message) and on WeChat (the words a notice says to reply with)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    book,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
)
from tests.e2e.test_media_links import WORKER, book_on_wechat, finish
from tests.fakes.telegram import callback_update
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CLOCK

OPS = 870001
MENU = "请选择您需要的服务"


@pytest.fixture
async def running(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    settings = {**on_telegram(fake_telegram), **on_wechat(fake_wechat)}
    app = make_app(
        tmp_path, fresh_sqlite_url, pii_key, clock=clock, admins=f"telegram:{OPS}:ops", **settings
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client


class Screen:
    """A message with inline buttons as the customer still sees it, pressed later."""

    def __init__(self, user: TelegramUser) -> None:
        self.user = user
        message = user.last[-1]
        self.message_id = message["message_id"]
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        self.keys = {
            b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b
        }

    async def press(self, label: str) -> str:
        key = next(k for text, k in self.keys.items() if label in text)
        assert await self.user.post(callback_update(self.user.uid, key, self.message_id)) == 200
        return self.user.text()


async def detail_of(customer: TelegramUser, number: int) -> Screen:
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert f"#{number} " in customer.text() and "状态:" in customer.text()
    return Screen(customer)


def shows_detail(text: str, number: int) -> bool:
    return f"#{number} 日常保洁" in text and "状态:" in text and MENU not in text


async def test_an_orders_old_buttons_say_it_was_paid_or_cancelled_with_its_detail(
    running, fake_telegram
):
    app, client = running
    customer = TelegramUser(client, fake_telegram, 870101)
    number = await book(customer)
    assert number is not None
    detail = await detail_of(customer, number)
    await customer.choose("去支付")
    await customer.choose("确认支付")
    assert "支付成功" in customer.text() and MENU in customer.text()

    said = await detail.press("去支付")
    assert f"订单 #{number} 已支付,现在无需再付款" in said and shows_detail(said, number), said

    await TelegramUser(client, fake_telegram, OPS).say(f"/cancel #{number} 客户来电")
    said = await detail.press("改约时间")
    assert f"订单 #{number} 已取消,无法改约时间。" in said and shows_detail(said, number), said
    said = await detail.press("取消订单")
    assert "不能取消" in said and shows_detail(said, number), said
    said = await detail.press("去支付")
    assert f"订单 #{number} 已取消,不能再支付" in said and shows_detail(said, number), said


async def test_a_button_of_another_orders_detail_acts_on_its_own_order(running, fake_telegram):
    _, client = running
    customer = TelegramUser(client, fake_telegram, 870102)
    first = await book(customer)
    second = await book(customer, when="后天 15:00")
    assert first is not None and second is not None and first != second
    old = await detail_of(customer, first)
    await detail_of(customer, second)  # the chat moved on to the other order

    said = await old.press("取消订单")
    assert f"取消订单 #{first}" in said and f"#{second}" not in said, said
    await customer.choose("不取消")
    said = await old.press("改约时间")
    assert f"订单 #{first} 改到什么时间" in said, said


async def test_an_old_button_naming_no_order_has_expired_and_the_screen_is_asked_again(
    running, fake_telegram
):
    _, client = running
    customer = TelegramUser(client, fake_telegram, 870103)
    number = await book(customer)
    assert number is not None
    checkout = Screen(customer)
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()

    said = await checkout.press("确认支付")  # the order is paid, the chat is at the menu
    assert "这个按钮已过期" in said and MENU in said, said
    for key in ("pay", "reschedule", "cancel"):  # an order screen's, from before they named it
        assert await customer.post(callback_update(customer.uid, key, 1)) == 200
        assert "这个按钮已过期" in customer.text() and MENU in customer.text()

    await customer.say("English")  # the same, in the language the person reads
    assert await customer.post(callback_update(customer.uid, "pay", 1)) == 200
    said = customer.text()
    assert "That button has expired" in said and "这个" not in said, said


async def test_confirming_a_finished_job_again_says_it_is_done_with_its_detail(
    running, fake_telegram, clock
):
    _, client = running
    customer = TelegramUser(client, fake_telegram, 870105)
    number = await book_and_pay(customer)
    await finish(client, fake_telegram, number, clock)
    [notice] = [m for m in fake_telegram.sent(customer.uid) if "已完工" in m.get("text", "")]
    customer.last = [notice]
    done = Screen(customer)
    said = await done.press("确认完成")
    assert f"订单 #{number} 已确认完成" in said, said

    said = await done.press("确认完成")  # Telegram's edit did not take the keyboard away
    assert "无需再确认完成" in said and shows_detail(said, number), said


def wechat(app: Any, client: Any, fake_wechat: Any, openid: str) -> WeChatUser:
    return WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))


async def test_on_wechat_the_words_of_an_old_notice_say_why_with_the_orders_detail(
    running, fake_telegram, fake_wechat
):
    app, client = running
    customer = wechat(app, client, fake_wechat, "o-stale-words")
    number = await book_on_wechat(customer)

    said = await customer.say(f"支付 #{number}")  # "回复「支付 #N」" of a payment notice
    assert f"订单 #{number} 已支付,现在无需再付款" in said, said
    assert f"#{number} 日常保洁" in said and "1. 改约时间" in said, said

    await TelegramUser(client, fake_telegram, OPS).say(f"/cancel #{number} 客户来电")
    said = await customer.say(f"改期 #{number}")
    assert f"订单 #{number} 已取消,无法改约时间。" in said and f"#{number} 日常保洁" in said, said
    assert "改到什么时间" not in said
