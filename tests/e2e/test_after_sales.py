"""After-sales through the Telegram webhook with a controllable clock: a complaint freezes the
settlement, the rule table refunds the right amount, the response deadline escalates and the
24-hour coupon arrives once, a low rating opens a review, the worker rates the customer, a
granted rework is booked, and three cancellations hold the next order."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from domain.aftersales import ComplaintStatus
from domain.commands import (
    CancelOrder,
    ComplaintSweep,
    ReleaseOrder,
    ResolveComplaint,
    SampleSpotChecks,
)
from domain.ledger import worker_payable
from domain.lifecycle import OrderStatus
from domain.money import apply_rate
from domain.timeline_notes import free_rework_note
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    confirm_order,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_job_rules import photo, to_in_service
from tests.fakes.telegram import callback_update
from webhooks.keys import DATABASE, RULES, SERVICES

OWNER, OPS, SUPPORT = 990001, 990002, 990003
WORKER = 600001


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OWNER}:owner,telegram:{OPS}:ops,telegram:{SUPPORT}:support",
    )
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client


def texts(fake, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat)]


async def finished_job(app, client, fake, clock, customer_uid: int) -> tuple[TelegramUser, int]:
    customer = TelegramUser(client, fake, customer_uid)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake, WORKER)
    await to_in_service(worker, fake, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake, f"after{number}")
    await worker.say(f"/finish #{number}")
    return customer, number


async def order(app, number: int):
    async with app[DATABASE].uow() as uow:
        return await uow.orders.by_number(number)


async def complaints(app, order_id: int):
    async with app[DATABASE].uow() as uow:
        return await uow.complaints.for_order(order_id)


async def journal(app, order_id: int, prefix: str):
    async with app[DATABASE].uow() as uow:
        return [e for e in await uow.ledger.for_order(order_id) if e.journal.startswith(prefix)]


async def complain(customer: TelegramUser, number: int, category: str, text: str) -> None:
    await customer.say(f"投诉 #{number}")
    await customer.choose(category)
    await customer.say(text)


async def test_a_complaint_with_a_photo_is_refunded_by_the_rule_table(tg, fake_telegram, clock):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600101)
    await complain(customer, number, "没做完", "厨房没有打扫")
    await photo(customer, fake_telegram, "kitchen1")
    assert "已收到 1 张" in customer.text()
    await customer.choose("提交投诉")
    paid = (await order(app, number)).paid_cents
    refund = apply_rate(paid, app[RULES].after_sales.refund_bp["incomplete"])  # 30%
    assert "已按规则处理" in customer.text() and f"¥{refund / 100:,.2f}" in customer.text()
    done = await order(app, number)
    assert done.refunded_cents == refund
    [c] = await complaints(app, done.id)
    assert c.status == ComplaintStatus.RESOLVED and c.resolved_by == "rule"
    assert c.refund_cents == refund and len(c.photos) == 1
    assert any("自动处理" in t for t in texts(fake_telegram, SUPPORT))
    assert any(f"#{number}" in t and "部分退款" in t for t in texts(fake_telegram, WORKER))
    # the complaint is on the timeline; confirming settles what is left
    await customer.say(f"确认完成 #{number}")
    [settle] = [
        e for e in await journal(app, done.id, "settle:") if e.account == "customer_prepaid"
    ]
    assert settle.amount_cents == paid - refund
    await customer.say("我的订单")
    await customer.choose(f"#{number}")
    assert "投诉" in customer.text() and "已处理" in customer.text()


async def test_an_open_complaint_freezes_the_settlement_until_it_is_decided(
    tg, fake_telegram, clock
):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600102)
    await complain(customer, number, "服务态度", "师傅态度很差")
    await customer.choose("提交投诉")
    assert "已提交" in customer.text() and "30 分钟" in customer.text()
    assert "处理期间本单暂不结算" in customer.text()
    assert any(f"#{number}" in t and "新投诉" in t for t in texts(fake_telegram, SUPPORT))
    await customer.say(f"确认完成 #{number}")
    frozen = await order(app, number)
    assert frozen.status == OrderStatus.CONFIRMED  # confirmed, not settled
    assert await journal(app, frozen.id, "settle:") == []
    [c] = await complaints(app, frozen.id)
    refused = await app[SERVICES].run(
        ResolveComplaint(f"telegram:{SUPPORT}", "support", c.id, "reject", reason="x")
    )
    assert "调度" in refused[0].message.get("zh")  # support answers complaints; deciding needs ops
    await app[SERVICES].run(
        ResolveComplaint(f"telegram:{OPS}", "ops", c.id, "rejected", reason="录像显示态度正常")
    )
    settled = await order(app, number)
    assert settled.status == OrderStatus.SETTLED
    assert any(e.account == worker_payable(1) for e in await journal(app, settled.id, "settle:"))
    assert any("未予支持" in t and "录像显示态度正常" in t for t in texts(fake_telegram, 600102))
    assert any("投诉未成立" in t for t in texts(fake_telegram, WORKER))


async def test_after_settlement_a_partial_refund_is_shared_by_the_worker_and_the_platform(
    tg, fake_telegram, clock
):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600103)
    await customer.say(f"确认完成 #{number}")
    settled = await order(app, number)
    [earned] = [
        -e.amount_cents
        for e in await journal(app, settled.id, "settle:")
        if e.account.startswith("worker_payable:")
    ]
    await complain(customer, number, "物品损坏", "花瓶碎了")
    await customer.choose("提交投诉")
    said = customer.text()  # the worker was paid already: nothing is held for it
    assert "已提交" in said and "暂不结算" not in said, said
    [c] = await complaints(app, settled.id)
    await app[SERVICES].run(
        ResolveComplaint(f"telegram:{OWNER}", "owner", c.id, "partial", amount_cents=1_000)
    )
    refunded = await order(app, number)
    assert refunded.refunded_cents == 1_000
    [clawback] = [
        e
        for e in await journal(app, settled.id, "clawback:")
        if e.account.startswith("worker_payable:")
    ]
    assert 0 < clawback.amount_cents == 1_000 * earned // settled.paid_cents


async def test_an_unanswered_complaint_escalates_and_then_earns_a_coupon_once(
    tg, fake_telegram, clock
):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600104)
    await complain(customer, number, "其他", "发票没给")
    await customer.choose("提交投诉")

    async def sweep() -> None:
        await app[SERVICES].run(ComplaintSweep())

    waiting = lambda chat: [t for t in texts(fake_telegram, chat) if "无人回复" in t]  # noqa: E731
    clock.advance(minutes=20)
    await sweep()
    assert waiting(OPS) == []
    clock.advance(minutes=11)  # 31 minutes: ops is reminded
    await sweep()
    await sweep()
    assert len(waiting(OPS)) == 1 and waiting(SUPPORT) == []
    clock.advance(minutes=30)  # an hour: the owner too
    await sweep()
    assert len(waiting(OPS)) == 1  # the owner hears of everything: now of the hour too
    assert len(waiting(OWNER)) == 2 and "61 分钟" in waiting(OWNER)[-1]
    clock.advance(hours=23)  # unresolved for a day: a coupon
    await sweep()
    await sweep()
    coupons = [t for t in texts(fake_telegram, 600104) if "补偿券" in t]
    assert len(coupons) == 1 and "¥20.00" in coupons[0]
    done = await order(app, number)
    async with app[DATABASE].uow() as uow:
        held = await uow.coupons.for_customer(done.customer_id)
    assert [x.terms.amount_cents for x in held if x.reason.startswith("complaint")] == [2_000]
    await customer.say("优惠券")  # 我的 names it by where it came from: this order
    assert f"售后补偿券(订单 #{number})" in customer.text()


async def test_a_low_rating_opens_a_review_and_updates_the_worker(tg, fake_telegram, clock):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600105)
    await customer.say(f"确认完成 #{number}")
    await customer.choose("评价本次服务")
    for stars in ("2", "3", "3", "2"):
        assert "1–5 星" in customer.text()
        await customer.choose(stars)
    await customer.choose("迟到")
    await customer.choose("完成")
    await customer.say("来晚了一个小时")
    await customer.choose("不加照片")
    assert "2.5 星" in customer.text() and "客服会跟进" in customer.text()
    review = [t for t in texts(fake_telegram, OPS) if "低分评价" in t]
    assert len(review) == 1 and f"#{number}" in review[0] and "来晚了" in review[0]
    assert "标签:迟到" in review[0] and "late" not in review[0]  # the tag by its name
    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(1)
    assert worker.rating_x100 == 250 and worker.good_rate_bp == 0
    await customer.say(f"评价 #{number}")
    assert "已评价过" in customer.text()  # one rating per order: said before any question
    assert "1–5 星" not in customer.text()
    # the worker rates the customer
    worker_chat = TelegramUser(client, fake_telegram, WORKER)
    await worker_chat.say(f"评价客户 #{number}")
    await worker_chat.choose("4")
    await worker_chat.choose("跳过")
    assert "已记录" in worker_chat.text()
    async with app[DATABASE].uow() as uow:
        rated = await uow.customers.get((await uow.orders.by_number(number)).customer_id)
    assert rated.rating_x100 == 400


async def test_a_granted_rework_is_booked_free_with_the_same_worker_first(
    tg, fake_telegram, clock
):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600106)
    await complain(customer, number, "没做完", "阳台没擦")
    await customer.choose("提交投诉")  # no photo: a human decides
    [c] = await complaints(app, (await order(app, number)).id)
    await app[SERVICES].run(
        ResolveComplaint(f"telegram:{OPS}", "ops", c.id, "rework", reason="same")
    )
    [granted] = [m for m in fake_telegram.sent(600106) if "免费安排返工" in m.get("text", "")]
    [button] = granted["reply_markup"]["inline_keyboard"][0]
    await customer.post(callback_update(600106, button["callback_data"]))
    await customer.choose("明天")
    await customer.choose("10:00")
    assert "免费返工" in customer.text() and "无需付款" in customer.text()
    rework_number = int(customer.text().split("新订单 #")[1][:6])
    rework = await order(app, rework_number)
    assert rework.total_cents == 0 and rework.rework_of == (await order(app, number)).id
    assert free_rework_note() in [e.note for e in rework.timeline]
    assert rework.status in (OrderStatus.DISPATCHING, OrderStatus.ACCEPTED)
    offers = [t for t in texts(fake_telegram, WORKER) if f"#{rework_number}" in t]
    assert offers  # the same worker is offered it first
    await customer.say(f"预约返工 #{number}")
    assert "已预约" in customer.text()  # only one rework per grant: said before any question
    assert not [b for b in customer.options() if "明天" in b["text"]]  # no day asked


async def book_again(customer: TelegramUser, when: str) -> int:
    """A returning customer books the same cleaning at their saved address and pays."""
    customer.clock.advance(minutes=1)  # a person types slower than the message rate limit
    await customer.say("菜单")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("2小时")
    await customer.say(when)
    await customer.choose("8楼801")  # the saved address
    await confirm_order(customer)
    number = int(next(t for t in customer.text().split() if t.startswith("#"))[1:])
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    return number


async def test_three_cancellations_in_a_day_hold_the_next_order_for_review(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 600107)
    customer.clock = clock
    for i, when in enumerate(("明天 10:00", "明天 13:00", "明天 15:00")):
        number = await (book_and_pay(customer, when) if i == 0 else book_again(customer, when))
        cancelled = await order(app, number)
        await app[SERVICES].run(CancelOrder(cancelled.customer_id, number, 0))
        assert (await order(app, number)).status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
    offers_before = len([t for t in texts(fake_telegram, WORKER) if "预计收入" in t])
    number = await book_again(customer, "后天 10:00")
    held = await order(app, number)
    assert held.hold_reason == "3 cancellations in 24 h" and held.status == OrderStatus.PAID
    assert len([t for t in texts(fake_telegram, WORKER) if "预计收入" in t]) == offers_before
    assert "需客服审核" in customer.text()
    [alert] = [t for t in texts(fake_telegram, OPS) if f"/release #{number}" in t]
    assert "24 小时内取消了 3 单" in alert and "cancellations" not in alert, alert
    await app[SERVICES].run(ReleaseOrder(f"telegram:{OPS}", "ops", number))
    released = await order(app, number)
    assert released.hold_reason == "" and released.status == OrderStatus.DISPATCHING
    clock.advance(days=2)  # a day later the window has passed: no hold
    number = await book_again(customer, "明天 10:00")
    assert (await order(app, number)).hold_reason == ""


async def test_spot_checks_pick_yesterdays_finished_orders_once(tg, fake_telegram, clock):
    app, client = tg
    _, number = await finished_job(app, client, fake_telegram, clock, 600108)
    clock.advance(days=1)
    await app[SERVICES].run(SampleSpotChecks())
    await app[SERVICES].run(SampleSpotChecks())
    tasks = [t for t in texts(fake_telegram, OPS) if "质量抽检" in t]
    assert len(tasks) == 1 and f"#{number}" in tasks[0]


async def test_staff_answer_and_decide_a_complaint_in_chat(tg, fake_telegram, clock):
    app, client = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 600109)
    await complain(customer, number, "没做完", "卫生间没打扫")
    await customer.choose("提交投诉")
    support = TelegramUser(client, fake_telegram, SUPPORT)
    ops = TelegramUser(client, fake_telegram, OPS)
    await support.say("/complaints")
    assert f"#{number}" in support.text() and "服务不完整" in support.text()
    complaint_id = int(support.text().split("\n")[1].split(".")[0].strip("⏰💬 "))
    await support.say(f"/complaint {complaint_id}")
    assert "卫生间没打扫" in support.text()
    await support.say(f"/reply {complaint_id} 明天上午联系您补做")
    assert "已回复" in support.text()
    assert any("明天上午联系您补做" in t for t in texts(fake_telegram, 600109))
    await support.say(f"/resolve {complaint_id} partial")
    assert "/resolve 需要 老板 或 调度 角色" in support.text()
    resolved_at = clock()
    await ops.say(f"/resolve {complaint_id} partial 5")
    assert "部分退款 ¥5.00" in ops.text()
    assert (await order(app, number)).refunded_cents == 500
    told = [t for t in texts(fake_telegram, 600109) if "处理结果" in t]
    # an agent decided the amount: the customer is not told "by the rules"
    assert told and "经客服核定退款 ¥5.00" in told[-1] and "按规则" not in told[-1]
    clock.advance(hours=1)
    await app[SERVICES].run(ComplaintSweep())  # answered in time: nobody is chased
    assert not [t for t in texts(fake_telegram, OPS) if "无人回复" in t]
    # resolved: when and how, no longer how long it has waited
    await support.say(f"/complaint {complaint_id}")
    local = resolved_at.astimezone(ZoneInfo("Asia/Shanghai"))
    when = f"{local.month}月{local.day}日 周{'一二三四五六日'[local.weekday()]} {local:%H:%M}"
    assert f"状态:已处理 · {when} · 部分退款" in support.text(), support.text()
    assert "已等待" not in support.text()


async def test_the_dashboard_command_sends_a_signed_link_that_opens(tg, fake_telegram):
    app, client = tg
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say("/dashboard")
    [button] = [b for b in owner.options() if "url" in b]
    path = button["url"].split("://", 1)[1].split("/", 1)[1]
    opened = await client.get("/" + path, allow_redirects=False)
    assert opened.status in (302, 303) and "daojia_dashboard" in opened.cookies


async def test_a_complaint_about_an_order_not_yet_served_is_refused_before_any_question(
    tg, fake_telegram, clock
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 600131)
    number = await book_and_pay(customer)
    await customer.say(f"投诉 #{number}")
    assert "现在不能投诉" in customer.text() and "遇到了什么问题" not in customer.text()
    await customer.say(f"评价 #{number}")
    assert "完成后才能评价" in customer.text() and "1–5 星" not in customer.text()
    await customer.say(f"投诉 #{number + 100000}")  # not theirs, or no such order
    assert "找不到订单" in customer.text() or "没有订单" in customer.text()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert await uow.complaints.for_order(order.id) == []
