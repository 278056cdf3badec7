"""The new-customer offers (first-order discount, welcome coupon) are a person's, once: a
second chat account giving a phone number another account holds is quoted without them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.events import Failed
from conversations.results.booking import OrderPlaced
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


async def test_a_phone_given_only_with_the_order_is_checked_too(both, fake_telegram):
    """``PlaceOrder.phone`` without ``Booking.phone``: the number is another account's, so
    the quote with the first-order discount is refused and the order costs the full price."""
    from domain import commands as c
    from domain.people import Channel
    from domain.pricing import Selection
    from domain.queries import PreviewQuote
    from tests import random_refs
    from webhooks.keys import DATABASE, SERVICES

    app, client = both
    phone = random_refs.phone()
    first = TelegramUser(client, fake_telegram, 730003)
    await first.say("/start")
    await first.say(REQUEST)
    await first.say(phone)
    await first.choose("确认支付")
    assert "支付成功 ¥30.00" in first.text()

    second = TelegramUser(client, fake_telegram, 730004)
    await second.say("/start")
    async with app[DATABASE].uow() as uow:
        me = await uow.customers.by_identity(Channel.TELEGRAM, str(second.uid))
    b = c.Booking(
        customer_id=me.id,
        channel="telegram",
        lang="zh",
        selections=(Selection("daily_cleaning", 2),),
        start_at=app[CLOCK]() + timedelta(days=2),
        address_text="上海市浦东新区世纪大道 100 号 5 楼",
    )
    [quoted] = await app[SERVICES].run(PreviewQuote(b))
    assert quoted.total_cents == 3_000  # no number known yet: a new customer
    [refused] = await app[SERVICES].run(c.PlaceOrder(b, quoted.total_cents, phone=phone))
    assert isinstance(refused, Failed) and "价格有变化" in refused.message.get("zh")
    [placed] = await app[SERVICES].run(c.PlaceOrder(b, 8_000, phone=phone))
    assert isinstance(placed, OrderPlaced) and placed.due.due_now_cents == 8_000
    async with app[DATABASE].uow() as uow:
        held = await uow.coupons.for_customer(me.id)
    assert all(x.used_order_id is None for x in held)  # the welcome coupon was not used
