""" "As soon as possible" chosen in the evening: the soonest start (22:30) is in the night
window, charged 30% more. Before, it was taken as it was — the quote carried the night
service and nobody said so; now the customer is asked: that start with its surcharge stated,
the first usual start of the next morning, or another time."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import TelegramUser, make_app, on_telegram

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock):
    clock.advance(hours=12)  # Monday 21:00 in Shanghai: +90 min is 22:30, in the night
    app = make_app(tmp_path, sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return await aiohttp_client(app)


async def test_asap_in_the_evening_asks_night_or_morning_and_the_morning_has_no_surcharge(
    tg, fake_telegram
):
    user = TelegramUser(tg, fake_telegram, 515151)
    await user.say("/start")
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.choose("尽快上门")
    asked = user.text()
    assert "最早 今天 22:30 上门,属夜间服务,加收 30%" in asked, asked
    assert "最早 明天 08:00 上门" in asked
    assert "今天 22:30(夜间 +30%)" in asked and "其他时间" in asked
    await user.choose("明天 08:00")
    await user.say("浦东新区世纪大道100号 5楼")
    quote = user.text()
    assert "08:00" in quote and "夜间" not in quote, quote


async def test_night_chosen_knowingly_is_booked_at_the_night_rate(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 525252)
    await user.say("/start")
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.choose("尽快上门")
    await user.choose("(夜间 +30%)")
    await user.say("浦东新区世纪大道100号 5楼")
    quote = user.text()
    assert "22:30" in quote and "夜间服务 +30%" in quote, quote


async def test_a_typed_asap_request_in_the_evening_is_asked_too(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 535353)
    await user.say("/start")
    await user.say("尽快来做日常保洁 2小时")
    asked = user.text()
    assert "属夜间服务,加收 30%" in asked and "明天 08:00" in asked, asked


async def test_the_english_screen_says_it_in_english(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 545454, lang="en")
    await user.say("/start")
    await user.choose("Book")
    await user.choose("Cleaning")
    await user.choose("Daily")
    await user.choose("2 h")
    await user.choose("As soon as possible")
    asked = user.text()
    assert "Soonest: Today 22:30, in the night hours (night service costs 30% more)" in asked
    assert "Soonest outside the night: Tomorrow 08:00" in asked
    assert "Today 22:30 (night, +30%)" in asked and "Another time" in asked
    assert not HAN.search(asked), asked
