"""紧急 / SOS from any state: ops are told at once with the order, its full address, where
the worker checked in and both people's numbers; the person is told help is coming (and to
call 110/120); it is in the audit log. With no order under way ops still get who and how."""

from __future__ import annotations

import random

import pytest
from sqlmodel import select

from domain.commands import RaiseSos
from store.tables import AuditRow
from tests.e2e.helpers import (
    TelegramUser,
    book_and_pay,
    make_app,
    on_telegram,
    seed_worker,
    taken_by_a_worker,
)
from webhooks.keys import DATABASE, SERVICES


def uid() -> int:
    return 7 * 10**9 + random.randrange(10**9)


async def test_an_emergency_in_the_middle_of_booking_alerts_ops_with_the_order_and_both_numbers(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock
):
    ops, owner, support = uid(), uid(), uid()
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{ops}:ops,telegram:{owner}:owner,telegram:{support}:support",
    )
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(customer)
    worker_uid = str(uid())
    await taken_by_a_worker(app, number, worker_uid)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        worker = await uow.workers.get(order.worker_id)

    await customer.choose("预约服务")  # in the middle of something else
    await customer.say("紧急")
    assert "已紧急通知平台值班人员" in customer.text() and "110" in customer.text()
    for admin in (ops, owner):
        [alert] = [m["text"] for m in fake_telegram.sent(admin) if "紧急求助" in m["text"]]
        assert f"#{number}" in alert and "8楼801" in alert  # the full address
        assert customer.phone in alert and worker.phone in alert
        lines = alert.splitlines()  # each fact on a line of its own, read at a glance
        assert lines[1] == f"订单 #{number}", alert
        assert [line[:3] for line in lines[2:]] == ["地址:", "位置:", "顾客:", "师傅:"], alert
    assert not [m for m in fake_telegram.sent(support) if "紧急求助" in m.get("text", "")]
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.action == "sos"))
        [logged] = [r for r in rows.all() if r.target == f"order:{number}"]
    assert logged.actor == f"telegram:{customer.uid}"

    await customer.say("/start")  # the booking goes on as before the alarm
    assert "请选择您需要的服务" in customer.text() or "欢迎" in customer.text()


@pytest.fixture
async def paid(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock):
    """An app with an ops admin and a customer's paid order: (app, client, ops, customer,
    order number)."""
    ops = uid()
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{ops}:ops",
    )
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, uid())
    return app, client, ops, customer, await book_and_pay(customer)


async def test_a_worker_or_someone_without_an_order_raises_it_too(paid, fake_telegram):
    app, client, ops, customer, number = paid
    worker_uid = uid()
    await taken_by_a_worker(app, number, str(worker_uid))
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say("SOS")
    assert "已紧急通知平台值班人员" in worker.text()
    [alert] = [m["text"] for m in fake_telegram.sent(ops) if "紧急求助" in m["text"]]
    assert "师傅刚在聊天里" in alert and f"#{number}" in alert and customer.phone in alert

    stranger = TelegramUser(client, fake_telegram, uid())
    await stranger.say("/start")
    await stranger.say("/sos")
    assert "110" in stranger.text()
    alerts = [m["text"] for m in fake_telegram.sent(ops) if "紧急求助" in m["text"]]
    assert len(alerts) == 2 and "没有进行中的订单" in alerts[-1]


async def test_a_worker_at_home_with_a_visit_of_their_own_raises_it_as_its_customer(
    paid, fake_telegram
):
    """A worker who is also a customer, with no job of theirs under way but a visit at home
    going on: ops get that order, with the worker who came and their number."""
    app, _, ops, customer, number = paid
    await taken_by_a_worker(app, number, str(uid()))
    own_worker = await seed_worker(app, channel="telegram", user_id=str(uid()), online=False)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        came = await uow.workers.get(order.worker_id)
    raised = RaiseSos("telegram", str(customer.uid), order.customer_id, own_worker)
    await app[SERVICES].run(raised)
    [alert] = [m["text"] for m in fake_telegram.sent(ops) if "紧急求助" in m["text"]]
    assert f"#{number}" in alert and "8楼801" in alert and came.phone in alert
    assert "没有进行中的订单" not in alert and "师傅刚在聊天里" not in alert
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.action == "sos"))
        [logged] = [r for r in rows.all() if r.target == f"order:{number}"]
    assert logged.role == "customer"


async def test_a_worker_typing_the_word_at_their_jobs_screen_raises_it(paid, fake_telegram):
    """ "紧急" is an SOS even on the worker's screen, where a "紧急联系人" button is: a word
    that means the same at every step is never taken for a part of a button's name."""
    app, client, ops, _, number = paid
    worker_uid = uid()
    await taken_by_a_worker(app, number, str(worker_uid))
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say("/jobs")
    assert "紧急联系人" in worker.text()  # the button whose name holds the word
    await worker.say("紧急")
    assert "已紧急通知平台值班人员" in worker.text(), worker.text()
    assert [m for m in fake_telegram.sent(ops) if "紧急求助" in m.get("text", "")]


async def test_the_alert_says_whence_its_location_comes(paid, fake_telegram):
    """A typed address is placed at its district's centre by the offline gazetteer: the
    alert's point says it is that estimate and how far off it may be, so nobody is sent to
    a district's middle; once the worker checked in, the point is where they did."""
    from domain.people import GeoPoint
    from tests.e2e.helpers import confirm_order
    from webhooks.keys import CLOCK

    app, client, ops, _, _ = paid
    customer = TelegramUser(client, fake_telegram, uid())
    await customer.say("/start")
    await customer.say("明天下午三点 日常保洁 2小时 徐汇区漕溪北路88号1201室")
    await confirm_order(customer)
    await customer.choose("确认支付")
    number = int(customer.text().split("#")[1][:6])
    await taken_by_a_worker(app, number, str(uid()))
    await customer.say("紧急")
    [alert] = [m["text"] for m in fake_telegram.sent(ops) if "紧急求助" in m["text"]]
    [where] = [line for line in alert.splitlines() if line.startswith("位置:")]
    assert where.endswith("(按地址估算,误差约 6 km)"), alert

    async with app[DATABASE].uow() as uow:  # the worker checked in at the door
        order = await uow.orders.by_number(number)
        order.checkin = GeoPoint(31.18, 121.43)
        await uow.orders.save(order, app[CLOCK]())
        await uow.commit()
    await customer.say("紧急")
    alerts = [m["text"] for m in fake_telegram.sent(ops) if "紧急求助" in m["text"]]
    assert "位置:31.18000,121.43000(师傅打卡处)" in alerts[-1], alerts[-1]
