"""A district is shown in its reader's language (stored as the gazetteer's Chinese name): an
English worker's offer and jobs screen, an English admin's order, worker and dashboard name it
in pinyin (``Xuhui District``); a Chinese reader still reads ``徐汇区``. WeChat through the
webhooks, with the offline district table, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import secrets

import pytest
from yarl import URL

from tests.e2e.helpers import WeChatUser, make_app, on_wechat, seed_worker
from tests.fakes.wechat import WeChatServer, event_xml
from webhooks.dashboard import dashboard_link
from webhooks.keys import CLOCK, DATABASE, LINKS

TYPED = "漕溪北路100号5楼501"
"""An address naming no district: the table places it in 徐汇区 by its road."""
OWNER = "wechat:o-district-owner"
RUN = secrets.token_hex(4)
"""Accounts of this run: Redis remembers WeChat message ids across runs."""


@pytest.fixture
async def app_client(aiohttp_client, tmp_path, own_db_url, pii_key, clock, fake_wechat):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        admins=f"{OWNER}:owner",
        **on_wechat(fake_wechat),
    )
    return app, await aiohttp_client(app)


def wechat(app, client, fake_wechat, openid: str) -> WeChatUser:
    return WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))


async def speaks_english(app, worker_id: int) -> None:
    """The worker chose English (their notices follow it), as at an English sign-up."""
    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(worker_id)
        assert worker is not None
        worker.lang = "en"
        await uow.workers.save(worker)
        await uow.commit()


async def book_typed(app, client, fake_wechat, openid: str) -> int:
    """Two hours of cleaning tomorrow at 15:00 at ``TYPED``, paid in the sandbox."""
    user = wechat(app, client, fake_wechat, openid)
    await user.post_xml(event_xml(openid, "subscribe"))
    for option in ("预约服务", "保洁", "日常保洁"):
        await user.choose(option)
    await user.say("2")
    await user.say("明天 15:00")
    await user.say(TYPED)
    if "手机号" in user.last_text:
        await user.say(user.phone)
    placed = re.search(r"#(\d{6,8})", user.last_text)
    assert placed is not None, user.last_text
    await user.choose("确认支付")
    assert "支付成功" in user.last_text
    return int(placed.group(1))


async def test_an_english_worker_and_admin_read_districts_in_pinyin(app_client, fake_wechat):
    app, client = app_client
    english_id, chinese_id = f"o-district-en-{RUN}", f"o-district-zh-{RUN}"
    far = (31.40, 121.60)  # both serve 徐汇区 by name only
    worker_id = await seed_worker(
        app, channel="wechat", user_id=english_id, center=far, radius_m=0, districts=("徐汇区",)
    )
    await speaks_english(app, worker_id)
    english = wechat(app, client, fake_wechat, english_id)
    await english.say("English")
    await seed_worker(
        app, channel="wechat", user_id=chinese_id, center=far, radius_m=0, districts=("徐汇区",)
    )

    number = await book_typed(app, client, fake_wechat, f"o-district-c-{RUN}")
    offers = [t for t in fake_wechat.texts(english_id) if f"#{number}" in t]
    assert offers and "Where: Xuhui District 漕溪北路**号…" in offers[-1], offers
    await english.say("jobs")
    assert f"Offer: #{number}" in english.last_text
    assert "Xuhui District 漕溪北路**号…" in english.last_text, english.last_text
    await english.say(f"decline #{number}")
    chinese = [t for t in fake_wechat.texts(chinese_id) if f"#{number}" in t]
    assert chinese and "地点:徐汇区 漕溪北路**号…" in chinese[-1], chinese

    owner = wechat(app, client, fake_wechat, OWNER.split(":")[1])
    await owner.say("English")
    await owner.say(f"/order #{number}")
    assert "Area Xuhui District · " in owner.last_text, owner.last_text
    await owner.say(f"/worker {worker_id}")
    assert "Area: Xuhui District" in owner.last_text, owner.last_text
    assert "徐汇区" not in owner.last_text

    link = URL(dashboard_link(app[LINKS], OWNER, "owner"))
    html = await (await client.get(link.with_query({**link.query, "lang": "en"}).path_qs)).text()
    assert "Xuhui District" in html and "徐汇区" not in html
