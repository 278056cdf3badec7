"""A worker naming an order that is not theirs — another worker's, one never offered to them,
or none at all — in 接单, 拒单, 打卡, 拍照, 申请加价 or 评价客户 is told so at once, in one
answer that tells nothing of that order (not that someone took it, nor its state), and is back
at their jobs: never asked for a location, photos, an extra or stars first, never asked again
in a loop. Their own job not there yet is told why before the first question too."""

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    order_of,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.fakes.wechat import PNG
from webhooks.keys import DATABASE

FAR = (31.5, 121.9)  # the other worker's area: nothing near HOME is offered to them
NONE = 999999  # no such order
ZH = {
    "not_yours": "订单 #{n} 不是您的任务",
    "menu": "在线接单中",
    "asked": ("实时位置", "照片(可多张)", "要加什么", "1–5 星", "补充说明"),
    "leaks": ("其他师傅", "只能在打卡之后", "找不到订单", "邀请已失效", "已被取消"),
    "skip": "跳过",
    "rate": "评价客户 #{n}",
    "which": "请说明是服务前还是服务后",
    "check_in_first": "(请先打卡)",
}
EN = {
    "not_yours": "Order #{n} is not assigned to you",
    "menu": "Online ✅",
    "asked": ("share your location", "several are fine", "what should be added", "1 to 5 stars"),
    "leaks": ("another worker", "only after check-in", "No order", "no longer open", "cancelled"),
    "skip": "skip",
    "rate": "rate the customer #{n}",
    "which": "Say before or after",
    "check_in_first": "(check in first)",
}


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


async def photo(user: TelegramUser, fake, file_id: str) -> None:
    fake.files[f"photos/{file_id}.jpg"] = PNG
    size = {"width": 90, "height": 90, "file_size": len(PNG)}
    await user.share(photo=[{"file_id": file_id, "file_unique_id": file_id, **size}])


async def at_the_door(worker: TelegramUser, fake, number: int) -> None:
    """The worker checked in to their job (location, visit code, door photo)."""
    app = worker.client.app
    await near_the_start(app, number)
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(app, number))
    await photo(worker, fake, f"door{number}")
    assert (await order_of(app, number)).status.value == "arrived"


def refused_at_once(worker: TelegramUser, words: dict, number: int) -> None:
    said = worker.text()
    assert words["not_yours"].format(n=number) in said, said
    assert words["menu"] in said, said  # back at the jobs
    assert not any(ask in said for ask in words["asked"]), said
    assert not any(leak in said for leak in words["leaks"]), said


async def two_workers(app, client, fake, words: dict, customer: int) -> tuple:
    """An order taken by one worker (``mine``), and another far away (``other``, in the
    language of ``words``) it was never offered to."""
    base = customer * 10
    await seed_worker(app, channel="telegram", user_id=str(base + 1), center=HOME)
    await seed_worker(app, channel="telegram", user_id=str(base + 2), center=FAR, radius_m=1000)
    number = await book_and_pay(TelegramUser(client, fake, customer))
    mine = TelegramUser(client, fake, base + 1)
    other = TelegramUser(client, fake, base + 2)
    if words is EN:
        await other.say("/lang")
        assert "Switched to English" in other.text()
    return number, mine, other


LANGS = pytest.mark.parametrize("words", [ZH, EN], ids=["zh", "en"])


@LANGS
@pytest.mark.parametrize("command", ["/accept", "/decline"])
async def test_an_offer_never_made_is_not_said_to_be_taken_by_another(
    tg, fake_telegram, words, command
):
    app, client = tg
    number, mine, other = await two_workers(app, client, fake_telegram, words, 61101)
    for n in (number, NONE):
        await other.say(f"{command} #{n}")
        refused_at_once(other, words, n)
    await mine.say(f"/accept #{number}")
    await other.say(f"{command} #{number}")  # taken now: still nothing of it is told
    refused_at_once(other, words, number)
    assert (await order_of(app, number)).status.value == "accepted"


@LANGS
async def test_checking_in_to_an_order_not_theirs_asks_for_no_location(tg, fake_telegram, words):
    app, client = tg
    number, mine, other = await two_workers(app, client, fake_telegram, words, 61102)
    await mine.say(f"/accept #{number}")
    await near_the_start(app, number)
    for n in (number, NONE):
        await other.say(f"/checkin #{n}")
        refused_at_once(other, words, n)
    await other.share(location=telegram_gps(HOME))  # at the jobs menu: a check-in of nothing
    order = await order_of(app, number)
    assert order.status.value == "accepted" and order.checkin is None


@LANGS
async def test_photos_of_an_order_not_theirs_are_not_asked_for(tg, fake_telegram, words):
    app, client = tg
    number, mine, other = await two_workers(app, client, fake_telegram, words, 61103)
    await mine.say(f"/accept #{number}")
    await at_the_door(mine, fake_telegram, number)
    for n in (number, NONE):
        for kind in ("before", "after"):
            await other.say(f"/photo #{n} {kind}")
            refused_at_once(other, words, n)
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        assert await uow.photos.for_order(order.id, ["before", "after"]) == []


@LANGS
async def test_an_extra_on_an_order_not_theirs_tells_nothing_of_its_state(
    tg, fake_telegram, words
):
    app, client = tg
    number, mine, other = await two_workers(app, client, fake_telegram, words, 61104)
    await mine.say(f"/accept #{number}")
    await other.say(f"/surcharge #{number}")  # not under way: that is not told either
    refused_at_once(other, words, number)
    await at_the_door(mine, fake_telegram, number)
    for n in (number, NONE):
        await other.say(f"/surcharge #{n}")
        refused_at_once(other, words, n)
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        assert await uow.surcharges.for_order(order.id) == []


@LANGS
async def test_rating_the_customer_of_an_order_not_theirs_asks_for_no_stars_and_no_loop(
    tg, fake_telegram, words
):
    app, client = tg
    number, mine, other = await two_workers(app, client, fake_telegram, words, 61105)
    await mine.say(f"/accept #{number}")
    for n in (number, NONE):
        await other.say(words["rate"].format(n=n))
        refused_at_once(other, words, n)
    await other.say(words["skip"])  # at the jobs: nothing asks again
    assert words["not_yours"].format(n=number) not in other.text()
    assert not any(ask in other.text() for ask in words["asked"]), other.text()
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        assert await uow.ratings.for_order(order.id) == []


async def test_the_workers_own_job_not_finished_is_told_before_the_stars(tg, fake_telegram):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="610003", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 610502))
    mine = TelegramUser(client, fake_telegram, 610003)
    await mine.say(f"/accept #{number}")
    await mine.say(f"评价客户 #{number}")
    said = mine.text()
    assert f"订单 #{number} 完成后才能评价" in said and "在线接单中" in said, said
    assert "1–5 星" not in said
    await mine.say("/checkin #999999")  # no such order: said at once, no location asked
    assert "订单 #999999 不是您的任务" in mine.text() and "实时位置" not in mine.text()


@LANGS
async def test_photo_without_its_kind_checks_the_order_before_asking_which(
    tg, fake_telegram, words
):
    """拍照 #N without before/after: another worker's order or none is refused at once, with
    no question of which kind; the worker's own job not at the door yet is told why; their
    own job at the door is asked which kind."""
    app, client = tg
    number, mine, other = await two_workers(app, client, fake_telegram, words, 61106)
    command, which = "/photo #{n}", words["which"]
    await mine.say(f"/accept #{number}")
    if words is EN:
        await mine.say("/lang")
    await mine.say(command.format(n=number))  # their own, not at the door: why, no question
    assert which not in mine.text() and words["check_in_first"] in mine.text(), mine.text()
    await at_the_door(mine, fake_telegram, number)
    for n in (number, NONE, 123456):
        await other.say(command.format(n=n))
        refused_at_once(other, words, n)
        assert which not in other.text(), other.text()
    await mine.say(command.format(n=number))  # their own job at the door: which kind?
    assert which in mine.text(), mine.text()
    assert words["not_yours"].format(n=number) not in mine.text()
