"""Prepaid visit cards (次卡) end to end, on SQLite and PostgreSQL: bought in chat (Telegram,
the web chat) and paid in the sandbox as an order is; a visit used at checkout (shown on the
quote, declinable), given back by a cancellation; the settlement pays the worker the job's
whole value; finance refunds the unused paid visits pro rata; holders are told before expiry
and the card expires once (its value left is revenue). After each step the ledger balances."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from domain import ledger as L
from domain.cards import CardStatus
from domain.commands import ExpireCards
from domain.deposits import worker_deposit
from domain.people import Channel
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WebUser,
    confirm_order,
    make_app,
    on_telegram,
    seed_worker,
)
from tests.e2e.test_points import finish_and_confirm
from tests.e2e.test_unpaid_orders import quote_three_hours
from webhooks.keys import DATABASE, SERVICES

WORKER, FINANCE = 630001, 640009
CARD = "日常保洁 12 次卡"


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{FINANCE}:finance",
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client


async def cards_of(app, channel: Channel, uid: str):
    async with app[DATABASE].uow() as uow:
        me = await uow.customers.by_identity(channel, uid)
        return await uow.cards.for_customer(me.id)


async def balances(app) -> dict[str, int]:
    """Every account's balance; the whole ledger must sum to zero."""
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        rows = (
            await conn.execute(
                text("SELECT account, SUM(amount_cents) FROM ledger_entries GROUP BY account")
            )
        ).all()
    out = {a: int(s) for a, s in rows}
    assert sum(out.values()) == 0
    return out


async def buy_card(user) -> None:
    await user.say("/cards")
    assert "您还没有次卡" in user.text() and CARD in user.text()
    assert "如需退卡" not in user.text()  # said only to holders of a card
    assert "(每次抵 2 小时)" in user.text()
    await user.choose(f"购买 {CARD}")
    assert "¥900.00" in user.text()
    await user.choose("确认购买")
    await user.choose("确认支付 ¥900.00")
    assert "已生效:共 14 次" in user.text()


async def test_a_card_bought_on_telegram_pays_visits_comes_back_on_cancel_and_is_refunded(
    shop, fake_telegram, clock
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 640101)
    await customer.say("/start")
    await buy_card(customer)
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.status == CardStatus.ACTIVE and card.visits_left == 14
    assert (await balances(app))[L.CARD_DEFERRED] == -90_000
    await customer.say("我的次卡")
    assert f"#{card.id} {CARD}" in customer.text() and "剩 14 次" in customer.text()
    assert "如需退卡,请发送「联系客服」" in customer.text()  # how to have it refunded
    await customer.say("我的")
    assert "次卡:1 张可用,共剩 14 次,余额 ¥900.00" in customer.text()  # what is prepaid

    await customer.say("菜单")
    await quote_three_hours(customer)
    assert "次卡抵扣 1 次" in customer.text() and "本单使用次卡" in customer.text()
    await customer.choose("本单不用次卡")  # the customer may keep the visit
    assert "次卡抵扣 1 次" not in customer.text() and "合计:¥50.00" in customer.text()
    await customer.choose("用次卡抵扣")
    assert "合计:¥0.00" in customer.text()
    await confirm_order(customer)
    first = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.visits_left == 13 and card.deferred_cents == 90_000 - 6_428
    assert (await balances(app))[L.CARD_APPLIED] == -6_428

    await customer.say("/orders")
    await customer.choose(f"#{first}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.visits_left == 14 and card.deferred_cents == 90_000
    assert (await balances(app)).get(L.CARD_APPLIED, 0) == 0

    clock.advance(minutes=2)  # past the message rate limit
    await customer.say("菜单")
    await quote_three_hours(customer)
    await confirm_order(customer)
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed, customer.text()
    number = int(placed.group(1))
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        lines = await uow.ledger.for_order(order.id)
    assert order.status.value == "settled"

    def net(account: str) -> int:
        return sum(e.amount_cents for e in lines if e.account == account)

    assert net(L.CARD_APPLIED) == 0  # the settlement paid the card's line with the visit
    # earned (20% of it held as the worker's deposit, domain.deposits)
    earned = -net(L.worker_payable(order.worker_id)) - net(worker_deposit(order.worker_id))
    # 85% of the whole ¥120
    assert earned == 10_200 and -net(worker_deposit(order.worker_id)) == 2_040

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund_card {card.id} moved away")
    # 13 visits left, 2 of them free: 11 of the 12 paid visits unused
    assert f"次卡 #{card.id} 已退:退回 ¥825.00" in finance.text()
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.status == CardStatus.REFUNDED and card.deferred_cents == 0
    books = await balances(app)
    assert books[L.CARD_DEFERRED] == 0 and books[L.cash("sandbox")] == 90_000 - 82_500
    told = [m["text"] for m in fake_telegram.sent(customer.uid) if "已退款" in m.get("text", "")]
    assert told and "¥825.00" in told[-1]
    await finance.say(f"/refund_card {card.id}")
    assert "不能退款" in finance.text()  # once


async def test_a_card_is_told_before_it_expires_and_expires_once_into_revenue(
    shop, fake_telegram, clock
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 640201)
    await customer.say("/start")
    await buy_card(customer)
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.valid_until is not None
    clock.now = card.valid_until - timedelta(days=3)
    services = app[SERVICES]
    [first] = await services.run(ExpireCards())
    [again] = await services.run(ExpireCards())
    assert (first.reminded, first.expired, again.reminded) == (1, 0, 0)
    expiring = [m["text"] for m in fake_telegram.sent(customer.uid) if "到期" in m["text"]]
    assert len(expiring) == 1 and "还剩 14 次" in expiring[0]

    clock.now = card.valid_until
    [gone] = await services.run(ExpireCards())
    [again] = await services.run(ExpireCards())
    assert (gone.expired, again.expired) == (1, 0)
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.status == CardStatus.EXPIRED and card.visits_left == 0
    books = await balances(app)
    assert books[L.CARD_DEFERRED] == 0 and books[L.PLATFORM_REVENUE] == -90_000
    assert any("已到期" in m["text"] for m in fake_telegram.sent(customer.uid))
    await customer.say("菜单")
    await quote_three_hours(customer)
    assert "次卡抵扣 1 次" not in customer.text()  # an expired card pays nothing


async def test_a_card_bought_in_the_web_chat_pays_a_visit(shop):
    app, client = shop
    user = WebUser(client)
    await user.open()
    await user.say("/start")
    await buy_card(user)
    await user.say("菜单")
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.say("明天 15:00")
    await user.send(type="location", lat=HOME[0], lon=HOME[1], label="人民广场")
    await user.say("8楼801")
    assert "次卡抵扣 1 次" in user.text() and "合计:¥0.00" in user.text()
    await user.choose("确认下单")
    await user.send(type="contact", phone=user.phone)
    assert re.search(r"#(\d{6,8})", user.text())
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        left = (await conn.execute(text("SELECT visits_left FROM prepaid_cards"))).all()
    assert [r[0] for r in left] == [13]
    await balances(app)


async def test_a_card_is_not_refunded_while_an_order_not_served_holds_its_visit(
    shop, fake_telegram, clock
):
    """Refunded with a visit held, the card would take back nothing when the order is then
    cancelled: the customer would lose a visit paid for, neither served nor refunded."""
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 640301)
    await customer.say("/start")
    await buy_card(customer)
    await customer.say("菜单")
    await quote_three_hours(customer)
    assert "次卡抵扣 1 次" in customer.text()
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.visits_left == 13

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund_card {card.id}")
    assert f"#{number}" in finance.text() and "已退" not in finance.text()  # the order named
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.status == CardStatus.ACTIVE and card.visits_left == 13
    assert card.deferred_cents == 90_000 - 6_428

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.visits_left == 14 and card.deferred_cents == 90_000  # the visit came back
    await finance.say(f"/refund_card {card.id}")
    assert f"次卡 #{card.id} 已退:退回 ¥900.00" in finance.text()  # all 12 paid visits
    books = await balances(app)
    assert books[L.CARD_DEFERRED] == 0 and books.get(L.CARD_APPLIED, 0) == 0
    assert books[L.cash("sandbox")] == 0


async def test_an_order_confirmed_after_its_card_was_refunded_takes_no_visit(
    shop, fake_telegram, clock
):
    """The other way round: the quote offered the card's visit, the card is refunded before
    the customer confirms; the order takes no visit of a refunded card, it is quoted anew
    (taking a visit and refunding the card both hold the card's lock, so at the same time
    one of them goes first and the other sees what it did)."""
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 640401)
    await customer.say("/start")
    await buy_card(customer)
    await customer.say("菜单")
    await quote_three_hours(customer)
    assert "次卡抵扣 1 次" in customer.text()
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund_card {card.id}")
    assert f"次卡 #{card.id} 已退:退回 ¥900.00" in finance.text()
    await customer.choose("确认下单")
    await customer.say(customer.phone)
    assert "价格有变化" in customer.text() and "次卡抵扣" not in customer.text()  # quoted anew
    await customer.choose("确认下单")
    assert "应付 ¥50.00" in customer.text()
    [card] = await cards_of(app, Channel.TELEGRAM, str(customer.uid))
    assert card.status == CardStatus.REFUNDED and card.visits_left == 0
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        visits = (await conn.execute(text("SELECT COUNT(*) FROM card_visits"))).scalar_one()
    assert visits == 0
    books = await balances(app)
    assert books[L.CARD_DEFERRED] == 0 and books.get(L.CARD_APPLIED, 0) == 0
