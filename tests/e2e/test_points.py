"""Points end to end, on SQLite and PostgreSQL: a Telegram customer books, pays, the worker
finishes, the order settles — a point per yuan paid is credited and the customer told; a
review earns more; a refund takes back what it paid for; points spent at checkout pay the
settlement through the points liability and come back with a cancellation; what is left of
the oldest points expires; a customer who moves up a level is told. After each step the
ledger balances and the liability is what the balances are worth."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest

from conversations.results.points import PointsHistory
from domain import ledger as L
from domain.commands import ExecuteRefunds, ExpirePoints
from domain.deposits import worker_deposit
from domain.people import Channel
from domain.points import PointsKind
from domain.queries import LoadPointsHistory
from domain.rules import MemberLevel
from tests.e2e.helpers import (
    HOME,
    RULES,
    STACKING,
    TelegramUser,
    book_and_pay,
    confirm_order,
    grant_points,
    make_app,
    on_telegram,
    seed_worker,
)
from tests.e2e.test_job_rules import photo, to_in_service
from tests.e2e.test_unpaid_orders import quote_three_hours
from webhooks.keys import DATABASE, SERVICES

WORKER, FINANCE = 630001, 630009


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


async def customer_id(app, user: TelegramUser) -> int:
    async with app[DATABASE].uow() as uow:
        me = await uow.customers.by_identity(Channel.TELEGRAM, str(user.uid))
    return int(me.id)


async def history(app, customer: int) -> PointsHistory:
    [shown] = await app[SERVICES].run(LoadPointsHistory(customer))
    assert isinstance(shown, PointsHistory)
    return shown


async def finish_and_confirm(client, fake, customer: TelegramUser, number: int, clock) -> None:
    worker = TelegramUser(client, fake, WORKER)
    await to_in_service(worker, fake, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake, f"after{number}")
    await worker.say(f"/finish #{number}")
    await customer.say(f"确认完成 #{number}")
    assert "已确认完成" in customer.text()


def told(fake, user: TelegramUser, part: str) -> list[str]:
    return [m["text"] for m in fake.sent(user.uid) if part in m.get("text", "")]


async def books_balance(app) -> None:
    """The whole ledger balances, every order's entries too, nothing is left applied to a
    finished order, and the points liability is what the balances are worth (1 fen a point
    at the demo's 100 points to the yuan)."""
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        from sqlalchemy import text

        total = (await conn.execute(text("SELECT SUM(amount_cents) FROM ledger_entries"))).one()
        per_order = (
            await conn.execute(
                text(
                    "SELECT order_id, account, SUM(amount_cents) FROM ledger_entries"
                    " WHERE order_id IS NOT NULL GROUP BY order_id, account"
                )
            )
        ).all()
        balances = (await conn.execute(text("SELECT SUM(points) FROM customers"))).one()
        negative = await conn.execute(text("SELECT COUNT(*) FROM customers WHERE points < 0"))
        liability = await uow.ledger.balance(L.POINTS_LIABILITY)
    assert (total[0] or 0) == 0
    assert all(amount <= 0 for _, account, amount in per_order if account == L.POINTS_APPLIED)
    assert -liability == (balances[0] or 0)
    assert negative.one()[0] == 0


async def test_a_settled_order_earns_a_point_per_yuan_a_review_more_and_a_refund_takes_back(
    shop, fake_telegram, clock
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 630101)
    number = await book_and_pay(customer)  # 2 h × ¥40 − ¥50 first order: ¥30 paid
    me = await customer_id(app, customer)
    assert (await history(app, me)).balance == 0
    await finish_and_confirm(client, fake_telegram, customer, number, clock)

    [credited] = told(fake_telegram, customer, "积分")
    assert f"订单 #{number} 已完成,获得 30 积分,现有 30 积分" in credited
    shown = await history(app, me)
    assert shown.balance == 30 and shown.expiring == 30
    assert shown.expiring_at == clock.now.replace(year=clock.now.year + 1)
    [line] = shown.lines
    assert (line.kind, line.points, line.balance, line.number) == (
        PointsKind.EARNED,
        30,
        30,
        number,
    )
    assert line.what.get("zh") == "消费获得" and line.what.get("en") == "Earned by an order"
    await books_balance(app)

    await customer.say(f"评价 #{number}")
    for _ in range(4):
        await customer.choose("5")
    await customer.choose("完成")
    await customer.choose("跳过")
    await customer.choose("不加照片")
    assert "感谢评价" in customer.text()
    assert any(
        "感谢您评价订单" in t and "获得 10 积分,现有 40 积分" in t
        for t in told(fake_telegram, customer, "积分")
    )
    await customer.say(f"评价 #{number}")  # once per order
    assert (await history(app, me)).balance == 40

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund #{number} 10")
    await app[SERVICES].run(ExecuteRefunds())
    shown = await history(app, me)
    assert shown.balance == 30  # ¥20 still paid: 20 points of the order's 30, and the review's
    assert (shown.lines[0].kind, shown.lines[0].points) == (PointsKind.CLAWED_BACK, -10)
    await books_balance(app)

    await finance.say(f"/refund #{number} 20")
    await app[SERVICES].run(ExecuteRefunds())
    shown = await history(app, me)
    assert shown.balance == 10  # nothing paid any more: only the review's points are left
    assert [x.kind for x in shown.lines] == [
        PointsKind.CLAWED_BACK,
        PointsKind.CLAWED_BACK,
        PointsKind.REVIEWED,
        PointsKind.EARNED,
    ]
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).status.value == "refunded"
    await books_balance(app)


async def test_points_spent_at_checkout_come_back_with_a_cancellation_and_pay_the_settlement(
    shop, fake_telegram, clock
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 630201)
    await customer.say("/start")
    me = await customer_id(app, customer)
    await grant_points(app, me, 1_050)

    await quote_three_hours(customer)  # ¥120 − ¥20 coupon − ¥50 first order = ¥50
    await customer.choose("用积分抵扣")
    assert "积分抵扣 1000 分" in customer.text()
    await confirm_order(customer)
    first = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    assert (await history(app, me)).balance == 50
    await customer.say("/orders")
    await customer.choose(f"#{first}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    shown = await history(app, me)
    assert shown.balance == 1_050
    assert [(x.kind, x.points) for x in shown.lines[:2]] == [
        (PointsKind.RETURNED, 1_000),
        (PointsKind.REDEEMED, -1_000),
    ]
    await books_balance(app)

    await customer.say("菜单")
    await quote_three_hours(customer)
    await customer.choose("用积分抵扣")
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("确认支付")
    assert "支付成功 ¥40.00" in customer.text()
    await books_balance(app)
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        lines = await uow.ledger.for_order(order.id)

    def net(account: str) -> int:
        return sum(e.amount_cents for e in lines if e.account == account)

    assert order.status.value == "settled"
    assert net(L.POINTS_APPLIED) == 0  # the settlement paid the job's value with them
    assert net(L.SUBSIDY_EXPENSE) == 7_000  # coupon and first order; the points were paid for
    # the worker earns 85% of the whole ¥120 (level B), points and all
    # earned (20% of it held as the worker's deposit, domain.deposits)
    earned = -net(L.worker_payable(order.worker_id)) - net(worker_deposit(order.worker_id))
    assert earned == 10_200 and -net(worker_deposit(order.worker_id)) == 2_040
    shown = await history(app, me)
    assert shown.balance == 50 + 40  # what was left, and a point per yuan paid
    await books_balance(app)


async def test_what_is_left_of_the_oldest_points_expires_first(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    one = make_app(tmp_path / "a", own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    two = make_app(tmp_path / "b", own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    customer = TelegramUser(client, fake_telegram, 630301)
    await customer.say("/start")
    me = await customer_id(one, customer)
    start = clock.now
    await grant_points(one, me, 250)
    clock.advance(days=31)
    await grant_points(one, me, 40)
    await quote_three_hours(customer)
    await customer.choose("用积分抵扣")  # 290 points: ¥2 of them, 200 from the oldest
    await confirm_order(customer)
    await customer.choose("确认支付")
    assert (await history(one, me)).balance == 90

    clock.now = start.replace(year=start.year + 1)  # the first 250 expire, 50 of them left
    for app in (one, two, one):  # every process sweeps; each lot goes once
        await app[SERVICES].run(ExpirePoints())
    shown = await history(one, me)
    assert shown.balance == 40 and (shown.lines[0].kind, shown.lines[0].points) == (
        PointsKind.EXPIRED,
        -50,
    )
    later = start + timedelta(days=31)
    assert shown.expiring == 40 and shown.expiring_at == later.replace(year=later.year + 1)
    assert told(fake_telegram, customer, "已过期") == ["您有 50 积分已过期,现有 40 积分。"]
    await books_balance(one)

    clock.advance(days=31)
    await two[SERVICES].run(ExpirePoints())
    assert (await history(one, me)).balance == 0
    assert len(told(fake_telegram, customer, "已过期")) == 2
    await books_balance(one)


async def test_a_customer_is_told_once_when_their_level_goes_up(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    low = {MemberLevel.SILVER: 2_000, MemberLevel.GOLD: 500_000, MemberLevel.DIAMOND: 900_000}
    rules = replace(STACKING, membership=replace(RULES.membership, level_min_spend_cents=low))
    app = make_app(
        tmp_path, own_db_url, pii_key, clock=clock, rules=rules, **on_telegram(fake_telegram)
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 630401)
    number = await book_and_pay(customer)  # ¥30: silver from ¥20 of trailing spend
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    assert told(fake_telegram, customer, "升级为") == [
        "恭喜您升级为银卡会员!此后下单按原价的 95% 计价。"
    ]
    again = await book_and_pay(customer)
    await finish_and_confirm(client, fake_telegram, customer, again, clock)
    assert len(told(fake_telegram, customer, "升级为")) == 1  # still silver: nothing new
    assert any("会员折扣 -5%" in t for t in told(fake_telegram, customer, "合计"))


async def test_a_review_with_a_photo_earns_more_once_and_keeps_the_photo(
    shop, fake_telegram, clock
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 630501)
    number = await book_and_pay(customer)
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    me = await customer_id(app, customer)
    await customer.say(f"评价 #{number}")
    for _ in range(4):
        await customer.choose("5")
    await customer.choose("完成")
    await customer.say("很干净,谢谢")
    assert "带照片的评价多得 20 积分" in customer.text()
    await photo(customer, fake_telegram, f"review{number}")
    await customer.say(f"评价 #{number}")  # rated already: told at once, nothing more
    assert "已评价过" in customer.text()
    shown = await history(app, me)
    assert shown.balance == 30 + 30  # the order's, and a review with a photo: not both
    assert [(x.kind, x.points) for x in shown.lines] == [
        (PointsKind.REVIEWED, 30),
        (PointsKind.EARNED, 30),
    ]
    assert len(told(fake_telegram, customer, "感谢您评价订单")) == 1
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        [rating] = await uow.ratings.for_order(order.id)
    assert rating.text == "很干净,谢谢"
    assert [p.split("/")[0] for p in rating.photos] == ["reviews"]
    await books_balance(app)
