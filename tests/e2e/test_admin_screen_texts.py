"""What the admin console shows people, end to end: every screen in the reader's language —
no status, skill, unit, role or item id of ours, no fen and no Python value on it — and the
commands doing what they say (``/workers online`` lists who is online, ``/assign`` refuses a
worker already busy then, a reply to a decided complaint reaches the customer)."""

import re

import pytest
from sqlmodel import select

from domain.lifecycle import Action, ActorKind
from domain.orders import Actor
from domain.people import Customer, WorkerStatus
from store.tables import AuditRow
from tests.e2e.helpers import (
    HOME,
    START,
    Clock,
    TelegramUser,
    WebUser,
    book_and_pay,
    make_app,
    make_settings,
    order_of,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_job_rules import photo, to_in_service
from webhooks.app import create_app
from webhooks.keys import CLOCK, DATABASE

STAFF = {"owner": 991001, "ops": 991002, "support": 991003}
ADMINS = ",".join(f"telegram:{uid}:{role}" for role, uid in STAFF.items())
WORKER = 710001
RAW = ("False", "True", "None", "=")
"""What a Python value or a ``key=value`` of the log looks like on a screen."""


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=ADMINS,
    )


def staff(client, fake, role: str) -> TelegramUser:
    return TelegramUser(client, fake, STAFF[role])


async def _with_status(app, worker_id: int, status: WorkerStatus) -> None:
    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(worker_id)
        worker.status = status
        await uow.workers.save(worker)
        await uow.commit()


async def test_workers_are_filtered_as_asked_and_named_in_the_readers_language(tg, fake_telegram):
    app, client = tg
    kinds = ("cleaning", "appliance_repair")
    online = await seed_worker(
        app, channel="telegram", user_id="711001", name="在线", skills=kinds
    )
    offline = await seed_worker(
        app, channel="telegram", user_id="711002", name="离线", online=False
    )
    pending = await seed_worker(app, channel="telegram", user_id="711003", name="待审")
    rejected = await seed_worker(app, channel="telegram", user_id="711004", name="驳回")
    await _with_status(app, pending, WorkerStatus.PENDING)
    await _with_status(app, rejected, WorkerStatus.REJECTED)
    owner = staff(client, fake_telegram, "owner")

    await owner.say("/workers online")
    shown = owner.text()
    listed = [line.split(".")[0] for line in shown.splitlines()[:-1]]
    assert listed == [str(online)], shown
    assert shown.startswith(f"{online}. 在线 · 已通过 · 在线 · B · 日常保洁"), shown
    assert "家电" in shown and "appliance" not in shown and "cleaning" not in shown
    assert shown.endswith("在线:共 1 位 · 查看:/worker ID")
    await owner.say("/workers")  # bare: every worker, each with their status
    shown = owner.text()
    listed = [line.split(".")[0] for line in shown.splitlines()[:-1]]
    assert listed == [str(w) for w in (online, offline, pending, rejected)], shown
    assert "待审核" in shown and "未通过" in shown and "pending" not in shown
    assert "approved" not in shown and "[" not in shown
    await owner.say("/workers pending")
    assert owner.text().startswith(f"{pending}. 待审 · 待审核 · ")
    assert owner.text().count("\n") == 1  # the one, then the count
    await owner.say("/workers suspended")
    assert owner.text() == "没有状态为 已暂停接单 的师傅。"
    await owner.say("/workers 已暂停接单")  # the status's name works as well as its id
    assert owner.text() == "没有状态为 已暂停接单 的师傅。"
    await owner.say("/workers nobody")
    assert owner.text().startswith("用法:/workers")


async def test_the_audit_trail_reads_in_yuan_and_words(tg, fake_telegram, clock):
    app, client = tg
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 712101)
    number = await book_and_pay(customer)
    owner = staff(client, fake_telegram, "owner")
    await owner.say(f"/assign #{number} {worker_id}")
    worker = TelegramUser(client, fake_telegram, WORKER)
    await to_in_service(worker, fake_telegram, number, clock)
    await customer.say("紧急")  # an SOS during the visit: on the order's trail
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    async with app[DATABASE].uow() as uow:  # an on-site extra the customer approved
        order = await uow.orders.by_number(number)
        customer_actor = Actor(ActorKind.CUSTOMER, str(order.customer_id))
        order.note_event(Action.SURCHARGE, customer_actor, app[CLOCK](), "¥80.00")
        await uow.orders.save(order, app[CLOCK]())
        await uow.commit()
    await worker.say(f"/finish #{number}")
    customer.last = fake_telegram.sent(712101)[-1:]
    await customer.choose("确认完成")
    assert (await order_of(app, number)).status.value == "settled"

    await owner.say(f"/audit #{number}")
    shown = owner.text()
    lines = shown.splitlines()
    [settled] = [line for line in lines if "已确认→已结算" in line]
    assert re.search(r"· 师傅 ¥\d+\.\d\d,平台 ¥\d+\.\d\d$", settled), settled
    [assigned] = [line for line in lines if "派单中→已接单" in line]
    assert assigned.endswith(f" · 指派给师傅 {worker_id}"), assigned
    assert any(f"指派 — Telegram {STAFF['owner']} (老板) · 师傅 {worker_id}" in x for x in lines)
    [sos] = [line for line in lines if "紧急求助" in line]
    assert f"(客户) · 订单 #{number}," in sos and "紧急联系人" in sos, sos
    [extra] = [line for line in lines if "同意现场加价" in line]
    assert extra.endswith("· ¥80.00"), extra
    for raw in (*RAW, "assigned to", "worker ", "platform", "sos", "surcharge", "contact_told"):
        assert raw not in shown, (raw, shown)

    support = staff(client, fake_telegram, "support")
    await support.say(f"/audit #{number}")
    assert "¥" not in support.text() and "已确认→已结算" in support.text()  # no money shown


async def test_a_cancellation_by_the_policy_reads_in_the_readers_language(tg, fake_telegram):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 712201)
    number = await book_and_pay(customer)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    owner = staff(client, fake_telegram, "owner")
    await owner.say(f"/audit #{number}")
    shown = owner.text()
    assert "派单中→已取消 — 客户 " in shown and " · 还没有师傅接单,全额退款\n" in shown, shown
    assert "已取消→已退款 — 系统 · 累计退款 ¥30.00" in shown
    assert "refund" not in shown


async def test_a_new_ticket_waits_and_whoever_took_it_is_named_not_their_account(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    from store.catalog_file import load_catalog

    catalog, rules = load_catalog()
    clock = Clock()
    settings = make_settings(tmp_path, fresh_sqlite_url, pii_key)
    app = create_app(settings, catalog, rules, clock=clock, demo=True)
    client = await aiohttp_client(app)
    customer = WebUser(client)
    await customer.open()
    await customer.say("/start")
    await customer.say("/support")
    await customer.say("洗衣机漏水了")
    admin = WebUser(client, role="admin")
    await admin.say("/tickets")
    assert "T1 待处理 · 客户 " in admin.text() and "已等 0 分钟" in admin.text(), admin.text()
    assert "已回复" not in admin.text()
    clock.advance(minutes=3)
    await admin.say("/take T1")
    await admin.say("/tickets")
    shown = admin.text()
    assert "老板(网页聊天)" in shown and "已等 3 分钟" in shown, shown
    assert "web:" not in shown and "-admin" not in shown
    await admin.say("/reply T1 请拍一张照片给我们")
    await admin.say("/tickets")
    assert "已回复" in admin.text()
    await admin.say("/ticket T1")
    shown = admin.text()
    assert "老板(网页聊天):请拍一张照片给我们" in shown, shown
    assert "web:" not in shown and "-admin" not in shown


async def test_a_reply_to_a_decided_complaint_reaches_the_customer_and_the_log(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 713101)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, WORKER)
    await to_in_service(worker, fake_telegram, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    await customer.say(f"投诉 #{number}")
    await customer.choose("没做完")
    await customer.say("阳台没擦")
    await customer.choose("提交投诉")
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        [complaint] = await uow.complaints.for_order(order.id)
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/resolve {complaint.id} partial 5")
    assert "部分退款 ¥5.00" in ops.text()

    support = staff(client, fake_telegram, "support")
    await support.say(f"/reply {complaint.id} 退款已原路退回,欢迎再次预约")
    assert "客户已收到" in support.text() and "部分退款" in support.text(), support.text()
    told = [m["text"] for m in fake_telegram.sent(713101)]
    assert "退款已原路退回,欢迎再次预约" in told[-1], told[-1]
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.action == "complaint_reply"))
        [logged] = rows.all()
        assert logged.target == f"order:{number}" and logged.actor.endswith(str(STAFF["support"]))
        assert (await uow.complaints.get(complaint.id)).resolution == "partial"  # unchanged
    await support.say(f"/audit #{number}")
    assert "回复投诉 — " in support.text() and "退款已原路退回" in support.text()


async def test_assign_refuses_a_worker_busy_at_that_time_and_names_the_clash(tg, fake_telegram):
    app, client = tg
    worker_id = await seed_worker(
        app, channel="telegram", user_id=str(WORKER), center=HOME, online=False
    )
    first = await book_and_pay(TelegramUser(client, fake_telegram, 714101))
    second = await book_and_pay(TelegramUser(client, fake_telegram, 714102), "明天 16:00")
    later = await book_and_pay(TelegramUser(client, fake_telegram, 714103), "后天 15:00")
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/assign #{first} {worker_id}")
    assert f"已将 #{first} 指派给师傅 {worker_id}" in ops.text()
    await ops.say(f"/assign #{second} {worker_id}")
    assert f"未指派 #{second}:师傅 {worker_id} 的时间与已接订单 #{first} 冲突" in ops.text()
    assert (await order_of(app, second)).worker_id is None
    assert not [m for m in fake_telegram.sent(WORKER) if f"#{second}" in m.get("text", "")]
    await ops.say(f"/assign #{later} {worker_id}")  # another day: free
    assert (await order_of(app, later)).worker_id == worker_id


async def test_reassign_refuses_a_worker_busy_at_that_time_and_names_the_clash(tg, fake_telegram):
    app, client = tg
    busy = await seed_worker(app, channel="telegram", user_id=str(WORKER), online=False)
    free = await seed_worker(app, channel="telegram", user_id=str(WORKER + 1), online=False)
    first = await book_and_pay(TelegramUser(client, fake_telegram, 714201))
    second = await book_and_pay(TelegramUser(client, fake_telegram, 714202), "明天 16:00")
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/assign #{first} {busy}")
    await ops.say(f"/assign #{second} {free}")
    assert (await order_of(app, second)).worker_id == free
    await ops.say(f"/reassign #{second} {busy}")
    assert f"未指派 #{second}:师傅 {busy} 的时间与已接订单 #{first} 冲突" in ops.text()
    assert (await order_of(app, second)).worker_id == free
    assert not [m for m in fake_telegram.sent(WORKER) if f"#{second}" in m.get("text", "")]


async def test_prices_show_units_in_words_and_a_number_to_type_not_an_id(tg, fake_telegram):
    app, client = tg
    owner = staff(client, fake_telegram, "owner")
    await owner.say("/price")
    shown = owner.text()
    found = re.search(r"^(\d+)\. 日常保洁 ¥\d+\.\d\d/小时$", shown, re.M)
    assert found, shown
    assert "daily_cleaning" not in shown and not re.search(r"/(hour|visit|sqm|day|month)", shown)
    assert "/平方米" in shown or "/次" in shown
    await owner.say(f"/price {found[1]} 45")
    assert f"已改价,新订单生效。{found[1]}. 日常保洁 ¥45.00/小时" in owner.text(), owner.text()
    assert "(老板)" in owner.text() and "telegram:" not in owner.text()


async def test_a_coupon_for_a_customer_without_a_name_says_who_it_went_to(tg, fake_telegram):
    app, client = tg
    async with app[DATABASE].uow() as uow:
        nameless = await uow.customers.add(Customer(created_at=START))
        phoned = await uow.customers.add(Customer(created_at=START, phone="13812345678"))
        await uow.commit()
    support = staff(client, fake_telegram, "support")
    await support.say(f"/coupon issue {nameless.id} 20")
    assert support.text().startswith(f"已给客户 {nameless.id} 发 ¥20.00 优惠券"), support.text()
    assert "  " not in support.text()
    await support.say(f"/coupon issue {phoned.id} 20")
    assert support.text().startswith(f"已给客户 {phoned.id} 138****5678 发 ¥20.00 优惠券")
    async with app[DATABASE].uow() as uow:
        [coupon] = await uow.coupons.for_customer(phoned.id)
    assert f"券号 {coupon.id}" in support.text(), support.text()
    assert coupon.code not in support.text()  # no command takes it: not the admin's to see


async def test_the_english_screens_name_things_in_english(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        admins=ADMINS,
        telegram_token="123:ABC",
        telegram_secret="s3cret",
        telegram_api_base=fake_telegram.base_url,
        telegram_file_base=fake_telegram.file_url,
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id="715001", name="Wang")
    owner = TelegramUser(client, fake_telegram, STAFF["owner"], lang="en")
    await owner.say("/workers online")
    assert "Wang · approved · " in owner.text() and "已通过" not in owner.text(), owner.text()
    await owner.say("/price")
    assert "/hour" in owner.text() and "/小时" not in owner.text()
    # the day in a list's heading is a word of the line, not the day picker's "Today" button
    await owner.say("/orders")
    assert owner.text().startswith("Orders (today): 0\n"), owner.text()
    await owner.say("/orders today paid")
    assert owner.text().startswith("Orders (paid · today): 0\n"), owner.text()
    ops = TelegramUser(client, fake_telegram, STAFF["ops"])
    await ops.say("/orders")
    assert ops.text().startswith("订单(今天):共 0 单\n"), ops.text()
