"""The birthday coupon end to end on Telegram, on SQLite and PostgreSQL: a customer gives a
birthday in 我的 (changed at most once a year); on the day the daily sweep — run by two
processes, claimed once — gives a coupon and tells them; never a second one in the same year,
even after the birthday is moved."""

from __future__ import annotations

import pytest

from conversations.results.sweeps import BirthdayCouponsGiven, BirthdaysAlreadyGiven
from domain.commands import GiveBirthdayCoupons
from tests.e2e.helpers import TelegramUser, make_app, on_telegram
from webhooks.keys import SERVICES

UID = 670001


@pytest.fixture
async def two(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    one = make_app(tmp_path / "a", own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    other = make_app(
        tmp_path / "b", own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram)
    )
    client = await aiohttp_client(one)
    await aiohttp_client(other)
    return one, other, client


def told(fake, part: str) -> list[str]:
    return [m["text"] for m in fake.sent(UID) if part in m.get("text", "")]


async def set_birthday(customer: TelegramUser, typed: str) -> str:
    await customer.say("我的")
    await customer.choose("设置生日")
    assert "请回复您的生日" in customer.text()
    await customer.say(typed)
    return customer.text()


async def test_a_birthday_given_in_me_brings_one_coupon_a_year(two, fake_telegram, clock):
    one, other, client = two
    customer = TelegramUser(client, fake_telegram, UID)
    await customer.say("/start")
    await customer.say("我的")
    assert "生日:未设置" in customer.text()
    await customer.choose("设置生日")
    await customer.say("明天")
    assert "没看懂这个日期" in customer.text()
    await customer.say("11月25日")  # Wednesday; today is Monday 23 November 2026
    assert "已记下您的生日:11月25日" in customer.text() and "生日:11月25日" in customer.text()
    assert "生日每 365 天只能修改一次" in await set_birthday(customer, "12-01")
    assert "生日:11月25日" in customer.text()

    async def sweep(app) -> list:
        return await app[SERVICES].run(GiveBirthdayCoupons())

    assert await sweep(one) == [BirthdayCouponsGiven(0)]  # not yet
    clock.advance(days=2)
    results = [await sweep(one), await sweep(other), await sweep(one)]
    assert results.count([BirthdayCouponsGiven(1)]) == 1
    assert results.count([BirthdaysAlreadyGiven("2026-11-25")]) == 2
    [notice] = told(fake_telegram, "生日快乐")
    assert "满¥50.00减¥20.00" in notice and "14 天内有效" in notice
    await customer.say("优惠券")
    assert "生日券:满¥50.00减¥20.00" in customer.text()

    clock.advance(days=365)  # 25 November 2027: this year's
    assert await sweep(other) == [BirthdayCouponsGiven(1)]
    clock.advance(days=1)  # a year since it was set: it may move, but no second coupon
    assert "已记下您的生日:11月27日" in await set_birthday(customer, "Nov 27")
    clock.advance(days=1)
    assert await sweep(one) == [BirthdayCouponsGiven(0)]
    assert len(told(fake_telegram, "生日快乐")) == 2
