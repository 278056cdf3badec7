"""One person, several chat accounts: "绑定" in a new chat sends a code to the chats of the
account holding the phone number; typed back, the new chat is that account."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    Clock,
    TelegramUser,
    WeChatUser,
    make_app,
    on_telegram,
    on_wechat,
)
from tests.fakes.wechat import WeChatServer, event_xml
from webhooks.keys import CLOCK

REQUEST = "明天下午三点 日常保洁 2小时 浦东新区世纪大道100号5楼"


@pytest.fixture
async def both(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, fake_wechat):
    clock = Clock()
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
    )
    return app, await aiohttp_client(app), clock


def phone_of(uid: int) -> str:
    """A number of the customer's own (the tests share a database)."""
    return f"138{uid:08d}"


async def customer_with_an_order(client, fake_telegram, uid: int) -> int:
    user = TelegramUser(client, fake_telegram, uid)
    await user.say("/start")
    await user.say(REQUEST)
    await user.say(phone_of(uid))
    number = int(re.search(r"#(\d{6,8})", user.text()).group(1))
    await user.choose("确认支付")
    return number


def code_sent_to(fake_telegram, uid: int) -> str:
    [notice] = [m["text"] for m in fake_telegram.sent(uid) if "验证码" in m.get("text", "")]
    assert "微信" in notice and "wechat" not in notice  # the channel by its name
    return re.search(r"\b(\d{8})\b", notice).group(1)


async def test_a_code_sent_to_the_other_chat_joins_this_one_to_that_account(
    both, fake_telegram, fake_wechat
):
    app, client, _ = both
    number = await customer_with_an_order(client, fake_telegram, 740001)
    wx = WeChatUser(client, fake_wechat, "o-link-1", WeChatServer(clock=app[CLOCK]))
    await wx.post_xml(event_xml(wx.openid, "subscribe"))
    await wx.say("绑定")
    assert "手机号" in wx.last_text
    await wx.say(phone_of(740001))
    assert "验证码" in wx.last_text and "10 分钟" in wx.last_text
    code = code_sent_to(fake_telegram, 740001)
    assert code not in wx.last_text  # never shown to the asker
    await wx.say("00000000" if code != "00000000" else "11111111")
    assert "还可以再试 4 次" in wx.last_text
    await wx.say(code)
    assert "绑定成功" in wx.last_text
    await wx.say("我的订单")
    assert f"#{number}" in wx.last_text  # the Telegram account's order, in WeChat
    told = [m["text"] for m in fake_telegram.sent(740001) if "绑定" in m.get("text", "")]
    assert any("微信" in t and "不是您本人" in t for t in told)  # the owner is told


async def test_a_number_nobody_holds_gets_the_same_answer_and_no_code_ever_works(
    both, fake_telegram, fake_wechat
):
    app, client, _ = both
    wx = WeChatUser(client, fake_wechat, "o-link-2", WeChatServer(clock=app[CLOCK]))
    await wx.post_xml(event_xml(wx.openid, "subscribe"))
    await wx.say("绑定")
    await wx.say("13900000001")
    assert "如果这个手机号有到家账户" in wx.last_text  # as when someone holds it
    for left in (4, 3, 2, 1):
        await wx.say("12345678")
        assert f"还可以再试 {left} 次" in wx.last_text
    await wx.say("12345678")
    assert "错误次数太多" in wx.last_text and "请选择您需要的服务" in wx.last_text


async def test_an_expired_code_is_refused(both, fake_telegram, fake_wechat):
    app, client, clock = both
    await customer_with_an_order(client, fake_telegram, 740003)
    wx = WeChatUser(client, fake_wechat, "o-link-3", WeChatServer(clock=app[CLOCK]))
    await wx.post_xml(event_xml(wx.openid, "subscribe"))
    await wx.say("绑定")
    await wx.say(phone_of(740003))
    code = code_sent_to(fake_telegram, 740003)
    clock.advance(minutes=11)
    await wx.say(code)
    assert "已过期" in wx.last_text


async def test_the_quote_of_a_known_number_offers_to_use_that_account(
    both, fake_telegram, fake_wechat
):
    app, client, _ = both
    number = await customer_with_an_order(client, fake_telegram, 740004)
    wx = WeChatUser(client, fake_wechat, "o-link-4", WeChatServer(clock=app[CLOCK]))
    await wx.post_xml(event_xml(wx.openid, "subscribe"))
    await wx.say(REQUEST)
    await wx.say(phone_of(740004))
    assert "新客优惠" in wx.last_text and "用原账户下单" in wx.last_text
    await wx.choose("用原账户下单")  # straight to the code: the number is known
    assert "请在这里回复验证码" in wx.last_text
    await wx.say(code_sent_to(fake_telegram, 740004))
    assert "绑定成功" in wx.last_text and "合计:¥80.00" in wx.last_text  # back at the quote
    await wx.say("/orders")
    assert f"#{number}" in wx.last_text


async def test_a_second_telegram_account_with_the_same_number_is_offered_the_link(
    both, fake_telegram
):
    """Within one channel too: the code goes to the first account's chat, typed in the second
    it joins them, and the order goes on, priced for the joined account."""
    app, client, _ = both
    number = await customer_with_an_order(client, fake_telegram, 740005)
    second = TelegramUser(client, fake_telegram, 740006)
    await second.say("/start")
    await second.say(REQUEST)
    assert "合计:¥30.00" in second.text()  # a new account: its number not known yet
    await second.say(phone_of(740005))
    assert "这个手机号已有到家账户" in second.text() and "合计:¥80.00" in second.text()
    assert "用原账户下单" in second.text() and "验证码会发到那个账户的聊天里" in second.text()
    await second.choose("用原账户下单")
    assert "请在这里回复验证码" in second.text()
    [notice] = [m["text"] for m in fake_telegram.sent(740005) if "验证码" in m.get("text", "")]
    assert "Telegram" in notice
    assert not [
        m for m in fake_telegram.sent(740006) if re.search(r"\b\d{8}\b", m.get("text", ""))
    ]
    await second.say(re.search(r"\b(\d{8})\b", notice).group(1))
    assert "绑定成功" in second.text() and "合计:¥80.00" in second.text()  # back at the quote
    await second.choose("确认下单")  # the joined account has a phone: placed at once
    assert "已提交" in second.text()
    await second.say("/orders")
    assert f"#{number}" in second.text()


async def test_declining_the_link_goes_on_without_new_customer_offers(both, fake_telegram):
    app, client, _ = both
    await customer_with_an_order(client, fake_telegram, 740007)
    second = TelegramUser(client, fake_telegram, 740008)
    await second.say("/start")
    await second.say(REQUEST)
    await second.say(phone_of(740007))
    assert "用原账户下单" in second.text()
    await second.choose("确认下单")
    assert "已提交" in second.text() and "¥80.00" in second.text()
    assert not [m for m in fake_telegram.sent(740007) if "验证码" in m.get("text", "")]
