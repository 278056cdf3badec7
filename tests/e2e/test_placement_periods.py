"""Long placements' periods end to end, on SQLite and PostgreSQL: each period of a 26-day
maternity nurse's contract asked for, paid through the provider and settled once; a
replacement mid-period splitting the period's pay between the two workers exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from domain.commands import PlacementSweep
from domain.timeline_notes import handover_note
from tests.e2e.helpers import RULES, TelegramUser
from tests.e2e.test_explain_dispatch import take, worker
from tests.e2e.test_placements import OPS, PERIOD, app_with, at_work, book_maternity_nurse
from webhooks.keys import DATABASE, SERVICES


async def test_each_period_is_asked_for_paid_through_the_provider_and_settled_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from domain.deposits import worker_deposit
    from domain.ledger import worker_payable
    from domain.placement_billing import period_share
    from domain.settlement import commission_bp

    placements = replace(RULES.placements, billing_days=13, due_reminder_days=3)
    rules = replace(RULES, placements=placements)
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock, rules)
    client = await aiohttp_client(app)
    nurse = await worker(app, 730501, "月嫂", skills=("maternity",), online=False)
    customer = TelegramUser(client, fake_telegram, 730601)
    number = await book_maternity_nurse(customer)
    await take(app, number, nurse)
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
        periods = await uow.placements.periods(placement.id)
        level = (await uow.workers.get(nurse)).level
    assert [p.days for p in periods] == [13, 13]
    assert sum(p.amount_cents for p in periods) == order.total_cents
    deposit = order.paid_cents
    shares = [
        period_share(p.amount_cents, commission_bp(level, RULES.settlement)) for p in periods
    ]

    async def sweep():
        (result,) = await app[SERVICES].run(PlacementSweep())
        return result.asked, result.settled

    async def pay(amount: int) -> None:
        await customer.say(f"支付 #{number}")
        assert f"{amount // 100:,}.{amount % 100:02d}" in customer.text(), customer.text()
        await customer.choose("确认支付")
        assert "支付成功" in customer.text(), customer.text()

    clock.now = order.start_at + timedelta(hours=1)
    assert await sweep() == (1, 0)
    asked = fake_telegram.sent(730601)[-1]
    first = periods[0].amount_cents - deposit
    assert f"订单 #{number} 第 1/2 期服务费" in asked["text"], asked
    assert f"应付 ¥{first // 100:,}.{first % 100:02d}" in asked["text"], asked
    assert any("支付 #" in b["text"] for r in asked["reply_markup"]["inline_keyboard"] for b in r)
    assert await sweep() == (0, 0)  # asked once
    await pay(first)

    clock.now = periods[1].due_at - timedelta(days=3) + timedelta(minutes=1)
    assert await sweep() == (1, 0)
    assert "第 2/2 期" in fake_telegram.sent(730601)[-1]["text"]
    clock.now = periods[0].ends_at + timedelta(minutes=1)
    assert await sweep() == (0, 1)  # period 1 over and paid: settled
    async with app[DATABASE].uow() as uow:
        held = -await uow.ledger.balance(worker_deposit(nurse))
        assert -await uow.ledger.balance(worker_payable(nurse)) + held == shares[0]
    assert 0 < held < shares[0]  # the deposit holds its part of the period's pay
    assert any("第 1 期已结算" in m["text"] for m in fake_telegram.sent(730501)[-2:])

    clock.now = periods[1].ends_at + timedelta(minutes=1)
    assert await sweep() == (0, 0)  # period 2 not paid: not settled
    await pay(periods[1].amount_cents)
    assert await sweep() == (0, 1)
    assert await sweep() == (0, 0)

    # the order finishes and settles the rest: no period is paid twice, the ledger balances
    from conversations.services.settlement import settle
    from domain.lifecycle import Action, ActorKind
    from domain.orders import Actor

    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        order.apply(Action.FINISH, Actor(ActorKind.WORKER, str(nurse)), clock.now)
        order.apply(Action.CONFIRM, Actor(ActorKind.CUSTOMER, "c"), clock.now)
        await uow.orders.save(order, clock.now)
        await settle(uow, rules, order, clock.now)
        await uow.commit()
    from domain.ledger import split
    from domain.settlement import PLATFORM_FUNDED

    discounts = -sum(x.amount_cents for x in order.lines if x.kind in PLATFORM_FUNDED)
    rest = split(
        paid=0,
        subsidy=discounts,
        commission_bp=commission_bp(level, RULES.settlement),
        late_deduction_bp=0,
        compensation=0,
    )  # the platform-funded discounts (the first order's) are shared at the end
    async with app[DATABASE].uow() as uow:
        owed = -await uow.ledger.balance(worker_payable(nurse))
        held = -await uow.ledger.balance(worker_deposit(nurse))
        assert owed + held == sum(shares) + rest.worker
        entries = await uow.ledger.for_order(order.id)
        assert sum(e.amount_cents for e in entries) == 0
        assert (await uow.orders.by_number(number)).status.value == "settled"


async def test_a_replacement_mid_period_splits_its_pay_between_the_two_workers_exactly(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):

    from domain.deposits import worker_deposit
    from domain.ledger import worker_payable
    from domain.people import Certificate
    from domain.placement_billing import period_share
    from domain.settlement import commission_bp

    rules = replace(RULES, placements=replace(RULES.placements, free_replacements=1))
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock, rules)
    client = await aiohttp_client(app)
    papers = (
        Certificate("health", "", date(2027, 12, 31), True),
        Certificate("maternity_nurse", "", date(2027, 12, 31), True),
    )
    first = await worker(app, 730701, "张姐", skills=("maternity",), certificates=papers)
    second = await worker(
        app, 730702, "王姐", skills=("maternity",), certificates=papers, center=(31.25, 121.47)
    )
    customer = TelegramUser(client, fake_telegram, 730801)
    number = await book_maternity_nurse(customer)
    await take(app, number, first)
    await at_work(app, number, first)

    clock.advance(days=8)  # a week in, the family asks for someone else
    await customer.say(f"更换师傅 #{number} 不会做月子餐")
    told = fake_telegram.sent(730801)[-1]["text"]
    assert f"已收到订单 #{number} 更换师傅的申请" in told and "还可免费更换 0 次" in told
    alert = fake_telegram.sent(OPS)[-1]["text"]
    assert f"订单 #{number} 客户申请更换师傅 {first},原因:不会做月子餐" in alert, alert
    assert f"王姐({second})" in alert and f"/handover #{number}" in alert

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/handover #{number} {second} 2026-12-03")
    assert f"#{number} 从 12月3日 周四 起由师傅 {second} 王姐 接手" in ops.text(), ops.text()
    assert "新师傅 王姐 从 12月3日 周四 起接手" in fake_telegram.sent(730801)[-1]["text"]
    assert f"您已接手长期订单 #{number}" in fake_telegram.sent(730702)[-1]["text"]
    await customer.say(f"/replace #{number} 还是不合适")  # the one free replacement is used
    assert "免费更换次数已用完" in customer.text(), customer.text()
    await ops.say(f"/order #{number}")
    assert PERIOD in ops.text() and "已应客户要求更换师傅 1 次" in ops.text(), ops.text()

    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert order.worker_id == second
        assert handover_note(date(2026, 12, 3)) in [e.note for e in order.timeline]
        placement = await uow.placements.for_order(order.id)
        (period,) = await uow.placements.periods(placement.id)
        level = (await uow.workers.get(first)).level
    (swept,) = await app[SERVICES].run(PlacementSweep())
    assert (swept.asked, swept.settled) == (1, 0)
    await customer.say(f"支付 #{number}")
    await customer.choose("确认支付")
    clock.now = period.ends_at + timedelta(minutes=1)
    (swept,) = await app[SERVICES].run(PlacementSweep())
    assert (swept.asked, swept.settled) == (0, 1)

    share = period_share(period.amount_cents, commission_bp(level, RULES.settlement))
    async with app[DATABASE].uow() as uow:  # what each earned: owed, and held as deposit
        one, two = [
            -await uow.ledger.balance(worker_payable(w))
            - await uow.ledger.balance(worker_deposit(w))
            for w in (first, second)
        ]
    assert one + two == share  # to the fen
    assert abs(one * 26 - share * 9) <= 13  # 9 of the 26 days (Nov 24 … Dec 2), to the fen
    assert any("第 1 期已结算" in m["text"] for m in fake_telegram.sent(730701)[-2:])
    assert any("第 1 期已结算" in m["text"] for m in fake_telegram.sent(730702)[-2:])


async def test_handover_refuses_an_offline_worker_without_the_skill_or_papers_saying_why(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from domain.people import Certificate

    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock, RULES)
    client = await aiohttp_client(app)
    papers = (
        Certificate("health", "", date(2027, 12, 31), True),
        Certificate("maternity_nurse", "", date(2027, 12, 31), True),
    )
    first = await worker(app, 730711, "张姐", skills=("maternity",), certificates=papers)
    cleaner = await worker(app, 730712, "李姐", certificates=papers, online=False)
    unpapered = await worker(app, 730713, "赵姐", skills=("maternity",), online=False)
    offline = await worker(
        app, 730714, "王姐", skills=("maternity",), certificates=papers, online=False
    )
    customer = TelegramUser(client, fake_telegram, 730811)
    number = await book_maternity_nurse(customer)
    await take(app, number, first)
    await at_work(app, number, first)
    clock.advance(days=2)

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/handover #{number} {cleaner}")
    assert f"师傅 {cleaner} 不能接手:没有该服务技能" in ops.text(), ops.text()
    await ops.say(f"/handover #{number} {unpapered}")
    assert f"师傅 {unpapered} 不能接手:缺少所需证书" in ops.text(), ops.text()
    await ops.say("/lang")  # the admin's language: English
    await ops.say(f"/handover #{number} {cleaner}")
    assert f"Worker {cleaner} cannot take over: lacks the skill" in ops.text(), ops.text()
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).worker_id == first
    await ops.say(f"/handover #{number} {offline}")  # offline, but fit: ops called them
    assert "不能" not in ops.text() and "cannot" not in ops.text(), ops.text()
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).worker_id == offline
