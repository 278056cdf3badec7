"""The notes daojia writes on an order's timeline are stored as ids with their numbers
(``domain.timeline_notes``) and read in the admin's language: a timeline written now shows no
English on a Chinese admin's ``/audit`` and no Chinese on an English admin's."""

import re

import pytest

from domain.commands import AutoConfirm
from domain.timeline_notes import (
    assigned_note,
    auto_confirmed_note,
    cancel_not_taken_note,
    refunded_note,
)
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, order_of, seed_worker, telegram_app
from tests.e2e.test_job_rules import photo, to_in_service
from webhooks.keys import SERVICES

STAFF = {"owner": 992001, "ops": 992002}
ADMINS = ",".join(f"telegram:{uid}:{role}" for role, uid in STAFF.items())
WORKER = 720001
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ENGLISH = re.compile(r"[A-Za-z]{2,}")
"""A word in English: on a Chinese screen only the channel's name may be one."""


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


async def test_a_timeline_written_now_reads_in_each_admins_language(tg, fake_telegram, clock):
    app, client = tg
    worker_id = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 720101)
    done = await book_and_pay(customer)
    chinese = TelegramUser(client, fake_telegram, STAFF["owner"])
    english = TelegramUser(client, fake_telegram, STAFF["ops"], lang="en")
    await chinese.say(f"/assign #{done} {worker_id}")
    worker = TelegramUser(client, fake_telegram, WORKER)
    await to_in_service(worker, fake_telegram, done, clock)
    await worker.say(f"/photo #{done} after")
    await photo(worker, fake_telegram, f"after{done}")
    await worker.say(f"/finish #{done}")
    clock.advance(hours=25)
    await app[SERVICES].run(AutoConfirm())
    other = TelegramUser(client, fake_telegram, 720102)
    cancelled = await book_and_pay(other)
    await other.say("/orders")
    await other.choose(f"#{cancelled}")
    await other.choose("取消订单")
    await other.choose("确认取消")

    notes = [e.note for e in (await order_of(app, done)).timeline if e.note]
    assert assigned_note(worker_id) in notes and auto_confirmed_note() in notes, notes
    assert any(n.startswith("settled:") for n in notes), notes
    notes = [e.note for e in (await order_of(app, cancelled)).timeline if e.note]
    assert notes == [cancel_not_taken_note(), refunded_note(3000)], notes
    await chinese.say(f"/audit #{done}")
    await english.say(f"/audit #{done}")
    assert f" · 指派给师傅 {worker_id}\n" in chinese.text(), chinese.text()
    assert f" · assigned to worker {worker_id}\n" in english.text(), english.text()
    assert " · 到期自动确认\n" in chinese.text()
    assert " · confirmed automatically\n" in english.text()
    for number in (done, cancelled):
        await chinese.say(f"/audit #{number}")
        await english.say(f"/audit #{number}")
        zh, en = chinese.text(), english.text()
        assert set(ENGLISH.findall(zh)) <= {"Telegram"}, zh
        assert not CJK.search(en), en
