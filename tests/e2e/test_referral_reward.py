"""The referral reward through whole orders, on SQLite and PostgreSQL: a friend who came by the
inviter's link books, pays, the worker does the job, and when the friend's first order is
confirmed both get the referral coupon, each told in chat — once, even when the customer's
confirmation and the automatic one arrive together, and never again for a later order.
Inviting oneself (one's own phone on another channel's account) and an invitee whose phone is
another customer's earn nothing."""

from __future__ import annotations

import asyncio
import re

import pytest

from domain.commands import AutoConfirm
from domain.people import Channel, Customer
from domain.referrals import REFERRAL_REASON
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    confirm_order,
    make_app,
    near_the_start,
    on_telegram,
    on_wechat,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.e2e.test_job_rules import photo
from tests.fakes.wechat import WeChatServer, event_xml, location_xml
from webhooks.keys import CLOCK, DATABASE, SERVICES

WORKER = 783900
INVITER_NOTICE = "您邀请的好友完成了首单"
INVITEE_NOTICE = "感谢您接受好友邀请并完成首单"


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, fake_wechat, clock):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client


async def customer_of(app, channel: str, user_id: str) -> Customer:
    async with app[DATABASE].uow() as uow:
        customer = await uow.customers.by_identity(Channel(channel), user_id)
    assert customer is not None
    return customer


async def referral_coupons(app, customer_id: int) -> list[int]:
    """The amounts of the referral coupons the customer holds."""
    async with app[DATABASE].uow() as uow:
        held = await uow.coupons.for_customer(customer_id)
    return [c.terms.amount_cents for c in held if c.reason.startswith(REFERRAL_REASON)]


def told(fake_telegram, chat: int, marker: str) -> int:
    return sum(marker in m.get("text", "") for m in fake_telegram.sent(chat))


async def invitation(user: TelegramUser) -> str:
    """The scene of the user's invitation (``ref_<code>``), from ``/invite``."""
    await user.say("/invite")
    found = re.search(r"https://t\.me/daojia_bot\?start=(ref_[0-9A-F]+)", user.text())
    assert found, user.text()
    return found.group(1)


async def do_the_job(worker: TelegramUser, fake_telegram, clock, number: int) -> None:
    """The worker takes the offered job, goes, checks in, takes the photos and finishes."""
    await worker.say(f"/accept #{number}")
    assert "接单成功" in worker.text(), worker.text()
    await near_the_start(worker.client.app, number)
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(worker.client.app, number))
    await photo(worker, fake_telegram, f"door{number}")
    for kind in ("before", "after"):
        await worker.say(f"/photo #{number} {kind}")
        await photo(worker, fake_telegram, f"{kind}{number}")
    clock.advance(hours=2)
    await worker.say(f"/finish #{number}")
    assert "完工" in worker.text(), worker.text()


async def test_both_get_the_referral_coupon_once_when_the_friends_first_order_completes(
    shop, fake_telegram, clock
):
    app, client = shop
    inviter = TelegramUser(client, fake_telegram, 783001)
    await inviter.say("/start")
    scene = await invitation(inviter)
    friend = TelegramUser(client, fake_telegram, 783002)
    await friend.say(f"/start {scene}")
    assert "欢迎来到到家" in friend.text()
    a = await customer_of(app, "telegram", "783001")
    b = await customer_of(app, "telegram", "783002")
    assert b.referred_by == a.id

    worker = TelegramUser(client, fake_telegram, WORKER)
    number = await book_and_pay(friend, phone="13800138002")
    await do_the_job(worker, fake_telegram, clock, number)
    assert await referral_coupons(app, a.id) == []  # finished is not completed

    # the customer confirms just as the automatic confirmation comes due: one completion
    clock.advance(hours=24, minutes=1)
    await asyncio.gather(friend.say(f"/confirm #{number}"), app[SERVICES].run(AutoConfirm()))
    assert await referral_coupons(app, a.id) == [5_000]
    assert await referral_coupons(app, b.id) == [5_000]
    assert told(fake_telegram, 783001, INVITER_NOTICE) == 1
    assert told(fake_telegram, 783002, INVITEE_NOTICE) == 1
    [notice] = [
        m["text"] for m in fake_telegram.sent(783001) if INVITER_NOTICE in m.get("text", "")
    ]
    assert "¥50.00 邀请奖励券" in notice and "30 天内有效" in notice

    await friend.say(f"/confirm #{number}")  # again: refused, nothing more
    await app[SERVICES].run(AutoConfirm())
    # a second order of the friend completing gives nothing either
    second = await book_and_pay(friend, "明天 10:00")
    await do_the_job(worker, fake_telegram, clock, second)
    await friend.say(f"/confirm #{second}")
    assert "已确认完成" in friend.text()
    assert await referral_coupons(app, a.id) == [5_000]
    assert await referral_coupons(app, b.id) == [5_000]
    assert told(fake_telegram, 783001, INVITER_NOTICE) == 1
    assert told(fake_telegram, 783002, INVITEE_NOTICE) == 1

    await inviter.say("我的优惠券")
    assert "· 邀请奖励券:立减¥50.00,有效期至" in inviter.text()


async def test_inviting_oneself_from_another_channel_earns_nothing(
    shop, fake_telegram, fake_wechat, clock
):
    app, client = shop
    me_on_telegram = TelegramUser(client, fake_telegram, 783011)
    await book_and_pay(me_on_telegram, phone="13900139011")
    scene = await invitation(me_on_telegram)

    # the same person follows the official account through their own QR code
    me_on_wechat = WeChatUser(client, fake_wechat, "o-self-0011", WeChatServer(clock=app[CLOCK]))
    follow = event_xml(me_on_wechat.openid, "subscribe", f"qrscene_{scene}")
    await me_on_wechat.post_xml(follow)
    a = await customer_of(app, "telegram", "783011")
    b = await customer_of(app, "wechat", "o-self-0011")
    assert b.referred_by == a.id  # recorded as invited: the phone tells later
    for option in ("预约服务", "保洁", "日常保洁"):
        await me_on_wechat.choose(option)
    await me_on_wechat.say("2")  # hours: a quick pick answered by its label
    await me_on_wechat.say("明天 18:00")
    await me_on_wechat.post_xml(location_xml(me_on_wechat.openid, *HOME, "人民广场"))
    await me_on_wechat.say("8楼801")
    await confirm_order(me_on_wechat, "13900139011")  # the same phone: no new-customer offers
    assert "新客首单立减" not in me_on_wechat.last_text
    number = int(re.search(r"#(\d{6,8})", me_on_wechat.last_text).group(1))
    await me_on_wechat.choose("确认支付")
    assert "支付成功" in me_on_wechat.last_text

    worker = TelegramUser(client, fake_telegram, WORKER)
    await do_the_job(worker, fake_telegram, clock, number)
    await me_on_wechat.say(f"确认完成 #{number}")
    assert "已确认完成" in me_on_wechat.last_text
    assert await referral_coupons(app, a.id) == await referral_coupons(app, b.id) == []
    assert told(fake_telegram, 783011, INVITER_NOTICE) == 0
    assert not any(INVITEE_NOTICE in t for t in fake_wechat.texts("o-self-0011"))


async def test_an_invitee_whose_phone_is_another_customers_earns_nothing(
    shop, fake_telegram, clock
):
    app, client = shop
    existing = TelegramUser(client, fake_telegram, 783021)
    await book_and_pay(existing, phone="13700137021")
    inviter = TelegramUser(client, fake_telegram, 783022)
    await inviter.say("/start")
    scene = await invitation(inviter)
    second_account = TelegramUser(client, fake_telegram, 783023)
    await second_account.say(f"/start {scene}")
    number = await book_and_pay(second_account, "明天 18:00", phone="13700137021")

    worker = TelegramUser(client, fake_telegram, WORKER)
    await do_the_job(worker, fake_telegram, clock, number)
    await second_account.say(f"/confirm #{number}")
    assert "已确认完成" in second_account.text()
    a = await customer_of(app, "telegram", "783022")
    b = await customer_of(app, "telegram", "783023")
    assert b.referred_by == a.id
    assert await referral_coupons(app, a.id) == await referral_coupons(app, b.id) == []
    assert told(fake_telegram, 783022, INVITER_NOTICE) == 0
