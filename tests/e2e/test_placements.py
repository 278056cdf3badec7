"""Long placements end to end, on SQLite and PostgreSQL: a Telegram customer books a 26-day
maternity nurse (月嫂); the quote shows the contract period; once a worker holds it, the whole
period blocks their calendar — every day of it, with the travel buffer — and a one-day job in
the middle is never offered to them, by push, grab or batch, and ``/explain`` names the clash.
Then ending early with the refund; a one-tap renewal; an interview before the start; a move
before it (the periods' payments and settlement: ``test_placement_periods``)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.commands import BatchDispatch, PlacementSweep
from domain.dispatch import Job, Refusal, refusal
from domain.people import GeoPoint
from domain.timeline_notes import ended_early_note
from tests.e2e.helpers import (
    CATALOG,
    DISPATCH_MODES,
    HOME,
    RULES,
    TelegramUser,
    book_and_pay,
    confirm_order,
    make_settings,
    on_telegram,
    rules_for_mode,
)
from tests.e2e.test_explain_dispatch import offered, take, worker
from webhooks.app import create_app
from webhooks.keys import DATABASE, SERVICES

# every test runs on SQLite and on PostgreSQL (``own_db_url``): a database of its own each
OPS = 730001
TZ = ZoneInfo("Asia/Shanghai")


def app_with(tmp_path, url, pii_key, fake_telegram, clock, rules=RULES):
    settings = make_settings(
        tmp_path, url, pii_key, **on_telegram(fake_telegram), admins=f"telegram:{OPS}:ops"
    )
    return create_app(settings, CATALOG, rules, clock=clock)


PERIOD = "合同期 11月24日 周二 09:00 至 12月20日 周日 09:00,共 26 天(住家,每天 24 小时)"


async def book_maternity_nurse(
    customer: TelegramUser, when: str = "明天 9:00", period: str = PERIOD
) -> int:
    """Book a 26-day maternity nurse at ``when`` and pay the deposit; the order number."""
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("月嫂母婴")
    await customer.choose("月嫂(26 天)")
    await customer.choose("26天")
    await customer.say(when)
    await customer.share(location={"latitude": HOME[0], "longitude": HOME[1]})
    await customer.say("8楼801")
    quote = customer.text()
    assert period in quote, quote
    # the rest period by period (one period: in one payment)
    rest = r"余款(按合同期分 \d 期支付,每期|在合同期内一次支付,)到期前提醒"
    assert re.search(rest, quote), quote
    await confirm_order(customer)
    code = re.search(r"请回复验证码:(\d{6})", customer.text())
    assert code is not None, customer.text()  # over the rules' ¥2,000: typed back
    await customer.say(code.group(1))
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    return number


async def test_a_26_day_placement_blocks_its_worker_for_every_day_of_it(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from conversations.services.dispatch_pool import candidates

    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    nurse = await worker(app, 730101, "月嫂", skills=("cleaning", "maternity"), online=False)
    number = await book_maternity_nurse(TelegramUser(client, fake_telegram, 730201))
    await take(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
    assert order.end_at - order.start_at == timedelta(days=26)  # not 10.8 days
    customer = TelegramUser(client, fake_telegram, 730201)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert PERIOD in customer.text(), customer.text()  # the order's detail shows the contract
    assert placement is not None and placement.days == 26 and placement.live_in

    async def clash(at: datetime, hours: int = 2) -> Refusal | None:
        job = Job(0, "cleaning", at, at + timedelta(hours=hours), GeoPoint(*HOME))
        async with app[DATABASE].uow() as uow:
            (me, _) = (await candidates(uow, job, RULES, [await uow.workers.get(nurse)]))[nurse]
        return refusal(job, replace(me, online=True), RULES.dispatch)

    first = order.start_at.astimezone(TZ).date()
    for day in range(26):  # 03:00, 15:00 and 23:00 of every day of the contract
        for hour in (3, 15, 23):
            at = datetime.combine(first + timedelta(days=day), datetime.min.time(), TZ)
            at += timedelta(hours=hour)
            if at < order.start_at - timedelta(hours=2):
                continue
            assert await clash(at) == Refusal.OVERLAP, (day, hour)
    buffer = timedelta(minutes=RULES.dispatch.travel_buffer_minutes)
    assert await clash(order.end_at + buffer + timedelta(minutes=1)) is None
    assert await clash(order.start_at - buffer - timedelta(hours=2, minutes=1)) is None


@pytest.mark.parametrize("mode", DISPATCH_MODES)
async def test_a_one_day_job_inside_a_placement_is_never_offered_to_its_worker(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, mode
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock, rules_for_mode(mode))
    client = await aiohttp_client(app)
    nurse = await worker(app, 730301, "月嫂", skills=("cleaning", "maternity"))  # the nearest
    other = await worker(app, 730302, "保洁", center=(HOME[0] + 0.03, HOME[1]))
    number = await book_maternity_nurse(TelegramUser(client, fake_telegram, 730401))
    await take(app, number, nurse)
    clock.advance(days=6)  # day 6 of the 26: the nurse is at the family's home
    one_day = await book_and_pay(TelegramUser(client, fake_telegram, 730402))
    if mode == "batch":
        assert await offered(app, one_day) == set()
        await app[SERVICES].run(BatchDispatch())
    assert await offered(app, one_day) == {other}
    assert not any(f"#{one_day}" in m.get("text", "") for m in fake_telegram.sent(730301))

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/explain #{one_day}")
    assert f"月嫂(师傅 {nurse}):时间与已接订单冲突" in ops.text(), ops.text()


async def at_work(app, number: int, worker_id: int) -> None:
    """The worker of order ``number`` set off, arrived and started (arranged in the store)."""
    from domain.lifecycle import Action, ActorKind
    from domain.orders import Actor
    from webhooks.keys import CLOCK

    actor = Actor(ActorKind.WORKER, str(worker_id))
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        for action in (Action.DEPART, Action.ARRIVE, Action.START):
            order.apply(action, actor, app[CLOCK]())
        await uow.orders.save(order, app[CLOCK]())
        await uow.commit()


async def test_ending_early_refunds_the_unused_days_less_the_notice_fee_and_frees_the_worker(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from conversations.services.dispatch_pool import candidates
    from domain.payments import PaymentKind
    from domain.placement_billing import termination
    from domain.placements import PlacementStatus

    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    nurse = await worker(app, 730901, "月嫂", skills=("maternity", "cleaning"), online=False)
    customer = TelegramUser(client, fake_telegram, 731001)
    number = await book_maternity_nurse(customer)
    await take(app, number, nurse)
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    clock.now = order.start_at + timedelta(hours=1)
    await app[SERVICES].run(PlacementSweep())
    await customer.say(f"支付 #{number}")
    await customer.choose("确认支付")  # the whole contract paid (one period, in advance)

    clock.advance(days=9)  # Dec 3: the customer asks; ending tomorrow is quoted by the rules
    await customer.say(f"终止合同 #{number}")
    asked = fake_telegram.sent(731001)[-1]["text"]
    assert f"已收到订单 #{number} 提前终止的申请" in asked, asked
    assert "若从 12月4日 周五 起终止:已服务 10 天" in asked  # a day as every screen writes one
    told_ops = fake_telegram.sent(OPS)[-1]["text"]
    assert "若从 12月4日 周五 起:" in told_ops  # the command keeps the form it is typed in
    assert f"/terminate #{number} 2026-12-04" in told_ops
    clock.advance(days=1)  # Dec 4: ten days served (Nov 24 … Dec 3)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/terminate #{number}")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
        refunds = [
            p for p in await uow.payments.for_order(order.id) if p.kind == PaymentKind.REFUND
        ]
        entries = await uow.ledger.for_order(order.id)
    ends = termination(placement.period, order.total_cents, order.total_cents, ends_on(10), 3)
    assert ends.used_days == 10 and ends.fee_cents > 0
    assert ended_early_note(ends_on(10)) in [e.note for e in order.timeline]
    assert sum(p.amount_cents for p in refunds) == ends.refund_cents > 0
    assert f"#{number} 的合同于 12月4日 周五 提前终止:已服务 10 天" in ops.text(), ops.text()
    told = "\n".join(m.get("text", "") for m in fake_telegram.sent(731001)[-2:])
    assert f"订单 #{number} 的合同于 12月4日 周五 提前终止:已服务 10 天" in told, told
    assert "已原路退回" in told
    assert placement.status == PlacementStatus.TERMINATED
    assert order.status.value == "settled"
    assert sum(e.amount_cents for e in entries) == 0

    # the rest of the contract no longer blocks the nurse
    at = clock.now + timedelta(days=3)
    job = Job(0, "cleaning", at, at + timedelta(hours=2), GeoPoint(*HOME))
    async with app[DATABASE].uow() as uow:
        (me, _) = (await candidates(uow, job, RULES, [await uow.workers.get(nurse)]))[nurse]
    assert refusal(job, replace(me, online=True), RULES.dispatch) is None


def ends_on(day: int):
    from datetime import date

    return date(2026, 11, 24) + timedelta(days=day)


async def test_a_contract_about_to_end_is_renewed_in_one_tap_with_the_same_worker_asked(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from datetime import date

    from domain.people import Certificate

    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    papers = (
        Certificate("health", "", date(2027, 12, 31), True),
        Certificate("maternity_nurse", "", date(2027, 12, 31), True),
    )
    nurse = await worker(
        app, 731101, "月嫂", skills=("maternity",), certificates=papers, online=False
    )
    customer = TelegramUser(client, fake_telegram, 731201)
    number = await book_maternity_nurse(customer)
    await take(app, number, nurse)
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    clock.now = order.end_at - timedelta(days=7, minutes=-1)
    (swept,) = await app[SERVICES].run(PlacementSweep())
    assert swept.offered == 1
    offer = fake_telegram.sent(731201)[-1]
    assert f"订单 #{number} 的合同将于 12月20日 周日 09:00 到期" in offer["text"], offer
    buttons = [b for row in offer["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == [f"续约 #{number}"]
    (again,) = await app[SERVICES].run(PlacementSweep())
    assert again.offered == 0  # offered once

    customer.last = [offer]
    await customer.choose("续约")  # the one tap
    renewed = fake_telegram.sent(731201)[-1]["text"]
    new = int(re.search(r"新订单 #(\d+)", renewed).group(1))
    assert "12月20日 周日 09:30 起,优先安排原师傅" in renewed, renewed  # after the travel buffer
    customer.last = [offer]
    await customer.choose("续约")  # the button again (it stays in the chat): no second order
    twice = fake_telegram.sent(731201)[-1]["text"]
    assert f"订单 #{number} 已续约为订单 #{new},无需再续" in twice, twice
    async with app[DATABASE].uow() as uow:
        placed = await uow.orders.for_customer(order.customer_id, limit=10)
    assert sorted(o.number for o in placed) == sorted([number, new])
    async with app[DATABASE].uow() as uow:
        second = await uow.orders.by_number(new)
        contract = await uow.placements.for_order(second.id)
    buffer = timedelta(minutes=RULES.dispatch.travel_buffer_minutes)
    assert second.start_at == order.end_at + buffer and second.preferred_worker_id == nurse
    assert contract is not None and contract.days == 26
    async with app[DATABASE].uow() as uow:  # the nurse takes jobs again (online)
        me = await uow.workers.get(nurse)
        me.online = True
        await uow.workers.save(me)
        await uow.commit()
    await customer.say(f"支付 #{new}")
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    assert await offered(app, new) == {nurse}  # the same worker, first


async def test_an_interview_before_the_start_then_a_replacement_before_day_one(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    from datetime import date

    from domain.people import Certificate

    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    nurse = await worker(app, 731301, "月嫂", skills=("maternity",), online=False)
    customer = TelegramUser(client, fake_telegram, 731401)
    number = await book_maternity_nurse(
        customer, "后天 9:00", "合同期 11月25日 周三 09:00 至 12月21日 周一 09:00"
    )
    await take(app, number, nurse)

    await customer.say(f"面试 #{number} 后天 10:00")  # after the start: refused
    assert "面试时间要在现在之后、合同开始之前" in customer.text(), customer.text()
    await customer.say(f"/interview #{number} 明天 15:00")  # or 面试 #N 明天 15:00
    told = fake_telegram.sent(731401)[-1]["text"]
    assert f"已为订单 #{number} 约好面试:11月24日 周二 15:00" in told, told
    assert "11月24日 周二 15:00 上门面试" in fake_telegram.sent(731301)[-1]["text"]
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
    assert placement.interview_at.astimezone(TZ).hour == 15

    await customer.say(f"终止合同 #{number}")  # before day 1: nothing to end, but cancel
    told = customer.text()
    assert f"订单 #{number} 的合同还没开始,不能提前终止;不需要了可以在「我的订单」中取消" in told
    await customer.say(f"更换师傅 #{number} 面试后觉得不合适")  # before day 1: allowed
    assert "更换师傅的申请" in fake_telegram.sent(731401)[-1]["text"]

    papers = (
        Certificate("health", "", date(2027, 12, 31), True),
        Certificate("maternity_nurse", "", date(2027, 12, 31), True),
    )
    other = await worker(
        app, 731302, "新月嫂", skills=("maternity",), certificates=papers, online=False
    )
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/handover #{number} {other} 2026-11-25")
    assert "起由师傅" in ops.text(), ops.text()
    await customer.say("我的订单")
    await customer.choose(f"#{number}")
    shown = customer.text()
    # the hand-over on the customer's timeline: what happened, not the admin's action
    assert "11月25日 周三 起更换师傅" in shown and "转为改派" not in shown, shown


async def test_a_placement_moved_before_it_starts_takes_its_contract_along(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    number = await book_maternity_nurse(TelegramUser(client, fake_telegram, 731501))
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/reschedule #{number} 后天 10:00")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
        periods = await uow.placements.periods(placement.id)
    assert order.start_at.astimezone(TZ) == datetime(2026, 11, 25, 10, 0, tzinfo=TZ), ops.text()
    assert placement.period.start_at == order.start_at == periods[0].starts_at
    assert placement.period.end_at == order.end_at == order.start_at + timedelta(days=26)
    assert sum(p.amount_cents for p in periods) == order.total_cents


async def test_a_cancelled_placement_is_never_asked_for_again(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    number = await book_maternity_nurse(TelegramUser(client, fake_telegram, 731601))
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/cancel #{number} 客户来电取消")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.status.value in ("cancelled", "refunded"), ops.text()
    clock.now = order.end_at + timedelta(days=1)
    (swept,) = await app[SERVICES].run(PlacementSweep())
    assert (swept.asked, swept.settled, swept.offered) == (0, 0, 0)
    async with app[DATABASE].uow() as uow:  # claimed: the sweep does not look at it again
        assert await uow.placements.to_remind(clock.now, 100) == []
        assert await uow.placements.to_settle(clock.now, 100) == []


async def test_a_worker_cannot_finish_a_placement_before_its_last_day(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    nurse = await worker(app, 731501, "月嫂", skills=("maternity",), online=False)
    number = await book_maternity_nurse(TelegramUser(client, fake_telegram, 731601))
    await take(app, number, nurse)
    await at_work(app, number, nurse)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        placement = await uow.placements.for_order(order.id)
    clock.now = order.start_at + timedelta(days=1)  # day 2 of 26
    me = TelegramUser(client, fake_telegram, 731501)
    await me.say(f"/finish #{number}")
    day = placement.period.last_day
    last = f"{day.month}月{day.day}日 周{'一二三四五六日'[day.weekday()]}"  # no year: this year's
    assert f"长期订单 #{number} 的合同到 {last} 结束,最后一天才能完工" in me.text()
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).status.value == "in_service"
    clock.now = placement.period.end_at - timedelta(hours=2)  # the last day: it may finish
    await me.say(f"/finish #{number}")
    assert "合同到" not in me.text() and "服务后照片" in me.text()


async def test_a_placement_moves_into_the_night_at_its_price_it_has_no_night_service(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    # a contract is priced by the day whenever it starts: moving its start past 22:00 is
    # no change of price (a visit's night service), so it is not refused as one
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, 731601)
    number = await book_maternity_nurse(
        customer, "后天 21:00", "合同期 11月25日 周三 21:00 至 12月21日 周一 21:00"
    )
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天 22:30")
    assert "改约到 11月25日 周三 22:30" in customer.text() and "免费改约" in customer.text(), (
        customer.text()
    )
