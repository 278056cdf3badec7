"""Late in the evening, when no start today is still far enough ahead (the minimum lead), the
day question does not offer today — every time on it would be "too soon"; earlier in the
evening it still does."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.helpers import Clock, WebUser, make_app


class EnglishWebUser(WebUser):
    async def send(self, **message):
        message.setdefault("lang", "en-US")
        return await super().send(**message)


async def day_options(client, english: bool) -> list[str]:
    user = EnglishWebUser(client) if english else WebUser(client)
    await user.open()
    await user.say("hi" if english else "/start")
    if english:
        steps = ("Book a service", "Cleaning", "Daily cleaning", "2 hours", "Another time")
    else:
        steps = ("预约服务", "保洁", "日常保洁", "2小时", "其他时间")
    for option in steps:
        await user.choose(option)
    return [o["label"] for r in user.last if r["type"] == "ask" for o in r["options"]]


@pytest.mark.parametrize("english", [False, True])
async def test_at_23_14_today_is_not_offered(
    aiohttp_client, tmp_path, sqlite_url, pii_key, english
):
    late = Clock(datetime(2026, 12, 7, 15, 14, tzinfo=UTC))  # Monday 23:14 in Shanghai
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=late))
    labels = await day_options(client, english)
    today, tomorrow = ("Today", "Tomorrow") if english else ("今天", "明天")
    assert not any(label.startswith(today) for label in labels), labels
    assert any(label.startswith(tomorrow) for label in labels), labels


async def test_at_21_00_today_is_still_offered(aiohttp_client, tmp_path, sqlite_url, pii_key):
    evening = Clock(datetime(2026, 12, 7, 13, 0, tzinfo=UTC))  # 21:00 in Shanghai
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=evening))
    labels = await day_options(client, english=False)
    assert any(label.startswith("今天12月7日") for label in labels), labels
