"""A complaint's refund by the rule table is a share of what was paid for the service, on
SQLite and PostgreSQL: a reschedule fee paid for a late move is revenue of its own, neither
in the base of the percentage nor given back with it."""

from domain.aftersales import ComplaintStatus
from domain.commands import ExecuteRefunds
from domain.money import apply_rate
from tests.e2e.helpers import HOME, TelegramUser, order_of, seed_worker
from tests.e2e.test_after_sales import complain
from tests.e2e.test_job_rules import photo
from tests.e2e.test_reschedule_fee_money import (
    book_deep_cleaning_with_a_deposit,
    finished,
    moved_late_with_a_fee,
    tg,  # noqa: F401 - the fixture
)
from webhooks.keys import DATABASE, RULES, SERVICES

WORKER, CUSTOMER = 669001, 669101


async def test_a_complaint_refunds_its_share_of_the_service_paid_not_of_the_fee(
    tg,  # noqa: F811 - the fixture imported above
    fake_telegram,
    clock,
):
    app, client = tg
    await seed_worker(
        app,
        channel="telegram",
        user_id=str(WORKER),
        center=HOME,
        skills=("deep_cleaning",),
        level="A",
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)  # a deposit of ¥219
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")
    clock.advance(hours=10)
    await moved_late_with_a_fee(customer, number)  # ¥21.90, in what was paid
    clock.advance(hours=23)
    await finished(app, worker, fake_telegram, number)
    assert (await order_of(app, number)).paid_cents == 21_900 + 2_190

    await complain(customer, number, "迟到", "师傅晚到了一个小时")
    await photo(customer, fake_telegram, "clock")
    await customer.choose("提交投诉")
    refund = apply_rate(21_900, app[RULES].after_sales.refund_bp["late"])  # 10% of ¥219
    assert refund == 2_190
    assert "已按规则处理" in customer.text() and "¥21.90" in customer.text(), customer.text()
    await app[SERVICES].run(ExecuteRefunds())
    order = await order_of(app, number)
    assert order.refunded_cents == refund  # not ¥24.09: 10% of the deposit and the fee
    async with app[DATABASE].uow() as uow:
        [complaint] = await uow.complaints.for_order(order.id)
        payments = await uow.payments.for_order(order.id)
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.refund_cents == refund
    fee = next(p for p in payments if p.kind.value == "resched_fee")
    assert all(p.refund_of != fee.id for p in payments)  # the fee is kept
