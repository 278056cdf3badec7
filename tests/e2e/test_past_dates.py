"""A month and day typed at "when?" that passed a few days ago is said to be past ("这个时间
已经过去了" / "That time has already passed"), as "yesterday 3pm" is — not read as next year's
and refused as beyond the booking window; a month early next year is still next year's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.helpers import Clock, WebUser, make_app

MONDAY_7_DEC = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai


class EnglishWebUser(WebUser):
    async def send(self, **message):
        message.setdefault("lang", "en-US")
        return await super().send(**message)


@pytest.fixture
async def client(aiohttp_client, tmp_path, sqlite_url, pii_key):
    clock = Clock(MONDAY_7_DEC)
    return await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=clock))


async def at_when(user: WebUser, english: bool) -> None:
    await user.open()
    await user.say("hi" if english else "/start")
    if english:
        steps = ("Book a service", "Cleaning", "Daily cleaning", "2 hours")
    else:
        steps = ("预约服务", "保洁", "日常保洁", "2小时")
    for option in steps:
        await user.choose(option)


@pytest.mark.parametrize("typed", ["12月1日下午3点", "12月1日"])
async def test_a_day_just_past_is_past_in_chinese(client, typed):
    customer = WebUser(client)
    await at_when(customer, english=False)
    await customer.say(typed)
    said = customer.text()
    assert "这个时间已经过去了" in said and "最多可预约" not in said, said


@pytest.mark.parametrize("typed", ["1 Dec 3pm", "Dec 1"])
async def test_a_day_just_past_is_past_in_english(client, typed):
    customer = EnglishWebUser(client)
    await at_when(customer, english=True)
    await customer.say(typed)
    said = customer.text()
    assert "That time has already passed" in said and "days ahead." not in said, said


async def test_early_next_year_is_still_next_years(client):
    customer = WebUser(client)
    await at_when(customer, english=False)
    await customer.say("1月2日下午3点")
    assert "服务地址" in customer.text(), customer.text()
