"""Admin commands end to end on Telegram: every command with every role, what a customer sees,
the full trail of an order, and the money commands (cancel, refund) with their ledger."""

import secrets

import pytest

from conversations.results.admin_orders import RefundAlreadyRequested, RefundRequested
from domain.admin import COMMAND_ROLES, ROLES, may, needed_roles, role_names
from domain.commands import CancelOrder, DrainOutbox, RefundOrder
from domain.payments import PaymentKind
from domain.timeline_notes import assigned_note, reassigned_note
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    order_of,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_job_rules import photo, to_in_service
from webhooks.keys import DATABASE, SERVICES

STAFF = {"owner": 990001, "ops": 990002, "finance": 990003, "support": 990004}
ADMINS = ",".join(f"telegram:{uid}:{role}" for role, uid in STAFF.items())


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=ADMINS,
    )
    return app, client


def staff(client, fake, role: str) -> TelegramUser:
    return TelegramUser(client, fake, STAFF[role])


def refusal(name: str) -> str:
    return f"/{name} 需要 {role_names(needed_roles(name)).get('zh')} 角色"


@pytest.mark.parametrize("role", ROLES)
async def test_every_command_runs_for_the_roles_allowed_and_changes_nothing_otherwise(
    tg, fake_telegram, role
):
    app, client = tg
    worker = await seed_worker(app, channel="telegram", user_id="610001", center=HOME)
    other = await seed_worker(app, channel="telegram", user_id="610002", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 610101))
    admin = staff(client, fake_telegram, role)
    typed = {
        "stats": "/stats week",
        "orders": "/orders",
        "order": f"/order #{number}",
        "audit": f"/audit #{number}",
        "customer": "/customer 1",
        "relay": f"/relay #{number}",
        "explain": f"/explain #{number}",
        "workers": "/workers",
        "worker": f"/worker {worker}",
        "prices": "/price",
        "withdrawals": "/withdrawals",
        "ledger": "/ledger 2026-11-01 2026-11-30",
        "assign": f"/assign #{number} {worker}",
        "reassign": f"/reassign #{number} {other}",
        "transfer": f"/transfer #{number}",
        "handover": f"/handover #{number} {other}",
        "terminate": f"/terminate #{number}",
        "refund": f"/refund #{number} 5",
        "refunded": "/refunded RFD-NONE",
        "waive": f"/waive #{number} 顾客拒付",
        "refund_card": "/refund_card 99",
        "payout": "/payout 99",
        "reject_withdrawal": "/reject_withdrawal 99 no",
        "coupon": "/coupon issue 1 20",
        "promo": f"/promo T{secrets.token_hex(4).upper()} 20 满100 30天 50张",
        "price": "/price daily_cleaning 45",
        "broadcast": "/broadcast 春节照常服务",
        "admin": "/admin add telegram:777 support",
        "suspend": f"/suspend {other} 投诉多",
        "unsuspend": f"/unsuspend {other}",
        "leave": "/leave 99 搬家",
        "approve": f"/approve {other}",
        "reject": "/reject 99 资料不全",
        "renewals": "/renewals",
        "approve_cert": f"/approve_cert {worker}",
        "reject_cert": f"/reject_cert {worker} 照片模糊",
        "reschedule": f"/reschedule #{number} 后天 15:00",
        "cancel": f"/cancel #{number} 客户来电取消",
        "complaints": "/complaints",
        "complaint": "/complaint 99",
        "reply": "/reply 99 我们马上处理",
        "tickets": "/tickets",
        "ticket": "/ticket T99",
        "take": "/take T99",
        "close": "/close T99",
        "resolve": "/resolve 99 reject 不成立",
        "release": f"/release #{number}",
        "levels": f"/levels {worker}",
        "spotchecks": "/spotchecks",
        "checked": "/checked 99 合格",
        "dashboard": "/dashboard",
        "invoices": "/invoices failed",
        "campaign": "/campaign 沉睡=30 金额=20",
        "campaigns": "/campaigns",
    }
    assert set(typed) == set(COMMAND_ROLES)
    for name, text in typed.items():
        await admin.say(text)
        refused = refusal(name) in admin.text()
        assert refused != may(role, name), (role, text, admin.text())
        assert "不认识的指令" not in admin.text()
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        paid = await uow.payments.for_order(order.id)
    refunds = [p.amount_cents for p in paid if p.kind == PaymentKind.REFUND]
    assert (500 in refunds) == may(role, "refund")  # the admin's refund (then the cancel's)
    assert (order.status.value == "cancelled" or order.status.value == "refunded") == may(
        role, "cancel"
    )
    async with app[DATABASE].uow() as uow:
        assert bool(await uow.prices.current()) == may(role, "price")
        assert bool(await uow.admins.all()) == may(role, "admin")
        coupons = await uow.coupons.for_customer(order.customer_id)
        assert any(x.reason.startswith("admin:") for x in coupons) == may(role, "coupon")
    actions = {a for a in await _audit_actions(app)}
    assert ("assign" in actions) == may(role, "assign")
    assert ("reassign" in actions) == may(role, "reassign")
    assert ("transfer" in actions) == may(role, "transfer")
    assert ("suspend" in actions) == may(role, "suspend")
    assert ("reschedule" in actions) == may(role, "reschedule")
    assert ("broadcast_preview" in actions) == may(role, "broadcast")
    assert ("campaign_preview" in actions) == may(role, "campaign")
    assert ("promo" in actions) == may(role, "promo")
    assert ("relay_read" in actions) == may(role, "relay")


async def _audit_actions(app) -> list[str]:
    from sqlmodel import select

    from store.tables import AuditRow

    async with app[DATABASE].uow() as uow:
        return list((await uow.session.exec(select(AuditRow.action))).all())


async def test_a_customer_sending_an_admin_command_is_refused_without_the_command_list(
    tg, fake_telegram
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 610201)
    await customer.say("/start")
    for text in ("/stats", "/refund #240117 50", "/admin add telegram:610201 owner", "/help"):
        await customer.say(text)
        shown = customer.text()
        for secret in ("/refund", "/approve", "/orders", "/broadcast", "管理员", "角色", "owner"):
            assert secret not in shown.replace(text.split()[0], ""), (text, shown)
    await customer.say("/stats")
    assert customer.last[0]["text"].startswith(
        "不认识的指令 /stats。发送「帮助」查看我能做什么。\n"
    )
    assert customer.last[0]["text"].endswith("3小时」:")  # and back to their menu
    await customer.say("统计 week")  # typed without a slash: just words, not a command
    assert "不认识的指令" not in customer.text()
    async with app[DATABASE].uow() as uow:
        assert await uow.admins.all() == []


async def test_the_full_trail_of_an_order_in_time_order(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="620001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 620101)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, 620001)
    await to_in_service(worker, fake_telegram, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    customer.last = fake_telegram.sent(620101)[-1:]
    await customer.choose("确认完成")
    assert (await order_of(app, number)).status.value == "settled"
    clock.advance(hours=1)
    finance = staff(client, fake_telegram, "finance")
    await finance.say(f"/refund #{number} 10")
    assert "退款 ¥10.00" in finance.text()

    owner = staff(client, fake_telegram, "owner")
    await owner.say(f"/audit {number}")
    lines = owner.last[0]["text"].splitlines()
    assert lines[0] == f"#{number} 完整记录:"
    steps = [
        "已报价 — 客户 ",
        "已报价→待支付 — 客户 ",
        "待支付→已支付 — 演示支付",
        "已支付→派单中 — 系统",
        "派单中→已接单 — 师傅 ",
        "已接单→师傅在路上 — 师傅 ",
        "师傅在路上→师傅已到达 — 师傅 ",
        "师傅已到达→服务中 — 师傅 ",
        "服务中→服务完成,待确认 — 师傅 ",
        "服务完成,待确认→已确认 — 客户 ",
        "已确认→已结算 — 系统",
        f"发起退款 — Telegram {STAFF['finance']} (财务) · 金额 ¥10.00",
        "退款到账 — 演示支付 · 金额 ¥10.00",
    ]
    at = [next(i for i, line in enumerate(lines) if step in line) for step in steps]
    assert at == sorted(at), lines
    times = [line.split(" ")[0] + line.split(" ")[1] for line in lines[1:]]
    assert times == sorted(times)  # MM-DD HH:MM, oldest first
    support = staff(client, fake_telegram, "support")  # reads the trail, sees no money
    await support.say(f"/audit #{number}")
    shown = support.last[0]["text"]
    assert "¥" not in shown and f"发起退款 — Telegram {STAFF['finance']} (财务)" in shown
    assert len(shown.splitlines()) == len(lines)


async def test_cancel_and_refund_follow_the_rules_and_keep_the_ledger_balanced(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="630001", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 630101))  # paid ¥30
    worker = TelegramUser(client, fake_telegram, 630001)
    await worker.say(f"/accept #{number}")
    finance = staff(client, fake_telegram, "finance")
    await finance.say(f"/refund #{number} 5")
    assert f"#{number} 退款 ¥5.00,已提交支付渠道原路退回" in finance.text()
    assert "/cancel" not in finance.text()  # part of it: nothing to warn of
    assert "退款 ¥5.00 已原路退回" in fake_telegram.sent(630101)[-1]["text"]
    await finance.say(f"/refund #{number} 5")  # resent within minutes: taken for a mistake
    assert "确需再退请在末尾加 again" in finance.text()
    await finance.say(f"/refund #{number} 50 again")
    assert "退款金额 ¥50.00 超过可退金额 ¥25.00" in finance.text()  # only ¥25 left to give back
    assert (await order_of(app, number)).refunded_cents == 500
    # the same request handled twice (a crash before the reply) refunds once
    cmd = RefundOrder(f"telegram:{STAFF['finance']}", "finance", number, 300, "telegram:x:m1")
    first, again = await app[SERVICES].run(cmd), await app[SERVICES].run(cmd)
    assert isinstance(first[0], RefundRequested) and isinstance(again[0], RefundAlreadyRequested)
    assert (await order_of(app, number)).refunded_cents == 800

    await finance.say(f"/cancel #{number}")
    assert refusal("cancel") in finance.text()
    clock.advance(hours=20)  # 10 h before the start: the 10% fee of what is still paid
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/cancel #{number} 客户来电")
    assert "退款 ¥19.80,收费 ¥2.20" in ops.text()
    order = await order_of(app, number)
    # the fee kept: not everything came back, so it stays cancelled (README, Money)
    assert order.status.value == "cancelled" and order.refunded_cents == 2_780
    told = fake_telegram.sent(630101)[-1]["text"]
    assert "已由客服取消:客户来电。¥19.80 将原路退回" in told
    assert "已由平台取消" in fake_telegram.sent(630001)[-1]["text"]
    async with app[DATABASE].uow() as uow:
        entries = await uow.ledger.for_order(order.id)
        payments = await uow.payments.for_order(order.id)
    assert sum(e.amount_cents for e in entries) == 0
    refunds = [p for p in payments if p.kind == PaymentKind.REFUND]
    assert sum(p.amount_cents for p in refunds) == 2_780
    await app[SERVICES].run(DrainOutbox())


async def test_a_full_refund_of_an_order_still_to_serve_says_it_goes_ahead_unpaid(
    tg, fake_telegram
):
    """Everything paid given back before the service: the order still goes ahead (a goodwill
    refund) — the answer says so and how to stop it; it stays offered as it was."""
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="630002", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 630102))  # paid ¥30
    finance = staff(client, fake_telegram, "finance")
    await finance.say(f"/refund #{number} 30")
    assert f"#{number} 退款 ¥30.00" in finance.text()
    assert f"订单仍会照常服务;如需停止,请 /cancel #{number}" in finance.text()
    order = await order_of(app, number)
    assert order.refunded_cents == 3000 and order.status.value in ("dispatching", "accepted")


async def test_reassign_suspend_and_coupons(tg, fake_telegram):
    app, client = tg
    first = await seed_worker(app, channel="telegram", user_id="640001", center=HOME)
    second = await seed_worker(app, channel="telegram", user_id="640002", center=HOME)
    customer = TelegramUser(client, fake_telegram, 640101)
    number = await book_and_pay(customer)
    await TelegramUser(client, fake_telegram, 640001).say(f"/accept #{number}")
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/reassign #{number} {first}")
    assert "已经是这位师傅" in ops.text()
    await ops.say(f"/suspend {first} 连续迟到")
    assert f"师傅 {first} → 已暂停接单" in ops.text() and f"#{number}" in ops.text()  # live job
    assert "暂停接单:连续迟到" in fake_telegram.sent(640001)[-1]["text"]
    await ops.say(f"/reassign #{number} {second}")
    reassigned = f"已将 #{number} 从师傅 {first} 改派给师傅 {second}(测试师傅),双方已通知。"
    assert reassigned in ops.text(), ops.text()
    moved = await order_of(app, number)
    assert moved.worker_id == second
    notes = [e.note for e in moved.timeline]
    assert notes[-2:] == [reassigned_note(), assigned_note(second)], notes
    assert f"#{number}" in fake_telegram.sent(640002)[-1]["text"]
    await ops.say(f"/unsuspend {first}")
    assert "已恢复" in fake_telegram.sent(640001)[-1]["text"]

    support = staff(client, fake_telegram, "support")
    await support.say(f"/coupon issue {customer.phone} 25 7")
    assert "¥25.00 优惠券" in support.text()
    assert "¥25.00 优惠券" in fake_telegram.sent(640101)[-1]["text"]
    await support.say("/coupon issue 99999 25")
    assert "找不到客户" in support.text()


async def test_stats_orders_and_one_order_as_each_role_sees_them(tg, fake_telegram, clock):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 650101)
    number = await book_and_pay(customer)  # nobody to send it to
    ops = staff(client, fake_telegram, "ops")
    await ops.say("/stats")
    assert "订单:1" in ops.text() and "成交 1 单,GMV ¥30.00" in ops.text()
    assert "新客户 1" in ops.text()
    clock.advance(minutes=6)  # past the offer timeout
    await ops.say("/orders 明天")
    assert f"#{number} 11月24日 周二 15:00 日常保洁 派单中 ¥30.00 ⚠无可派师傅" in ops.text()
    await ops.say("/orders")  # today: nothing starts today, but the stuck one is pointed out
    assert "共 0 单" in ops.text() and "⚠ 共 1 单需处理:/orders stuck" in ops.text()
    await ops.say("/orders stuck")
    assert f"#{number} 无可派师傅" in ops.text()
    await ops.say("/orders stuck 今天")  # a day's stuck orders: those starting on it
    assert "没有卡住的订单(今天)✅" in ops.text(), ops.text()
    await ops.say("/orders stuck 11月24日")
    assert "⚠ 需处理 1 单(11月24日 周二):" in ops.text() and f"#{number} 无可派师傅" in ops.text()

    worker = await seed_worker(app, channel="telegram", user_id="650001", center=HOME)
    await ops.say(f"/assign #{number} {worker}")
    clock.advance(days=1, hours=7)  # past the 15:00 start, nobody arrived
    await ops.say("/orders stuck")
    assert f"#{number} 师傅迟到" in ops.text()

    await ops.say(f"/order #{number}")
    phone = customer.phone
    assert phone in ops.text() and "8楼801" in ops.text() and "已付 ¥30.00" in ops.text()
    finance = staff(client, fake_telegram, "finance")
    await finance.say(f"/order {number}")
    assert f"{phone[:3]}****{phone[-4:]}" in finance.text() and phone not in finance.text()
    assert "8楼801" not in finance.text() and "已付 ¥30.00" in finance.text()
    support = staff(client, fake_telegram, "support")
    await support.say(f"/order #{number}")
    assert phone in support.text() and "¥" not in support.text()


async def test_a_worker_accepting_an_order_the_customer_cancelled_is_told_it_was_cancelled(
    tg, fake_telegram
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="630201", center=HOME)
    customer = TelegramUser(client, fake_telegram, 630211)
    number = await book_and_pay(customer)
    order = await order_of(app, number)
    assert any(f"#{number}" in m.get("text", "") for m in fake_telegram.sent(630201))  # offered
    await app[SERVICES].run(CancelOrder(order.customer_id, number, 0))
    told = [m.get("text", "") for m in fake_telegram.sent(630201)]
    assert sum(f"订单 #{number} 已取消,这个邀请已关闭" in t for t in told) == 1, told
    worker = TelegramUser(client, fake_telegram, 630201)
    await worker.say(f"/accept #{number}")
    said = worker.text()
    assert f"订单 #{number} 已被取消" in said and "其他师傅" not in said, said
