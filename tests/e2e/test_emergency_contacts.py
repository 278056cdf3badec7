"""Emergency contacts through the webhooks: a customer sets one in 我的 and a worker by the
word 紧急联系人 (shown masked, encrypted at rest, audited); when they raise an SOS, ops see the
contact in full with the alert and the contact gets one SMS from the provider (a fake on
loopback checking the signature), through the outbox: an outage delays it, a lost answer
never sends it twice."""

from __future__ import annotations

import json
import random
import re

import pytest
from sqlalchemy import text
from sqlmodel import select

from domain.commands import DrainOutbox
from store.tables import AuditRow, EmergencyContactRow
from tests import random_refs
from tests.e2e.helpers import TelegramUser, book_and_pay, make_app, on_telegram, taken_by_a_worker
from tests.fakes.sms import KEY, FakeSms
from webhooks.keys import DATABASE, SERVICES


def uid() -> int:
    return 7 * 10**9 + random.randrange(10**9)


@pytest.fixture
async def sms():
    fake = FakeSms()
    await fake.start()
    yield fake
    await fake.stop()


def sms_app(tmp_path, db_url, pii_key, clock, fake_telegram, sms, ops):
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{ops}:ops",
        sms_api_base=sms.root,
        sms_key=KEY,
    )


def alerts(fake_telegram, ops) -> list[str]:
    return [m["text"] for m in fake_telegram.sent(ops) if "紧急求助" in m.get("text", "")]


async def test_a_customer_s_contact_set_in_me_is_told_by_sms_and_shown_to_ops(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock, sms
):
    ops = uid()
    app = sms_app(tmp_path, db_url, pii_key, clock, fake_telegram, sms, ops)
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(customer)
    await taken_by_a_worker(app, number, str(uid()))

    await customer.say("/me")
    assert "紧急联系人:未设置" in customer.text()
    await customer.choose("紧急联系人")
    assert "还没有设置紧急联系人" in customer.text()
    contact_phone = random_refs.phone()
    await customer.say(f"王芳 {contact_phone} 母亲")
    masked = f"{contact_phone[:3]}****{contact_phone[-4:]}"
    assert "已保存紧急联系人:王芳(母亲)" in customer.text() and masked in customer.text()
    assert contact_phone not in customer.text()
    assert f"紧急联系人:王芳(母亲){masked}" in customer.text()  # back in 我的
    await customer.say("紧急联系人")  # the word, anywhere: shown masked
    assert masked in customer.text() and contact_phone not in customer.text()
    async with app[DATABASE].uow() as uow:
        rows = (await uow.session.exec(select(EmergencyContactRow))).all()
    blobs = [r.phone_enc + r.name_enc for r in rows]
    assert blobs and not any(contact_phone.encode() in b or "王芳".encode() in b for b in blobs)

    await customer.say("紧急")
    assert "已紧急通知平台值班人员" in customer.text()
    [alert] = alerts(fake_telegram, ops)
    assert "紧急联系人:王芳(母亲)" in alert and contact_phone in alert  # ops call them
    [(key, message)] = sms.sent.items()
    assert message["to"] == contact_phone and "紧急求助" in message["text"]
    assert f"#{number}" in message["text"] and customer.phone not in message["text"]
    # one SMS per SOS and contact, its key unique beyond this database (a token per SOS)
    assert re.fullmatch(r"daojia-sos-\d+-customer-\d+-[0-9a-f]{12}", key), key
    async with app[DATABASE].uow() as uow:  # the alert's phones are sealed in the outbox
        conn = await uow.session.connection()
        mine = text("SELECT * FROM outbox WHERE event IN ('sos_admin', 'sos_contact')")
        outbox = (await conn.execute(mine)).all()  # the SOS's alerts and SMS, not others'
    kept = repr([[bytes(v) if isinstance(v, memoryview) else v for v in r] for r in outbox])
    assert outbox and contact_phone not in kept and customer.phone not in kept
    async with app[DATABASE].uow() as uow:
        logged = (await uow.session.exec(select(AuditRow).where(AuditRow.action == "sos"))).all()
        set_by = await uow.session.exec(
            select(AuditRow).where(AuditRow.action == "emergency_contact")
        )
        [entry] = [r for r in set_by.all() if r.actor == f"telegram:{customer.uid}"]
    assert [r.after["contact_told"] for r in logged if r.target == f"order:{number}"] == [True]
    assert contact_phone not in json.dumps(entry.after, ensure_ascii=False)


async def with_a_contact(client, fake_telegram) -> tuple[TelegramUser, str]:
    """A new customer who set an emergency contact (李强, a friend): them and its number."""
    customer = TelegramUser(client, fake_telegram, uid())
    await customer.say("/start")
    await customer.say("紧急联系人")
    contact_phone = random_refs.phone()
    await customer.say(f"李强{contact_phone}朋友")  # no spaces
    assert "已保存紧急联系人:李强(朋友)" in customer.text()
    return customer, contact_phone


async def test_with_the_sms_provider_down_the_sms_waits_in_the_outbox_and_goes_once(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock, sms
):
    ops = uid()
    app = sms_app(tmp_path, db_url, pii_key, clock, fake_telegram, sms, ops)
    customer, contact_phone = await with_a_contact(await aiohttp_client(app), fake_telegram)

    sms.fail = 3
    await customer.say("SOS")
    assert len(alerts(fake_telegram, ops)) == 1  # ops are told at once all the same
    assert not sms.sent
    sms.fail, sms.lose_answer = 0, 1  # back, but its first answer is lost on the way
    for _ in range(4):
        clock.advance(minutes=10)
        await app[SERVICES].run(DrainOutbox())
    [message] = sms.sent.values()
    assert message["to"] == contact_phone
    keys = {r["headers"]["Idempotency-Key"] for r in sms.requests}
    assert len(keys) == 1 and len(sms.requests) >= 3  # retried with one key: sent once


async def test_a_worker_sets_theirs_by_the_word_and_their_sos_tells_it(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock, sms
):
    ops = uid()
    app = sms_app(tmp_path, db_url, pii_key, clock, fake_telegram, sms, ops)
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(customer)
    worker_uid = uid()
    await taken_by_a_worker(app, number, str(worker_uid))
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say("紧急联系人")
    assert "还没有设置紧急联系人" in worker.text()
    await worker.say("张伟 13800138000 配偶")  # the seeded worker's own number is 139…
    assert "已保存紧急联系人:张伟(配偶)" in worker.text()
    await worker.say("紧急联系人")
    await worker.say("李四 13900000000")  # their own number: refused
    assert "不能是您自己的号码" in worker.text()

    await worker.say("SOS")
    [alert] = alerts(fake_telegram, ops)
    assert "师傅" in alert and "紧急联系人:张伟(配偶) 13800138000" in alert
    [(key, message)] = sms.sent.items()
    assert message["to"] == "13800138000" and "-worker-" in key
    assert customer.phone not in message["text"]


async def test_without_a_contact_only_ops_are_told(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock, sms
):
    ops = uid()
    app = sms_app(tmp_path, db_url, pii_key, clock, fake_telegram, sms, ops)
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, uid())
    await customer.say("/start")
    await customer.say("/sos")
    [alert] = alerts(fake_telegram, ops)
    assert "紧急联系人" not in alert and not sms.requests


async def test_a_repeated_sos_alerts_ops_each_time_and_texts_the_contact_once_a_while(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock, sms
):
    """``risk.sos_sms_every_minutes`` (30): a person who sends SOS again and again (panic, or
    pumping SMS at the operator's cost) has ops alerted every time, their contact texted once
    in that time."""
    ops = uid()
    app = sms_app(tmp_path, db_url, pii_key, clock, fake_telegram, sms, ops)
    customer, _ = await with_a_contact(await aiohttp_client(app), fake_telegram)
    for _ in range(3):
        await customer.say("SOS")
        clock.advance(minutes=5)
    assert len(alerts(fake_telegram, ops)) == 3 and len(sms.sent) == 1
    assert "这次未再发" in alerts(fake_telegram, ops)[-1]
    clock.advance(minutes=30)
    await customer.say("SOS")
    assert len(alerts(fake_telegram, ops)) == 4 and len(sms.sent) == 2
    assert "已发短信通知" in alerts(fake_telegram, ops)[-1]


async def test_without_an_sms_provider_ops_are_told_the_contact_was_not_texted(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock
):
    """``serve`` without ``DAOJIA_SMS_API_BASE``: nothing would send the SMS, so none is
    queued, the audit log says the contact was not told, and ops are told to call them."""
    ops = uid()
    admins = f"telegram:{ops}:ops"
    app = make_app(
        tmp_path, db_url, pii_key, clock=clock, **on_telegram(fake_telegram), admins=admins
    )
    customer, contact_phone = await with_a_contact(await aiohttp_client(app), fake_telegram)

    async def texts() -> int:
        async with app[DATABASE].uow() as uow:
            conn = await uow.session.connection()
            return len(
                (await conn.execute(text("SELECT id FROM outbox WHERE channel = 'sms'"))).all()
            )

    before = await texts()
    await customer.say("SOS")
    [alert] = alerts(fake_telegram, ops)
    assert contact_phone in alert and "未配置短信服务" in alert
    assert await texts() == before
    async with app[DATABASE].uow() as uow:
        mine = select(AuditRow).where(
            AuditRow.action == "sos", AuditRow.actor == f"telegram:{customer.uid}"
        )
        logged = (await uow.session.exec(mine)).all()
    assert [r.after["contact_told"] for r in logged] == [False]
