"""An order paid in parts is invoiced in parts, on SQLite and PostgreSQL: a customer who asked
for an invoice after paying the deposit asks again in chat after paying the rest (a
reschedule fee and the balance) and gets a second invoice for exactly that; asking once more
is answered with what was already invoiced; a refund after both were issued is flagged to
finance on the newest one."""

import pytest
from sqlalchemy import text

from conversations.results.sweeps import InvoicesIssued
from domain.commands import ExecuteRefunds, IssueInvoices
from tests.e2e.helpers import HOME, TelegramUser, seed_worker, telegram_app
from tests.e2e.test_reschedule_fee_money import (
    book_deep_cleaning_with_a_deposit,
    finished,
    moved_late_with_a_fee,
)
from webhooks.keys import DATABASE, SERVICES

WORKER, CUSTOMER, FINANCE = 669001, 669101, 669901
EMAIL = "wang.fang@example.com"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    admins = f"telegram:{FINANCE}:finance"
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock, admins=admins
    )


async def invoices_of(app, number: int) -> list[tuple[int, str]]:
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        rows = await conn.execute(
            text("SELECT amount_cents, status FROM invoices WHERE number = :n ORDER BY id"),
            {"n": number},
        )
        return [(r.amount_cents, r.status) for r in rows]


async def ask(customer: TelegramUser, number: int, amount: str) -> None:
    """Ask in chat for an invoice of ``number`` (offered for ``amount``), to oneself."""
    await customer.say("发票")
    await customer.choose(f"#{number}")
    if "和上次一样" in customer.text():
        await customer.choose("和上次一样")
        await customer.choose(f"发到 {EMAIL}")
    else:
        await customer.choose("个人")
        await customer.say(EMAIL)
    assert f"金额:{amount}" in customer.text(), customer.text()
    await customer.choose("确认开票")
    assert "已提交开票申请" in customer.text()


async def pay_the_rest(app, client, fake_telegram, clock, number: int) -> None:
    """The worker takes the job, the customer moves it late (a ¥21.90 fee) and pays the
    balance (¥511) when it is finished, and confirms."""
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")
    clock.advance(hours=10)
    await moved_late_with_a_fee(customer, number)
    clock.advance(hours=23)
    await finished(app, worker, fake_telegram, number)
    await customer.say(f"支付 #{number}")
    await customer.choose("确认支付")
    await customer.say(f"确认完成 #{number}")
    assert "已确认完成" in customer.text(), customer.text()


async def test_the_balance_paid_after_an_invoiced_deposit_gets_its_own_invoice(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(
        app, channel="telegram", user_id=str(WORKER), center=HOME, skills=("deep_cleaning",)
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)  # ¥219 of ¥730

    await customer.say("发票")
    assert f"#{number}" in customer.text() and "¥219.00" in customer.text()
    await customer.choose(f"#{number}")
    await customer.choose("个人")
    await customer.say(EMAIL)
    assert "金额:¥219.00" in customer.text()
    await customer.choose("确认开票")
    assert "已提交开票申请" in customer.text()
    assert await invoices_of(app, number) == [(21_900, "requested")]

    await customer.say("发票")  # nothing paid since
    assert "没有可以开发票的金额" in customer.text()
    assert f"订单 #{number}:已申请发票 1 张,共 ¥219.00" in customer.text()

    await pay_the_rest(app, client, fake_telegram, clock, number)

    # what was paid since the first invoice: the fee and the balance
    await customer.say("发票")
    assert "¥532.90(另有 ¥219.00 已开票)" in customer.text(), customer.text()
    await customer.choose(f"#{number}")
    await customer.choose("和上次一样")
    await customer.choose(f"发到 {EMAIL}")
    assert "金额:¥532.90" in customer.text()
    await customer.choose("确认开票")
    assert "已提交开票申请" in customer.text()
    assert await invoices_of(app, number) == [(21_900, "requested"), (53_290, "requested")]

    await customer.say("/invoice")  # everything paid is invoiced now
    assert f"订单 #{number}:已申请发票 2 张,共 ¥751.90" in customer.text()
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("开发票")
    assert (
        f"订单 #{number} 已付 ¥751.90 已全部申请过发票(2 张,共 ¥751.90),"
        "目前没有新的可开票金额;之后再付的款可以再申请。"
    ) in customer.text()
    assert await invoices_of(app, number) == [(21_900, "requested"), (53_290, "requested")]

    # the sandbox issues both; ¥100 given back later is the newest invoice's to correct
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(2, 0, 0)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund #{number} 100")
    await app[SERVICES].run(ExecuteRefunds())
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(0, 0, 1)
    [told] = [m["text"] for m in fake_telegram.sent(FINANCE) if "红字发票" in m.get("text", "")]
    assert f"订单 #{number}" in told and "¥532.90" in told


async def test_a_refund_before_the_second_invoice_is_issued_lowers_it_to_what_is_left(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(
        app, channel="telegram", user_id=str(WORKER), center=HOME, skills=("deep_cleaning",)
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)
    await ask(customer, number, "¥219.00")
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(1, 0, 0)
    await pay_the_rest(app, client, fake_telegram, clock, number)
    await ask(customer, number, "¥532.90")

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund #{number} 100")  # before the second is issued
    await app[SERVICES].run(ExecuteRefunds())
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(1, 0, 0)  # nothing to flag: ¥651.90 paid, ¥651.90 invoiced
    assert await invoices_of(app, number) == [(21_900, "issued"), (43_290, "issued")]
    await customer.say("发票")
    assert f"订单 #{number}:已申请发票 2 张,共 ¥651.90" in customer.text()


async def test_a_fee_invoiced_before_the_deposit_is_refunded_is_issued_for_the_fee_kept(
    tg, fake_telegram, clock
):
    """The deposit invoiced and issued, a late reschedule's fee paid and asked for from the
    order's page, then the order cancelled (the deposit back, the fee kept): the deposit's
    invoice is flagged for a red-letter one and covers nothing any more, so the fee's pending
    invoice is issued for the fee — not failed — and what is said of the order agrees."""
    app, client = tg
    await seed_worker(
        app, channel="telegram", user_id=str(WORKER), center=HOME, skills=("deep_cleaning",)
    )
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_deep_cleaning_with_a_deposit(customer)  # ¥219 of ¥730
    await ask(customer, number, "¥219.00")
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(1, 0, 0)

    await TelegramUser(client, fake_telegram, WORKER).say(f"/accept #{number}")
    clock.advance(hours=10)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天 18:00")  # late: a fee of 10% of the deposit; cancelling is free
    assert "需支付改约费 ¥21.90" in customer.text(), customer.text()
    await customer.choose("确认并支付")
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text()

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("开发票")
    await customer.choose("和上次一样")
    await customer.choose(f"发到 {EMAIL}")
    assert "金额:¥21.90" in customer.text(), customer.text()
    await customer.choose("确认开票")
    assert "已提交开票申请(1 张)" in customer.text()

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    assert "退款 ¥219.00" in customer.text()  # the fee is kept
    await customer.choose("确认取消")
    await app[SERVICES].run(ExecuteRefunds())
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(1, 0, 1)  # the fee's issued, the deposit's flagged
    assert await invoices_of(app, number) == [(21_900, "issued"), (2_190, "issued")]
    told = [m.get("text", "") for m in fake_telegram.sent(CUSTOMER)]
    assert any(f"订单 #{number} 的电子发票已开具" in t and "¥21.90" in t for t in told)
    assert not any("没有开具" in t or "没能开具" in t for t in told)
    admin = [m.get("text", "") for m in fake_telegram.sent(FINANCE)]
    [red] = [t for t in admin if "红字发票" in t]
    assert f"订单 #{number}" in red and "¥219.00" in red
    assert not any("未开具" in t or "失败" in t for t in admin)
    [done] = await app[SERVICES].run(IssueInvoices())
    assert done == InvoicesIssued(0, 0, 0)  # the fee's invoice still covers the fee kept

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("开发票")
    assert (
        f"订单 #{number} 已付 ¥21.90 已全部申请过发票(1 张,共 ¥21.90),"
        "目前没有新的可开票金额;之后再付的款可以再申请。"
    ) in customer.text(), customer.text()
    await customer.say("发票")
    assert f"订单 #{number}:已申请发票 1 张,共 ¥21.90" in customer.text(), customer.text()
    await customer.say("/lang")  # the same, on an English screen
    await customer.say("/invoice")
    assert f"Order #{number}: 1 invoice asked for, ¥21.90" in customer.text(), customer.text()
    await customer.say(f"/invoice #{number}")
    assert (
        f"Everything paid on order #{number} (¥21.90) is already invoiced (1 invoice, ¥21.90)"
    ) in customer.text(), customer.text()
