"""On-site extra charges end to end on Telegram (sandbox payments) and PostgreSQL: the worker
asks during the job with a photo, the customer approves and pays (the settlement shares the
extra), declines (nothing charged) or lets it lapse; a full refund afterwards returns both
payments. Every order's ledger sums to zero."""

import pytest

from domain import ledger as L
from domain.commands import ExecuteRefunds, ExpireSurcharges
from domain.deposits import worker_deposit
from domain.money import FULL, apply_rate
from domain.payments import PaymentKind, PaymentStatus
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    make_app,
    on_telegram,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_job_rules import arrived, photo, to_in_service
from webhooks.keys import DATABASE, SERVICES

OWNER = 993001


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_postgres_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OWNER}:owner",
    )
    return app, client


async def at_work(app, client, fake, clock, worker_uid: int, customer_uid: int):
    """A paid order whose worker (level B) has checked in and started."""
    worker_id = await seed_worker(app, channel="telegram", user_id=str(worker_uid), center=HOME)
    customer = TelegramUser(client, fake, customer_uid)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake, worker_uid)
    await to_in_service(worker, fake, number, clock)
    return worker_id, worker, customer, number


async def ask_one_more_hour(worker: TelegramUser, fake, number: int) -> None:
    await worker.say(f"加价 #{number}")
    assert "现场加价:要加什么" in worker.text()
    await worker.choose("加小时")
    await worker.choose("1")
    await worker.choose("提交申请")
    assert "至少一张" in worker.text()  # no photo yet: refused, nothing sent
    await photo(worker, fake, f"extra{number}")
    assert "照片已保存" in worker.text()
    await worker.choose("提交申请")
    assert "加价 ¥40.00 已发给客户确认" in worker.text()


def notice_to(fake, uid: int, customer: TelegramUser, words: str) -> None:
    """Make the newest message holding ``words`` the customer's last (its buttons)."""
    customer.last = [m for m in fake.sent(uid) if words in m.get("text", "")][-1:]
    assert customer.last, words


async def order_and_ledger(app, number):
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        return order, await uow.ledger.for_order(order.id), await uow.payments.for_order(order.id)


async def test_an_approved_extra_is_paid_and_the_worker_earns_on_it(tg, fake_telegram, clock):
    app, client = tg
    worker_id, worker, customer, number = await at_work(
        app, client, fake_telegram, clock, 670001, 670101
    )
    before, _, _ = await order_and_ledger(app, number)
    await ask_one_more_hour(worker, fake_telegram, number)

    notice_to(fake_telegram, 670101, customer, "师傅现场申请加价")
    assert "现场加价:日常保洁 +1 小时 ¥40.00" in customer.text()
    assert "查看照片" in customer.text()
    await customer.choose("同意加价")
    assert f"已同意订单 #{number} 的现场加价 ¥40.00" in customer.text()
    assert "客户已同意加价 ¥40.00" in fake_telegram.sent(670001)[-1]["text"]
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/order #{number}")
    assert "现场加价 ¥40.00 [客户已同意,待支付] 现场加价:日常保洁 +1 小时" in owner.text()
    await customer.choose("确认支付 ¥40.00")
    assert "已支付订单" in customer.text() and "现场加价 ¥40.00" in customer.text()
    assert "客户已支付加价 ¥40.00" in fake_telegram.sent(670001)[-1]["text"]

    order, _, payments = await order_and_ledger(app, number)
    assert order.total_cents == before.total_cents + 4000
    assert order.paid_cents == before.paid_cents + 4000
    assert [line.amount_cents for line in order.lines if line.kind.value == "surcharge"] == [4000]
    assert any(e.action and e.action.value == "surcharge" for e in order.timeline)
    [extra] = [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert extra.status == PaymentStatus.SUCCEEDED and extra.amount_cents == 4000
    await owner.say(f"/order #{number}")
    assert "现场加价 ¥40.00 [已支付] 现场加价:日常保洁 +1 小时" in owner.text()

    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    await customer.say(f"确认完成 #{number}")
    order, ledger, _ = await order_and_ledger(app, number)
    assert order.status.value == "settled"
    assert sum(e.amount_cents for e in ledger) == 0
    prepaid = sum(e.amount_cents for e in ledger if e.account == L.CUSTOMER_PREPAID)
    assert prepaid == 0
    owed = -sum(
        e.amount_cents
        for e in ledger
        if e.account in (L.worker_payable(worker_id), worker_deposit(worker_id))
    )  # the worker's share: what they are owed and what the deposit holds of it
    subsidy = sum(e.amount_cents for e in ledger if e.account == L.SUBSIDY_EXPENSE)
    value = order.paid_cents + subsidy
    assert owed == value - apply_rate(value, 1_500)  # level B: 15% commission
    assert owed > apply_rate(before.paid_cents + subsidy, FULL - 1_500)  # the extra counts


async def test_a_declined_extra_charges_nothing(tg, fake_telegram, clock):
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 671001, 671101)
    before, _, _ = await order_and_ledger(app, number)
    await worker.say("任务")
    await worker.choose(f"申请加价 #{number}")  # the job's button
    await photo(worker, fake_telegram, f"grease{number}")  # the photo may come first
    await worker.choose("其他")
    await worker.say("80 厨房重油污")
    assert "厨房重油污 ¥80.00" in worker.text()
    await worker.choose("提交申请")
    notice_to(fake_telegram, 671101, customer, "师傅现场申请加价")
    assert "现场加价:厨房重油污 ¥80.00" in customer.text()

    await customer.say(f"拒绝加价 #{number}")
    assert "师傅会按原价继续服务" in customer.text()
    assert "客户未同意加价 ¥80.00" in fake_telegram.sent(671001)[-1]["text"]
    order, ledger, payments = await order_and_ledger(app, number)
    assert (order.total_cents, order.paid_cents) == (before.total_cents, before.paid_cents)
    assert not [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert not [line for line in order.lines if line.kind.value == "surcharge"]
    assert sum(e.amount_cents for e in ledger) == 0
    await customer.say(f"同意加价 #{number}")  # answered already
    assert "没有等待您答复的加价申请" in customer.text()


async def test_an_unanswered_extra_lapses(tg, fake_telegram, clock):
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 672001, 672101)
    await ask_one_more_hour(worker, fake_telegram, number)
    await worker.say(f"加价 #{number}")  # one request at a time
    await photo(worker, fake_telegram, f"again{number}")
    await worker.choose("冰箱内部清洁")
    await worker.choose("提交申请")
    assert "上一个加价申请还在等客户答复" in worker.text()

    clock.advance(minutes=14)
    assert (await app[SERVICES].run(ExpireSurcharges()))[0].lapsed == 0
    clock.advance(minutes=2)
    assert (await app[SERVICES].run(ExpireSurcharges()))[0].lapsed == 1
    assert (await app[SERVICES].run(ExpireSurcharges()))[0].lapsed == 0  # once
    assert "未在规定时间内答复加价申请" in fake_telegram.sent(672001)[-1]["text"]
    assert "加价申请已过期" in fake_telegram.sent(672101)[-1]["text"]
    await customer.say(f"同意加价 #{number}")
    assert "没有等待您答复的加价申请" in customer.text()
    order, _, payments = await order_and_ledger(app, number)
    assert not [p for p in payments if p.kind == PaymentKind.SURCHARGE]


async def test_an_older_requests_button_does_not_answer_a_newer_one(tg, fake_telegram, clock):
    """Each request's buttons name it: pressing a declined ¥40 request's 同意 after the worker
    asked for ¥80 answers nothing; the newer request's own buttons still work."""
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 673001, 673101)
    await ask_one_more_hour(worker, fake_telegram, number)
    notice_to(fake_telegram, 673101, customer, "师傅现场申请加价")
    first = customer.last
    await customer.choose("拒绝加价")
    assert "师傅会按原价继续服务" in customer.text()
    clock.advance(minutes=1)  # a new request needs a photo taken after the last one
    await worker.say(f"加价 #{number}")
    await worker.choose("其他")
    await worker.say("80 厨房重油污")
    await photo(worker, fake_telegram, f"grease{number}")
    await worker.choose("提交申请")
    assert "已发给客户确认" in worker.text()

    customer.last = first  # the first request's notice, its buttons
    await customer.choose("同意加价")
    assert "之前的加价申请" in customer.text()
    order, _, payments = await order_and_ledger(app, number)
    assert not [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert not [line for line in order.lines if line.kind.value == "surcharge"]
    notice_to(fake_telegram, 673101, customer, "厨房重油污")
    await customer.choose("同意加价")
    assert f"已同意订单 #{number} 的现场加价 ¥80.00" in customer.text()


async def test_an_answer_after_the_time_given_changes_nothing(tg, fake_telegram, clock):
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 674001, 674101)
    await ask_one_more_hour(worker, fake_telegram, number)
    notice_to(fake_telegram, 674101, customer, "师傅现场申请加价")
    clock.advance(minutes=16)  # past the 15 minutes, before the sweep ran
    await customer.choose("同意加价")
    assert "已过答复时间" in customer.text()
    _, _, payments = await order_and_ledger(app, number)
    assert not [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert (await app[SERVICES].run(ExpireSurcharges()))[0].lapsed == 1  # the sweep's, once


async def test_a_request_open_when_the_order_is_cancelled_lapses_unannounced(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="675001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 675101)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, 675001)
    await arrived(worker, fake_telegram, number, clock)
    assert (await order_and_ledger(app, number))[0].status.value == "arrived"
    await ask_one_more_hour(worker, fake_telegram, number)
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/cancel #{number} 顾客临时有事")
    await app[SERVICES].run(ExecuteRefunds())
    assert (await order_and_ledger(app, number))[0].status.value in ("cancelled", "refunded")
    told = len(fake_telegram.sent(675101)), len(fake_telegram.sent(675001))
    clock.advance(minutes=16)
    assert (await app[SERVICES].run(ExpireSurcharges()))[0].lapsed == 1
    # no "服务按原价继续" for a cancelled order, to either side
    assert (len(fake_telegram.sent(675101)), len(fake_telegram.sent(675001))) == told


async def test_a_full_refund_after_an_approved_extra_returns_both_payments(
    tg, fake_telegram, clock
):
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 673001, 673101)
    await ask_one_more_hour(worker, fake_telegram, number)
    notice_to(fake_telegram, 673101, customer, "师傅现场申请加价")
    await customer.choose("同意加价")
    await customer.choose("确认支付")
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    order, _, _ = await order_and_ledger(app, number)

    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/refund #{number} {order.paid_cents / 100:.2f}")
    await app[SERVICES].run(ExecuteRefunds())
    order, ledger, payments = await order_and_ledger(app, number)
    refunds = [p for p in payments if p.kind == PaymentKind.REFUND]
    originals = {p.id: p for p in payments}
    assert sorted(originals[r.refund_of].kind.value for r in refunds) == ["full", "surcharge"]
    assert all(r.status == PaymentStatus.SUCCEEDED for r in refunds)
    assert sum(r.amount_cents for r in refunds) == order.paid_cents
    assert order.refunded_cents == order.paid_cents and order.status.value == "refunded"
    assert sum(e.amount_cents for e in ledger) == 0
    assert sum(e.amount_cents for e in ledger if e.account == L.CUSTOMER_PREPAID) == 0


async def test_an_extra_refunded_since_it_was_paid_reads_refunded(tg, fake_telegram, clock):
    """A refund goes back against the newest payments first: the extra's, part then all of
    it; /order names the extra by what became of its money, not "paid" still."""
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 673002, 673102)
    await ask_one_more_hour(worker, fake_telegram, number)
    notice_to(fake_telegram, 673102, customer, "师傅现场申请加价")
    await customer.choose("同意加价")
    await customer.choose("确认支付")
    owner = TelegramUser(client, fake_telegram, OWNER)
    extra = "现场加价 ¥40.00 [{}] 现场加价:日常保洁 +1 小时"
    for amount, state in (("10", "部分已退款"), ("30", "已退款")):
        await owner.say(f"/refund #{number} {amount}")  # the sandbox refunds in the turn
        await owner.say(f"/order #{number}")
        assert extra.format(state) in owner.text(), owner.text()
    _, _, payments = await order_and_ledger(app, number)
    [paid] = [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    refunds = [p for p in payments if p.kind == PaymentKind.REFUND]
    assert [(r.refund_of, r.amount_cents) for r in refunds] == [(paid.id, 1000), (paid.id, 3000)]


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
    )


async def approved_on_telegram(app, client, fake, clock, worker_uid: int, customer_uid: int):
    """An order paid with a Telegram invoice, its worker at work, one more hour asked and
    approved: (worker, customer, number, the extra's invoice)."""
    from tests.e2e.test_money import book_on_telegram, invoice_of, successful_payment

    await seed_worker(app, channel="telegram", user_id=str(worker_uid), center=HOME)
    customer = TelegramUser(client, fake, customer_uid)
    number, invoice = await book_on_telegram(customer)
    await successful_payment(
        customer, invoice["payload"], sum(p["amount"] for p in invoice["prices"])
    )
    worker = TelegramUser(client, fake, worker_uid)
    await to_in_service(worker, fake, number, clock)
    await ask_one_more_hour(worker, fake, number)
    notice_to(fake, customer_uid, customer, "师傅现场申请加价")
    await customer.choose("同意加价")
    return worker, customer, number, invoice_of(customer)


async def test_an_extra_is_paid_with_a_telegram_invoice_like_the_order(
    tg_pay, fake_telegram, clock
):
    from tests.e2e.test_money import pre_checkout, successful_payment

    app, client = tg_pay
    _, customer, number, extra = await approved_on_telegram(
        app, client, fake_telegram, clock, 674001, 674101
    )
    assert extra["prices"] == [{"label": "现场加价 extra", "amount": 4000}]
    answer = await pre_checkout(client, 674101, extra["payload"], 4000)
    assert answer.get("ok") is True, answer
    await successful_payment(customer, extra["payload"], 4000, charge="ch_extra")
    assert "现场加价 ¥40.00" in customer.text() and "已支付" in customer.text()
    await successful_payment(customer, extra["payload"], 4000, charge="ch_extra")  # again
    order, ledger, payments = await order_and_ledger(app, number)
    [paid] = [p for p in payments if p.kind == PaymentKind.SURCHARGE]
    assert paid.provider == "telegram" and paid.status == PaymentStatus.SUCCEEDED
    assert order.paid_cents == order.total_cents
    assert sum(e.amount_cents for e in ledger if e.account == "cash:telegram") == order.paid_cents
    assert sum(e.amount_cents for e in ledger) == 0


async def test_a_wechat_customer_answers_by_words_and_pays_in_the_sandbox(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    import re

    from tests.e2e.helpers import WeChatUser, on_wechat
    from tests.fakes.wechat import WeChatServer, event_xml, location_xml
    from webhooks.keys import CLOCK

    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id="675001", center=HOME)
    wx = WeChatUser(client, fake_wechat, "o-extra-675", WeChatServer(clock=app[CLOCK]))
    await wx.post_xml(event_xml(wx.openid, "subscribe"))
    await wx.choose("预约服务")
    await wx.choose("保洁")
    await wx.choose("日常保洁")
    await wx.say("2")
    await wx.say("明天 15:00")
    await wx.post_xml(location_xml(wx.openid, HOME[0], HOME[1], "徐汇区漕溪北路88号"))
    await wx.say("8楼801")
    await wx.say(wx.phone)
    number = int(re.search(r"#(\d{6,8})", wx.last_text).group(1))
    await wx.choose("确认支付")
    assert "支付成功" in wx.last_text
    worker = TelegramUser(client, fake_telegram, 675001)
    await to_in_service(worker, fake_telegram, number, clock)
    await ask_one_more_hour(worker, fake_telegram, number)

    notice = next(t for t in reversed(fake_wechat.texts(wx.openid)) if "申请加价" in t)
    assert "同意加价 #" in notice and "拒绝加价 #" in notice and "查看照片" in notice
    await wx.say(f"同意加价 #{number}")
    assert "请支付这笔费用" in wx.last_text and "1. 确认支付 ¥40.00" in wx.last_text
    await wx.choose("确认支付 ¥40.00")
    assert "现场加价 ¥40.00" in wx.last_text
    order, ledger, _ = await order_and_ledger(app, number)
    assert order.paid_cents == order.total_cents
    assert sum(e.amount_cents for e in ledger) == 0
