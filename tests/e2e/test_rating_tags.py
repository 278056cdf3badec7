"""The rating's tags are a several-choice question: each tap toggles a tag and the question
comes again with ✓ on the chosen ones (as the booking's extras do); the tapped question loses
its buttons. In Telegram by buttons, in WeChat by number or by the tag's word; a photo sent
in WeChat goes with the review and earns the photo's points."""

from __future__ import annotations

import pytest

from domain.points import PointsKind
from domain.queries import LoadPointsHistory
from tests.e2e.helpers import (
    HOME,
    RULES,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
)
from tests.e2e.test_media_links import WORKER, book_on_wechat, finish
from tests.fakes.wechat import PNG, WeChatServer, image_xml
from webhooks.keys import CLOCK, DATABASE, SERVICES


@pytest.fixture
async def running(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    settings = {**on_telegram(fake_telegram), **on_wechat(fake_wechat)}
    application = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **settings)
    client = await aiohttp_client(application)
    await seed_worker(application, channel="telegram", user_id=str(WORKER), center=HOME)
    return application, client


async def rated_tags(app, number: int) -> tuple[str, ...]:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        [rating] = await uow.ratings.for_order(order.id)
        return tuple(rating.tags)


def ticked(labels: list[str]) -> list[str]:
    return [label[2:] for label in labels if label.startswith("✓ ")]


async def test_in_telegram_each_tap_ticks_or_unticks_a_tag_and_asks_again(
    running, fake_telegram, clock
):
    app, client = running
    customer = TelegramUser(client, fake_telegram, 600501)
    number = await book_and_pay(customer)
    await finish(client, fake_telegram, number, clock)
    await customer.say(f"确认完成 #{number}")
    await customer.say(f"评价 #{number}")
    for _ in range(4):  # response, skill, attitude, care
        await customer.choose("5")
    assert "标签" in customer.text() and ticked([b["text"] for b in customer.options()]) == []
    question = customer.last[-1]
    await customer.choose("打扫仔细")
    assert fake_telegram.keyboard(question["message_id"]) == []  # the tapped one is spent
    assert ticked([b["text"] for b in customer.options()]) == ["打扫仔细"]
    await customer.choose("准时守约")
    assert ticked([b["text"] for b in customer.options()]) == ["准时守约", "打扫仔细"]
    await customer.choose("✓ 打扫仔细")  # a second tap takes it off again
    assert ticked([b["text"] for b in customer.options()]) == ["准时守约"]
    await customer.choose("完成")
    await customer.choose("跳过")
    await customer.choose("不加照片")
    assert "感谢评价" in customer.text()
    assert await rated_tags(app, number) == ("punctual",)


async def test_in_wechat_a_tag_is_ticked_by_number_and_unticked_by_its_word(
    running, fake_telegram, fake_wechat, clock
):
    app, client = running
    customer = WeChatUser(client, fake_wechat, "o-rate", WeChatServer(clock=app[CLOCK]))
    number = await book_on_wechat(customer)
    await finish(client, fake_telegram, number, clock)
    await customer.say(f"确认完成 #{number}")
    await customer.say(f"评价 #{number}")
    for _ in range(4):
        await customer.say("5")
    assert "1. 准时守约" in customer.last_text
    await customer.say("2")
    assert "2. ✓ 打扫仔细" in customer.last_text and "1. 准时守约" in customer.last_text
    await customer.say("4")
    assert "4. ✓ 爱护物品" in customer.last_text
    await customer.say("打扫仔细")  # the word, as it reads without its tick
    assert "2. 打扫仔细" in customer.last_text and "4. ✓ 爱护物品" in customer.last_text
    await customer.choose("完成")
    await customer.choose("跳过")
    assert "带照片的评价多得 20 积分" in customer.last_text
    fake_wechat.media.update({"R1": (PNG, "image/png")})
    await customer.post_xml(image_xml(customer.openid, "R1"))  # a photo with the review
    assert "感谢评价" in customer.last_text
    assert await rated_tags(app, number) == ("careful",)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        [rating] = await uow.ratings.for_order(order.id)
    assert len(rating.photos) == 1 and rating.photos[0].startswith("reviews/")
    [shown] = await app[SERVICES].run(LoadPointsHistory(order.customer_id))
    reviewed = [x.points for x in shown.lines if x.kind == PointsKind.REVIEWED]
    assert reviewed == [RULES.membership.review_photo_points]
