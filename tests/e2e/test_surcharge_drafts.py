"""The photos of an on-site extra the worker never sent leave no file behind: cancelled
("不加了") or dropped (the worker went elsewhere, or began another), the request's photos
are deleted; sent, they are the order's and stay — and no discard ever deletes a file an
order's photos name. Left mid-way (the worker never writes again), the sweep deletes them
``execution.unsent_photo_hours`` after they were sent, and a request sent later goes
without them. SQLite and PostgreSQL."""

from pathlib import Path

import pytest

from conversations.results.sweeps import UnsentUploadsForgotten
from domain.commands import DiscardSurchargePhotos, ExpireSurcharges, ForgetUnsentUploads
from tests.e2e.helpers import TelegramUser, telegram_app
from tests.e2e.test_job_rules import photo
from tests.e2e.test_surcharges import at_work
from webhooks.keys import SERVICES


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )


def files(tmp_path: Path, number: int) -> set[Path]:
    return {p for p in (tmp_path / "media" / "orders" / str(number)).rglob("*") if p.is_file()}


async def one_more_hour_with_a_photo(
    worker: TelegramUser, fake, tmp_path: Path, number: int, ref: str
) -> Path:
    """A request begun with one photo; the photo's file."""
    before = files(tmp_path, number)
    await worker.say(f"加价 #{number}")
    await worker.choose("加小时")
    await worker.choose("1")
    await photo(worker, fake, ref)
    assert "照片已保存" in worker.text()
    (saved,) = files(tmp_path, number) - before
    return saved


async def test_a_cancelled_or_dropped_request_leaves_no_photo_and_a_sent_one_keeps_its_own(
    tg, tmp_path, fake_telegram, clock
):
    app, client = tg
    _, worker, _, number = await at_work(app, client, fake_telegram, clock, 675001, 675101)

    cancelled = await one_more_hour_with_a_photo(worker, fake_telegram, tmp_path, number, "c1")
    await worker.choose("不加了")
    assert "已取消加价申请" in worker.text()
    assert not cancelled.exists()

    dropped = await one_more_hour_with_a_photo(worker, fake_telegram, tmp_path, number, "d1")
    await worker.say("菜单")  # gone elsewhere, the request unsent
    assert not dropped.exists()
    replaced = await one_more_hour_with_a_photo(worker, fake_telegram, tmp_path, number, "r1")
    await worker.say(f"加价 #{number}")  # begun anew: the first one's photo goes
    assert "现场加价:要加什么" in worker.text()
    assert not replaced.exists()
    await worker.choose("不加了")

    sent = await one_more_hour_with_a_photo(worker, fake_telegram, tmp_path, number, "s1")
    await worker.choose("提交申请")
    assert "已发给客户确认" in worker.text()
    await worker.say(f"加价 #{number}")
    await worker.choose("不加了")
    assert sent.exists()
    # a discard naming an order's photo (a sent request's) leaves it
    relative = sent.relative_to(tmp_path / "media").as_posix()
    await app[SERVICES].run(DiscardSurchargePhotos((relative,)))
    assert sent.exists()


async def test_a_request_left_mid_way_loses_its_photos_after_the_set_hours_and_no_order_photo_goes(
    tg, tmp_path, fake_telegram, clock
):
    app, client = tg
    services = app[SERVICES]
    _, worker, _, number = await at_work(app, client, fake_telegram, clock, 675002, 675102)
    the_jobs = files(tmp_path, number)  # the door and before photos: the order's
    assert the_jobs
    sent = await one_more_hour_with_a_photo(worker, fake_telegram, tmp_path, number, "s2")
    await worker.choose("提交申请")
    assert "已发给客户确认" in worker.text()
    left = await one_more_hour_with_a_photo(worker, fake_telegram, tmp_path, number, "l2")
    # the worker never writes again
    hours = services.rules.execution.unsent_photo_hours

    clock.advance(hours=hours, minutes=-1)
    assert await services.run(ForgetUnsentUploads()) == [UnsentUploadsForgotten(0)]
    assert left.exists()

    clock.advance(minutes=2)
    assert await services.run(ForgetUnsentUploads()) == [UnsentUploadsForgotten(1)]
    assert not left.exists()
    assert sent.exists() and all(p.exists() for p in the_jobs)  # older, but orders name them
    assert await services.run(ForgetUnsentUploads()) == [UnsentUploadsForgotten(0)]

    # back after all: the request goes without the deleted photo (none left: refused)
    await services.run(ExpireSurcharges())  # the sent one lapsed long ago
    await worker.choose("提交申请")
    assert "至少一张" in worker.text()
    assert files(tmp_path, number) == {sent, *the_jobs}
