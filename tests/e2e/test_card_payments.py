"""A prepaid card paid with the real providers' paths: a Telegram invoice (pre-checkout
checked, a repeated ``successful_payment`` credits once), WeChat Pay (notifications credit
once, the customer is told, a refund goes back through WeChat Pay), the sandbox page; a
purchase not paid in time lapses, and money that still comes for it activates the card."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from domain import ledger as L
from domain.cards import CardStatus
from domain.commands import ExpireCards, ReconcilePayments
from domain.people import Channel
from tests.e2e.helpers import TelegramUser, WeChatUser, make_app, on_telegram, on_wechat
from tests.e2e.test_cards import CARD, balances, cards_of
from tests.e2e.test_linking import code_sent_to, phone_of
from tests.e2e.test_money import pre_checkout, successful_payment
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CLOCK, DATABASE, SERVICES

FINANCE = 650009


@pytest.fixture
async def shop(
    aiohttp_client,
    tmp_path,
    fresh_sqlite_url,
    pii_key,
    fake_telegram,
    fake_wechat,
    fake_wechat_pay,
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
        admins=f"telegram:{FINANCE}:finance",
    )
    return app, await aiohttp_client(app)


async def choose_card(user) -> None:
    await user.say("/cards")
    await user.choose(f"购买 {CARD}")
    await user.choose("确认购买")


async def test_a_card_paid_by_telegram_invoice_is_credited_once(shop, fake_telegram):
    app, client = shop
    tg = TelegramUser(client, fake_telegram, 650101)
    await tg.say("/start")
    await choose_card(tg)
    invoice = next(m for m in tg.last if "prices" in m)
    assert invoice["provider_token"] == "PROVIDER:TEST"
    assert sum(p["amount"] for p in invoice["prices"]) == 90_000
    payload = invoice["payload"]
    assert (await pre_checkout(client, tg.uid, payload, 80_000))["ok"] is False
    assert (await pre_checkout(client, tg.uid, payload, 90_000))["ok"] is True
    await successful_payment(tg, payload, 90_000)
    assert "已生效:共 14 次" in tg.text()
    await successful_payment(tg, payload, 90_000)  # delivered twice: credited once
    [card] = await cards_of(app, Channel.TELEGRAM, str(tg.uid))
    assert card.status == CardStatus.ACTIVE and card.visits_left == 14
    books = await balances(app)
    assert books[L.cash("telegram")] == 90_000 and books[L.CARD_DEFERRED] == -90_000
    assert (await pre_checkout(client, tg.uid, payload, 90_000))["ok"] is False  # paid


async def test_a_card_paid_with_wechat_pay_is_told_once_and_refunded_through_it(
    shop, fake_telegram, fake_wechat, fake_wechat_pay
):
    app, client = shop
    wx = WeChatUser(client, fake_wechat, "o-card", WeChatServer(clock=app[CLOCK]))
    await wx.say("/start")
    await wx.say("买次卡")
    await wx.choose(f"购买 {CARD}")
    await wx.choose("确认购买")
    assert "微信支付" in wx.last_text
    [(reference, sent)] = fake_wechat_pay.orders.items()
    assert sent["total_fee"] == "90000" and sent["trade_type"] == "JSAPI"
    link = re.search(r"/pay/wechat/[^\s\"'<>]+", wx.last_text).group(0).replace("&amp;", "&")
    assert (await client.get(link)).status == 200
    for _ in range(2):
        resp = await client.post(
            "/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 90_000)
        )
        assert resp.status == 200 and "SUCCESS" in await resp.text()
    told = [t for t in fake_wechat.texts("o-card") if "已生效" in t]
    assert len(told) == 1 and CARD in told[0]
    [card] = await cards_of(app, Channel.WECHAT, "o-card")
    assert card.status == CardStatus.ACTIVE

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund_card {card.id}")
    assert "退回 ¥900.00" in finance.text()  # nothing used: every paid visit back
    [refund] = fake_wechat_pay.refunds
    assert refund["out_trade_no"] == reference and refund["refund_fee"] == "90000"
    books = await balances(app)
    assert books[L.cash("wechat_pay")] == 0 and books[L.CARD_DEFERRED] == 0
    assert any("已退款 ¥900.00" in t for t in fake_wechat.texts("o-card"))


async def test_the_sandbox_page_pays_a_card(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key)
    client = await aiohttp_client(app)
    from tests.e2e.helpers import WebUser

    user = WebUser(client)
    await user.open()
    await user.say("/start")
    await choose_card(user)
    link = next(r["url"] for r in user.last if r["type"] == "link")
    path = link[link.index("/pay/sandbox/") :]
    page = await client.get(path)
    assert page.status == 200 and CARD in await page.text()
    paid = await client.post(path)
    assert paid.status == 200 and "支付成功" in await paid.text()
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        from sqlalchemy import text

        [(status,)] = (await conn.execute(text("SELECT status FROM prepaid_cards"))).all()
    assert status == "active"


async def test_an_unpaid_purchase_lapses_and_late_money_still_activates_it(
    shop, fake_wechat, fake_wechat_pay, clock
):
    app, client = shop
    wx = WeChatUser(client, fake_wechat, "o-late", WeChatServer(clock=app[CLOCK]))
    await wx.say("/start")
    await wx.say("次卡")
    await wx.choose(f"购买 {CARD}")
    await wx.choose("确认购买")
    [reference] = fake_wechat_pay.orders
    clock.advance(minutes=31)
    [swept] = await app[SERVICES].run(ExpireCards())
    [again] = await app[SERVICES].run(ExpireCards())
    assert (swept.lapsed, again.lapsed) == (1, 0)
    [card] = await cards_of(app, Channel.WECHAT, "o-late")
    assert card.status == CardStatus.CANCELLED
    fake_wechat_pay.paid.add(reference)  # the customer paid after all
    clock.advance(minutes=11)
    await app[SERVICES].run(ReconcilePayments())
    [card] = await cards_of(app, Channel.WECHAT, "o-late")
    assert card.status == CardStatus.ACTIVE and card.visits_left == 14
    assert card.valid_until == clock.now + timedelta(days=365)
    assert (await balances(app))[L.CARD_DEFERRED] == -90_000


async def test_a_card_bought_in_a_chat_linked_later_comes_along(
    shop, fake_telegram, fake_wechat, fake_wechat_pay
):
    app, client = shop
    tg = TelegramUser(client, fake_telegram, 650301)
    await tg.say("/start")
    async with app[DATABASE].uow() as uow:  # the number given at a first checkout
        holder = await uow.customers.by_identity(Channel.TELEGRAM, str(tg.uid))
        holder.phone = phone_of(650301)
        await uow.customers.save(holder)
        await uow.commit()
    wx = WeChatUser(client, fake_wechat, "o-card-link", WeChatServer(clock=app[CLOCK]))
    await wx.say("/start")
    await wx.say("次卡")
    await wx.choose(f"购买 {CARD}")
    await wx.choose("确认购买")
    [reference] = fake_wechat_pay.orders
    await client.post("/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 90_000))
    await wx.say("绑定")
    await wx.say(phone_of(650301))
    await wx.say(code_sent_to(fake_telegram, 650301))
    assert "绑定成功" in wx.last_text
    await tg.say("/cards")
    assert "剩 14 次" in tg.text()  # the card bought in WeChat, now the account's
