"""A paid reschedule fee is the platform's revenue, no payment of the order's price, on
SQLite and PostgreSQL: the balance asked afterwards is the total less what paid the service
(the deposit), the order detail's 待付 says the same, and the settlement shares and the points
count the service's price alone."""

import re

import pytest

from conversations.results.booking import CheckoutValid
from domain import ledger as L
from domain.commands import ExecuteRefunds
from domain.deposits import worker_deposit
from domain.payments import PaymentKind, PaymentStatus
from domain.queries import CheckCheckout
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    confirm_order,
    order_of,
    seed_worker,
    telegram_app,
    telegram_gps,
    visit_code,
)
from tests.e2e.test_job_rules import photo
from webhooks.keys import DATABASE, SERVICES

WORKER, CUSTOMER, FINANCE = 668001, 668101, 668901


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    admins = f"telegram:{FINANCE}:finance"
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock, admins=admins
    )


async def book_deep_cleaning_with_a_deposit(customer: TelegramUser) -> int:
    """100 m² of deep cleaning tomorrow 15:00: ¥800 − ¥20 coupon − ¥50 first order = ¥730,
    a deposit of 30% (¥219) paid in the sandbox."""
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("深度保洁")
    await customer.choose("选好了")
    await customer.say("100")
    await customer.say("明天 15:00")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("5楼")
    await confirm_order(customer)
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed is not None, customer.text()
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()
    return int(placed.group(1))


async def moved_late_with_a_fee(customer: TelegramUser, number: int) -> None:
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("明天 18:00")
    assert "需支付改约费 ¥21.90" in customer.text(), customer.text()  # 10% of the deposit
    await customer.choose("确认并支付")
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text()


async def started(app, worker: TelegramUser, fake_telegram, number: int) -> None:
    """The worker sets off, checks in with the visit code and takes the before photo."""
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(app, number))
    await photo(worker, fake_telegram, f"door-{number}")
    await worker.say(f"/photo #{number} before")
    await photo(worker, fake_telegram, f"before-{number}")


async def finished(app, worker: TelegramUser, fake_telegram, number: int) -> None:
    """The worker starts (``started``), takes the after photo and finishes."""
    await started(app, worker, fake_telegram, number)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after-{number}")
    await worker.say(f"/finish #{number}")


async def test_a_paid_reschedule_fee_pays_no_part_of_the_balance_nor_of_the_settlement(
    tg, fake_telegram, clock
):
    app, client = tg
    worker_id = await seed_worker(
        app,
        channel="telegram",
        user_id=str(WORKER),
        center=HOME,
        skills=("deep_cleaning",),
        level="A",
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)
    assert (await order_of(app, number)).paid_cents == 21900
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")
    clock.advance(hours=10)  # 20 h before the start: a move costs 10% of what was paid
    await moved_late_with_a_fee(customer, number)
    order = await order_of(app, number)
    assert order.paid_cents == 21900 + 2190  # the fee is in what was paid

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    detail = customer.text()
    assert "已付 ¥240.90(含改约费 ¥21.90)" in detail, detail
    assert "待付 ¥511.00" in detail, detail  # ¥730 − the deposit: the fee pays no price

    clock.advance(hours=23)  # at the new time
    await finished(app, worker, fake_telegram, number)
    assert "请支付尾款 ¥511.00" in fake_telegram.sent(CUSTOMER)[-1]["text"]
    await customer.say(f"确认完成 #{number}")
    assert "请先支付尾款 ¥511.00" in customer.text(), customer.text()
    await customer.say(f"支付 #{number}")
    async with app[DATABASE].uow() as uow:
        [balance] = [
            p
            for p in await uow.payments.for_order(order.id)
            if p.kind == PaymentKind.BALANCE and p.status == PaymentStatus.PENDING
        ]
    assert balance.amount_cents == 51100  # not ¥489.10: the fee paid none of the price
    # a provider's check before it takes the money (Telegram's pre-checkout) agrees
    [valid] = await app[SERVICES].run(CheckCheckout(balance.reference, 51100))
    assert isinstance(valid, CheckoutValid), valid
    await customer.choose("确认支付")
    await customer.say(f"确认完成 #{number}")
    assert "已确认完成" in customer.text(), customer.text()

    order = await order_of(app, number)
    assert order.status.value == "settled" and order.paid_cents == 73000 + 2190
    async with app[DATABASE].uow() as uow:
        lines = await uow.ledger.for_order(order.id)
        earned = sum(m.points for m in await uow.membership.for_order(order.id) if m.points > 0)
    assert sum(e.amount_cents for e in lines) == 0
    owed = -sum(e.amount_cents for e in lines if e.account == L.worker_payable(worker_id))
    owed -= sum(e.amount_cents for e in lines if e.account == worker_deposit(worker_id))
    platform = -sum(e.amount_cents for e in lines if e.account == L.PLATFORM_REVENUE)
    # the service's value ¥800 (¥730 paid + ¥70 subsidy): level A keeps 88%; the fee is
    # the platform's on top of its 12%
    assert (owed, platform) == (70400, 9600 + 2190)
    assert earned == 730  # a point a yuan paid for the service, none for the fee

    finance = TelegramUser(client, fake_telegram, FINANCE)  # ¥100 given back later
    await finance.say(f"/refund #{number} 100")
    await app[SERVICES].run(ExecuteRefunds())
    assert (await order_of(app, number)).refunded_cents == 10000
    async with app[DATABASE].uow() as uow:
        left = sum(m.points for m in await uow.membership.for_order(order.id))
    assert left == 630  # the points come down to the service still paid for


async def test_a_waived_balance_is_what_the_deposit_left_unpaid_the_fee_aside(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(
        app, channel="telegram", user_id=str(WORKER), center=HOME, skills=("deep_cleaning",)
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")
    clock.advance(hours=10)
    await moved_late_with_a_fee(customer, number)
    clock.advance(hours=23)
    await finished(app, worker, fake_telegram, number)

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/waive #{number} 顾客拒付")
    assert f"已免除 #{number} 未付的 ¥511.00" in finance.text(), finance.text()
    order = await order_of(app, number)
    # the order's price is now what paid it: the deposit, never the fee on top
    assert (order.total_cents, order.paid_cents) == (21900, 21900 + 2190)
    await customer.say(f"确认完成 #{number}")
    assert "已确认完成" in customer.text(), customer.text()
    async with app[DATABASE].uow() as uow:
        lines = await uow.ledger.for_order(order.id)
    assert (await order_of(app, number)).status.value == "settled"
    assert sum(e.amount_cents for e in lines) == 0


async def test_an_extra_left_unpaid_holds_the_confirmation_though_the_fee_paid_more(
    tg, fake_telegram, clock
):
    """The balance paid, an approved extra of ¥10 is still owed: the ¥21.90 fee paid
    before is no payment of it, so neither the customer nor the clock confirms the job,
    and the reminder asks for ¥10."""
    from domain.commands import AutoConfirm, SendReminders
    from tests.e2e.test_surcharges import notice_to

    app, client = tg
    await seed_worker(
        app, channel="telegram", user_id=str(WORKER), center=HOME, skills=("deep_cleaning",)
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")
    clock.advance(hours=10)
    await moved_late_with_a_fee(customer, number)
    clock.advance(hours=23)
    await started(app, worker, fake_telegram, number)
    await customer.say(f"支付 #{number}")
    await customer.choose("确认支付")  # the balance, ¥511.00
    assert (await order_of(app, number)).paid_cents == 73000 + 2190

    await worker.say(f"加价 #{number}")
    await worker.choose("其他")
    await worker.say("10 厨房重油污")
    await photo(worker, fake_telegram, f"grease-{number}")
    await worker.choose("提交申请")
    assert "加价 ¥10.00 已发给客户确认" in worker.text(), worker.text()
    notice_to(fake_telegram, CUSTOMER, customer, "师傅现场申请加价")
    await customer.choose("同意加价")  # approved, never paid
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after-{number}")
    await worker.say(f"/finish #{number}")
    assert "请支付尾款 ¥10.00" in fake_telegram.sent(CUSTOMER)[-1]["text"]
    await customer.say(f"确认完成 #{number}")
    assert "请先支付尾款 ¥10.00" in customer.text(), customer.text()

    clock.advance(hours=12, minutes=1)
    await app[SERVICES].run(SendReminders())
    reminded = fake_telegram.sent(CUSTOMER)[-1]["text"]
    assert "还有尾款 ¥10.00 未支付" in reminded, reminded
    clock.advance(hours=13)
    await app[SERVICES].run(AutoConfirm())
    assert (await order_of(app, number)).status.value == "finished"


async def test_a_placements_reschedule_fee_pays_no_period_and_is_not_refunded_as_unused_days(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from datetime import date, timedelta

    from domain.commands import PlacementSweep
    from domain.placement_billing import termination
    from tests.e2e.helpers import RULES
    from tests.e2e.test_explain_dispatch import take, worker
    from tests.e2e.test_placements import OPS, app_with, at_work, book_maternity_nurse

    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    nurse = await worker(app, 732901, "月嫂", skills=("maternity",), online=False)
    customer = TelegramUser(client, fake_telegram, 733001)
    number = await book_maternity_nurse(
        customer, "后天 21:00", "合同期 11月25日 周三 21:00 至 12月21日 周一 21:00"
    )
    await take(app, number, nurse)
    deposit = (await order_of(app, number)).paid_cents
    clock.advance(hours=38)  # Tue 23:00, 22 h before the start: a move costs 10% of it
    fee = deposit // 10
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("明天 22:00")
    assert f"需支付改约费 ¥{fee // 100:,}.{fee % 100:02d}" in customer.text(), customer.text()
    await customer.choose("确认并支付")
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text(), customer.text()
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
        periods = await uow.placements.periods(placement.id)
    assert order.paid_cents == deposit + fee

    clock.now = order.start_at + timedelta(hours=1)
    await app[SERVICES].run(PlacementSweep())
    first = periods[0].amount_cents - deposit  # the fee pays none of it
    asked = fake_telegram.sent(733001)[-1]["text"]
    assert f"应付 ¥{first // 100:,}.{first % 100:02d}" in asked, asked
    await customer.say(f"支付 #{number}")
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/terminate #{number} 2026-12-05")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        refunds = [
            p for p in await uow.payments.for_order(order.id) if p.kind == PaymentKind.REFUND
        ]
    assert order.paid_cents == order.total_cents + fee
    days = RULES.placements.notice_fee_days
    ends = termination(
        placement.period, order.total_cents, order.total_cents, date(2026, 12, 5), days
    )
    # the unused days less the notice fee come back; the reschedule fee stays the platform's
    assert sum(p.amount_cents for p in refunds) == ends.refund_cents > 0, ops.text()


async def test_a_placement_period_is_not_settled_on_a_reschedule_fee_standing_in_for_its_pay(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    """Period 1 paid, then ¥1 of it given back: the reschedule fee paid before makes up no part of
    it, so the period waits (not even picked by the sweep's query)."""
    from dataclasses import replace
    from datetime import timedelta

    from domain.commands import PlacementSweep
    from tests.e2e.helpers import CATALOG, RULES, make_settings, on_telegram
    from tests.e2e.test_explain_dispatch import take, worker
    from tests.e2e.test_placements import OPS, at_work, book_maternity_nurse
    from webhooks.app import create_app

    rules = replace(
        RULES, placements=replace(RULES.placements, billing_days=13, due_reminder_days=3)
    )
    admins = f"telegram:{OPS}:ops,telegram:{FINANCE}:finance"
    settings = make_settings(
        tmp_path, own_db_url, pii_key, **on_telegram(fake_telegram), admins=admins
    )
    app = create_app(settings, CATALOG, rules, clock=clock)
    client = await aiohttp_client(app)
    nurse = await worker(app, 734901, "月嫂", skills=("maternity",), online=False)
    customer = TelegramUser(client, fake_telegram, 735001)
    number = await book_maternity_nurse(
        customer, "后天 21:00", "合同期 11月25日 周三 21:00 至 12月21日 周一 21:00"
    )
    await take(app, number, nurse)
    clock.advance(hours=38)  # 22 h before the start: a move costs 10% of the deposit
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("明天 22:00")
    await customer.choose("确认并支付")
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text(), customer.text()
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
        periods = await uow.placements.periods(placement.id)
    assert len(periods) == 2

    clock.now = order.start_at + timedelta(hours=1)
    await app[SERVICES].run(PlacementSweep())
    await customer.say(f"支付 #{number}")
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund #{number} 1")
    await app[SERVICES].run(ExecuteRefunds())
    assert (await order_of(app, number)).refunded_cents == 100

    clock.now = periods[0].ends_at + timedelta(minutes=1)
    async with app[DATABASE].uow() as uow:
        assert await uow.placements.to_settle(clock.now, 10) == []
    (swept,) = await app[SERVICES].run(PlacementSweep())
    assert swept.settled == 0
