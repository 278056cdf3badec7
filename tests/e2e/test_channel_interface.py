"""One channel interface: a channel daojia was not written for (``tests.fakes.loop_channel``,
built only on ``bots.channel``), registered through the one registration point — the adapters
``create_app`` serves, ``webhooks.channels.ADAPTERS`` by default — signs a customer up, gets
their notices through the outbox (kept while the platform is down, sent when it is back) and
is counted like every channel."""

from __future__ import annotations

import itertools
import re

from domain.commands import DrainOutbox
from domain.people import Channel
from tests.e2e.helpers import CATALOG, RULES, TelegramUser, make_settings, on_telegram
from tests.fakes.loop_channel import LoopChannel
from webhooks.app import create_app
from webhooks.channels import ADAPTERS
from webhooks.keys import CHANNELS, DATABASE, PAYMENTS, SERVICES

SUPPORT = 7_000_001
_ids = itertools.count(1)


class LoopUser:
    def __init__(self, client, user: str) -> None:
        self.client, self.user = client, user
        self.last: list[str] = []

    async def say(self, text: str) -> str:
        body = {"user": self.user, "id": f"loop-{next(_ids)}", "text": text}
        resp = await self.client.post("/loop", json=body)
        assert resp.status == 200, await resp.text()
        answer = await resp.json()
        assert answer["status"] == "handled"
        self.last = answer["replies"]
        return self.text()

    async def choose(self, label_part: str) -> str:
        numbered = re.findall(r"^(\d+)\. (.*)$", self.text(), re.M)
        matches = [n for n, label in numbered if label_part in label]
        assert matches, f"no option {label_part!r} in {self.text()!r}"
        return await self.say(matches[0])

    def text(self) -> str:
        return "\n\n".join(self.last)


async def test_a_channel_registered_in_one_place_chats_and_gets_notices_through_the_outbox(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    settings = make_settings(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        **on_telegram(fake_telegram),
        admins=f"telegram:{SUPPORT}:support",
    )
    app = create_app(settings, CATALOG, RULES, clock=clock, adapters=(*ADAPTERS, LoopChannel))
    client = await aiohttp_client(app)
    loop = app[CHANNELS]["loop"]
    assert app[PAYMENTS].channels["loop"] == "sandbox"  # no provider of its own: the sandbox

    customer = LoopUser(client, "L-1")
    assert "新人券" in await customer.say("/start")
    async with app[DATABASE].uow() as uow:
        me = await uow.customers.by_identity(Channel("loop"), "L-1")
    assert me is not None and me.phone == ""  # given at the first checkout
    await customer.say("明天下午三点 日常保洁 2小时 浦东新区世纪大道100号5楼")
    assert "手机号" in await customer.say("1")  # "1. 确认下单"
    assert "已提交" in await customer.say("13800138000")
    async with app[DATABASE].uow() as uow:
        me = await uow.customers.by_identity(Channel("loop"), "L-1")
    assert me is not None and me.phone == "13800138000"

    support = TelegramUser(client, fake_telegram, SUPPORT)
    loop.down = True
    await support.say("/coupon issue 13800138000 25 7")
    assert "¥25.00 优惠券" in support.text()
    assert loop.inbox["L-1"] == []  # kept in the outbox while the platform is down
    loop.down = False
    clock.advance(minutes=10)  # past the retry back-off
    await app[SERVICES].run(DrainOutbox())
    [notice] = loop.inbox["L-1"]
    assert "¥25.00 优惠券" in notice

    metrics = await (await client.get("/metrics")).text()
    assert 'daojia_messages_total{channel="loop",result="handled"} 4.0' in metrics


async def test_an_owner_adds_an_admin_of_a_registered_channel_in_chat(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    owner = 7_000_002
    settings = make_settings(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        **on_telegram(fake_telegram),
        admins=f"telegram:{owner}:owner",
    )
    app = create_app(settings, CATALOG, RULES, clock=clock, adapters=(*ADAPTERS, LoopChannel))
    client = await aiohttp_client(app)
    boss = TelegramUser(client, fake_telegram, owner)
    await boss.say("/admin add loop:night-shift support")
    assert "loop night-shift 现在是 客服 管理员" in boss.text()  # a channel's id as its name
    await boss.say("/admin add line:someone support")  # not a registered channel
    assert "未知渠道 line" in boss.text()
