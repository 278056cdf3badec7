"""After-sales and admin texts at the edge, each test on a database of its own (SQLite, and
PostgreSQL copied from a migrated template): NUL bytes and lone surrogates in complaints,
ratings, support messages and admin commands are dropped before they are stored, and a text
over its limit (``domain.limits``) is answered with the limit while nothing is stored."""

from __future__ import annotations

import pytest
from sqlmodel import select

from domain import limits
from domain.people import Channel, WorkerStatus
from store.tables import OutboxRow
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    confirm_order,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_after_sales import WORKER, complain, complaints, finished_job, order
from tests.e2e.test_input_hygiene import P, stored_unsafe_texts
from tests.fakes.telegram import message_update
from webhooks.keys import DATABASE

OWNER, SUPPORT = 880001, 880002


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OWNER}:owner,telegram:{SUPPORT}:support",
    )
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client, worker_id


async def worker(app, worker_id: int):
    async with app[DATABASE].uow() as uow:
        return await uow.workers.get(worker_id)


async def test_nul_bytes_in_complaints_ratings_support_and_admin_commands_are_dropped(
    tg, fake_telegram, clock
):
    app, client, worker_id = tg
    customer, number = await finished_job(app, client, fake_telegram, clock, 880201)
    await complain(customer, number, "服务态度", f"师傅{P}态度差")
    await customer.choose("提交投诉")
    assert "已提交" in customer.text()
    [complaint] = await complaints(app, (await order(app, number)).id)
    support = TelegramUser(client, fake_telegram, SUPPORT)
    assert (
        await support.post(message_update(SUPPORT, f"/reply {complaint.id}{P} 马上{P}处理")) == 200
    )
    assert any("马上处理" in m.get("text", "") for m in fake_telegram.sent(880201))
    await customer.say(f"确认完成 #{number}")
    await customer.say(f"评价 #{number}")
    for _ in range(4):
        await customer.choose("5")
    await customer.choose("完成")
    assert await customer.post(message_update(880201, f"很{P}好")) == 200
    await customer.choose("不加照片")
    await customer.say("/support")
    assert await customer.post(message_update(880201, f"请{P}回电")) == 200
    assert any("请回电" in m.get("text", "") for m in fake_telegram.sent(SUPPORT))
    owner = TelegramUser(client, fake_telegram, OWNER)
    assert await owner.post(message_update(OWNER, f"/suspend {worker_id} 多次{P}迟到")) == 200
    assert await owner.post(message_update(OWNER, f"/broadcast 春节{P}照常服务")) == 200
    assert "群发" in owner.text()
    order_id = (await order(app, number)).id
    [complaint] = await complaints(app, order_id)
    assert complaint.text == "师傅态度差"
    async with app[DATABASE].uow() as uow:
        [rating] = await uow.ratings.for_order(order_id)
    assert rating.text == "很好"
    suspended = await worker(app, worker_id)
    assert suspended.status == WorkerStatus.SUSPENDED and suspended.review_note == "多次迟到"
    assert await stored_unsafe_texts(app) == []


async def test_texts_over_their_limit_are_answered_with_the_limit_and_nothing_is_stored(
    tg, fake_telegram, clock
):
    app, client, worker_id = tg
    # a typed address and notes while booking
    booker = TelegramUser(client, fake_telegram, 880301)
    await booker.say("/start")
    await booker.choose("预约服务")
    await booker.choose("保洁")
    await booker.choose("日常保洁")
    await booker.choose("2小时")
    await booker.say("明天 15:00")
    await booker.say("徐汇区漕溪北路" + "8" * 200)
    assert "地址最多 200 字" in booker.text() and "服务地址" in booker.text()
    await booker.say("徐汇区漕溪北路88号12楼1203")
    assert "告诉师傅" in booker.text()
    await booker.say("备" * 201)
    assert "备注最多 200 字" in booker.text() and "告诉师傅" in booker.text()
    await confirm_order(booker)
    async with app[DATABASE].uow() as uow:
        customer = await uow.customers.by_identity(Channel.TELEGRAM, "880301")
        [placed] = await uow.orders.for_customer(customer.id)
        address = await uow.addresses.get(placed.address_id)
    assert address.text == "徐汇区漕溪北路88号12楼1203" and placed.notes == ""
    # a complaint
    customer, number = await finished_job(app, client, fake_telegram, clock, 880302)
    await complain(customer, number, "服务态度", "差" * (limits.COMPLAINT.chars + 1))
    assert "投诉内容最多 1000 字" in customer.text()
    assert await complaints(app, (await order(app, number)).id) == []
    await customer.say("师傅态度很差")
    await customer.choose("提交投诉")
    [complaint] = await complaints(app, (await order(app, number)).id)
    assert complaint.text == "师傅态度很差"
    # admin commands
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/suspend {worker_id} " + "迟" * 201)
    assert "原因最多 200 字" in owner.text()
    kept = await worker(app, worker_id)
    assert kept.status == WorkerStatus.APPROVED and kept.review_note == ""
    await owner.say("/broadcast " + "春" * 501)
    assert "群发内容最多 500 字" in owner.text()
    await owner.say(f"/reply {complaint.id} " + "好" * 501)
    assert "回复最多 500 字" in owner.text()
    assert [m for m in fake_telegram.sent(880302) if "好" * 20 in m.get("text", "")] == []
    async with app[DATABASE].uow() as uow:
        assert (await uow.complaints.get(complaint.id)).first_response_at is None
        broadcasts = await uow.session.exec(
            select(OutboxRow).where(OutboxRow.event == "broadcast")
        )
        assert broadcasts.all() == []
    # a worker's registration
    applicant = TelegramUser(client, fake_telegram, 880401)
    await applicant.say("注册师傅")
    assert "真实姓名" in applicant.text()
    await applicant.say("王" * 41)
    assert "姓名最多 40 字" in applicant.text() and "真实姓名" in applicant.text()
    await applicant.say("王师傅")
    assert "手机" in applicant.text()


async def test_a_rejection_reason_too_long_for_its_column_is_refused_before_the_database(
    tg, fake_telegram
):
    """``workers.review_note`` is VARCHAR(200): a longer reason was a 500 on PostgreSQL."""
    app, client, _ = tg
    applicant = await seed_worker(app, channel="telegram", user_id="880501", center=HOME)
    async with app[DATABASE].uow() as uow:
        pending = await uow.workers.get(applicant)
        pending.status = WorkerStatus.PENDING
        await uow.workers.save(pending)
        await uow.commit()
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/reject {applicant} " + "x" * 201)
    assert "原因最多 200 字" in owner.text()
    assert (await worker(app, applicant)).status == WorkerStatus.PENDING
    await owner.say(f"/reject {applicant} " + "x" * 200)
    rejected = await worker(app, applicant)
    assert rejected.status == WorkerStatus.REJECTED and rejected.review_note == "x" * 200
