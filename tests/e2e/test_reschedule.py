"""Rescheduling a placed order end to end on Telegram and PostgreSQL: an admin's
``/reschedule`` (free, audited), the worker keeping the job when free at the new time, the
job offered to an idle worker (10% to the first) when the new time overlaps another of
theirs, and the refusal once the worker set off."""

from datetime import timedelta

import pytest

from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book,
    book_and_pay,
    last,
    near_the_start,
    order_of,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_paid_order_offers import offered_at_the_share_of_the_lines
from webhooks.keys import CLOCK, DATABASE

OPS, SUPPORT, FINANCE = 991002, 991004, 991003
ADMINS = f"telegram:{OPS}:ops,telegram:{SUPPORT}:support,telegram:{FINANCE}:finance"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_postgres_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=ADMINS,
    )
    return app, client


async def test_an_admin_moves_an_order_and_its_worker_keeps_it(tg, fake_telegram):
    app, client = tg
    worker = await seed_worker(app, channel="telegram", user_id="660001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 660101)
    number = await book_and_pay(customer, when="明天 15:00")
    await TelegramUser(client, fake_telegram, 660001).say(f"/accept #{number}")
    before = await order_of(app, number)
    assert before.worker_id == worker and before.status == OrderStatus.ACCEPTED

    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/reschedule #{number} 后天 10:00")
    assert f"已将 #{number} 改约到 11月25日 周三 10:00,原师傅继续服务" in support.text()
    assert f"订单 #{number} 已改约到 11月25日 周三 10:00。" in last(fake_telegram, 660101)
    assert "改约费" not in last(fake_telegram, 660101)  # an admin's move is free
    assert "从 11月24日 周二 15:00 改到 11月25日 周三 10:00,仍由您服务" in last(
        fake_telegram, 660001
    )
    after = await order_of(app, number)
    assert after.start_at == before.start_at + timedelta(hours=19)
    assert after.worker_id == worker and after.status == OrderStatus.ACCEPTED
    assert any(e.action == Action.RESCHEDULE for e in after.timeline)
    async with app[DATABASE].uow() as uow:
        assert not [e for e in await uow.ledger.for_order(after.id) if e.memo != "payment"]
    await support.say(f"/audit #{number}")
    assert "改约时间 — " in support.text()

    await support.say(f"/reschedule #{number} 后天 10:00")  # the same slot
    assert "新时间和原来的一样" in support.text()
    await support.say(f"/reschedule #{number} 后天")  # no time
    assert "/reschedule #订单号" in support.text()


async def test_a_move_onto_another_job_of_the_worker_is_offered_to_an_idle_worker(
    tg, fake_telegram
):
    """DESIGN §4: an overlap found after acceptance is offered to a nearby idle worker; the
    first worker keeps the job until then and earns the rule's 10% when it is taken."""
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    first = await book_and_pay(TelegramUser(client, fake_telegram, 661101), when="明天 15:00")
    second = await book_and_pay(TelegramUser(client, fake_telegram, 661102), when="后天 10:00")
    busy = await seed_worker(app, channel="telegram", user_id="661001", center=HOME, online=False)
    for number in (first, second):
        await ops.say(f"/assign #{number} {busy}")
        assert f"已将 #{number} 指派给师傅 {busy}" in ops.text()
    other = await seed_worker(app, channel="telegram", user_id="661002", center=HOME)

    await ops.say(f"/reschedule #{first} 后天 10:30")
    assert f"已将 #{first} 改约到 11月25日 周三 10:30;新时间与原师傅的其他订单冲突" in ops.text()
    assert f"与您的订单 #{second} 冲突" in last(fake_telegram, 661001)
    assert f"#{first}" in last(fake_telegram, 661002)  # offered to the free worker
    moved = await order_of(app, first)
    assert moved.status == OrderStatus.ACCEPTED and moved.worker_id == busy  # until taken
    await TelegramUser(client, fake_telegram, 661002).say(f"/accept #{first}")
    taken = await order_of(app, first)
    assert taken.worker_id == other and taken.transfer_from_worker_id == busy
    assert taken.transfer_compensation_cents == taken.total_cents // 10
    assert "补偿" in last(fake_telegram, 661001)
    assert (await order_of(app, second)).worker_id == busy


async def test_a_move_onto_another_job_with_nobody_free_tells_ops(tg, fake_telegram):
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    first = await book_and_pay(TelegramUser(client, fake_telegram, 662101), when="明天 15:00")
    second = await book_and_pay(TelegramUser(client, fake_telegram, 662102), when="后天 10:00")
    busy = await seed_worker(app, channel="telegram", user_id="662001", center=HOME, online=False)
    for number in (first, second):
        await ops.say(f"/assign #{number} {busy}")
    await ops.say(f"/reschedule #{first} 后天 10:30")
    assert "冲突" in ops.text()
    [alert] = [m["text"] for m in fake_telegram.sent(OPS) if "需要转单" in m["text"]]
    assert f"订单 #{first} 需要转单" in alert and f"/reassign #{first}" in alert
    assert "附近暂无空闲师傅" in last(fake_telegram, 662001)
    moved = await order_of(app, first)
    assert moved.status == OrderStatus.ACCEPTED and moved.worker_id == busy


async def test_no_move_once_the_worker_set_off(tg, fake_telegram):
    app, client = tg
    worker = await seed_worker(app, channel="telegram", user_id="662001", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 662101), when="明天 15:00")
    await TelegramUser(client, fake_telegram, 662001).say(f"/accept #{number}")
    await near_the_start(app, number, minutes_before=60)
    now = app[CLOCK]()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        order.apply(Action.DEPART, Actor(ActorKind.WORKER, str(worker)), now)
        order.departed_at = now
        await uow.orders.save(order, now)
        await uow.commit()
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/reschedule #{number} 后天 15:00")
    assert "这个订单现在不能改约时间" in ops.text()
    assert (await order_of(app, number)).start_at == order.start_at


async def test_the_customer_moves_their_order_for_free_and_is_shown_a_fee_inside_the_notice(
    tg, fake_telegram, clock
):
    app, client = tg
    worker = await seed_worker(app, channel="telegram", user_id="663001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 663101)
    number = await book_and_pay(customer, when="明天 15:00")  # 30 h ahead: free to move
    await TelegramUser(client, fake_telegram, 663001).say(f"/accept #{number}")
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    assert "改到什么时间" in customer.text()
    await customer.say("后天下午三点")
    assert "改约到 11月25日 周三 15:00" in customer.text() and "免费改约" in customer.text()
    await customer.choose("确认改约")
    assert f"订单 #{number} 已改约到 11月25日 周三 15:00,原师傅会按新时间上门" in customer.text()
    assert "从 11月24日 周二 15:00 改到 11月25日 周三 15:00,仍由您服务" in last(
        fake_telegram, 663001
    )
    order = await order_of(app, number)
    assert order.worker_id == worker and order.start_at.day == 25
    async with app[DATABASE].uow() as uow:
        assert not [e for e in await uow.ledger.for_order(order.id) if e.memo != "payment"]
        kinds = [p.kind.value for p in await uow.payments.for_order(order.id)]
    assert kinds == ["full"]  # a free move asks for no payment

    clock.advance(hours=40)  # now 14 h before the new start: a fee applies
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "改约时间 11月24日 周二 15:00 → 11月25日 周三 15:00" in customer.text()  # the timeline
    await customer.choose("改约时间")
    await customer.say("后天 10:00")
    assert "改约费 ¥3.00" in customer.text()
    assert (await order_of(app, number)).start_at == order.start_at


async def test_a_late_move_waits_for_its_fee_then_the_fee_is_revenue_and_refundable(
    tg, fake_telegram, clock
):
    from domain import ledger as L
    from domain.commands import ConfirmSandboxPayment, ExecuteRefunds
    from domain.payments import PaymentKind, PaymentStatus
    from webhooks.keys import SERVICES

    app, client = tg
    worker = await seed_worker(app, channel="telegram", user_id="664001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 664101)
    number = await book_and_pay(customer, when="明天 15:00")
    await TelegramUser(client, fake_telegram, 664001).say(f"/accept #{number}")
    order = await order_of(app, number)
    clock.advance(hours=10)  # 20 h before the start: moving costs 10% of what was paid
    fee = order.paid_cents // 10

    async def ask_to_move() -> None:
        await customer.say("/orders")
        await customer.choose(f"#{number}")
        await customer.choose("改约时间")
        await customer.say("后天 10:00")
        assert "需支付改约费" in customer.text()
        await customer.choose("确认并支付")
        assert "支付成功后订单" in customer.text() and "11月25日 周三 10:00" in customer.text()

    await ask_to_move()
    await customer.choose("稍后支付")  # not paid: not moved
    assert (await order_of(app, number)).start_at == order.start_at

    await ask_to_move()  # asked again: the first request is closed, this one is paid
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text()
    moved = await order_of(app, number)
    assert moved.start_at.day == 25 and moved.worker_id == worker
    assert "从 11月24日 周二 15:00 改到 11月25日 周三 10:00,仍由您服务" in last(
        fake_telegram, 664001
    )
    async with app[DATABASE].uow() as uow:
        payments = await uow.payments.for_order(moved.id)
        ledger = await uow.ledger.for_order(moved.id)
    fees = [p for p in payments if p.kind == PaymentKind.RESCHEDULE_FEE]
    assert sorted(p.status for p in fees) == [PaymentStatus.EXPIRED, PaymentStatus.SUCCEEDED]
    assert all(p.amount_cents == fee for p in fees)
    assert moved.paid_cents == order.paid_cents + fee
    assert -sum(e.amount_cents for e in ledger if e.account == L.PLATFORM_REVENUE) == fee
    assert sum(e.amount_cents for e in ledger) == 0

    # the closed first request paid anyway (an old page): credited, then given back at once
    stale = next(p for p in fees if p.status == PaymentStatus.EXPIRED)
    await app[SERVICES].run(ConfirmSandboxPayment(stale.reference))
    moved = await order_of(app, number)
    assert moved.start_at.day == 25 and moved.refunded_cents == fee
    async with app[DATABASE].uow() as uow:
        payments = await uow.payments.for_order(moved.id)
        ledger = await uow.ledger.for_order(moved.id)
    [back] = [p for p in payments if p.refund_of == stale.id]
    assert back.status == PaymentStatus.SUCCEEDED and back.amount_cents == fee
    assert -sum(e.amount_cents for e in ledger if e.account == L.PLATFORM_REVENUE) == fee
    assert sum(e.amount_cents for e in ledger) == 0

    finance = TelegramUser(client, fake_telegram, FINANCE)  # refunded in full later
    left = moved.paid_cents - moved.refunded_cents
    await finance.say(f"/refund #{number} {left / 100:.2f}")
    await app[SERVICES].run(ExecuteRefunds())
    refunded = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        payments = await uow.payments.for_order(refunded.id)
        ledger = await uow.ledger.for_order(refunded.id)
    back = {p.refund_of for p in payments if p.kind == PaymentKind.REFUND}
    assert back == {p.id for p in payments if p.kind != PaymentKind.REFUND}
    assert refunded.refunded_cents == refunded.paid_cents
    assert sum(e.amount_cents for e in ledger) == 0
    assert sum(e.amount_cents for e in ledger if e.account == L.CUSTOMER_PREPAID) == 0


async def test_a_paid_reschedule_fee_is_kept_when_the_order_is_cancelled_later(
    tg, fake_telegram, clock
):
    from domain import ledger as L
    from domain.commands import ExecuteRefunds
    from domain.payments import PaymentKind, PaymentStatus
    from webhooks.keys import SERVICES

    app, client = tg
    await seed_worker(app, channel="telegram", user_id="665001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 665101)
    number = await book_and_pay(customer, when="明天 15:00")
    await TelegramUser(client, fake_telegram, 665001).say(f"/accept #{number}")
    paid = (await order_of(app, number)).paid_cents
    clock.advance(hours=10)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天 18:00")  # 2 days away: cancelling then is free
    await customer.choose("确认并支付")
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text()

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    assert f"退款 ¥{paid / 100:.2f}" in customer.text()  # the fee is not refunded
    await customer.choose("确认取消")
    await app[SERVICES].run(ExecuteRefunds())
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        payments = await uow.payments.for_order(order.id)
        ledger = await uow.ledger.for_order(order.id)
    refunds = [p for p in payments if p.kind == PaymentKind.REFUND]
    assert [r.amount_cents for r in refunds] == [paid]
    assert all(r.status == PaymentStatus.SUCCEEDED for r in refunds)
    fee = next(p.amount_cents for p in payments if p.kind == PaymentKind.RESCHEDULE_FEE)
    # the reschedule fee stays revenue: not all came back, so cancelled, not refunded
    assert order.status.value == "cancelled" and order.paid_cents == paid + fee
    assert -sum(e.amount_cents for e in ledger if e.account == L.PLATFORM_REVENUE) == fee
    assert sum(e.amount_cents for e in ledger if e.account == L.CUSTOMER_PREPAID) == 0
    assert sum(e.amount_cents for e in ledger) == 0


async def test_an_order_moved_while_nobody_had_taken_it_is_offered_at_the_share_of_its_lines(
    tg, fake_telegram
):
    """A move re-offers a dispatching order (its lock read has no quote lines): the worker's
    earnings come from the service lines, not from the first order's discounted total."""
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 663101), when="明天 15:00")
    assert (await order_of(app, number)).status == OrderStatus.DISPATCHING  # nobody yet
    worker_id = await seed_worker(app, channel="telegram", user_id="663001", center=HOME)
    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/reschedule #{number} 后天 10:00")
    assert f"#{number}" in last(fake_telegram, 663001)  # offered at the new time
    await offered_at_the_share_of_the_lines(app, number, worker_id)


async def test_a_second_late_move_costs_a_share_of_the_order_never_of_the_first_moves_fee(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="666001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 666101)
    number = await book_and_pay(customer, when="明天 15:00")
    await TelegramUser(client, fake_telegram, 666001).say(f"/accept #{number}")
    paid = (await order_of(app, number)).paid_cents
    fee = f"¥{paid // 10 / 100:.2f}"
    clock.advance(hours=10)  # 20 h before the start: each move costs 10% of the order

    for when in ("明天 17:00", "明天 18:00"):
        await customer.say("/orders")
        await customer.choose(f"#{number}")
        await customer.choose("改约时间")
        await customer.say(when)
        assert f"需支付改约费 {fee}" in customer.text(), customer.text()
        await customer.choose("确认并支付")
        await customer.choose("确认支付")
        assert "已支付改约费" in customer.text()
    moved = await order_of(app, number)
    assert moved.paid_cents == paid + 2 * (paid // 10)


async def test_an_unpaid_order_moved_from_my_orders_is_said_to_wait_for_payment_then_paid(
    tg, fake_telegram
):
    """Nobody is arranged for an order not paid yet: its move says so and asks to pay."""
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 663102)
    number = await book(customer, when="明天 15:00")  # placed, not paid
    assert number is not None, customer.text()
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天下午三点")
    await customer.choose("确认改约")
    said = customer.text()
    assert f"订单 #{number} 已改到 11月25日 周三 15:00,付款后为您安排师傅。" in said, said
    assert "正在为新时间安排师傅" not in said
    await customer.choose("确认支付")  # the order's payment question follows
    assert "支付成功" in customer.text()
    order = await order_of(app, number)
    assert order.start_at.day == 25 and order.status != OrderStatus.AWAITING_PAYMENT
