"""At a first order's quote, which asks the phone number, a mistyped number ("12345") is told
it is no phone number and asked again — not taken as the order's notes (it replaced an earlier
note and went on to "book again" and weekly repeats); a real note is still a note."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import Clock, WebUser, make_app, order_of
from webhooks.keys import DATABASE


class EnglishWebUser(WebUser):
    async def send(self, **message):
        message.setdefault("lang", "en-US")
        return await super().send(**message)


@pytest.fixture
async def shop(aiohttp_client, tmp_path, sqlite_url, pii_key):
    app = make_app(tmp_path, sqlite_url, pii_key, clock=Clock())
    return app, await aiohttp_client(app)


async def at_the_quote(user: WebUser, english: bool) -> None:
    await user.open()
    await user.say("hi" if english else "/start")
    if english:
        steps = ("Book a service", "Cleaning", "Daily cleaning", "2 hours")
    else:
        steps = ("预约服务", "保洁", "日常保洁", "2小时")
    for option in steps:
        await user.choose(option)
    await user.say("tomorrow 3pm" if english else "明天 15:00")
    await user.say("88 Caoxi North Road, Room 1201" if english else "徐汇区漕溪北路88号12楼1203")


@pytest.mark.parametrize("english", [False, True])
async def test_a_mistyped_phone_is_no_note(shop, english):
    app, client = shop
    customer = EnglishWebUser(client) if english else WebUser(client)
    await at_the_quote(customer, english)
    await customer.say("门禁密码在物业" if not english else "gate code at the lobby")
    await customer.say("12345")
    said = customer.text()
    wrong = "doesn't look like a phone number" if english else "手机号格式不对"
    assert wrong in said, said
    await customer.send(type="contact", phone=customer.phone)
    placed = customer.text()
    assert "12345" not in placed, placed
    number = re.search(r"#(\d{6,8})", placed)
    assert number is not None, placed
    order = await order_of(app, int(number.group(1)))
    assert order.notes == ("gate code at the lobby" if english else "门禁密码在物业")


WIDE = str.maketrans("0123456789+- ", "０１２３４５６７８９＋－\u3000")
"""Digits, plus, dash and space as a full-width keyboard types them (some Chinese input
methods do by default)."""


async def customer_phone(app, number: int) -> str:
    order = await order_of(app, number)
    async with app[DATABASE].uow() as uow:
        customer = await uow.customers.get(order.customer_id)
    return customer.phone


@pytest.mark.parametrize("where", ["quote", "phone step"])
async def test_a_phone_typed_in_full_width_digits_places_the_order_with_it(shop, where):
    """ "１３８ １２３４ ５６７８" typed at the quote that asks for it, or at the phone question
    after "确认下单", is the number it reads as; "１２３４５" is a mistyped one, not a note."""
    app, client = shop
    customer = WebUser(client)
    await at_the_quote(customer, english=False)
    if where == "phone step":
        await customer.choose("确认下单")
        assert "手机号" in customer.text(), customer.text()
    else:
        await customer.say("12345".translate(WIDE))
        assert "手机号格式不对" in customer.text(), customer.text()
    p = customer.phone
    await customer.say(f"+86 {p[:3]}-{p[3:7]} {p[7:]}".translate(WIDE))
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed is not None, customer.text()
    number = int(placed.group(1))
    assert await customer_phone(app, number) == p
    assert (await order_of(app, number)).notes == ""
