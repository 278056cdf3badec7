"""The sandbox payment page over HTTP, on SQLite and PostgreSQL: a payment it does not know is
404 whether shown or confirmed (409 is for one it knows but cannot take), and paying on the
page while tapping pay in the chat credits once and says "paid" once — the other attempt says
it was paid already."""

from __future__ import annotations

import asyncio
import re

import pytest

from domain.payments import PaymentStatus
from tests.e2e.helpers import TelegramUser, book, order_of, telegram_app
from webhooks.keys import DATABASE


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )


async def test_an_unknown_payment_is_not_found_whether_its_page_is_shown_or_confirmed(shop):
    _, client = shop
    for method in ("GET", "POST"):
        resp = await client.request(method, "/pay/sandbox/SBX0123456789ABCDEF")
        assert resp.status == 404, method
        assert "unknown payment" in await resp.text()


async def test_a_payment_paid_in_the_chat_is_shown_paid_when_confirmed_on_the_page(
    shop, fake_telegram
):
    _, client = shop
    customer = TelegramUser(client, fake_telegram, 831001)
    await book(customer)
    reference = re.search(r"/pay/sandbox/(SBX\w+)", str(customer.last)).group(1)
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    before = len(fake_telegram.sent(831001))
    resp = await client.post(f"/pay/sandbox/{reference}")
    html = await resp.text()
    assert resp.status == 200 and "已支付" in html and "支付成功" not in html
    assert "<form" not in html  # nothing more to pay
    assert fake_telegram.sent(831001)[before:] == []  # no second notice


@pytest.mark.parametrize("rounds", [3])
async def test_paying_on_the_page_and_in_the_chat_at_once_says_paid_once(
    shop, fake_telegram, rounds
):
    app, client = shop
    for n in range(rounds):  # either may win: each round, exactly one success is said
        uid = 831100 + n
        customer = TelegramUser(client, fake_telegram, uid)
        number = await book(customer)
        assert number is not None and "确认支付" in customer.text()
        reference = re.search(r"/pay/sandbox/(SBX\w+)", str(customer.last)).group(1)
        before = len(fake_telegram.sent(uid))

        page, _ = await asyncio.gather(
            client.post(f"/pay/sandbox/{reference}"), customer.choose("确认支付")
        )
        await customer.settled()
        html = await page.text()
        chat = [m.get("text", "") for m in fake_telegram.sent(uid)[before:]]
        assert page.status == 200, html
        page_won = "支付成功" in html  # its notice goes to the chat too
        chat_won = sum("支付成功" in t for t in chat)
        assert page_won + chat_won == 1, (chat, html)
        assert sum("已收到付款" in t for t in chat) == page_won, chat  # the page's notice
        already = sum("已支付过,无需重复支付" in t for t in chat)
        assert already == page_won, chat  # the chat lost: it says so
        if chat_won:  # the page lost: it shows the payment as paid, not "paid now"
            assert "已支付" in html and "<form" not in html
        order = await order_of(app, number)
        assert order.paid_cents > 0
        async with app[DATABASE].uow() as uow:
            payment = await uow.payments.by_reference(reference)
        assert payment is not None and payment.status == PaymentStatus.SUCCEEDED


async def test_words_after_paying_on_the_page_are_a_new_request_not_the_pay_question_again(
    shop, fake_telegram
):
    """The chat does not hear of a payment made on the page: words typed at its payment
    question read the order first — paid, they start what they ask (a new booking)."""
    _, client = shop
    customer = TelegramUser(client, fake_telegram, 831201)
    await book(customer)
    reference = re.search(r"/pay/sandbox/(SBX\w+)", str(customer.last)).group(1)
    assert (await client.post(f"/pay/sandbox/{reference}")).status == 200
    await customer.settled()
    await customer.say("再约一个日常保洁")
    said = customer.text()
    assert "没太明白" not in said and "确认支付" not in said, said
    assert "需要几小时" in said, said  # the booking of what they asked, under way


async def test_words_at_the_pay_question_of_an_unpaid_order_say_it_is_not_paid(
    shop, fake_telegram
):
    _, client = shop
    customer = TelegramUser(client, fake_telegram, 831202)
    number = await book(customer)
    await customer.say("好的")
    said = customer.text()
    assert f"订单 #{number} 还未支付。" in said and "确认支付" in said, said
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()


async def test_a_move_asked_at_the_pay_question_moves_the_new_order_then_it_is_paid(
    shop, fake_telegram
):
    """A move ("改到明天下午4点") asked at the payment question: the order just placed (unpaid) is
    moved — free, confirmed first — and the payment question comes back; paying it works."""
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 831203)
    number = await book(customer)
    await customer.say("改到明天下午4点")
    said = customer.text()
    assert f"将订单 #{number} 改约到" in said and "免费" in said, said
    await customer.choose("确认改约")
    said = customer.text()
    assert f"订单 #{number} 已改到" in said and "确认支付" in said, said
    moved = await order_of(app, number)
    assert moved.start_at.hour == 8 and moved.status.value == "awaiting_payment"  # 16:00 +08
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
