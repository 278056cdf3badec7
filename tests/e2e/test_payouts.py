"""Paying workers out, end to end through the webhooks: a payout account added in chat
(encrypted, shown masked, changes audited), withdrawals transferred through the fake WeChat
Pay transfer API after finance approves (or at once under the threshold), a lost answer
resolved by asking (one transfer made), a refused transfer's money back on the balance with
the worker told why, and two processes sweeping at once paying each withdrawal once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from bots.payout_sandbox import SandboxPayouts
from bots.wechat_transfer import WeChatTransferGateway
from conversations.results.sweeps import PayoutsSent
from domain import ledger as L
from domain.commands import RequestWithdrawal, SendPayouts
from domain.ledger import journal
from domain.payouts import PayoutAccount, PayoutKind
from domain.withdrawals import WithdrawalStatus
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
)
from tests.e2e.test_no_pii_in_logs import capture, leaks  # noqa: F401 (a fixture)
from tests.e2e.test_production_payments import serve_app
from tests.fakes.wechat import MCH_ID, PAY_KEY, WeChatServer
from webhooks.keys import CLOCK, DATABASE, PAYMENTS, SERVICES

FINANCE, OPS = 920093, 920094
CARD = "6225880137005576"  # passes the Luhn check
CARD_BAD = "6225880137005577"


def settings(fake_telegram, fake_wechat, transfers) -> dict:
    return {
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        "wechat_pay_mch_id": MCH_ID,
        "wechat_pay_key": PAY_KEY,
        "wechat_pay_api_base": transfers.base_url,
        "wechat_pay_transfer_api_base": transfers.base_url,
        "admins": f"telegram:{FINANCE}:finance,telegram:{OPS}:ops",
    }


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
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        **settings(fake_telegram, fake_wechat, fake_wechat_transfers),
    )
    return app, await aiohttp_client(app)


async def earned(app, worker_id: int, amount: int) -> None:
    """``amount`` settled to the worker two days ago (withdrawable)."""
    clock = app[CLOCK]
    async with app[DATABASE].uow() as uow:
        await uow.ledger.post(
            journal(
                f"settle:test-{worker_id}",
                clock.now - timedelta(days=2),
                [(L.CUSTOMER_PREPAID, amount), (L.worker_payable(worker_id), -amount)],
            )
        )
        await uow.commit()


async def sweep(app) -> PayoutsSent:
    [result] = await app[SERVICES].run(SendPayouts())
    assert isinstance(result, PayoutsSent)
    return result


async def books(app, worker_id: int) -> tuple[int, int, int]:
    """(owed to the worker, pending withdrawals, paid out) — and every journal balances."""
    async with app[DATABASE].uow() as uow:
        rows = (
            await uow.session.exec(  # type: ignore[call-overload]
                text("SELECT journal, SUM(amount_cents) FROM ledger_entries GROUP BY journal")
            )
        ).all()
        assert all(total == 0 for _, total in rows), rows
        return (
            -await uow.ledger.balance(L.worker_payable(worker_id)),
            -await uow.ledger.balance(L.WITHDRAWALS_PENDING),
            -await uow.ledger.balance(L.PAYOUTS),
        )


async def withdrawals(app, worker_id: int) -> list:
    async with app[DATABASE].uow() as uow:
        return await uow.withdrawals.with_status(list(WithdrawalStatus), worker_id)


async def add_card(worker: TelegramUser, name: str = "测试师傅", card: str = CARD) -> None:
    """A bank card added in chat; ``name``, its holder, is the worker's registered name (as
    ``seed_worker`` names them unless told): a card in another's name is refused."""
    await worker.say("收款账户")
    await worker.choose("银行卡")
    await worker.say(name)
    await worker.choose("招商银行")
    await worker.say(card)


async def test_a_card_added_in_chat_is_paid_after_finance_approves_and_the_bank_confirms(
    shop, fake_telegram, fake_wechat_transfers, clock
):
    app, client = shop
    fake = fake_wechat_transfers
    worker_id = await seed_worker(
        app, channel="telegram", user_id="710001", center=HOME, name="张三"
    )
    await earned(app, worker_id, 300_000)
    worker = TelegramUser(client, fake_telegram, 710001)

    await worker.say("/withdraw 2000")
    assert "请先添加收款账户" in worker.text()
    await worker.say("收款账户")
    assert "还没有收款账户" in worker.text()
    labels = [b["text"] for b in worker.options()]
    assert "银行卡" in labels and "微信零钱" not in labels  # a Telegram worker: a card only
    assert "微信零钱只能在微信里" in worker.text()
    await worker.choose("银行卡")
    await worker.say("1234")
    assert "真实姓名" in worker.text()
    await worker.say("张三")
    await worker.choose("招商银行")
    await worker.say("6225 8801 3700 557")
    assert "16–19 位" in worker.text()
    await worker.say(CARD_BAD)
    assert "校验位" in worker.text()
    await worker.say(CARD)
    assert "收款账户已添加:招商银行 尾号 5576" in worker.text()
    assert CARD not in worker.text()
    async with app[DATABASE].uow() as uow:  # encrypted at rest
        raw = (
            await uow.session.exec(  # type: ignore[call-overload]
                text("SELECT number_enc, holder_enc FROM payout_accounts")
            )
        ).all()
        assert len(raw) == 1 and CARD.encode() not in bytes(raw[0][0])
        assert "张三".encode() not in bytes(raw[0][1])
    await worker.say("收款账户")
    assert "收款账户:招商银行 尾号 5576" in worker.text()
    await worker.choose("不改了")
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/worker {worker_id}")
    assert "收款账户:招商银行 尾号 5576" in ops.text() and CARD not in ops.text()

    await worker.say("/withdraw 2000")  # above the ¥1,000 threshold
    assert "财务批准后打款到招商银行 尾号 5576" in worker.text()
    assert await sweep(app) == PayoutsSent(0, 0, 0)  # waits for finance
    finance = TelegramUser(client, fake_telegram, FINANCE)
    [w] = await withdrawals(app, worker_id)
    await finance.say(f"/payout {w.id}")
    assert f"提现 #{w.id} → 已通过,将自动打款" in finance.text()
    await finance.say(f"/payout {w.id}")
    assert "正在打款" in finance.text()

    assert await sweep(app) == PayoutsSent(0, 0, 1)  # the bank accepted it: processing
    [made] = fake.transfers.values()
    assert made == {
        "kind": "bank",
        "card": CARD,
        "name": "张三",
        "bank_code": "1001",
        "amount": "200000",
        "partner_trade_no": f"dj{w.id:010d}",
    }
    assert await sweep(app) == PayoutsSent(0, 0, 0)  # asked about later, not sent again
    assert await books(app, worker_id) == (100_000, 200_000, 0)
    clock.advance(minutes=11)
    assert await sweep(app) == PayoutsSent(1, 0, 0)
    assert fake.requests.count("pay_bank") == 1 and fake.requests.count("query_bank") == 1
    assert "提现 ¥2,000.00 已打款" in fake_telegram.sent(710001)[-1]["text"]
    assert await books(app, worker_id) == (100_000, 0, 200_000)
    [w] = await withdrawals(app, worker_id)
    assert w.status == WithdrawalStatus.PAID and w.paid_to == "招商银行 尾号 5576"
    clock.advance(minutes=30)
    assert await sweep(app) == PayoutsSent(0, 0, 0)

    await add_card(worker, "张三", "6214830100000000005")  # changed: audited, masked
    assert "收款账户已更换为:招商银行 尾号 0005" in worker.text()
    async with app[DATABASE].uow() as uow:
        changes = [
            e
            for e in await uow.audit.for_target(f"worker:{worker_id}")
            if e.action == "payout_account"
        ]
    assert [(c.before, c.after) for c in changes] == [
        ({}, {"account": "招商银行 尾号 5576"}),
        ({"account": "招商银行 尾号 5576"}, {"account": "招商银行 尾号 0005"}),
    ]


async def test_a_lost_answer_is_asked_about_and_the_wallet_is_paid_once(
    shop, fake_wechat, fake_wechat_transfers, clock
):
    app, client = shop
    fake = fake_wechat_transfers
    worker_id = await seed_worker(app, channel="wechat", user_id="o-payee-1", center=HOME)
    await earned(app, worker_id, 100_000)
    worker = WeChatUser(client, fake_wechat, "o-payee-1", WeChatServer(clock=app[CLOCK]))
    await worker.say("收款账户")
    await worker.choose("微信零钱")
    assert "收款账户已添加:微信零钱" in worker.last_text

    fake.lose_answers = 1  # paid, but the answer is a 500
    await worker.say("提现 200")
    assert "已批准,正在打款到微信零钱" in worker.last_text
    assert await sweep(app) == PayoutsSent(0, 0, 1)
    [w] = await withdrawals(app, worker_id)
    assert w.status == WithdrawalStatus.SENDING
    clock.advance(minutes=11)
    assert await sweep(app) == PayoutsSent(1, 0, 0)  # gettransferinfo: it was paid
    assert len(fake.transfers) == 1 and fake.requests.count("transfers") == 1
    [made] = fake.transfers.values()
    assert (made["openid"], made["amount"], made["name"]) == ("o-payee-1", "20000", "测试师傅")

    fake.busy = 1  # SYSTEMERROR: nothing made; asked about, then sent again
    await worker.say("提现 300")
    assert await sweep(app) == PayoutsSent(0, 0, 1)
    clock.advance(minutes=11)
    assert await sweep(app) == PayoutsSent(1, 0, 0)
    assert len(fake.transfers) == 2 and fake.requests.count("transfers") == 3
    assert sum("已打款" in m for m in fake_wechat.texts("o-payee-1")) == 2
    assert await books(app, worker_id) == (50_000, 0, 50_000)


async def test_a_refused_transfer_gives_the_money_back_and_tells_the_worker_why(
    shop, fake_telegram, fake_wechat, fake_wechat_transfers, clock
):
    app, client = shop
    fake = fake_wechat_transfers
    worker_id = await seed_worker(
        app, channel="telegram", user_id="710002", center=HOME, name="李四"
    )
    await earned(app, worker_id, 100_000)
    worker = TelegramUser(client, fake_telegram, 710002)
    await add_card(worker, "李四")
    fake.bank_fail[CARD] = "户名不符"
    await worker.say("/withdraw 500")
    assert await sweep(app) == PayoutsSent(0, 0, 1)
    assert await books(app, worker_id) == (50_000, 50_000, 0)
    clock.advance(minutes=11)
    assert await sweep(app) == PayoutsSent(0, 1, 0)
    told = fake_telegram.sent(710002)[-1]["text"]
    assert "提现 ¥500.00 未能打款" in told and "收款人姓名与账户实名不一致" in told
    assert "已退回您的余额" in told
    alert = fake_telegram.sent(FINANCE)[-1]["text"]
    assert "打款失败" in alert and "户名不符" in alert and CARD not in alert
    assert f"师傅 李四(ID {worker_id})" in alert, alert
    assert await books(app, worker_id) == (100_000, 0, 0)
    [w] = await withdrawals(app, worker_id)
    assert w.status == WithdrawalStatus.FAILED and "户名不符" in w.note
    await worker.say("/earnings")
    assert "可提现 ¥1,000.00" in worker.text()

    wallet_id = await seed_worker(app, channel="wechat", user_id="o-payee-2", center=HOME)
    await earned(app, wallet_id, 100_000)
    wx = WeChatUser(client, fake_wechat, "o-payee-2", WeChatServer(clock=app[CLOCK]))
    await wx.say("收款账户")
    await wx.choose("微信零钱")
    fake.refuse["o-payee-2"] = "NAME_MISMATCH"
    await wx.say("提现 100")
    assert await sweep(app) == PayoutsSent(0, 1, 0)  # refused at once
    assert await books(app, wallet_id) == (100_000, 0, 0)
    assert not fake.transfers.get(f"dj{(await withdrawals(app, wallet_id))[0].id:010d}")


async def test_two_processes_sweeping_at_once_pay_each_withdrawal_once(
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
    one = make_app(tmp_path / "a", own_db_url, pii_key, clock=clock, **kw)
    two = make_app(tmp_path / "b", own_db_url, pii_key, clock=clock, **kw)
    await aiohttp_client(one)
    await aiohttp_client(two)
    workers = []
    for i in range(6):
        openid = f"o-race-{i}"
        worker_id = await seed_worker(one, channel="wechat", user_id=openid, center=HOME)
        await earned(one, worker_id, 10_000)
        async with one[DATABASE].uow() as uow:
            account = PayoutAccount(worker_id, PayoutKind.WECHAT, openid, "测试师傅")
            await uow.payout_accounts.put(account, clock.now)
            await uow.commit()
        await one[SERVICES].run(RequestWithdrawal(worker_id, 5_000))
        workers.append(worker_id)
    fake_wechat_transfers.lose_answers = 2  # two answers lost: asked about, not resent

    results = await asyncio.gather(*(app[SERVICES].run(SendPayouts()) for app in (one, two)))
    assert sum(r.paid + r.unknown for [r] in results) == 6  # each claimed by one of them
    clock.advance(minutes=11)
    await asyncio.gather(*(app[SERVICES].run(SendPayouts()) for app in (two, one)))
    assert len(fake_wechat_transfers.transfers) == 6
    assert fake_wechat_transfers.requests.count("transfers") == 6
    for worker_id in workers:
        assert (await books(one, worker_id))[0] == 5_000
        [w] = await withdrawals(one, worker_id)
        assert w.status == WithdrawalStatus.PAID
    async with one[DATABASE].uow() as uow:
        assert await uow.ledger.balance(L.PAYOUTS) == -30_000
        assert await uow.ledger.balance(L.WITHDRAWALS_PENDING) == 0


def test_who_pays_workers_out(tmp_path, fresh_sqlite_url, pii_key, fake_telegram):
    """WeChat Pay transfers with the merchant settings; else the sandbox, only in the demo or
    the test mode; else nobody (finance pays by hand)."""

    class Base:
        base_url = "http://127.0.0.1:9/"

    def payouts(name: str, demo: bool = False, **kw):
        app = serve_app(tmp_path / name, fresh_sqlite_url, pii_key, demo=demo, **kw)
        return app[PAYMENTS].payouts

    assert payouts("serve") is None
    assert isinstance(payouts("test", sandbox_payments=True), SandboxPayouts)
    assert isinstance(payouts("demo", demo=True), SandboxPayouts)
    wechat = payouts(
        "wechat",
        **on_wechat(Base()),
        wechat_pay_mch_id=MCH_ID,
        wechat_pay_key=PAY_KEY,
        wechat_pay_transfer_api_base="http://127.0.0.1:9/transfers/",
    )
    assert isinstance(wechat, WeChatTransferGateway)
    assert wechat.client.API_BASE_URL == "http://127.0.0.1:9/transfers/"
    assert wechat.client.mch_id == MCH_ID


async def test_in_the_test_mode_the_sandbox_pays_a_card(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    worker_id = await seed_worker(app, channel="telegram", user_id="710003", center=HOME)
    await earned(app, worker_id, 50_000)
    worker = TelegramUser(client, fake_telegram, 710003)
    await add_card(worker)
    await worker.say("提现 100")
    assert "正在打款到招商银行 尾号 5576" in worker.text()
    assert await sweep(app) == PayoutsSent(1, 0, 0)
    assert await sweep(app) == PayoutsSent(0, 0, 0)
    assert "提现 ¥100.00 已打款" in fake_telegram.sent(710003)[-1]["text"]
    assert await books(app, worker_id) == (40_000, 0, 10_000)


async def test_the_card_number_and_the_holder_reach_no_log(
    aiohttp_client,
    tmp_path,
    fresh_sqlite_url,
    pii_key,
    fake_telegram,
    clock,
    capture,  # noqa: F811 - the fixture
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    worker_id = await seed_worker(
        app, channel="telegram", user_id="710004", center=HOME, name="Zhuangsecret"
    )
    await earned(app, worker_id, 50_000)
    worker = TelegramUser(client, fake_telegram, 710004)
    await add_card(worker, "Zhuangsecret", CARD_BAD)
    await worker.say(CARD)
    await worker.say("提现 100")
    await sweep(app)
    assert len(capture.records) > 20
    assert leaks(capture, CARD, CARD_BAD, CARD[:12], "Zhuangsecret") == []
