"""Workers' credentials end to end on PostgreSQL: reminders 30 and 7 days before a document
expires (once each, even with two processes sweeping), and a renewal sent in chat — photo and
expiry — waiting for an admin (the worker keeps the jobs the old copy allows meanwhile), then
approved: the worker is offered jobs needing it again."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from conversations.results.sweeps import CertificateRemindersSent
from domain.commands import RemindExpiringCertificates
from domain.people import Certificate
from tests.e2e.helpers import TelegramUser, book_and_pay
from tests.e2e.test_explain_dispatch import (
    EXPIRED,
    OPS,
    app_with,
    offered,
    worker,
)
from tests.e2e.test_job_rules import photo
from webhooks.keys import DATABASE, SERVICES

pytestmark = pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)
TODAY = date(2026, 11, 23)  # the e2e clock's day in Shanghai (helpers.START)


def reminders(fake, uid: int) -> list[str]:
    return [m["text"] for m in fake.sent(uid) if "到期" in m.get("text", "")]


async def test_reminders_go_out_30_and_7_days_before_expiry_once_each(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    other = app_with(tmp_path / "two", own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    await aiohttp_client(other)
    expires = TODAY + timedelta(days=30)
    await worker(app, 730101, "快到期", certificates=(Certificate("health", "", expires, True),))
    await worker(
        app,
        730102,
        "还早",
        certificates=(Certificate("health", "", TODAY + timedelta(days=90), True),),
    )
    sweep = RemindExpiringCertificates()
    both = await asyncio.gather(app[SERVICES].run(sweep), other[SERVICES].run(sweep))
    assert sorted(r.reminders for [r] in both) == [0, 1]  # two processes: sent once
    assert await app[SERVICES].run(sweep) == [CertificateRemindersSent(0)]
    [first] = reminders(fake_telegram, 730101)
    day = f"{expires.month}月{expires.day}日 周{'一二三四五六日'[expires.weekday()]}"
    assert f"健康证将于 {day} 到期(还有 30 天)" in first  # no ISO day
    assert "更新证书" in first and reminders(fake_telegram, 730102) == []
    me = TelegramUser(client, fake_telegram, 730101)
    me.last = fake_telegram.sent(730101)[-1:]
    await me.choose("更新证书")  # the reminder's button starts the renewal
    assert "要更新哪种证书" in me.text()

    clock.advance(days=22)  # 8 days left: the 30-day reminder was sent
    assert await app[SERVICES].run(sweep) == [CertificateRemindersSent(0)]
    clock.advance(days=1)  # 7 days left
    assert await app[SERVICES].run(sweep) == [CertificateRemindersSent(1)]
    assert await other[SERVICES].run(sweep) == [CertificateRemindersSent(0)]
    assert "还有 7 天" in reminders(fake_telegram, 730101)[-1]
    assert len(reminders(fake_telegram, 730101)) == 2
    clock.advance(days=8)  # expired: no more reminders
    assert await app[SERVICES].run(sweep) == [CertificateRemindersSent(0)]


async def renew(user: TelegramUser, fake, expires: str) -> None:
    await user.say("更新证书")
    await user.choose("健康证")
    assert "请发送新健康证的照片" in user.text()
    await photo(user, fake, f"health-{user.uid}")
    assert "有效期至哪天" in user.text()
    await user.say(expires)
    assert "已提交审核" in user.text() and "原证书照常有效" in user.text()


async def test_a_renewal_uploaded_in_chat_is_approved_and_the_worker_offered_again(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    lapsed = await worker(app, 730201, "过期", certificates=EXPIRED)
    first = await book_and_pay(TelegramUser(client, fake_telegram, 730301))
    assert await offered(app, first) == set()  # nobody with a valid health certificate

    me = TelegramUser(client, fake_telegram, 730201)
    await renew(me, fake_telegram, "2027-12-31")
    notice = fake_telegram.sent(OPS)[-1]["text"]
    assert "上传了新的健康证,有效期至 2027年12月31日 周五" in notice
    assert f"/approve_cert {lapsed}" in notice
    async with app[DATABASE].uow() as uow:
        held = (await uow.workers.get(lapsed)).certificates
    assert [c.verified for c in held] == [True, False]  # the new copy waits for an admin
    assert held[1].file_ref.startswith("workers/")

    second = await book_and_pay(TelegramUser(client, fake_telegram, 730302), "明天 18:00")
    assert await offered(app, second) == set()  # not before it is approved

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{first} {lapsed}")  # nor by hand
    assert f"师傅 {lapsed} 没有有效的健康证(缺失或已过期),不能接这单" in ops.text()
    await ops.say(f"/worker {lapsed}")
    captions = [m.get("caption", "") for m in fake_telegram.sent(OPS)]
    assert "健康证 2027年12月31日 周五(新证,待审核)" in captions, captions
    await ops.say("/renewals")
    assert (
        f"师傅 {lapsed} 过期 · 健康证 · 新证至 2027年12月31日 周五 · 原证至 2020年1月1日 周三"
        in ops.text()
    )
    await ops.say(f"/approve_cert {lapsed}")
    assert f"已通过师傅 {lapsed} 过期 的新证书:健康证" in ops.text()
    assert "新证书已审核通过:健康证" in fake_telegram.sent(730201)[-1]["text"]
    await ops.say("/renewals")
    assert "没有待审核的新证书" in ops.text()
    await ops.say(f"/approve_cert {lapsed}")
    assert "没有待审核的新证书" in ops.text()

    third = await book_and_pay(TelegramUser(client, fake_telegram, 730303), "后天 10:00")
    assert await offered(app, third) == {lapsed}
    async with app[DATABASE].uow() as uow:
        held = (await uow.workers.get(lapsed)).certificates
    assert [(c.expires_on, c.verified) for c in held] == [(date(2027, 12, 31), True)]


async def test_a_pending_renewal_keeps_the_worker_on_jobs_while_the_old_copy_is_valid(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    soon = Certificate("health", "", TODAY + timedelta(days=10), True)
    me = await worker(app, 730401, "续期中", certificates=(soon,))
    await renew(TelegramUser(client, fake_telegram, 730401), fake_telegram, "2028-06-30")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 730501))
    assert await offered(app, number) == {me}  # still online, still offered
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/reject_cert {me} 照片模糊")
    assert "已驳回" in ops.text()
    assert "照片模糊" in fake_telegram.sent(730401)[-1]["text"]
    async with app[DATABASE].uow() as uow:
        held = (await uow.workers.get(me)).certificates
    assert held == (soon,)


async def test_a_file_that_is_no_photo_is_refused_and_the_photo_asked_for_again(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    me = TelegramUser(await aiohttp_client(app), fake_telegram, 730401)
    await worker(app, 730401, "换证", certificates=EXPIRED)
    await me.say("更新证书")
    await me.choose("健康证")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    await photo(me, fake_telegram, "not-a-photo", svg)
    assert "JPG" in me.text() and "请发送新健康证的照片" in me.text()  # asked again
    await photo(me, fake_telegram, "health-730401")
    assert "有效期至哪天" in me.text()
