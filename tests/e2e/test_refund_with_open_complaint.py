"""Finance's ``/refund`` of an order with an open complaint, on SQLite and PostgreSQL: the
refund is the complaint's to decide (``/resolve``, by the after-sales rules), so ``/refund`` is
refused with a reply naming the complaint and ``/resolve``; nothing is refunded and the
worker's money does not move. Ops' ``/resolve`` then refunds once, and after settlement takes
the worker's share of it back (``clawback:``) — where a ``/refund`` would have left it all to
the platform (``test_refund_after_settlement``)."""

from __future__ import annotations

import pytest

from domain.ledger import worker_payable
from tests.e2e.helpers import HOME, TelegramUser, seed_worker, telegram_app
from tests.e2e.test_after_sales import complain, complaints, finished_job, order
from tests.e2e.test_refund_after_settlement import worker_money
from tests.e2e.test_worker_deposit import texts
from webhooks.keys import DATABASE

FINANCE, OPS = 781960, 781961
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
        admins=f"telegram:{FINANCE}:finance,telegram:{OPS}:ops",
    )
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client, worker_id


async def lines(app, order_id: int):
    async with app[DATABASE].uow() as uow:
        return await uow.ledger.for_order(order_id)


async def test_a_refund_of_a_settled_order_with_an_open_complaint_goes_through_resolve_once(
    shop, fake_telegram, clock
):
    app, client, worker_id = shop
    customer, number = await finished_job(app, client, fake_telegram, clock, 781011)
    await customer.say(f"确认完成 #{number}")
    settled = await order(app, number)
    assert settled.status.value == "settled" and settled.paid_cents == 3_000
    clock.advance(hours=2)  # within the 72 hours after the service a complaint may come
    await complain(customer, number, "没做完", "阳台没擦")  # no photo: a person decides
    await customer.choose("提交投诉")
    [complaint] = await complaints(app, settled.id)
    assert complaint.open
    before = await worker_money(app, worker_id)
    told = len(texts(fake_telegram, WORKER))

    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/refund #{number} 9")
    answer = finance.text()
    assert f"订单 #{number} 有处理中的投诉 #{complaint.id}" in answer, answer
    assert f"/resolve {complaint.id} partial" in answer
    assert (await order(app, number)).refunded_cents == 0
    assert not [e for e in await lines(app, settled.id) if e.journal.startswith("refund:")]
    assert await worker_money(app, worker_id) == before
    assert len(texts(fake_telegram, WORKER)) == told

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/resolve {complaint.id} partial 9")
    assert "部分退款 ¥9.00" in ops.text(), ops.text()
    await ops.say(f"/audit #{number}")  # the decision is listed once, with what it decided
    [decided] = [line for line in ops.text().splitlines() if "投诉处理 — " in line]
    assert decided.endswith(f"投诉 #{complaint.id},处理方式 部分退款,退款 ¥9.00"), ops.text()
    assert (await order(app, number)).refunded_cents == 900
    entries = await lines(app, settled.id)
    settle = [e for e in entries if e.journal == f"settle:{number}"]
    earned = -sum(e.amount_cents for e in settle if e.account == worker_payable(worker_id))
    # their pay shrinks as what was paid does: 85% (level B) of the ¥80 price, the first
    # order's discounts the platform's; ¥9 of the ¥30 paid back takes 9/30 of it
    share = 900 * earned // 3_000
    assert earned == 6_800 and share == 2_040
    [clawback] = [e for e in entries if e.journal.startswith("clawback:") and e.amount_cents > 0]
    assert clawback.amount_cents == share
    assert await worker_money(app, worker_id) == (before[0] - share, before[1])
    assert any(f"#{number}" in t and "部分退款" in t for t in texts(fake_telegram, WORKER))
    assert sum(e.amount_cents for e in entries) == 0

    # finance sends the refused /refund again: the decision has just refunded that amount
    await finance.say(f"/refund #{number} 9")
    assert f"投诉 #{complaint.id} 的处理已退过 #{number} 同样的金额" in finance.text()
    assert (await order(app, number)).refunded_cents == 900
    # meant: a goodwill refund on top, the platform's (the worker's share was taken once)
    await finance.say(f"/refund #{number} 9 again")
    assert "这笔退款由平台承担" in finance.text(), finance.text()
    assert (await order(app, number)).refunded_cents == 1_800
    entries = await lines(app, settled.id)
    assert [e.journal for e in entries if e.journal.startswith("clawback:")] == [
        clawback.journal
    ] * 2
    assert await worker_money(app, worker_id) == (before[0] - share, before[1])
    assert sum(e.amount_cents for e in entries) == 0
