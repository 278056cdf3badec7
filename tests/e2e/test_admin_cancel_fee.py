"""An admin's ``/cancel`` of a paid order, on SQLite and PostgreSQL: the cancellation policy
applies whoever cancels (README, Money: an admin most often cancels at the customer's word,
and a fee the platform should not keep goes back with ``/refund``), so the customer is told
the truth in their own language — what comes back *and* the fee kept, with the rule behind it
— and the order's detail shows the fee; without a fee nothing about one is said."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.helpers import (
    TelegramUser,
    book_and_pay,
    near_the_start,
    order_of,
    taken_by_a_worker,
    telegram_app,
)
from webhooks.keys import DATABASE

OPS = 782900
FINANCE = 782901


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    """The app with one ops admin, on SQLite or PostgreSQL (``own_db_url``)."""
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OPS}:ops,telegram:{FINANCE}:finance",
    )


async def cancelled_by_ops(app, client, fake_telegram, customer: TelegramUser, worker: str):
    """Book and pay, a worker takes it, 1 h before the start ops cancel it "客户要求"; the
    order number and what ops were told."""
    number = await book_and_pay(customer)
    await taken_by_a_worker(app, number, worker)
    await near_the_start(app, number, minutes_before=60)  # under 2 h: the late fee
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/cancel #{number} 客户要求")
    return number, ops.text()


async def test_the_customer_is_told_the_fee_an_admins_cancellation_kept_and_why(
    shop, fake_telegram
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 782001)
    number, answer = await cancelled_by_ops(app, client, fake_telegram, customer, "782101")
    order = await order_of(app, number)
    fee = order.paid_cents * 30 // 100  # rules.cancellation.late_fee_percent
    refund = order.paid_cents - fee
    yuan = f"¥{fee / 100:.2f}"
    assert f"退款 ¥{refund / 100:.2f},收费 {yuan}" in answer, answer
    async with app[DATABASE].uow() as uow:
        journal = [e for e in await uow.ledger.for_order(order.id) if e.journal.startswith("fee:")]
    assert sum(e.amount_cents for e in journal if e.amount_cents > 0) == fee

    [told] = [m["text"] for m in fake_telegram.sent(782001) if "已由客服取消" in m.get("text", "")]
    assert f"已由客服取消:客户要求。¥{refund / 100:.2f} 将原路退回。" in told
    assert f"按取消规则收取取消费 {yuan}(距开始不足 2 小时,收取 30% 费用)" in told, told

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert f"已取消,收取取消费 {yuan}" in customer.text(), customer.text()


async def test_an_order_cancelled_with_a_fee_stays_cancelled_showing_what_came_back_and_the_fee(
    shop, fake_telegram
):
    """Not everything came back, so the order is not "已退款" (refunded) but 已取消, its
    money saying what was refunded and the fee kept — to the customer and in ``/order``;
    once finance gives the fee back too (``/refund``) it is refunded in full."""
    from domain.lifecycle import OrderStatus

    app, client = shop
    customer = TelegramUser(client, fake_telegram, 782004)
    number, _ = await cancelled_by_ops(app, client, fake_telegram, customer, "782104")
    order = await order_of(app, number)
    fee = order.paid_cents * 30 // 100
    assert order.refunded_cents == order.paid_cents - fee
    assert order.status == OrderStatus.CANCELLED
    back, kept = f"¥{order.refunded_cents / 100:.2f}", f"¥{fee / 100:.2f}"

    await customer.say("/orders")
    assert f"#{number} " in customer.text() and "已退款" not in customer.text()
    await customer.choose(f"#{number}")
    shown = customer.text()
    assert "状态:已取消" in shown and f"已退 {back},扣除取消费 {kept}" in shown, shown
    assert "已退款" not in shown

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/order #{number}")
    assert "· 已取消" in finance.text() and "已退款" not in finance.text(), finance.text()
    assert f"已退 {back} · 扣除取消费 {kept}" in finance.text(), finance.text()

    await finance.say(f"/refund #{number} {fee / 100:.2f}")
    order = await order_of(app, number)
    assert order.refunded_cents == order.paid_cents and order.status == OrderStatus.REFUNDED
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "状态:已退款" in customer.text() and "扣除取消费" not in customer.text()


async def test_an_english_customer_reads_the_fee_in_english(shop, fake_telegram):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 782002)
    number = await book_and_pay(customer)
    await customer.say("/language en")
    await taken_by_a_worker(app, number, "782102")
    await near_the_start(app, number, minutes_before=60)
    await TelegramUser(client, fake_telegram, OPS).say(f"/cancel #{number} customer asked")
    order = await order_of(app, number)
    fee = order.paid_cents * 30 // 100
    [told] = [
        m["text"] for m in fake_telegram.sent(782002) if "cancelled by our team" in m["text"]
    ]
    assert f"A cancellation fee of ¥{fee / 100:.2f} is kept" in told, told
    assert "less than 2 h before the start: 30% fee" in told


async def test_no_fee_is_mentioned_when_the_policy_keeps_none(shop, fake_telegram, clock):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 782003)
    number = await book_and_pay(customer, when="后天 15:00")  # over 24 h ahead: free
    await taken_by_a_worker(app, number, "782103")
    clock.advance(minutes=5)
    await TelegramUser(client, fake_telegram, OPS).say(f"/cancel #{number} 客户要求")
    order = await order_of(app, number)
    assert order.refunded_cents == order.paid_cents
    [told] = [m["text"] for m in fake_telegram.sent(782003) if "已由客服取消" in m.get("text", "")]
    assert "取消费" not in told and "将原路退回" in told
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "取消费" not in customer.text()
    assert order.start_at - clock.now > timedelta(hours=24)


REFUNDED_ALREADY = {
    "zh": ("已取消 #{n}:退款 ¥0.00,收费 ¥0.00(已付款项已全部退回,直接取消)", "未支付"),
    "en": (
        "Cancelled #{n}: refund ¥0.00, fee ¥0.00 (already refunded in full, cancelled at no cost)",
        "not paid",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_cancelling_an_order_refunded_in_parts_says_it_was_refunded_not_unpaid(
    shop, fake_telegram, clock, lang
):
    """Paid, then refunded in two parts by /refund: the order still goes on until /cancel,
    which costs nothing and says the money came back already — never that it was not paid."""
    app, client = shop
    number = await book_and_pay(TelegramUser(client, fake_telegram, 782005))
    paid = (await order_of(app, number)).paid_cents
    finance = TelegramUser(client, fake_telegram, FINANCE)
    first = paid // 3
    await finance.say(f"/refund #{number} {first / 100:.2f}")
    clock.advance(minutes=15)  # not taken for the same message resent
    await finance.say(f"/refund #{number} {(paid - first) / 100:.2f}")
    assert (await order_of(app, number)).refunded_cents == paid
    ops = TelegramUser(client, fake_telegram, OPS)
    if lang == "en":
        await ops.say("/lang")
    await ops.say(f"/cancel #{number} 客户要求")
    said, wrong = REFUNDED_ALREADY[lang]
    assert said.format(n=number) in ops.text(), ops.text()
    assert wrong not in ops.text()
    assert (await order_of(app, number)).status.value in ("cancelled", "refunded")
