"""我的 (Me) and invitations end to end: the screen on Telegram, WeChat and the web chat
(level and the way to the next, points, coupons by name, the invitation and the language
switch), reached by the menu, the commands and the words; each channel's invitation — a
Telegram deep link from the bot's getMe, a WeChat parametric QR code made once through the
fake API, the web chat's address — and a follower arriving through one is recorded as
invited."""

from __future__ import annotations

import re
from urllib.parse import quote

import aiohttp
import pytest
from sqlalchemy import text

from domain.people import Channel, Customer
from tests.e2e.helpers import (
    TelegramUser,
    WebUser,
    WeChatUser,
    make_app,
    on_telegram,
    on_wechat,
)
from tests.fakes.wechat import WeChatServer, event_xml
from webhooks.keys import CLOCK, DATABASE

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
async def chat(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
    )
    return app, await aiohttp_client(app)


async def customer_of(app, channel: str, user_id: str) -> Customer:
    async with app[DATABASE].uow() as uow:
        customer = await uow.customers.by_identity(Channel(channel), user_id)
    assert customer is not None
    return customer


async def invited_by(app, customer_id: int) -> int:
    """How many customers the customer invited (``referred_by``)."""
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        result = await conn.execute(
            text("SELECT count(*) FROM customers WHERE referred_by = :id"), {"id": customer_id}
        )
        return int(result.scalar_one())


async def press(user: TelegramUser, label: str) -> None:
    """Press the button labelled exactly ``label`` ("我的", not "我的订单")."""
    from tests.fakes.telegram import callback_update

    [(message_id, data)] = [
        (m["message_id"], b["callback_data"])
        for m in user.last
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
        if b["text"] == label
    ]
    assert await user.post(callback_update(user.uid, data, message_id, user.lang)) == 200


async def test_me_on_telegram_names_the_level_coupons_and_gives_the_deep_link(chat, fake_telegram):
    app, client = chat
    user = TelegramUser(client, fake_telegram, 781001)
    await user.say("/start")
    await press(user, "我的")
    me = user.text()
    customer = await customer_of(app, "telegram", "781001")
    assert "会员等级:普通会员" in me
    assert "近 365 天消费 ¥0.00,再消费 ¥2,000.00 即可升级为白银会员(满 ¥2,000.00)" in me
    assert "积分:0" in me
    assert "· 新人券:满¥100.00减¥20.00,有效期至 12月23日 周三" in me  # 30 days from Monday 23 Nov
    assert f"https://t.me/daojia_bot?start=ref_{customer.referral_code}" in me
    assert "各得一张 ¥50.00 优惠券" in me
    assert "regular" not in me and not re.search(r"\bW[0-9A-F]{10}\b", me)  # no ids
    assert [b["text"] for b in user.options()] == [
        "积分",
        "优惠券",
        "邀请好友",
        "次卡",
        "设置生日",
        "紧急联系人",
        "English",
        "主菜单",
    ]

    await user.choose("English")
    english = "\n".join(m.get("text", "") for m in user.last)
    assert "Switched to English" in english and "Member level: Regular member" in english
    assert not CJK.search(english), english
    assert "中文" in [b["text"] for b in user.options()]

    await user.say("/coupons")
    assert "Welcome coupon: ¥20.00 off orders over ¥100.00, valid until Wed 23 Dec" in user.text()
    await user.say("/points")
    assert "Points: 0 (100 points = ¥1.00" in user.text()
    await user.say("/invite")
    assert f"start=ref_{customer.referral_code}" in user.text()
    assert "Member level" not in user.text()


async def test_the_words_open_me_in_the_middle_of_a_booking_and_back_returns_to_it(
    chat, fake_telegram
):
    app, client = chat
    user = TelegramUser(client, fake_telegram, 781002)
    await user.say("/start")
    await user.choose("预约服务")
    question = user.text()
    await user.say("我的优惠券")
    assert "新人券" in user.text() and "会员等级" not in user.text()
    await user.say("积分")  # the button on this screen: another part of the same screen
    assert user.text().startswith("积分:0")
    await user.say("返回")
    assert user.text() == question  # the booking's question, where they left it
    await user.say("帮助")
    assert "「我的」" in user.text() and "「邀请」" in user.text()


async def test_me_on_wechat_shows_a_qr_code_made_once_and_the_menu_and_words_reach_it(
    chat, fake_wechat
):
    app, client = chat
    user = WeChatUser(client, fake_wechat, "o-me-0001", WeChatServer(clock=app[CLOCK]))
    await user.post_xml(event_xml(user.openid, "subscribe"))
    assert "English" in user.last_text  # the first screen offers the other language
    await user.post_xml(event_xml(user.openid, "CLICK", "ME"))  # 更多 → 我的
    customer = await customer_of(app, "wechat", "o-me-0001")
    assert "会员等级:普通会员" in user.last_text and "新人券" in user.last_text
    assert fake_wechat.scenes() == [f"ref_{customer.referral_code}"]
    [ticket] = fake_wechat.qrcodes
    qr = f"{fake_wechat.base_url}showqrcode?ticket={quote(ticket, safe='')}"
    assert f'<a href="{qr}">查看我的邀请二维码</a>' in user.last_text
    async with aiohttp.ClientSession() as session, session.get(qr) as image:
        assert image.status == 200 and image.content_type == "image/png"

    await user.say("邀请")
    assert qr in user.last_text and "会员等级" not in user.last_text
    await user.say("me")
    assert qr in user.last_text
    assert len(fake_wechat.scenes()) == 1  # kept, not made again
    await user.say("2")  # the second choice: 优惠券
    assert "优惠券 1 张" in user.last_text

    # a friend follows the account by scanning it: invited; scanning again changes nothing
    friend = WeChatUser(client, fake_wechat, "o-me-0002", WeChatServer(clock=app[CLOCK]))
    await friend.post_xml(
        event_xml(friend.openid, "subscribe", f"qrscene_ref_{customer.referral_code}")
    )
    assert "欢迎来到到家" in friend.last_text
    assert (await customer_of(app, "wechat", "o-me-0002")).referred_by == customer.id
    await user.post_xml(event_xml(user.openid, "SCAN", f"ref_{customer.referral_code}"))
    assert "欢迎回来" in user.last_text
    assert (await customer_of(app, "wechat", "o-me-0001")).referred_by is None


async def test_a_wechat_api_failure_says_to_try_later_and_the_next_time_makes_the_code(
    chat, fake_wechat
):
    app, client = chat
    user = WeChatUser(client, fake_wechat, "o-me-0003", WeChatServer(clock=app[CLOCK]))
    await user.post_xml(event_xml(user.openid, "subscribe"))
    fake_wechat.fail_path["qrcode/create"] = [45009]  # reached the API's daily limit
    await user.say("/invite")
    assert "邀请链接暂时无法生成,请稍后再试" in user.last_text
    await user.say("/invite")
    assert "showqrcode?ticket=" in user.last_text


async def test_me_and_invite_in_the_web_chat_and_a_friend_opening_the_link(chat):
    app, client = chat
    user = WebUser(client)
    await user.open()
    await user.say("/start")
    options = [o for r in user.last if r["type"] == "ask" for o in r["options"]]
    [mine] = [o["key"] for o in options if o["label"] == "我的"]
    await user.send(type="choice", key=mine)
    assert "会员等级:普通会员" in user.text() and "新人券" in user.text()
    labels = [o["label"] for r in user.last if r["type"] == "ask" for o in r["options"]]
    assert labels == [
        "积分",
        "优惠券",
        "邀请好友",
        "次卡",
        "设置生日",
        "紧急联系人",
        "English",
        "主菜单",
    ]
    await user.say("/invite")
    [link] = re.findall(r"http://127\.0\.0\.1:8080/\?start=(ref_[0-9A-F]+)", user.text())
    inviter = link.removeprefix("ref_")

    client.session.cookie_jar.clear()  # another browser opens the link: its first /start
    friend = WebUser(client)
    await friend.open()
    await friend.say(f"/start {link}")
    assert "欢迎来到到家" in friend.text()
    async with app[DATABASE].uow() as uow:
        customer = await uow.customers.by_referral_code(inviter)
    assert await invited_by(app, customer.id) == 1


async def test_serve_puts_me_and_invite_in_the_telegram_command_menu_in_both_languages(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram
):
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import make_settings
    from webhooks.app import create_app

    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, sqlite_url, pii_key, **on_telegram(fake_telegram))
    await aiohttp_client(create_app(settings, catalog, rules, register_webhooks=True))
    chinese, english = [c["commands"] for m, c in fake_telegram.calls if m == "setMyCommands"]
    assert {"command": "me", "description": "我的:等级、积分、优惠券"} in chinese
    assert {"command": "invite", "description": "邀请好友"} in chinese
    assert {"command": "me", "description": "Me: level, points, coupons"} in english
    assert {"command": "invite", "description": "Invite friends"} in english
    assert {"command": "cancel", "description": "Cancel"} in english  # titles, capitalised
