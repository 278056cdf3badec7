"""In WeChat a notice's buttons are words to reply with ("可回复:评价本次服务 #N"): typed as
shown, they do what the button does."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import HOME, WeChatUser, make_app, on_telegram, on_wechat, seed_worker
from tests.e2e.test_media_links import WORKER, book_on_wechat, finish
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CLOCK


@pytest.fixture
async def running(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    settings = {**on_telegram(fake_telegram), **on_wechat(fake_wechat)}
    application = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **settings)
    client = await aiohttp_client(application)
    await seed_worker(application, channel="telegram", user_id=str(WORKER), center=HOME)
    return application, client


async def test_the_rating_offered_after_confirming_starts_when_its_words_are_typed(
    running, fake_telegram, fake_wechat, clock
):
    app, client = running
    customer = WeChatUser(client, fake_wechat, "o-reply-words", WeChatServer(clock=app[CLOCK]))
    number = await book_on_wechat(customer)
    await finish(client, fake_telegram, number, clock)
    await customer.say(f"确认完成 #{number}")
    [words] = re.findall(r"可回复:(.+)", customer.last_text)
    assert words == f"评价本次服务 #{number}"
    await customer.say(words)
    assert f"为订单 #{number} 打分(1/4)" in customer.last_text, customer.last_text
