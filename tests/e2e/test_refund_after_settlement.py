"""Finance's ``/refund`` of an order already settled, on SQLite and PostgreSQL: a goodwill
refund without a complaint is the platform's cost (README, Money: the worker's share is taken
back — ``clawback:``, the deposit making up a short balance — only when a complaint's decision
refunds after settlement). The worker keeps their pay and deposit and is not told anything;
the refunds come out of ``platform_revenue``, each order's journal balances, and finance is
told in the answer who bears it."""

from __future__ import annotations

import pytest

from domain.deposits import worker_deposit
from domain.ledger import worker_payable
from tests.e2e.helpers import HOME, TelegramUser, seed_worker, telegram_app
from tests.e2e.test_after_sales import finished_job, order
from tests.e2e.test_worker_deposit import seed_deposit, texts
from webhooks.keys import DATABASE

FINANCE = 781950
WORKER = 600001  # the worker ``finished_job`` sends


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{FINANCE}:finance",
    )
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client, worker_id


async def worker_money(app, worker_id: int) -> tuple[int, int]:
    async with app[DATABASE].uow() as uow:
        return (
            -await uow.ledger.balance(worker_payable(worker_id)),
            -await uow.ledger.balance(worker_deposit(worker_id)),
        )


async def test_a_refund_after_settlement_is_the_platforms_cost_and_the_worker_keeps_their_pay(
    shop, fake_telegram, clock
):
    app, client, worker_id = shop
    await seed_deposit(app, worker_id, 50_000)  # a deposit that could cover a clawback
    customer, number = await finished_job(app, client, fake_telegram, clock, 781001)
    await customer.say(f"确认完成 #{number}")
    settled = await order(app, number)
    assert settled.status.value == "settled"
    before = await worker_money(app, worker_id)
    told = len(texts(fake_telegram, WORKER))

    finance = TelegramUser(client, fake_telegram, FINANCE)
    for amount in (15, 10):  # of the ¥30 paid (the first-order discount)
        await finance.say(f"/refund #{number} {amount}")
        answer = finance.text()
        assert f"#{number} 退款 ¥{amount}.00" in answer, answer
        assert "这笔退款由平台承担,师傅的收入不扣回" in answer

    assert (await order(app, number)).refunded_cents == 2_500
    assert await worker_money(app, worker_id) == before
    assert len(texts(fake_telegram, WORKER)) == told  # nothing taken, nothing to tell
    async with app[DATABASE].uow() as uow:
        lines = await uow.ledger.for_order(settled.id)
    assert not [e for e in lines if e.journal.startswith(("clawback:", "deposit-"))]
    refunds = [e for e in lines if e.journal.startswith("refund:")]
    assert sum(e.amount_cents for e in refunds if e.account == "platform_revenue") == 2_500
    assert sum(e.amount_cents for e in lines) == 0
