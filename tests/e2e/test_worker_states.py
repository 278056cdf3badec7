"""A worker's conversation saved by the version before the flows' typed data (``conv.data``
under ``"r"`` and ``"w"``) goes on after an upgrade: the flow it was in starts again from its
first step instead of failing or carrying half a sign-up into a registration."""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from conversations.replies import NO_ANSWER
from conversations.state import Conversation
from tests.e2e.helpers import (
    TelegramUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    seed_worker,
)
from webhooks.keys import CONVERSATIONS


@pytest.fixture
async def telegram(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


async def saved_as_before(app, user: TelegramUser, change: Callable[[Conversation], None]):
    """Rewrite the person's saved conversation the way the older version kept it."""
    store, user_id = app[CONVERSATIONS], str(user.uid)
    claim = await store.begin("telegram", user_id, "upgrade")
    conv = Conversation.loads(claim.state)
    assert conv is not None
    change(conv)
    assert await store.commit("telegram", user_id, "upgrade", claim.token, conv.dumps(), NO_ANSWER)


async def test_a_signup_saved_before_the_typed_data_starts_again_from_the_name(
    telegram, fake_telegram
):
    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await user.say("注册师傅")
    await user.say("李阿姨")
    assert "手机号" in user.text()

    def older(conv: Conversation) -> None:
        assert (conv.flow, conv.step) == ("worker_register", "phone")
        conv.data = {"r": {"name": "李阿姨"}}

    await saved_as_before(app, user, older)
    await user.say("13911112222")
    assert "欢迎加入到家" in user.text() and "真实姓名" in user.text()
    await user.say("李阿姨")
    await user.say("13911112222")
    assert "您会哪些服务" in user.text()  # and on it goes, with the new shape


async def test_a_check_in_saved_before_the_typed_data_goes_back_to_the_jobs_menu(
    telegram, fake_telegram
):
    app, client = telegram
    user = TelegramUser(client, fake_telegram, secrets.randbelow(10**9) + 10**9)
    await seed_worker(app, channel="telegram", user_id=str(user.uid))
    number = await book_and_pay(TelegramUser(client, fake_telegram, 620001))
    await user.say(f"接单 #{number}")
    await near_the_start(app, number)
    await user.say(f"打卡 #{number}")  # their job, due: the location is asked for
    assert f"#{number}" in user.text() and "位置" in user.text()

    def older(conv: Conversation) -> None:
        assert (conv.flow, conv.step) == ("worker", "checkin_location")
        conv.data = {"w": {"number": number}}

    await saved_as_before(app, user, older)
    await user.share(location={"latitude": 31.2304, "longitude": 121.4737})
    assert "在线接单中" in user.text() and f"#{number}" in user.text()  # the jobs menu
    assert "位置已确认" not in user.text()  # no check-in from the older data
