"""What is typed at "where?" has to be an address: a time ("明天下午三点", "today 11pm"), a
city alone ("我在上海出差") or words with nothing of an address ("hello there") are refused
there in the person's language, nothing kept (no quote, no order, no saved address); a real
address, typed (an estate and its flat: "汤臣一品 1702") or after a shared location, goes on
to the quote — which shows the address and offers to change it."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import Clock, WebUser, make_app


class EnglishWebUser(WebUser):
    async def send(self, **message):
        message.setdefault("lang", "en-US")
        return await super().send(**message)


@pytest.fixture
async def client(aiohttp_client, tmp_path, sqlite_url, pii_key):
    return await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=Clock()))


async def at_the_address(user: WebUser, english: bool = False) -> None:
    await user.open()
    await user.say("hi" if english else "/start")
    if english:
        steps = ("Book a service", "Cleaning", "Daily cleaning", "2 hours")
    else:
        steps = ("预约服务", "保洁", "日常保洁", "2小时")
    for option in steps:
        await user.choose(option)
    await user.say("tomorrow 3pm" if english else "明天 15:00")
    where = "Where?" if english else "服务地址"
    assert where in user.text(), user.text()


@pytest.mark.parametrize("typed", ["明天下午三点", "today 11pm", "hello there"])
async def test_a_time_or_words_are_no_address_in_chinese(client, typed):
    customer = WebUser(client)
    await at_the_address(customer)
    await customer.say(typed)
    said = customer.text()
    assert "这不像地址" in said and "费用明细" not in said, said
    await customer.say("浦东新区世纪大道100号 5楼")  # still asked: a real one goes on
    quote = customer.text()
    assert "费用明细" in quote and "地址:浦东新区世纪大道100号 5楼" in quote, quote
    assert typed not in quote


@pytest.mark.parametrize("typed", ["today 11pm", "hello there", "明天下午三点"])
async def test_a_time_or_words_are_no_address_in_english(client, typed):
    customer = EnglishWebUser(client)
    await at_the_address(customer, english=True)
    await customer.say(typed)
    said = customer.text()
    assert "does not look like an address" in said and "Your quote" not in said, said
    await customer.say("Block 5, flat 1702")
    quote = customer.text()
    assert "Address: Block 5, flat 1702" in quote and "Change address" in quote, quote


async def test_a_city_alone_is_asked_again_and_an_estate_with_its_flat_is_taken(client):
    customer = WebUser(client)
    await at_the_address(customer)
    await customer.say("我在上海出差")
    said = customer.text()
    assert "这不像地址" in said and "只有城市或号码不够" in said, said
    assert "服务地址" in said and "费用明细" not in said, said  # asked again, nothing kept
    await customer.say("汤臣一品 1702")
    quote = customer.text()
    assert "费用明细" in quote and "地址:汤臣一品 1702" in quote, quote
    assert "上海出差" not in quote


async def test_after_a_shared_location_a_flat_is_taken_and_a_time_is_not(client):
    customer = WebUser(client)
    await at_the_address(customer)
    await customer.send(type="location", lat=31.2304, lon=121.4737, label="人民广场")
    await customer.say("明天下午三点")
    assert "这不像门牌号" in customer.text(), customer.text()
    await customer.say("8楼801")
    quote = customer.text()
    assert "费用明细" in quote and "地址:人民广场 8楼801" in quote, quote


async def test_the_address_can_be_changed_from_the_quote(client):
    customer = WebUser(client)
    await at_the_address(customer)
    await customer.say("浦东新区世纪大道100号 5楼")
    await customer.choose("改地址")
    assert "服务地址" in customer.text(), customer.text()
    await customer.say("徐汇区漕溪北路88号12楼1203")
    quote = customer.text()
    assert "地址:徐汇区漕溪北路88号12楼1203" in quote and "世纪大道" not in quote, quote
    assert "明天" in quote or "15:00" in quote, quote  # the time is kept
