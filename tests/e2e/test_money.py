"""Money end to end: Telegram invoices, WeChat Pay notifications, refunds through the
provider, the ledger export, a lost notification found by asking (the workers' side —
deposits, settlement, withdrawals — is in ``test_worker_money``)."""

import itertools
import re

import pytest

from domain import ledger as L
from domain.commands import ExecuteRefunds
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    confirm_order,
    make_app,
    on_telegram,
    on_wechat,
    taken_by_a_worker,
    telegram_gps,
)
from tests.fakes.telegram import user
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CLOCK, DATABASE, SERVICES

FINANCE = 920092
_ids = itertools.count(9_000_000)


@pytest.fixture
async def shop(
    aiohttp_client,
    tmp_path,
    fresh_sqlite_url,
    pii_key,
    fake_telegram,
    fake_wechat,
    fake_wechat_pay,
    fake_wechat_transfers,
    clock,
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        telegram_payment_token="PROVIDER:TEST",
        **on_wechat(fake_wechat),
        **fake_wechat_pay.settings(),
        wechat_pay_transfer_api_base=fake_wechat_transfers.base_url,
        admins=f"telegram:{FINANCE}:finance",
    )
    return app, await aiohttp_client(app)


async def entries(app, number):
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        return order, await uow.ledger.for_order(order.id)


def invoice_of(user: TelegramUser) -> dict:
    return next(m for m in user.last if m.get("method") == "sendInvoice" or "prices" in m)


async def pre_checkout(client, uid, payload, amount, currency="CNY"):
    update = {
        "update_id": next(_ids),
        "pre_checkout_query": {
            "id": str(next(_ids)),
            "from": user(uid),
            "currency": currency,
            "total_amount": amount,
            "invoice_payload": payload,
        },
    }
    resp = await client.post(
        "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
    )
    return await resp.json()


async def successful_payment(tg: TelegramUser, payload, amount, charge="ch_1"):
    return await tg.share(
        successful_payment={
            "currency": "CNY",
            "total_amount": amount,
            "invoice_payload": payload,
            "telegram_payment_charge_id": charge,
            "provider_payment_charge_id": f"p_{charge}",
        }
    )


async def book_on_telegram(tg: TelegramUser) -> tuple[int, dict]:
    await tg.say("/start")
    await tg.choose("预约服务")
    await tg.choose("保洁")
    await tg.choose("日常保洁")
    await tg.choose("3小时")
    await tg.say("明天 15:00")
    await tg.share(location=telegram_gps(HOME))
    await tg.say("3楼")
    await confirm_order(tg)
    number = int(next(t for t in tg.text().split() if t.startswith("#"))[1:])
    return number, invoice_of(tg)


async def book_range_hood(wx: WeChatUser) -> None:
    """A WeChat customer books one range-hood cleaning (¥150 − ¥20 − ¥50 = ¥80)."""
    await wx.say("/start")
    await wx.choose("预约服务")
    await wx.choose("家电")
    await wx.choose("油烟机")
    await wx.say("1")
    await wx.say("明天 10:00")
    await wx.say("上海市徐汇区漕溪北路88号12楼1203")
    await confirm_order(wx)


async def test_telegram_invoice_pre_checkout_and_successful_payment(shop, fake_telegram):
    app, client = shop
    tg = TelegramUser(client, fake_telegram, 700001)
    number, invoice = await book_on_telegram(tg)
    # 3 h × ¥40 = ¥120, −¥20 coupon, −¥50 first order: ¥50, itemised on the invoice
    assert invoice["currency"] == "CNY" and invoice["provider_token"] == "PROVIDER:TEST"
    assert sum(p["amount"] for p in invoice["prices"]) == 5000
    payload = invoice["payload"]
    refused = await pre_checkout(client, 700001, payload, 4000)
    assert refused["method"] == "answerPreCheckoutQuery" and refused["ok"] is False
    assert (await pre_checkout(client, 700001, payload, 5000, currency="USD"))["ok"] is False
    answer = await pre_checkout(client, 700001, payload, 5000)
    assert answer["ok"] is True
    await successful_payment(tg, payload, 4000, charge="forged")
    assert "不符" in tg.text() or "does not match" in tg.text()
    await successful_payment(tg, payload, 5000)
    assert "支付成功 ¥50.00" in tg.text()
    await successful_payment(tg, payload, 5000)  # delivered twice: credited once
    order, lines = await entries(app, number)
    assert order.paid_cents == 5000 and order.status.value == "dispatching"
    assert sum(e.amount_cents for e in lines if e.account == "cash:telegram") == 5000
    assert (await pre_checkout(client, 700001, payload, 5000))["ok"] is False  # already paid


async def test_wechat_pay_notifications_credit_once_and_forgeries_nothing(
    shop, fake_wechat, fake_wechat_pay
):
    app, client = shop
    wx = WeChatUser(client, fake_wechat, "o-payer", WeChatServer(clock=app[CLOCK]))
    await book_range_hood(wx)
    assert "微信支付" in wx.last_text
    [(reference, sent)] = fake_wechat_pay.orders.items()
    assert sent["trade_type"] == "JSAPI" and sent["openid"] == "o-payer"
    assert sent["total_fee"] == "8000"  # ¥150 − ¥20 − ¥50
    link = re.search(r"/pay/wechat/[^\s\"'<>]+", wx.last_text).group(0).replace("&amp;", "&")
    page = await client.get(link)
    assert page.status == 200 and "getBrandWCPayRequest" in await page.text()
    forged = await client.get(f"/pay/wechat/{reference}?prepay=wx{reference}&code=weixin://x")
    assert forged.status == 404  # only links the gateway signed show a payment

    async def notify(body: bytes):
        resp = await client.post("/pay/wechat/notify", data=body)
        return resp.status, await resp.text()

    status, text = await notify(fake_wechat_pay.notification(reference, 8000, key="0" * 32))
    assert status == 400 and "FAIL" in text  # forged signature
    status, text = await notify(
        fake_wechat_pay.notification(
            reference,
            1,
        )
    )
    assert status == 200 and "FAIL" in text  # wrong amount: not credited
    status, _ = await notify(b'<!DOCTYPE x [<!ENTITY e "e">]><xml>&e;</xml>')
    assert status == 400
    status, _ = await notify(fake_wechat_pay.notification(reference, 8000, appid="wxother"))
    assert status == 400
    for _ in range(2):
        status, text = await notify(fake_wechat_pay.notification(reference, 8000))
        assert status == 200 and "SUCCESS" in text
    async with app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        order = await uow.orders.get(payment.order_id)
        ledger = await uow.ledger.for_order(order.id)
    assert payment.status.value == "succeeded" and payment.provider_ref == f"4200{reference}"
    assert order.paid_cents == 8000
    assert [e.amount_cents for e in ledger if e.account == "cash:wechat_pay"] == [8000]
    assert any("已收到付款 ¥80.00" in t for t in fake_wechat.texts("o-payer"))

    # cancelled more than 24 h ahead: the whole amount goes back through WeChat Pay
    await wx.say("/orders")
    await wx.choose(f"#{order.number}")
    await wx.choose("取消订单")
    await wx.choose("确认取消")
    [refund] = fake_wechat_pay.refunds
    assert refund["out_trade_no"] == reference and refund["refund_fee"] == "8000"
    order, lines = await entries(app, order.number)
    assert order.status.value == "refunded" and order.refunded_cents == 8000
    assert sum(e.amount_cents for e in lines) == 0
    assert sum(e.amount_cents for e in lines if e.account == "cash:wechat_pay") == 0


async def test_a_failed_provider_refund_stays_pending_and_is_retried(
    shop, fake_wechat, fake_wechat_pay, clock
):
    app, client = shop
    fake_wechat_pay.fail_refunds = 1
    wx = WeChatUser(client, fake_wechat, "o-retry-pay", WeChatServer(clock=app[CLOCK]))
    await book_range_hood(wx)
    [reference] = fake_wechat_pay.orders
    await client.post("/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 8000))
    async with app[DATABASE].uow() as uow:
        paid = await uow.payments.by_reference(reference)
        booked = await uow.orders.get(paid.order_id)
    await taken_by_a_worker(app, booked.number, "700201")
    clock.advance(hours=20)  # 10% fee now
    await wx.say("/orders")
    await wx.choose("#")
    await wx.choose("取消订单")
    await wx.choose("确认取消")
    async with app[DATABASE].uow() as uow:
        [pending] = await uow.payments.pending_refunds()
    assert pending.amount_cents == 7200
    await app[SERVICES].run(ExecuteRefunds())
    await app[SERVICES].run(ExecuteRefunds())
    assert len(fake_wechat_pay.refunds) == 1 and fake_wechat_pay.refunds[0]["refund_fee"] == "7200"
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.get(pending.order_id)
        lines = await uow.ledger.for_order(order.id)
    # done (refunded_cents), yet ¥8 kept: cancelled, not refunded (README, Money)
    assert order.status.value == "cancelled" and order.refunded_cents == 7200
    assert -sum(e.amount_cents for e in lines if e.account == L.PLATFORM_REVENUE) == 800


async def test_telegram_refunds_wait_for_finance_to_refund_by_hand(shop, fake_telegram):
    app, client = shop
    tg = TelegramUser(client, fake_telegram, 700002)
    number, invoice = await book_on_telegram(tg)
    await successful_payment(tg, invoice["payload"], 5000)
    await tg.say("/orders")
    await tg.choose(f"#{number}")
    await tg.choose("取消订单")
    await tg.choose("确认取消")
    note = fake_telegram.sent(FINANCE)[-1]["text"]
    assert "需人工退款 ¥50.00" in note
    reference = note.split("参考号 ")[1].split(")")[0]
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refunded {reference}")
    assert "已记为完成" in finance.text()
    order, lines = await entries(app, number)
    assert order.status.value == "refunded" and sum(e.amount_cents for e in lines) == 0
    await finance.say(f"/refunded {reference}")
    assert "已完成" in finance.text()


async def test_finance_downloads_the_ledger_as_csv(shop, fake_telegram):
    app, client = shop
    tg = TelegramUser(client, fake_telegram, 700004)
    number, invoice = await book_on_telegram(tg)
    await successful_payment(tg, invoice["payload"], 5000)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say("/ledger 2026-11-23 2026-11-23")
    url = next(b["url"] for b in finance.options() if "url" in b)
    path = url.split("8080", 1)[1]
    resp = await client.get(path)
    assert resp.status == 200 and resp.content_type == "text/csv"
    text = await resp.text()
    assert "cash:telegram,5000,0" in text and "customer_prepaid,0,5000" in text
    assert (await client.get(path.replace("2026-11-23.csv", "2026-11-24.csv"))).status == 403
    await finance.say("/ledger 2026-11-30 2026-11-01")
    assert "结束日期早于开始日期" in finance.text()
    await finance.say("/ledger 0001-01-01 9999-12-31")  # no link that would not open
    assert "日期超出范围" in finance.text() and "http" not in finance.text()


async def test_a_lost_wechat_pay_notification_is_found_by_asking(
    shop, fake_wechat, fake_wechat_pay, clock
):
    from domain.commands import ReconcilePayments

    app, client = shop
    wx = WeChatUser(client, fake_wechat, "o-lost", WeChatServer(clock=app[CLOCK]))
    await book_range_hood(wx)
    [reference] = fake_wechat_pay.orders
    await app[SERVICES].run(ReconcilePayments())  # too recent, and not paid
    fake_wechat_pay.paid.add(reference)
    await app[SERVICES].run(ReconcilePayments())
    async with app[DATABASE].uow() as uow:
        assert (await uow.payments.by_reference(reference)).status.value == "pending"
    clock.advance(minutes=11)
    await app[SERVICES].run(ReconcilePayments())
    await app[SERVICES].run(ReconcilePayments())
    async with app[DATABASE].uow() as uow:
        payment = await uow.payments.by_reference(reference)
        ledger = await uow.ledger.for_order(payment.order_id)
    assert payment.status.value == "succeeded"
    assert [e.amount_cents for e in ledger if e.account == "cash:wechat_pay"] == [8000]
    assert sum("已收到付款" in t for t in fake_wechat.texts("o-lost")) == 1
