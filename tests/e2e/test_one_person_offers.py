"""The new-customer offers (first-order discount, welcome coupon) are a person's, once: a
second chat account giving a phone number another account holds is quoted without them."""

from __future__ import annotations

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

PHONE = "13800138123"
REQUEST = "明天下午三点 日常保洁 2小时 浦东新区世纪大道100号5楼"


@pytest.fixture
async def both(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, fake_wechat):
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=Clock(),
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
    )
    return app, await aiohttp_client(app)


async def test_the_same_phone_on_a_second_channel_gets_no_second_new_customer_offer(
    both, fake_telegram, fake_wechat
):
    app, client = both
    first = TelegramUser(client, fake_telegram, 730001)
    await first.say("/start")
    await first.say(REQUEST)
    assert "新客首单立减" in first.text() and "合计:¥30.00" in first.text()
    await first.say(PHONE)  # placed with the discount: ¥80 − ¥50
    await first.choose("确认支付")
    assert "支付成功 ¥30.00" in first.text()

    second = WeChatUser(client, fake_wechat, "o-same-person", WeChatServer(clock=app[CLOCK]))
    await second.post_xml(event_xml(second.openid, "subscribe"))
    await second.say(REQUEST)
    assert "合计:¥30.00" in second.last_text  # a new account, its number not known yet
    await second.say(PHONE)  # the number is the Telegram account's: quoted again, no offers
    assert "这个手机号已有到家账户" in second.last_text and "价格有变化" in second.last_text
    assert "合计:¥80.00" in second.last_text and "新客优惠" in second.last_text
    await second.choose("确认下单")  # the number is kept for this checkout: not asked again
    assert "已提交" in second.last_text and "¥80.00" in second.last_text


async def test_a_new_phone_keeps_the_offers(both, fake_telegram):
    app, client = both
    user = TelegramUser(client, fake_telegram, 730002)
    await user.say("/start")
    await user.say(REQUEST)
    await user.say("13800138124")
    assert "已提交" in user.text() and "¥30.00" in user.text()
