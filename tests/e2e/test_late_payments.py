"""Money that lands on a cancelled order (SQLite and PostgreSQL): a WeChat Pay notification,
Telegram's successful_payment or the reconciliation sweep. It is checked with the provider,
booked as received and refunded in full the same way, never credited to the order nor
dispatched, and the customer is told — once, however often it is notified. And a refund of part
of a kept cancellation fee comes out of revenue, not out of what customers prepaid."""

from __future__ import annotations

import random

import pytest

from conversations.results.sweeps import PaymentsReconciled
from domain import ledger as L
from domain.commands import ExecuteRefunds, ExpireUnpaid, ReconcilePayments
from domain.lifecycle import Action, OrderStatus
from domain.payments import PaymentStatus
from tests.e2e.helpers import (
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    taken_by_a_worker,
)
from tests.e2e.test_money import (
    book_on_telegram,
    book_range_hood,
    pre_checkout,
    successful_payment,
)
from tests.fakes.wechat import WeChatServer
from webhooks.keys import DATABASE, SERVICES

LATE = "已取消后才收到您支付的"


@pytest.fixture
async def shop(
    aiohttp_client,
    tmp_path,
    db_url,
    pii_key,
    fake_telegram,
    fake_wechat,
    fake_wechat_pay,
    clock,
):
    finance = random.randrange(10**9)
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        telegram_payment_token="PROVIDER:TEST",
        **on_wechat(fake_wechat),
        **fake_wechat_pay.settings(),
        admins=f"telegram:{finance}:finance",
    )
    return app, await aiohttp_client(app), finance


def uid() -> int:
    """A chat id of this test alone (the session's databases are shared)."""
    return 8 * 10**9 + random.randrange(10**9)


async def money_of(app, reference: str):
    """(payment, order, the order's ledger entries) for a payment request."""
    async with app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        order = await uow.orders.get(payment.order_id)
        return payment, order, await uow.ledger.for_order(order.id)


def balance(lines, account: str) -> int:
    return sum(e.amount_cents for e in lines if e.account == account)


async def expire(app, clock) -> None:
    clock.advance(minutes=31)
    await app[SERVICES].run(ExpireUnpaid())


async def test_a_wechat_pay_notification_for_an_expired_order_is_refunded_once(
    shop, fake_wechat, fake_wechat_pay, clock
):
    app, client, staff = shop
    openid = f"o-late-{uid()}"
    wx = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=clock))
    await book_range_hood(wx)
    [reference] = fake_wechat_pay.orders
    await expire(app, clock)
    _, order, _ = await money_of(app, reference)
    assert order.status == OrderStatus.CANCELLED

    async def notify() -> str:
        resp = await client.post(
            "/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 8000)
        )
        assert resp.status == 200
        return await resp.text()

    # signed, but WeChat Pay does not confirm it: nothing booked, nothing given back
    assert "FAIL" in await notify()
    payment, order, lines = await money_of(app, reference)
    assert payment.status == PaymentStatus.EXPIRED and lines == [] and not fake_wechat_pay.refunds

    fake_wechat_pay.paid.add(reference)  # the customer really paid after the expiry
    for _ in range(3):  # WeChat Pay repeats its notification
        assert "SUCCESS" in await notify()
    [refund] = fake_wechat_pay.refunds
    assert refund["out_trade_no"] == reference and refund["refund_fee"] == "8000"
    payment, order, lines = await money_of(app, reference)
    assert payment.status == PaymentStatus.RETURNED
    assert order.status == OrderStatus.CANCELLED  # never credited, never dispatched
    assert order.paid_cents == 0 and order.refunded_cents == 0
    assert [e.journal.split(":")[0] for e in lines] == ["pay", "pay", "refund", "refund"]
    assert sum(e.amount_cents for e in lines) == 0
    assert balance(lines, "cash:wechat_pay") == 0 and balance(lines, L.CUSTOMER_PREPAID) == 0
    assert order.timeline[-1].action == Action.RETURN_PAYMENT
    told = fake_wechat.texts(openid)
    assert sum(LATE in t and "¥80.00" in t for t in told) == 1
    assert sum("退款 ¥80.00 已原路退回" in t for t in told) == 1
    assert not any("已收到付款" in t for t in told)

    await app[SERVICES].run(ReconcilePayments())  # asking again finds nothing new
    await app[SERVICES].run(ExecuteRefunds())
    assert len(fake_wechat_pay.refunds) == 1


async def test_money_paid_to_a_cancelled_order_is_found_by_asking_and_given_back(
    shop, fake_wechat, fake_wechat_pay, clock
):
    app, client, staff = shop
    openid = f"o-lost-{uid()}"
    wx = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=clock))
    await book_range_hood(wx)
    [reference] = fake_wechat_pay.orders
    await wx.say("/orders")  # the customer cancels it before paying…
    await wx.choose("#")
    await wx.choose("取消订单")
    await wx.choose("确认取消")
    payment, order, _ = await money_of(app, reference)
    assert order.status == OrderStatus.CANCELLED and payment.status == PaymentStatus.EXPIRED
    fake_wechat_pay.paid.add(reference)  # …pays on the page still open; the notification is lost
    clock.advance(minutes=11)
    [result] = await app[SERVICES].run(ReconcilePayments())
    assert isinstance(result, PaymentsReconciled) and result.returned >= 1
    await app[SERVICES].run(ReconcilePayments())
    assert [r["out_trade_no"] for r in fake_wechat_pay.refunds] == [reference]
    payment, order, lines = await money_of(app, reference)
    assert payment.status == PaymentStatus.RETURNED and order.paid_cents == 0
    assert sum(e.amount_cents for e in lines) == 0 and balance(lines, L.CUSTOMER_PREPAID) == 0
    assert sum(LATE in t for t in fake_wechat.texts(openid)) == 1


async def test_a_closed_request_is_no_longer_asked_about_after_the_rules_hours(
    shop, fake_wechat, fake_wechat_pay, clock
):
    app, client, staff = shop
    wx = WeChatUser(client, fake_wechat, f"o-old-{uid()}", WeChatServer(clock=clock))
    await book_range_hood(wx)
    [reference] = fake_wechat_pay.orders
    await expire(app, clock)
    clock.advance(hours=24, minutes=1)  # rules.payments.late_check_hours
    fake_wechat_pay.paid.add(reference)
    await app[SERVICES].run(ReconcilePayments())
    payment, _, lines = await money_of(app, reference)
    assert payment.status == PaymentStatus.EXPIRED and lines == [] and not fake_wechat_pay.refunds


async def test_a_telegram_payment_after_the_expiry_is_refunded_by_hand_and_never_dispatched(
    shop, fake_telegram, clock
):
    app, client, staff = shop
    customer = uid()
    tg = TelegramUser(client, fake_telegram, customer)
    number, invoice = await book_on_telegram(tg)
    await expire(app, clock)
    assert any("未在支付期限内付款" in m.get("text", "") for m in fake_telegram.sent(customer))
    assert (await pre_checkout(client, customer, invoice["payload"], 5000))["ok"] is False

    # Telegram had already charged (the pre-checkout passed before the expiry)
    await successful_payment(tg, invoice["payload"], 5000, charge="ch_late")
    assert "已取消,这笔 ¥50.00 不会用于该订单,将原路全额退回" in tg.text()
    await successful_payment(tg, invoice["payload"], 5000, charge="ch_late")  # delivered twice
    finance = TelegramUser(client, fake_telegram, staff)
    notes = [m["text"] for m in fake_telegram.sent(staff) if "需人工退款" in m["text"]]
    assert len(notes) == 1 and "¥50.00" in notes[0]
    payment, order, lines = await money_of(app, invoice["payload"])
    assert payment.status == PaymentStatus.RETURNED and payment.provider_ref == "ch_late"
    assert order.status == OrderStatus.CANCELLED and order.paid_cents == 0
    async with app[DATABASE].uow() as uow:
        assert await uow.offers.for_order(order.id) == []  # never dispatched
    assert balance(lines, "cash:telegram") == 5000  # held until finance refunds it

    reference = notes[0].split("参考号 ")[1].split(")")[0]
    await finance.say(f"/refunded {reference}")
    assert "已记为完成" in finance.text()
    payment, order, lines = await money_of(app, invoice["payload"])
    assert order.status == OrderStatus.CANCELLED and order.refunded_cents == 0
    assert sum(e.amount_cents for e in lines) == 0 and balance(lines, "cash:telegram") == 0
    assert balance(lines, L.CUSTOMER_PREPAID) == 0
    assert any("退款 ¥50.00 已原路退回" in m.get("text", "") for m in fake_telegram.sent(customer))


async def test_refunding_part_of_a_kept_cancellation_fee_comes_out_of_revenue(
    shop, fake_telegram, clock
):
    app, client, staff = shop
    finance = TelegramUser(client, fake_telegram, staff)
    tg = TelegramUser(client, fake_telegram, uid())
    number, invoice = await book_on_telegram(tg)  # ¥50, tomorrow 15:00
    await successful_payment(tg, invoice["payload"], 5000)
    await taken_by_a_worker(app, number, str(uid()))
    clock.advance(hours=10)  # 20 h before the start: 10% kept
    await tg.say("/orders")
    await tg.choose(f"#{number}")
    await tg.choose("取消订单")
    await tg.choose("确认取消")
    _, order, lines = await money_of(app, invoice["payload"])
    assert balance(lines, L.PLATFORM_REVENUE) == -500  # the fee, revenue at once
    assert balance(lines, L.CUSTOMER_PREPAID) == -4500  # held for the refund by hand

    # goodwill: ¥3 of the fee back too, while the ¥45 still waits for finance
    await finance.say(f"/refund #{number} 3")
    await finance.say(f"/refund #{number} 3 again")
    assert "超过可退金额" in finance.text()  # only ¥2 of what was paid is left to refund
    notes = [m["text"] for m in fake_telegram.sent(staff) if "需人工退款" in m["text"]]
    by_amount = {n.split("需人工退款 ")[1].split("(")[0]: n for n in notes}
    fee_back = by_amount["¥3.00"].split("参考号 ")[1].split(")")[0]
    rest = by_amount["¥45.00"].split("参考号 ")[1].split(")")[0]
    await finance.say(f"/refunded {fee_back}")  # the fee's refund is done first
    _, order, lines = await money_of(app, invoice["payload"])
    assert balance(lines, L.PLATFORM_REVENUE) == -200
    assert balance(lines, L.CUSTOMER_PREPAID) == -4500  # still held for the ¥45
    await finance.say(f"/refunded {rest}")
    _, order, lines = await money_of(app, invoice["payload"])
    # ¥2 of the fee still kept: cancelled, not refunded (README, Money)
    assert order.status == OrderStatus.CANCELLED and order.refunded_cents == 4800
    await tg.say("/orders")
    await tg.choose(f"#{number}")
    assert "已退 ¥48.00,扣除取消费 ¥2.00" in tg.text(), tg.text()
    assert balance(lines, L.CUSTOMER_PREPAID) == 0
    assert balance(lines, L.PLATFORM_REVENUE) == -200 and balance(lines, "cash:telegram") == 200
    assert sum(e.amount_cents for e in lines) == 0


async def test_a_refund_of_the_fee_after_an_instant_refund_never_touches_prepaid(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock
):
    staff = uid()
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{staff}:finance",
    )
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, uid())
    finance = TelegramUser(client, fake_telegram, staff)
    number = await book_and_pay(customer)  # the sandbox: ¥30, refunds at once
    await taken_by_a_worker(app, number, str(uid()))
    clock.advance(hours=23)  # 7 h before the start: 10% kept
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        lines = await uow.ledger.for_order(order.id)
    assert order.status == OrderStatus.CANCELLED and order.refunded_cents == 2700  # fee kept
    await finance.say(f"/refund #{number} 3")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        lines = await uow.ledger.for_order(order.id)
    assert order.refunded_cents == order.paid_cents == 3000
    assert order.status == OrderStatus.REFUNDED  # the fee back too: all came back
    assert balance(lines, L.CUSTOMER_PREPAID) == 0 and balance(lines, L.PLATFORM_REVENUE) == 0
    assert balance(lines, "cash:sandbox") == 0 and sum(e.amount_cents for e in lines) == 0
    await finance.say(f"/refund #{number} 0.01 again")
    assert "超过可退金额" in finance.text()
