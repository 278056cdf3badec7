"""A payout card saved before holders were checked, in someone else's name, is never paid to:
the withdrawal is held — at finance's /payout, at an automatic approval, and by the payout
sweep (one approved before, or one sent before that never arrived) — the admins told why in
their language, the worker asked to add a card of their own. Adding it pays the withdrawal
held; finance may reject it meanwhile. WeChat Pay's transfer API faked; SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from conversations.results.sweeps import PayoutsSent
from domain import ledger as L
from domain.payouts import PayoutAccount, PayoutKind
from domain.withdrawals import Withdrawal, WithdrawalStatus
from tests.e2e.helpers import HOME, RULES, TelegramUser, seed_worker
from tests.e2e.test_payouts import CARD, add_card, books, earned, sweep, withdrawals
from tests.e2e.test_withdrawal_rejects import FINANCE, FINANCE_EN
from tests.e2e.test_withdrawal_rejects import shop as shop  # a fixture
from webhooks.keys import CLOCK, DATABASE

OWN_CARD = "6214830100000000005"
CJK = re.compile(r"[\u4e00-\u9fff]")


async def card_in_another_name(app, worker_id: int, holder: str) -> None:
    """A bank card saved before holders were checked: in ``holder``'s name."""
    async with app[DATABASE].uow() as uow:
        account = PayoutAccount(worker_id, PayoutKind.BANK, CARD, holder, "cmb")
        assert await uow.payout_accounts.put(account, app[CLOCK]())
        await uow.commit()


async def a_worker(app, uid: int, name: str, holder: str) -> int:
    worker_id = await seed_worker(
        app, channel="telegram", user_id=str(uid), center=HOME, name=name
    )
    await earned(app, worker_id, 300_000)
    await card_in_another_name(app, worker_id, holder)
    return worker_id


async def status_of(app, worker_id: int) -> WithdrawalStatus:
    [w] = await withdrawals(app, worker_id)
    return w.status


def last(fake_telegram, uid: int) -> str:
    return fake_telegram.sent(uid)[-1].get("text", "")


async def test_finance_approving_holds_it_and_a_card_of_their_own_pays_it(
    shop, fake_telegram, fake_wechat_transfers
):
    app, client = shop
    worker_id = await a_worker(app, 713001, "张三", "王五")
    worker = TelegramUser(client, fake_telegram, 713001)
    await worker.say("/withdraw 2000")  # above the threshold: finance decides
    [w] = await withdrawals(app, worker_id)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    english = TelegramUser(client, fake_telegram, FINANCE_EN, lang="en")

    await finance.say(f"/payout {w.id}")
    said = finance.text()
    assert f"提现 #{w.id} 暂缓打款,未付款:师傅的收款银行卡开户人不是本人" in said, said
    assert f"/reject_withdrawal {w.id}" in said
    assert await status_of(app, worker_id) == WithdrawalStatus.HELD
    told = last(fake_telegram, 713001)
    assert "提现 ¥2,000.00 暂未打款" in told and "「张三」" in told and "收款账户" in told
    assert await sweep(app) == PayoutsSent(0, 0, 0)
    assert not fake_wechat_transfers.transfers  # nothing sent to 王五's card
    assert await books(app, worker_id) == (100_000, 200_000, 0)  # still set aside

    await english.say(f"/payout {w.id}")  # asked again: still held, said in English
    said = english.text()
    assert f"Withdrawal #{w.id} is still on hold" in said and not CJK.search(said), said
    await finance.say("/withdrawals")
    assert f"{w.id}. 师傅 {worker_id} 张三 ¥2,000.00 [暂缓打款:待师傅换本人银行卡]" in (
        finance.text()
    ), finance.text()

    await add_card(worker, "张三", OWN_CARD)
    said = worker.text()
    assert "收款账户已更换为:招商银行 尾号 0005。暂缓的提现 ¥2,000.00 会打到这个账户。" in said
    assert await status_of(app, worker_id) == WithdrawalStatus.APPROVED
    assert await sweep(app) == PayoutsSent(0, 0, 1)  # the bank took it: processing
    [made] = fake_wechat_transfers.transfers.values()
    assert (made["card"], made["name"], made["amount"]) == (OWN_CARD, "张三", "200000")


async def test_an_automatic_approval_holds_it_and_tells_each_admin_in_their_language(
    shop, fake_telegram, fake_wechat_transfers
):
    app, client = shop
    worker_id = await a_worker(app, 713002, "Li Si", "Wang Wu")
    finance = TelegramUser(client, fake_telegram, FINANCE)
    english = TelegramUser(client, fake_telegram, FINANCE_EN, lang="en")
    await english.say("English")  # the admin's language, known before the notice
    worker = TelegramUser(client, fake_telegram, 713002)

    await worker.say("/withdraw 500")  # under the threshold: approved at once — and held
    said = worker.text()
    assert "提现申请 ¥500.00 已提交,但暂不打款:您的收款银行卡开户人不是您本人" in said, said
    assert "正在打款" not in said
    [w] = await withdrawals(app, worker_id)
    assert w.status == WithdrawalStatus.HELD
    zh = last(fake_telegram, FINANCE)
    assert f"暂缓打款:提现 #{w.id} 师傅 Li Si(ID {worker_id})¥500.00" in zh, zh
    assert "招商银行 尾号 5576" in zh and "开户人「Wang Wu」" in zh
    en = last(fake_telegram, FINANCE_EN)
    assert en.startswith(f"Payout on hold: withdrawal #{w.id}, worker Li Si"), en
    assert "China Merchants Bank ending 5576" in en and not CJK.search(en), en
    assert await sweep(app) == PayoutsSent(0, 0, 0)
    assert not fake_wechat_transfers.transfers

    await finance.say(f"/reject_withdrawal {w.id} 请换本人银行卡后重新提现")  # may be rejected
    assert f"提现 #{w.id} → 未通过,已通知师傅。" in finance.text()
    assert await books(app, worker_id) == (300_000, 0, 0)  # the money back, once
    await add_card(worker, "Li Si", OWN_CARD)
    assert "暂缓的提现" not in worker.text()  # nothing held any more


async def test_the_sweep_holds_one_approved_before_and_tells_once(
    shop, fake_telegram, fake_wechat_transfers
):
    app, client = shop
    worker_id = await a_worker(app, 713003, "张三", "王五")
    clock = app[CLOCK]
    async with app[DATABASE].uow() as uow:  # approved before cards' holders were checked
        w = await uow.withdrawals.add(
            Withdrawal(worker_id, 50_000, clock(), WithdrawalStatus.APPROVED, "auto", clock())
        )
        await uow.ledger.post(L.withdrawal_held(w.id, worker_id, 50_000, clock()))
        await uow.commit()
    sent = len(fake_telegram.sent(713003)), len(fake_telegram.sent(FINANCE))

    assert await sweep(app) == PayoutsSent(0, 0, 0)
    assert await status_of(app, worker_id) == WithdrawalStatus.HELD
    assert not fake_wechat_transfers.transfers
    assert "暂未打款" in last(fake_telegram, 713003)
    assert f"暂缓打款:提现 #{w.id}" in last(fake_telegram, FINANCE)
    await sweep(app)  # told once
    assert (len(fake_telegram.sent(713003)), len(fake_telegram.sent(FINANCE))) == (
        sent[0] + 1,
        sent[1] + 1,
    )


async def test_one_sent_before_that_never_arrived_is_not_sent_again_to_that_card(
    shop, fake_telegram, fake_wechat_transfers
):
    app, client = shop
    worker_id = await a_worker(app, 713004, "张三", "王五")
    clock = app[CLOCK]
    async with app[DATABASE].uow() as uow:  # claimed and sent before; its answer lost
        w = await uow.withdrawals.add(
            Withdrawal(worker_id, 50_000, clock(), WithdrawalStatus.APPROVED, "auto", clock())
        )
        await uow.ledger.post(L.withdrawal_held(w.id, worker_id, 50_000, clock()))
        assert await uow.payout_claims.claim(w, "bank", "招商银行 尾号 5576", clock())
        await uow.commit()
    clock.now += timedelta(minutes=RULES.settlement.payout_query_after_minutes + 1)

    assert await sweep(app) == PayoutsSent(0, 0, 0)
    assert fake_wechat_transfers.requests.count("query_bank") == 1  # asked: no record of it
    assert fake_wechat_transfers.requests.count("pay_bank") == 0  # not sent again
    assert await status_of(app, worker_id) == WithdrawalStatus.HELD
    assert "暂未打款" in last(fake_telegram, 713004)

    worker = TelegramUser(client, fake_telegram, 713004)
    await add_card(worker, "张三", OWN_CARD)
    assert await sweep(app) == PayoutsSent(0, 0, 1)
    [made] = fake_wechat_transfers.transfers.values()
    assert (made["card"], made["name"]) == (OWN_CARD, "张三")


@pytest.mark.parametrize(("uid", "holder"), [(713011, "Li Si"), (713012, "ＬＩ  si")])
async def test_a_card_in_the_workers_own_name_however_written_is_paid(
    shop, fake_telegram, fake_wechat_transfers, uid, holder
):
    app, client = shop
    worker_id = await a_worker(app, uid, "Li Si", holder)
    worker = TelegramUser(client, fake_telegram, uid)
    await worker.say("/withdraw 500")
    assert "已批准,正在打款到招商银行 尾号 5576" in worker.text()
    assert await status_of(app, worker_id) == WithdrawalStatus.APPROVED
    assert await sweep(app) == PayoutsSent(0, 0, 1)
