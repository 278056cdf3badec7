"""Photos kept for what a person left mid-way and never sent leave no file behind: a sign-up's
ID and health certificate photos, a renewal's new copy, a complaint's photos are deleted by
the unsent uploads' sweep ``execution.unsent_photo_hours`` after they were uploaded — never
one a worker's documents (approved, waiting for approval, expired, a rejected applicant's)
or a complaint names, however old. What is sent later takes none of them: a sign-up or a
renewal asks for the photos again, a complaint goes without. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conversations.results.sweeps import UnsentUploadsForgotten
from domain.aftersales import Complaint
from domain.commands import ForgetUnsentUploads
from domain.people import Certificate, WorkerStatus
from domain.rules import ComplaintCategory
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, seed_worker, telegram_app
from tests.e2e.test_after_sales import WORKER, complain, complaints, finished_job, order
from tests.e2e.test_explain_dispatch import worker
from tests.e2e.test_job_rules import photo
from webhooks.keys import DATABASE, SERVICES

LAPSED = "证件照片超过 24 小时未提交,已失效,请重新发送。"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )


def files(tmp_path: Path, folder: str) -> set[Path]:
    return {p for p in (tmp_path / "media" / folder).rglob("*") if p.is_file()}


async def sweep(app, clock, hours: float) -> int:
    """The sweep's count ``hours`` on (the clock moved first)."""
    clock.advance(hours=hours)
    [done] = await app[SERVICES].run(ForgetUnsentUploads())
    assert isinstance(done, UnsentUploadsForgotten)
    return done.deleted


async def named_documents(app, tmp_path: Path, clock) -> set[Path]:
    """Files a worker's documents name, uploaded now: an approved worker's expired copy and
    its renewal waiting for approval, a pending applicant's, a rejected applicant's."""
    media = app[SERVICES].media
    path = [media.save("workers", b"x", "png", clock()) for _ in range(4)]
    expired = Certificate("health", path[0], date(2026, 1, 1), True)
    waiting = Certificate("health", path[1], date(2027, 12, 31), False)
    await worker(app, 760901, "过期待审", certificates=(expired, waiting))
    pending = (Certificate("id_card", path[2], None, False),)
    await worker(app, 760902, "待审核", certificates=pending, status=WorkerStatus.PENDING)
    rejected = (Certificate("id_card", path[3], None, False),)
    await worker(app, 760903, "未通过", certificates=rejected, status=WorkerStatus.REJECTED)
    return {tmp_path / "media" / p for p in path}


async def to_the_health_expiry(user: TelegramUser, fake) -> None:
    await user.say("注册师傅")
    await user.say("李阿姨")
    await user.say("13911112222")
    await user.choose("日常保洁")
    await user.choose("选好了")
    await user.say("黄浦区")
    assert "身份证" in user.text()
    await photo(user, fake, f"id{user.uid}")
    assert "健康证照片" in user.text()
    await photo(user, fake, f"hc{user.uid}")
    assert "有效期" in user.text()


async def test_a_signup_left_mid_way_loses_its_photos_and_is_asked_for_them_again(
    tg, tmp_path, fake_telegram, clock
):
    app, client = tg
    hours = app[SERVICES].rules.execution.unsent_photo_hours
    assert f"{hours} 小时" in LAPSED
    named = await named_documents(app, tmp_path, clock)
    applicant = TelegramUser(client, fake_telegram, 760101)
    await to_the_health_expiry(applicant, fake_telegram)
    left = files(tmp_path, "workers") - named
    assert len(left) == 2  # the ID card and the health certificate, then nothing more

    assert await sweep(app, clock, hours - 0.02) == 0
    assert all(p.exists() for p in left)
    assert await sweep(app, clock, 0.04) == 2
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in named)  # as old, but workers' documents name them
    assert await sweep(app, clock, 0) == 0

    # back after all: the sign-up asks for the photos again rather than name deleted files
    await applicant.say("2027-06-30")
    assert "请确认" in applicant.text()
    await applicant.choose("提交审核")
    assert LAPSED in applicant.text() and "身份证" in applicant.text()
    await photo(applicant, fake_telegram, "id-again")
    await photo(applicant, fake_telegram, "hc-again")
    await applicant.say("2027-06-30")
    await applicant.choose("提交审核")
    assert "审核中" in applicant.text()
    async with app[DATABASE].uow() as uow:
        pending = await uow.workers.with_status([WorkerStatus.PENDING])
    [registered] = [w for w in pending if w.name == "李阿姨"]
    kept = {tmp_path / "media" / d.file_ref for d in registered.certificates}
    assert len(kept) == 2 and all(p.exists() for p in kept)
    assert await sweep(app, clock, hours + 1) == 0  # named now, however old
    assert all(p.exists() for p in kept | named)


async def test_a_renewal_left_mid_way_loses_its_photo_and_is_asked_for_it_again(
    tg, tmp_path, fake_telegram, clock
):
    app, client = tg
    hours = app[SERVICES].rules.execution.unsent_photo_hours
    await seed_worker(app, channel="telegram", user_id="760201", center=HOME)
    me = TelegramUser(client, fake_telegram, 760201)
    await me.say("更新证书")
    await me.choose("健康证")
    await photo(me, fake_telegram, "renewal")
    assert "有效期至哪天" in me.text()
    [left] = files(tmp_path, "workers")

    assert await sweep(app, clock, hours + 0.02) == 1
    assert not left.exists()
    await me.say("2027-12-31")
    assert LAPSED in me.text() and "请发送新健康证的照片" in me.text()
    await photo(me, fake_telegram, "renewal-again")
    await me.say("2027-12-31")
    assert "已提交审核" in me.text()
    [sent] = files(tmp_path, "workers")
    assert await sweep(app, clock, hours + 1) == 0  # waiting for approval: named
    assert sent.exists()


async def test_a_complaint_left_mid_way_loses_its_photos_and_a_filed_ones_stay(
    tg, tmp_path, fake_telegram, clock
):
    app, client = tg
    hours = app[SERVICES].rules.execution.unsent_photo_hours
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer, number = await finished_job(app, client, fake_telegram, clock, 760301)
    other = await order(app, await book_and_pay(TelegramUser(client, fake_telegram, 760302)))
    filed = app[SERVICES].media.save(f"complaints/{other.number}", b"x", "png", clock())
    async with app[DATABASE].uow() as uow:  # a complaint filed with a photo
        await uow.complaints.add(
            Complaint(other.id, other.customer_id, ComplaintCategory.LATE, clock(), photos=[filed])
        )
        await uow.commit()
    filed_file = tmp_path / "media" / filed
    await complain(customer, number, "没做完", "厨房没有打扫")
    await photo(customer, fake_telegram, f"kitchen{number}")
    assert "已收到 1 张" in customer.text()
    [left] = files(tmp_path, f"complaints/{number}")

    assert await sweep(app, clock, hours - 0.02) == 0
    assert await sweep(app, clock, 0.04) == 1
    assert not left.exists() and filed_file.exists()

    # back after all: the complaint is filed without the deleted photo
    await customer.choose("提交投诉")
    [c] = await complaints(app, (await order(app, number)).id)
    assert c.photos == []
    assert await sweep(app, clock, hours + 1) == 0
    assert filed_file.exists()
