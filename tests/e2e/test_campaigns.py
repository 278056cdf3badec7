"""Campaigns end to end, on SQLite and PostgreSQL, through the admin's Telegram webhook with
the fake Telegram and WeChat APIs: the preview counts who matches and who a message reaches
(minus the unsubscribed, minus the unreachable); the confirmation gives each customer one
coupon and tells them — Telegram by a message, WeChat inside the 48-hour window by a
customer-service message and outside it by a template message; 退订 is honoured (the coupon
still lands in 我的); a send that dies part-way is finished by the sweep and nobody gets two
coupons; a blocked Telegram account is counted unreachable; only owner and ops may send."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

import pytest
from sqlalchemy import text

from domain.commands import DrainOutbox, SendCampaigns
from domain.people import Channel
from tests.e2e.helpers import (
    RULES,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    broadcast,
    make_app,
    on_telegram,
    on_wechat,
)
from tests.fakes.wechat import WeChatServer, event_xml
from webhooks.keys import CLOCK, DATABASE, SERVICES

OWNER, OPS, SUPPORT = 640001, 640002, 640003
ADMINS = f"telegram:{OWNER}:owner,telegram:{OPS}:ops,telegram:{SUPPORT}:support"
TEMPLATES = """\
campaign_coupon:
  template_id: TPL-CAMPAIGN
  fields:
    first: 送您一张活动券
    keyword1: "{{ amount | yuan }}"
    keyword2: "{{ until | local('%Y-%m-%d') }}"
    remark: 回复「退订」不再接收优惠消息
"""


def shop_app(tmp_path, db_url, pii_key, fake_telegram, fake_wechat, clock, rules=RULES):
    tmp_path.mkdir(parents=True, exist_ok=True)
    templates = tmp_path / "templates.yaml"
    templates.write_text(TEMPLATES, encoding="utf-8")
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        rules=rules,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        admins=ADMINS,
        wechat_templates=templates,
    )


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, fake_wechat, clock):
    app = shop_app(tmp_path, own_db_url, pii_key, fake_telegram, fake_wechat, clock)
    return app, await aiohttp_client(app)


async def campaign_coupons(app, campaign_id: int) -> dict[int, int]:
    """customer id → how many coupons of the campaign they hold."""
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        rows = await conn.execute(
            text(
                "SELECT customer_id, count(*) FROM coupons WHERE reason = :r GROUP BY customer_id"
            ),
            {"r": f"campaign:{campaign_id}"},
        )
        return {int(c): int(n) for c, n in rows.all()}


async def customer_id(app, channel: str, user_id: str) -> int:
    async with app[DATABASE].uow() as uow:
        found = await uow.customers.by_identity(Channel(channel), user_id)
    assert found is not None and found.id is not None
    return found.id


def told(fake_telegram, uid: int) -> list[str]:
    return [m["text"] for m in fake_telegram.sent(uid) if "送您一张活动券" in m.get("text", "")]


async def preview(owner: TelegramUser, args: str) -> tuple[int, str]:
    await owner.say(f"/campaign {args}".strip())
    shown = owner.text()
    found = re.search(r"活动 #(\d+) 预览", shown)
    assert found is not None, shown
    return int(found.group(1)), shown


async def test_a_campaign_is_previewed_confirmed_and_told_each_platforms_way_once(
    shop, fake_telegram, fake_wechat, clock
):
    app, client = shop
    wechat = WeChatServer(clock=app[CLOCK])
    far = WeChatUser(client, fake_wechat, "o-camp-far", wechat)
    await far.post_xml(event_xml(far.openid, "subscribe"))
    clock.advance(hours=49)  # far's last message is now outside WeChat's 48-hour window
    near = WeChatUser(client, fake_wechat, "o-camp-near", wechat)
    await near.post_xml(event_xml(near.openid, "subscribe"))
    fan = TelegramUser(client, fake_telegram, 640101)
    await fan.say("/start")
    quiet = TelegramUser(client, fake_telegram, 640102)
    await quiet.say("/start")
    await quiet.say("退订")
    assert "已退订优惠和活动消息。订单通知照常发送" in quiet.text()

    owner = TelegramUser(client, fake_telegram, OWNER)
    campaign, shown = await preview(owner, "金额=20 门槛=100 天数=14")
    assert "对象:全部客户" in shown and "券:满¥100.00减¥20.00,14 天有效" in shown
    assert "匹配 4 位客户,消息可送达 3 位(已退订 1 位、无法送达 0 位" in shown
    assert await campaign_coupons(app, campaign) == {}  # a preview gives nothing

    await owner.say(f"/campaign send {campaign}")
    assert f"活动 #{campaign} 已确认" in owner.text()
    await app[SERVICES].run(DrainOutbox())

    people = {
        name: await customer_id(app, channel, uid)
        for name, channel, uid in (
            ("far", "wechat", far.openid),
            ("near", "wechat", near.openid),
            ("fan", "telegram", "640101"),
            ("quiet", "telegram", "640102"),
        )
    }
    assert await campaign_coupons(app, campaign) == {c: 1 for c in people.values()}
    [message] = told(fake_telegram, fan.uid)
    assert "满¥100.00减¥20.00" in message and "回复「退订」不再接收优惠消息" in message
    assert told(fake_telegram, quiet.uid) == []  # unsubscribed: the coupon only
    assert [t for t in fake_wechat.texts(near.openid) if "送您一张活动券" in t] != []
    assert fake_wechat.templates(near.openid) == []  # inside the window: a text
    [template] = fake_wechat.templates(far.openid)
    assert template["template_id"] == "TPL-CAMPAIGN"
    assert template["data"]["keyword1"] == {"value": "¥20.00"}
    assert [t for t in fake_wechat.texts(far.openid) if "送您一张活动券" in t] == []

    await quiet.say("/coupons")
    assert "活动券:满¥100.00减¥20.00" in quiet.text()  # named, never by its code

    await owner.say(f"/campaign send {campaign}")  # a second confirmation sends nothing
    assert "已确认过" in owner.text()
    await app[SERVICES].run(SendCampaigns())
    assert await campaign_coupons(app, campaign) == {c: 1 for c in people.values()}
    await owner.say("/campaigns")
    listed = owner.text()
    assert f"#{campaign}" in listed and "已发送" in listed
    assert "已发券 4(发消息 3、退订 1、无法送达 0、待发 0),已使用 0" in listed

    await quiet.say("/subscribe")
    assert "已恢复接收优惠和活动消息" in quiet.text()
    _, again = await preview(owner, "金额=20")
    assert "消息可送达 4 位(已退订 0 位" in again


async def test_a_text_whose_window_closed_before_it_went_goes_as_the_template(
    shop, fake_telegram, fake_wechat
):
    app, client = shop
    wechat = WeChatServer(clock=app[CLOCK])
    late = WeChatUser(client, fake_wechat, "o-camp-late", wechat)
    await late.post_xml(event_xml(late.openid, "subscribe"))
    owner = TelegramUser(client, fake_telegram, OWNER)
    campaign, shown = await preview(owner, "金额=15 门槛=0")
    assert "消息可送达 1 位" in shown  # inside the window: planned as a text
    # WeChat says the window closed (the customer's last message was earlier than we knew)
    fake_wechat.fail_path["message/custom/send"] = [45015]
    await owner.say(f"/campaign send {campaign}")
    await app[SERVICES].run(DrainOutbox())
    assert [t for t in fake_wechat.texts(late.openid) if "送您一张活动券" in t] == []
    [template] = fake_wechat.templates(late.openid)
    assert template["template_id"] == "TPL-CAMPAIGN"
    assert template["data"]["keyword1"] == {"value": "¥15.00"}
    assert "fallback" not in template and "window_fallback" not in template
    await app[SERVICES].run(DrainOutbox())  # delivered: nothing goes twice
    assert len(fake_wechat.templates(late.openid)) == 1


async def test_segments_count_by_district_item_and_dormancy(shop, fake_telegram, clock):
    app, client = shop
    buyer = TelegramUser(client, fake_telegram, 640201)
    await book_and_pay(buyer, address="徐汇区漕溪北路88号 8楼801")
    browser = TelegramUser(client, fake_telegram, 640202)
    await browser.say("/start")
    buyer_id = await customer_id(app, "telegram", "640201")
    async with app[DATABASE].uow() as uow:
        [address] = await uow.addresses.for_customer(buyer_id)
    assert "徐汇区" in address.text  # the district is named in the address, as dispatch reads it
    owner = TelegramUser(client, fake_telegram, OWNER)
    _, shown = await preview(owner, "区域=徐汇区 买过=日常保洁")
    assert "地址在 徐汇区、买过 日常保洁" in shown and "匹配 1 位客户" in shown
    _, shown = await preview(owner, "区域=静安区")
    assert "匹配 0 位客户" in shown
    _, shown = await preview(owner, "等级=白银")
    assert "匹配 0 位客户" in shown
    _, shown = await preview(owner, "沉睡=30")
    assert "匹配 0 位客户" in shown  # one ordered today, the other joined today
    clock.advance(days=31)
    _, shown = await preview(owner, "沉睡=30")
    assert "匹配 2 位客户" in shown
    _, shown = await preview(owner, "沉睡=30 买过=日常保洁")
    assert "匹配 1 位客户" in shown
    await owner.say("/campaign 买过=火箭维修")
    assert "没有服务项目 火箭维修" in owner.text()


async def test_a_send_that_dies_part_way_is_finished_by_the_sweep_and_nobody_gets_two(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, fake_wechat, clock
):
    small = replace(RULES, membership=replace(RULES.membership, campaign_batch=2))
    app = shop_app(tmp_path, own_db_url, pii_key, fake_telegram, fake_wechat, clock, small)
    client = await aiohttp_client(app)
    users = [TelegramUser(client, fake_telegram, 640301 + n) for n in range(5)]
    for user in users:
        await user.say("/start")
    owner = TelegramUser(client, fake_telegram, OWNER)
    campaign, _ = await preview(owner, "金额=10 门槛=0")

    desk = app[SERVICES].campaigns
    give, calls = desk._give, []

    async def dies_on_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the process died")
        return await give(*args, **kwargs)

    desk._give = dies_on_the_second_batch
    await owner.say(f"/campaign send {campaign}")
    assert f"活动 #{campaign} 已确认" in owner.text()
    assert sum((await campaign_coupons(app, campaign)).values()) == 2  # the first batch only
    desk._give = give

    await asyncio.gather(*(app[SERVICES].run(SendCampaigns()) for _ in range(2)))
    await app[SERVICES].run(SendCampaigns())
    coupons = await campaign_coupons(app, campaign)
    assert sorted(coupons.values()) == [1] * 5
    await app[SERVICES].run(DrainOutbox())
    assert all(len(told(fake_telegram, u.uid)) == 1 for u in users)
    await owner.say("/campaigns")
    assert "已发券 5(发消息 5、退订 0、无法送达 0、待发 0)" in owner.text()


async def test_a_blocked_telegram_account_is_unreachable_until_it_writes_again(
    shop, fake_telegram, clock
):
    app, client = shop
    gone = TelegramUser(client, fake_telegram, 640401)
    await gone.say("/start")
    fake_telegram.fail_chat[gone.uid] = [(403, "Forbidden: bot was blocked by the user")]
    owner = TelegramUser(client, fake_telegram, OWNER)
    campaign, shown = await preview(owner, "金额=20")
    assert "消息可送达 1 位" in shown
    await owner.say(f"/campaign send {campaign}")
    await app[SERVICES].run(DrainOutbox())
    assert told(fake_telegram, gone.uid) == []
    _, shown = await preview(owner, "金额=20")
    assert "消息可送达 0 位(已退订 0 位、无法送达 1 位" in shown
    clock.advance(minutes=11)  # a process notes a person's messages every 10 minutes at most
    await gone.say("/me")  # writing again: the bot is unblocked
    _, shown = await preview(owner, "金额=20")
    assert "消息可送达 1 位" in shown


async def test_only_owner_and_ops_send_campaigns_and_customers_do_not_see_the_command(
    shop, fake_telegram
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 640501)
    await customer.say("/start")
    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say("/campaign 金额=20")
    assert "/campaign 需要 老板 或 调度 角色" in support.text()
    await support.say("/campaigns")
    assert "/campaigns 需要 老板 或 调度 或 财务 角色" in support.text()
    await customer.say("/campaign 金额=20")
    assert "不认识的指令 /campaign" in customer.text()
    ops = TelegramUser(client, fake_telegram, OPS)
    campaign, _ = await preview(ops, "金额=20")
    await ops.say(f"/campaign send {campaign}")
    assert "已确认" in ops.text()
    async with app[DATABASE].uow() as uow:
        conn = await uow.session.connection()
        actions = (await conn.execute(text("SELECT action, actor FROM audit_log"))).all()
    assert ("campaign_send", f"telegram:{OPS}") in [(a, w) for a, w in actions]


async def test_unsubscribed_customers_get_no_broadcast_but_their_own_notices_still_come(
    shop, fake_telegram
):
    app, client = shop
    fan = TelegramUser(client, fake_telegram, 640601)
    await fan.say("/start")
    quiet = TelegramUser(client, fake_telegram, 640602)
    await quiet.say("/start")
    await quiet.say("unsubscribe")
    owner = TelegramUser(client, fake_telegram, OWNER)
    await broadcast(owner, "春节照常服务")
    await app[SERVICES].run(DrainOutbox())

    def texts(user: TelegramUser) -> list[str]:
        return [m.get("text", "") for m in fake_telegram.sent(user.uid)]

    assert any("春节照常服务" in t for t in texts(fan))
    assert not any("春节照常服务" in t for t in texts(quiet))
    quiet_id = await customer_id(app, "telegram", "640602")
    await owner.say(f"/coupon issue {quiet_id} 20")  # a goodwill coupon is not marketing
    await app[SERVICES].run(DrainOutbox())
    assert any("¥20.00 优惠券" in t for t in texts(quiet))


@pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)
async def test_two_processes_sending_one_campaign_give_each_customer_one_coupon(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, fake_wechat, clock
):
    small = replace(RULES, membership=replace(RULES.membership, campaign_batch=2))
    one = shop_app(tmp_path / "a", own_db_url, pii_key, fake_telegram, fake_wechat, clock, small)
    two = shop_app(tmp_path / "b", own_db_url, pii_key, fake_telegram, fake_wechat, clock, small)
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    users = [TelegramUser(client, fake_telegram, 640701 + n) for n in range(7)]
    for user in users:
        await user.say("/start")
    owner = TelegramUser(client, fake_telegram, OWNER)
    campaign, _ = await preview(owner, "金额=15 门槛=0")
    async with one[DATABASE].uow() as uow:  # confirmed, none sent yet: the sweeps send it
        assert await uow.marketing.start(campaign, clock())
        await uow.commit()

    await asyncio.gather(*(app[SERVICES].run(SendCampaigns()) for app in (one, two) * 3))
    assert sorted((await campaign_coupons(one, campaign)).values()) == [1] * 7
    await asyncio.gather(one[SERVICES].run(DrainOutbox()), two[SERVICES].run(DrainOutbox()))
    assert [len(told(fake_telegram, u.uid)) for u in users] == [1] * 7
