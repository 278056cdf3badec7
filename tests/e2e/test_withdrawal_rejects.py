"""Finance's ``/reject_withdrawal`` once a withdrawal is on its way: refused (saying why, the
status in words) once it was approved automatically — the worker was told it is being paid —
or the payout sweep handed it to the provider; one finance approved that the sweep has not
taken yet may still be rejected (the worker told, the money back once); and a sweep that
claims it while finance rejects wins alone. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from conversations.events import Failed
from conversations.results.sweeps import PayoutsSent
from domain.commands import DecideWithdrawal
from domain.withdrawals import WithdrawalStatus
from store.payouts_repo import PayoutClaims, WithdrawalRepository
from tests.e2e.helpers import HOME, TelegramUser, make_app, seed_worker
from tests.e2e.test_payouts import (
    FINANCE,
    add_card,
    books,
    earned,
    settings,
    sweep,
    withdrawals,
)
from webhooks.keys import DATABASE, SERVICES

FINANCE_EN = 920095


@pytest.fixture
async def shop(
    aiohttp_client,
    tmp_path,
    own_db_url,
    pii_key,
    fake_telegram,
    fake_wechat,
    fake_wechat_transfers,
    clock,
):
    kw = settings(fake_telegram, fake_wechat, fake_wechat_transfers)
    kw["admins"] += f",telegram:{FINANCE_EN}:finance"
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock, **kw)
    return app, await aiohttp_client(app)


async def a_worker(app, client, fake_telegram, uid: int) -> tuple[int, TelegramUser]:
    worker_id = await seed_worker(app, channel="telegram", user_id=str(uid), center=HOME)
    await earned(app, worker_id, 300_000)
    worker = TelegramUser(client, fake_telegram, uid)
    await add_card(worker)
    return worker_id, worker


async def test_an_auto_approved_withdrawal_is_not_rejected_once_the_worker_was_told(
    shop, fake_telegram, fake_wechat_transfers, clock
):
    app, client = shop
    worker_id, worker = await a_worker(app, client, fake_telegram, 711001)
    await worker.say("/withdraw 500")  # under the ¥1,000 threshold: approved at once
    assert "已批准,正在打款到招商银行 尾号 5576" in worker.text()
    told = len(fake_telegram.sent(711001))
    [w] = await withdrawals(app, worker_id)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    english = TelegramUser(client, fake_telegram, FINANCE_EN, lang="en")

    await finance.say(f"/reject_withdrawal {w.id} 账户信息不符")
    said = finance.text()
    assert f"提现 #{w.id} 不能再拒绝:已自动批准,师傅已被告知会打款(状态:已通过)。" in said
    assert "approved" not in said
    await english.say(f"/reject_withdrawal {w.id} wrong account")
    said = english.text()
    assert f"Withdrawal #{w.id} can no longer be rejected" in said and "approved" in said
    assert not re.search(r"[\u4e00-\u9fff]", said), said
    assert len(fake_telegram.sent(711001)) == told  # the worker hears nothing of it
    assert await books(app, worker_id) == (250_000, 50_000, 0)

    fake_wechat_transfers.lose_answers = 1  # handed to the provider, the answer lost
    assert await sweep(app) == PayoutsSent(0, 0, 1)
    await finance.say(f"/reject_withdrawal {w.id} 账户信息不符")
    assert f"提现 #{w.id} 不能再拒绝:已交给支付渠道打款,无法撤回(状态:打款中)。" in finance.text()
    await english.say(f"/reject_withdrawal {w.id} wrong account")
    assert "being paid out" in english.text() and "paid out" not in finance.text()
    assert await books(app, worker_id) == (250_000, 50_000, 0)

    clock.advance(minutes=11)
    assert await sweep(app) == PayoutsSent(1, 0, 0)
    await finance.say(f"/reject_withdrawal {w.id} 账户信息不符")
    assert f"提现 #{w.id} 已处理(已支付)" in finance.text()
    assert await books(app, worker_id) == (250_000, 0, 50_000)
    [w] = await withdrawals(app, worker_id)
    assert w.status == WithdrawalStatus.PAID and len(fake_wechat_transfers.transfers) == 1


async def test_one_finance_approved_may_be_rejected_before_the_sweep_takes_it(
    shop, fake_telegram, fake_wechat_transfers
):
    app, client = shop
    worker_id, worker = await a_worker(app, client, fake_telegram, 711002)
    await worker.say("/withdraw 2000")  # above the threshold: finance decides
    assert "财务批准后打款" in worker.text()
    [w] = await withdrawals(app, worker_id)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/payout {w.id}")
    assert f"提现 #{w.id} → 已通过,将自动打款" in finance.text()
    await finance.say(f"/reject_withdrawal {w.id} 卡号有误")  # the worker was told nothing yet
    assert f"提现 #{w.id} → 未通过,已通知师傅。" in finance.text()
    refused = fake_telegram.sent(711002)[-1]["text"]
    assert "¥2,000.00" in refused and "卡号有误" in refused
    assert await books(app, worker_id) == (300_000, 0, 0)  # the money back, once

    assert await sweep(app) == PayoutsSent(0, 0, 0)  # nothing left to send
    await finance.say(f"/reject_withdrawal {w.id} 卡号有误")
    assert f"提现 #{w.id} 已处理(未通过)" in finance.text()
    assert await books(app, worker_id) == (300_000, 0, 0)
    assert not fake_wechat_transfers.transfers


async def test_a_sweep_claiming_it_while_finance_rejects_wins_alone(
    shop, fake_telegram, fake_wechat_transfers, clock, monkeypatch
):
    """Finance read it approved; the sweep claims it before finance's update (on PostgreSQL
    in a transaction of its own, committed): the conditional update changes nothing, finance
    is told it is with the provider, the worker hears nothing and the money stays held."""
    app, client = shop
    worker_id, worker = await a_worker(app, client, fake_telegram, 711003)
    await worker.say("/withdraw 2000")
    [w] = await withdrawals(app, worker_id)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    await finance.say(f"/payout {w.id}")
    told = len(fake_telegram.sent(711003))

    read = WithdrawalRepository.get

    async def read_then_swept(self, withdrawal_id):
        found = await read(self, withdrawal_id)
        if self._s.bind.dialect.name == "sqlite":  # one connection: units of work take turns
            claims = PayoutClaims(self._s)
            [due] = await claims.due(clock.now)
            assert await claims.claim(due, "bank", "招商银行 尾号 5576", clock.now)
            return found
        async with app[DATABASE].uow() as uow:  # the sweep, in a transaction of its own
            [due] = await uow.payout_claims.due(clock.now)
            assert await uow.payout_claims.claim(due, "bank", "招商银行 尾号 5576", clock.now)
            await uow.commit()
        return found

    monkeypatch.setattr(WithdrawalRepository, "get", read_then_swept)
    [refused] = await app[SERVICES].run(
        DecideWithdrawal("finance", "finance", w.id, False, "卡号有误")
    )
    monkeypatch.undo()
    assert isinstance(refused, Failed)
    said = refused.message.get("zh")
    assert said == f"提现 #{w.id} 不能再拒绝:已交给支付渠道打款,无法撤回(状态:打款中)。"
    assert len(fake_telegram.sent(711003)) == told
    [w] = await withdrawals(app, worker_id)
    sqlite = "sqlite" in str(app[DATABASE].engine.url)  # its claim undone with the refusal
    assert w.status == (WithdrawalStatus.APPROVED if sqlite else WithdrawalStatus.SENDING)
    assert await books(app, worker_id) == (100_000, 200_000, 0)  # held, not given back
