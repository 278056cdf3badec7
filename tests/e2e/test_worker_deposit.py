"""The worker deposit (保证金) end to end on Telegram with the clock: held from each settlement
until the level's amount, shown in /earnings, charged for a damage refund after settlement,
and paid back by the sweep some days after /leave — not while a complaint is open. Every
order's journal balances throughout."""

from __future__ import annotations

import pytest

from domain.commands import ReleaseDeposits, ResolveComplaint
from domain.deposits import target, worker_deposit
from domain.ledger import journal, worker_payable
from domain.people import WorkerStatus
from domain.rules import WorkerLevel
from tests.e2e.helpers import HOME, TelegramUser, seed_worker, telegram_app
from tests.e2e.test_after_sales import complain, complaints, finished_job, order
from webhooks.keys import CLOCK, DATABASE, RULES, SERVICES

OPS = 993002
WORKER = 600001  # the worker ``finished_job`` sends


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OPS}:ops",
    )
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client, worker_id


async def balances(app, worker_id: int) -> tuple[int, int]:
    """(the worker's balance, their deposit), fen."""
    async with app[DATABASE].uow() as uow:
        return (
            -await uow.ledger.balance(worker_payable(worker_id)),
            -await uow.ledger.balance(worker_deposit(worker_id)),
        )


async def order_balances(app, number: int) -> bool:
    async with app[DATABASE].uow() as uow:
        o = await uow.orders.by_number(number)
        return sum(e.amount_cents for e in await uow.ledger.for_order(o.id)) == 0


async def seed_deposit(app, worker_id: int, amount: int) -> None:
    """A deposit already held (paid in earlier), arranged in the store."""
    async with app[DATABASE].uow() as uow:
        await uow.ledger.post(
            journal(
                "deposit:seed",
                app[CLOCK](),
                [("cash:sandbox", amount), (worker_deposit(worker_id), -amount)],
            )
        )
        await uow.commit()


def texts(fake, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat)]


async def test_settlements_fill_the_deposit_up_to_the_levels_amount_and_earnings_show_it(
    tg, fake_telegram, clock
):
    app, client, worker_id = tg
    goal = target(WorkerLevel.B, 0, app[RULES].settlement.deposit)
    assert goal == 100_000  # the demo catalog: ¥1,000 for level B
    customer, number = await finished_job(app, client, fake_telegram, clock, 600201)
    await customer.say(f"确认完成 #{number}")
    assert (await order(app, number)).status.value == "settled"
    owed, held = await balances(app, worker_id)
    assert held > 0 and held == (owed + held) * 2_000 // 10_000  # 20% of what it earned
    assert any("转入保证金" in t for t in texts(fake_telegram, WORKER))
    assert await order_balances(app, number)

    # a deposit ¥3 short of the amount: the next settlement holds ¥3, no more
    await seed_deposit(app, worker_id, goal - held - 300)
    customer, second = await finished_job(app, client, fake_telegram, clock, 600202)
    await customer.say(f"确认完成 #{second}")
    _, held = await balances(app, worker_id)
    assert held == goal
    assert await order_balances(app, second)
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say("/earnings")
    assert "保证金:已存 ¥1,000.00(应存 ¥1,000.00,已存足)" in worker.text()

    customer, third = await finished_job(app, client, fake_telegram, clock, 600203)
    await customer.say(f"确认完成 #{third}")
    assert (await balances(app, worker_id))[1] == goal  # full: nothing more held

    # a complaint rate over the rule's (as /levels found it) raises the amount by half
    async with app[DATABASE].uow() as uow:
        w = await uow.workers.get(worker_id)
        w.complaint_rate_bp = app[RULES].settlement.deposit.complaint_rate_above_bp + 1
        await uow.workers.save(w)
        await uow.commit()
    await worker.say("/earnings")
    assert "保证金:已存 ¥1,000.00 / 应存 ¥1,500.00" in worker.text()
    customer, fourth = await finished_job(app, client, fake_telegram, clock, 600204)
    await customer.say(f"确认完成 #{fourth}")
    assert goal < (await balances(app, worker_id))[1] <= goal * 3 // 2


async def test_a_damage_refund_after_settlement_takes_the_rest_from_the_deposit(
    tg, fake_telegram, clock
):
    app, client, worker_id = tg
    await seed_deposit(app, worker_id, 50_000)
    customer, first = await finished_job(app, client, fake_telegram, clock, 600211)
    await customer.say(f"确认完成 #{first}")
    # the second order (no first-order discount): a refund beyond the worker's share
    customer, number = await finished_job(app, client, fake_telegram, clock, 600211)
    await customer.say(f"确认完成 #{number}")
    settled = await order(app, number)
    owed, held = await balances(app, worker_id)
    await complain(customer, number, "物品损坏", "花瓶碎了")
    await customer.choose("提交投诉")
    [c] = await complaints(app, settled.id)
    refund = settled.paid_cents
    await app[SERVICES].run(ResolveComplaint(f"telegram:{OPS}", "ops", c.id, "full"))
    after_owed, after_held = await balances(app, worker_id)
    async with app[DATABASE].uow() as uow:
        lines = await uow.ledger.for_order(settled.id)
    share = sum(
        e.amount_cents for e in lines if e.journal.startswith("clawback:") and e.amount_cents > 0
    )
    # their share of the refund from the balance (the deposit would make up what it lacked),
    # then the rest of the refund from the deposit: damage is one of the rules' ``covers``
    cover = max(share - owed, 0)
    assert 0 < share < refund and after_owed == owed + cover - share
    assert held - after_held == cover + refund - share
    assert any(e.journal.startswith("deposit-penalty:") for e in lines)
    assert sum(e.amount_cents for e in lines) == 0
    assert any("保证金扣除" in t for t in texts(fake_telegram, WORKER))


async def test_the_deposit_comes_back_after_leaving_once_no_complaint_is_open(
    tg, fake_telegram, clock
):
    app, client, worker_id = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    customer, number = await finished_job(app, client, fake_telegram, clock, 600221)
    await customer.say(f"确认完成 #{number}")
    other, disputed = await finished_job(app, client, fake_telegram, clock, 600222)
    await complain(other, disputed, "服务态度", "不礼貌")
    await other.choose("提交投诉")
    owed, held = await balances(app, worker_id)
    assert held > 0

    await ops.say(f"/leave {worker_id} 回老家")
    assert f"师傅 {worker_id} 测试师傅 已离职" in ops.text()
    assert "保证金" in texts(fake_telegram, WORKER)[-1]
    async with app[DATABASE].uow() as uow:
        assert (await uow.workers.get(worker_id)).status == WorkerStatus.LEFT
    await ops.say(f"/leave {worker_id}")
    assert "已离职" in ops.text()
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say("上线")
    assert "您已离职" in worker.text()

    clock.advance(days=29)
    await app[SERVICES].run(ReleaseDeposits())
    assert await balances(app, worker_id) == (owed, held)  # not yet
    clock.advance(days=2)
    await app[SERVICES].run(ReleaseDeposits())
    assert await balances(app, worker_id) == (owed, held)  # a complaint is open
    [c] = await complaints(app, (await order(app, disputed)).id)
    await app[SERVICES].run(
        ResolveComplaint(f"telegram:{OPS}", "ops", c.id, "rejected", reason="不成立")
    )
    owed, held = await balances(app, worker_id)  # the second job settled, nothing held
    await app[SERVICES].run(ReleaseDeposits())
    assert await balances(app, worker_id) == (owed + held, 0)
    assert (
        "保证金" in texts(fake_telegram, WORKER)[-1]
        and "已退回余额" in texts(fake_telegram, WORKER)[-1]
    )
    await app[SERVICES].run(ReleaseDeposits())  # once
    assert await balances(app, worker_id) == (owed + held, 0)
    async with app[DATABASE].uow() as uow:
        assert await uow.ledger.balance(worker_deposit(worker_id)) == 0
