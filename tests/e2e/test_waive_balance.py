"""``/waive``: finance forgives what a customer still owes on a finished order — here an
extra they approved and never paid, which kept the order from being confirmed and the worker
from being paid. The customer is told, the order can be confirmed and settles on what was paid,
and money that still lands on the closed request goes back (Telegram, sandbox, PostgreSQL; the
Telegram-invoice case on SQLite)."""

import pytest
from sqlmodel import select

from domain import ledger as L
from domain.commands import ConfirmPayment
from domain.payments import PaymentKind, PaymentStatus
from store.tables import AuditRow
from tests.e2e.helpers import TelegramUser, telegram_app
from tests.e2e.test_job_rules import photo
from tests.e2e.test_surcharges import (
    approved_on_telegram,
    ask_one_more_hour,
    at_work,
    notice_to,
    order_and_ledger,
)
from webhooks.keys import DATABASE, SERVICES

FINANCE, SUPPORT = 994001, 994002


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, clock):
    admins = f"telegram:{FINANCE}:finance,telegram:{SUPPORT}:support"
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        own_postgres_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=admins,
    )


async def test_finance_waives_an_unpaid_extra_and_the_order_settles_on_what_was_paid(
    tg, fake_telegram, clock
):
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 680001, 680101)
    before, _, _ = await order_and_ledger(app, number)
    await ask_one_more_hour(worker, fake_telegram, number)
    notice_to(fake_telegram, 680101, customer, "师傅现场申请加价")
    await customer.choose("同意加价")  # approved, never paid
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    await customer.say(f"确认完成 #{number}")
    assert "请先支付尾款 ¥40.00" in customer.text()  # stuck: nothing confirms it

    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/waive #{number} 顾客拒付")
    assert "/waive 需要 老板 或 财务 角色" in support.text()
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/waive #{number}")  # no reason: the usage
    assert "/waive #订单号 原因" in finance.text()
    await finance.say(f"/waive #{number} 顾客拒付加价")
    assert f"已免除 #{number} 未付的 ¥40.00" in finance.text()
    assert "¥40.00 已为您免除" in fake_telegram.sent(680101)[-1]["text"]
    # the worker, whose pay is now what was paid, is told why it is less than offered
    assert "¥40.00 已由平台免除" in fake_telegram.sent(680001)[-1]["text"]
    order, _, payments = await order_and_ledger(app, number)
    assert order.total_cents == order.paid_cents == before.paid_cents
    assert order.status.value == "finished"
    [extra] = [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert extra.status == PaymentStatus.EXPIRED
    assert any(e.action and e.action.value == "waive" for e in order.timeline)
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.action == "waive"))
        [logged] = rows.all()
    assert logged.actor == f"telegram:{FINANCE}" and logged.after["reason"] == "顾客拒付加价"
    assert logged.after["amount"] == 4000
    await finance.say(f"/audit #{number}")  # the timeline's event and the log's entry: once
    [waived] = [line for line in finance.text().splitlines() if "免除尾款 — " in line]
    assert "金额 ¥40.00,原因:顾客拒付加价" in waived, finance.text()
    await finance.say(f"/order #{number}")  # the extra reads as forgiven, not as agreed
    shown = finance.text()
    assert "现场加价 ¥40.00 [已由平台免除] 现场加价:日常保洁 +1 小时\n已免除 -¥40.00" in shown
    assert "客户已同意" not in shown, shown
    await finance.say("/lang en")
    await finance.say(f"/order #{number}")
    assert "On-site extra ¥40.00 [waived by the platform]" in finance.text(), finance.text()
    await finance.say(f"/audit #{number}")  # the timeline's words in a line: lower case
    [waived] = [line for line in finance.text().splitlines() if " balance waived — " in line]
    assert "amount ¥40.00, reason: 顾客拒付加价" in waived, finance.text()
    assert " on-site extra approved — customer " in finance.text(), finance.text()
    assert "Balance waived" not in finance.text() and "On-site extra approved" not in waived
    await customer.say("/lang en")  # the customer's own timeline reads them so too
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    timeline = customer.text().split("Timeline:\n")[1].split("\nComplain")[0]
    assert " on-site extra approved ¥40.00\n" in timeline, customer.text()
    assert timeline.rstrip().endswith(" balance waived ¥40.00"), customer.text()
    await customer.say("/lang zh")
    await finance.say("/lang zh")
    await finance.say(f"/waive #{number} 再来一次")
    assert f"订单 #{number} 没有未付的尾款" in finance.text()

    # the old request's pay page takes no money for it now
    paid_late = await client.post(f"/pay/sandbox/{extra.reference}")
    assert paid_late.status == 409 and "尾款已免除,无需再支付" in await paid_late.text()
    order, _, payments = await order_and_ledger(app, number)
    assert order.paid_cents == before.paid_cents
    assert [p.status for p in payments if p.kind == PaymentKind.SURCHARGE] == [
        PaymentStatus.EXPIRED
    ]
    # the reconciliation sweep finds it taken all the same (the provider says so): booked, not
    # credited, refunded in full, and the customer told why
    late = ConfirmPayment(extra.reference, "sandbox", "sandbox-late", None, None, True, True)
    await app[SERVICES].run(late)
    order, ledger, payments = await order_and_ledger(app, number)
    assert order.paid_cents == before.paid_cents
    [extra] = [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert extra.status == PaymentStatus.RETURNED
    [back] = [p for p in payments if p.kind == PaymentKind.REFUND and p.refund_of == extra.id]
    assert back.amount_cents == 4000 and back.status == PaymentStatus.SUCCEEDED
    texts = [m.get("text", "") for m in fake_telegram.sent(680101)]
    assert any("尾款已免除后才收到您支付的 ¥40.00" in t for t in texts)

    await customer.say(f"确认完成 #{number}")
    order, ledger, _ = await order_and_ledger(app, number)
    assert order.status.value == "settled"
    assert sum(e.amount_cents for e in ledger) == 0
    assert sum(e.amount_cents for e in ledger if e.account == L.CUSTOMER_PREPAID) == 0


async def test_only_a_finished_order_with_something_unpaid_is_waived(tg, fake_telegram, clock):
    app, client = tg
    _, _, _, number = await at_work(app, client, fake_telegram, clock, 681001, 681101)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/waive #{number} 试试")
    assert "只能免除已完工、待确认订单的尾款" in finance.text()
    order, _, _ = await order_and_ledger(app, number)
    assert order.total_cents == order.paid_cents and order.status.value == "in_service"


@pytest.fixture
async def tg_pay(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        telegram_payment_token="PROVIDER:TEST",
        admins=f"telegram:{FINANCE}:finance",
    )


async def test_money_telegram_takes_for_a_waived_extra_goes_back(tg_pay, fake_telegram, clock):
    """Telegram's pre-checkout of the waived extra's invoice is refused; a payment that lands
    all the same is booked, not credited, and refunded in full."""
    from tests.e2e.test_money import pre_checkout, successful_payment

    app, client = tg_pay
    worker, customer, number, extra = await approved_on_telegram(
        app, client, fake_telegram, clock, 682001, 682101
    )
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    await TelegramUser(client, fake_telegram, FINANCE).say(f"/waive #{number} 顾客拒付")
    before, _, _ = await order_and_ledger(app, number)

    answer = await pre_checkout(client, 682101, extra["payload"], 4000)
    assert answer.get("ok") is False, answer
    await successful_payment(customer, extra["payload"], 4000, charge="ch_late")
    order, ledger, payments = await order_and_ledger(app, number)
    assert order.paid_cents == before.paid_cents == order.total_cents
    [late] = [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert late.status == PaymentStatus.RETURNED
    [back] = [p for p in payments if p.kind == PaymentKind.REFUND and p.refund_of == late.id]
    assert back.amount_cents == 4000
    assert sum(e.amount_cents for e in ledger if e.account == "cash:telegram") == (
        before.paid_cents + 4000
    )  # received, to go back by hand (Telegram refunds in its dashboard)
    assert f"订单 #{number} 的尾款已免除,这笔 ¥40.00 不会用于该订单" in customer.text()


def lines_add_up(shown: str, total: int) -> None:
    """The order's lines (``· label  ¥x``) add up to the total shown."""
    amounts = [line.rsplit("¥", 1) for line in shown.splitlines() if line.startswith("· ")]
    fen = sum(
        (-1 if head.endswith("-") else 1) * round(float(tail.replace(",", "")) * 100)
        for head, tail in amounts
    )
    assert fen == total, shown


async def test_the_waived_extra_is_a_line_of_the_order_in_both_languages(tg, fake_telegram, clock):
    """After /waive the customer's order and the admin's /order say what was waived, so the
    lines (base, extra, discounts) add up to the total and nobody reads an unpaid extra."""
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 680003, 680103)
    await ask_one_more_hour(worker, fake_telegram, number)
    notice_to(fake_telegram, 680103, customer, "师傅现场申请加价")
    await customer.choose("同意加价")
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/waive #{number} 顾客拒付加价")
    order, _, _ = await order_and_ledger(app, number)

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    shown = customer.text()
    assert "· 已免除  -¥40.00" in shown, shown
    lines_add_up(shown, order.total_cents)
    await finance.say(f"/order #{number}")
    assert "已免除 -¥40.00" in finance.text(), finance.text()

    await customer.say("/language en")
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    shown = customer.text()
    assert "· Waived  -¥40.00" in shown and "已免除" not in shown, shown
    lines_add_up(shown, order.total_cents)
    await finance.say("/lang")
    await finance.say(f"/order #{number}")
    assert "Waived -¥40.00" in finance.text() and "已免除" not in finance.text(), finance.text()
