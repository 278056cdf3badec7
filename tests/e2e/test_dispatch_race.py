"""Grab mode under fire: 20 workers accept the same job at once through two app instances
sharing PostgreSQL and Redis — exactly one wins, the other 19 are told politely."""

import asyncio
import random
from dataclasses import replace

from domain.rules import DispatchMode
from tests.e2e.helpers import (
    RULES,
    STACKING,
    Clock,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
)
from tests.fakes.wechat import WeChatServer, text_xml

GRAB = replace(STACKING, dispatch=replace(RULES.dispatch, mode=DispatchMode.GRAB, grab_top_k=20))


async def test_twenty_concurrent_accepts_across_two_processes_give_one_winner(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_telegram, fake_wechat
):
    clock = Clock()
    # somewhere no other test puts workers
    home = (30.2 + random.random(), 114.0 + random.random())

    def app(name):
        return make_app(
            tmp_path / name,
            postgres_url,
            pii_key,
            clock=clock,
            rules=GRAB,
            redis_url=redis_url,
            **on_telegram(fake_telegram),
            **on_wechat(fake_wechat),
        )

    one, two = app("one"), app("two")
    client_one, client_two = await aiohttp_client(one), await aiohttp_client(two)
    suffix = random.randrange(10**9)
    openids = [f"o-race-{suffix}-{i}" for i in range(20)]
    for openid in openids:
        await seed_worker(one, channel="wechat", user_id=openid, center=home, radius_m=5000)

    customer = TelegramUser(client_one, fake_telegram, 10**9 + suffix % 10**6)
    number = await book_and_pay(customer, home=home)  # at the workers' location
    offered = [o for o in openids if any(f"#{number}" in t for t in fake_wechat.texts(o))]
    assert len(offered) == 20

    server = WeChatServer(clock=clock)
    requests = [
        (client_one if i % 2 else client_two, server.request(text_xml(openid, f"接单 #{number}")))
        for i, openid in enumerate(openids)
    ]
    responses = await asyncio.gather(
        *[c.post("/wechat", params=q, data=b) for c, (q, b) in requests]
    )
    replies = [WeChatUser.content(await r.text()) for r in responses]
    assert all(r.status == 200 for r in responses)
    winners = [t for t in replies if "接单成功" in t]
    losers = [t for t in replies if "已被其他师傅接走" in t or "刚被他人更新" in t]
    assert len(winners) == 1, replies
    assert len(losers) == 19, replies

    customer.last = fake_telegram.sent(customer.uid)[-1:]
    assert "已接单" in customer.last[0]["text"]
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    timeline = customer.text().split("进度:")[1]
    assert timeline.count("已接单") == 1
