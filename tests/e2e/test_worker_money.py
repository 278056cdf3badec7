"""Workers' money end to end: a deposit and its balance paid by Telegram invoice, the
settlement's split, withdrawals paid through the payout provider (large ones approved by
finance, a refusal giving the money back), the daily settlement report. Split from
``test_money`` (its app and helpers)."""

from datetime import timedelta

from domain import ledger as L
from domain.commands import DailySettlement, SendPayouts
from domain.deposits import worker_deposit
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    confirm_order,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.e2e.test_job_rules import photo
from tests.e2e.test_money import FINANCE, entries, invoice_of, shop, successful_payment
from tests.e2e.test_payouts import add_card
from webhooks.keys import DATABASE, SERVICES

__all__ = ["shop"]  # the fixture, used by the tests below


async def test_deposit_then_balance_then_settlement_split_and_withdrawal(
    shop, fake_telegram, clock
):
    app, client = shop
    worker_id = await seed_worker(
        app,
        channel="telegram",
        user_id="700100",
        center=HOME,
        skills=("deep_cleaning",),
        level="A",
    )
    tg = TelegramUser(client, fake_telegram, 700003)
    await tg.say("/start")
    await tg.choose("预约服务")
    await tg.choose("保洁")
    await tg.choose("深度保洁")
    await tg.choose("选好了")
    await tg.say("100")
    await tg.say("明天 10:00")
    await tg.share(location=telegram_gps(HOME))
    await tg.say("5楼")
    await confirm_order(tg)
    invoice = invoice_of(tg)
    # 100 m² × ¥8 = ¥800, −¥20 welcome coupon, −¥50 first order = ¥730; deposit 30% = ¥219
    assert [p["amount"] for p in invoice["prices"]] == [21900]
    number = int(invoice["title"].split("#")[1].split()[0])
    await successful_payment(tg, invoice["payload"], 21900)
    worker = TelegramUser(client, fake_telegram, 700100)
    await worker.say(f"/accept #{number}")
    clock.advance(days=1)
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(app, number))
    await photo(worker, fake_telegram, "door-d")
    await worker.say(f"/photo #{number} before")
    await photo(worker, fake_telegram, "before-d")
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, "after-d")
    await worker.say(f"/finish #{number}")
    tg.last = fake_telegram.sent(700003)[-1:]
    assert "请支付尾款 ¥511.00" in tg.text()
    await tg.say(f"确认完成 #{number}")
    assert "请先支付尾款" in tg.text()
    tg.last = fake_telegram.sent(700003)[-2:]
    await tg.choose("支付尾款")
    assert invoice_of(tg)["prices"] == [{"label": "尾款 balance", "amount": 51100}]
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        [balance] = [
            p for p in await uow.payments.for_order(order.id) if p.kind.value == "balance"
        ]
    await successful_payment(tg, balance.reference, 51100, charge="ch_bal")
    assert "尾款已付清" in tg.text()
    await tg.say(f"确认完成 #{number}")
    assert "已确认完成" in tg.text()
    order, lines = await entries(app, number)
    assert order.status.value == "settled"
    assert sum(e.amount_cents for e in lines) == 0
    owed = -sum(e.amount_cents for e in lines if e.account == L.worker_payable(worker_id))
    held = -sum(e.amount_cents for e in lines if e.account == worker_deposit(worker_id))
    assert held == 14080  # 20% of what the job earned goes to the deposit (A: ¥800 in all)
    owed += held
    platform = -sum(e.amount_cents for e in lines if e.account == L.PLATFORM_REVENUE)
    subsidy = sum(e.amount_cents for e in lines if e.account == L.SUBSIDY_EXPENSE)
    # value ¥800 (¥730 paid + ¥70 of coupon and first-order subsidy); level A keeps 88%: ¥704
    assert (owed, platform, subsidy) == (70400, 9600, 7000)
    assert owed + platform - subsidy == order.paid_cents - order.refunded_cents

    await worker.say("/earnings")
    assert "余额 ¥563.20" in worker.text() and "可提现 ¥0.00" in worker.text()
    assert "保证金:已存 ¥140.80 / 应存 ¥800.00" in worker.text()
    await add_card(worker)
    await worker.say("/withdraw 100")
    assert "可提现余额为 ¥0.00" in worker.text()  # T+1
    clock.advance(days=1, hours=1)
    await worker.say("提现 200")
    assert "已批准,正在打款到招商银行 尾号 5576" in worker.text()
    await worker.say("/withdraw 1100")
    assert "可提现余额为 ¥363.20" in worker.text()
    await worker.say("/withdraw 363.20")
    assert "财务批准" not in worker.text()  # under the ¥1,000 threshold
    await app[SERVICES].run(SendPayouts())  # the bank accepts both transfers
    clock.advance(minutes=11)
    await app[SERVICES].run(SendPayouts())  # and says they were paid
    clock.advance(days=1)  # the next day's settlement reports them
    await app[SERVICES].run(DailySettlement())
    await app[SERVICES].run(DailySettlement())  # once per business day
    report = [m["text"] for m in fake_telegram.sent(FINANCE) if "日结" in m["text"]]
    assert len(report) == 1 and "2 笔,共 ¥563.20" in report[0]
    assert sum("已打款" in m["text"] for m in fake_telegram.sent(700100)) == 2
    async with app[DATABASE].uow() as uow:
        assert await uow.ledger.balance(L.worker_payable(worker_id)) == 0
        assert await uow.ledger.balance(L.PAYOUTS) == -56320
        assert await uow.ledger.balance(worker_deposit(worker_id)) == -14080


async def test_large_withdrawals_need_finance_and_a_refusal_gives_the_money_back(
    shop, fake_telegram, clock
):
    from domain.ledger import journal

    app, client = shop
    worker_id = await seed_worker(app, channel="telegram", user_id="700200", center=HOME)
    async with app[DATABASE].uow() as uow:  # earnings settled two days ago
        await uow.ledger.post(
            journal(
                "settle:test",
                clock.now - timedelta(days=2),
                [(L.CUSTOMER_PREPAID, 300_000), (L.worker_payable(worker_id), -300_000)],
            )
        )
        await uow.commit()
    worker = TelegramUser(client, fake_telegram, 700200)
    await add_card(worker)
    await worker.say("/withdraw 2000")
    assert "财务批准后打款到招商银行 尾号 5576" in worker.text()
    finance = TelegramUser(client, fake_telegram, FINANCE)
    alert = fake_telegram.sent(FINANCE)[-1]["text"]
    assert "/payout" in alert and f"师傅 测试师傅(ID {worker_id})" in alert, alert
    await finance.say("/withdrawals")
    wid = finance.text().split(".")[0]
    await finance.say(f"/reject_withdrawal {wid} 银行信息有误")
    assert f"提现 #{wid} → 未通过" in finance.text()
    assert "银行信息有误" in fake_telegram.sent(700200)[-1]["text"]
    await worker.say("/withdraw 2500")
    await finance.say("/withdrawals")
    wid = finance.text().split(".")[0]
    await finance.say(f"/payout {wid}")
    assert f"提现 #{wid} → 已通过" in finance.text()
    await finance.say(f"/payout {wid}")
    assert "正在打款" in finance.text()
    await app[SERVICES].run(SendPayouts())
    clock.advance(minutes=11)
    await app[SERVICES].run(SendPayouts())
    assert "提现 ¥2,500.00 已打款" in fake_telegram.sent(700200)[-1]["text"]
    await finance.say(f"/payout {wid}")
    assert "已处理" in finance.text()
    async with app[DATABASE].uow() as uow:
        assert await uow.ledger.balance(L.worker_payable(worker_id)) == -50_000
        assert await uow.ledger.balance(L.WITHDRAWALS_PENDING) == 0
    support = TelegramUser(client, fake_telegram, 700300)
    await support.say("/payout 1")
    assert "不认识的指令" in support.text()
