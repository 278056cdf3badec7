"""A platform's retry of a message whose answer took several messages sends only what did not
go out yet: the parts an earlier attempt pushed (Bot API or customer-service calls besides the
webhook response) are noted after they went out (``ConversationStore.delivered``) and skipped;
the webhook response's own part goes again, since a platform retries only a message whose
answer it did not get. A crash before the pushes leaves nothing noted: the retry sends all.

On the demo set-up (SQLite + the local conversation store) and the operators' one (PostgreSQL
+ Redis), against the fake Bot API and the fake WeChat API.
"""

from __future__ import annotations

import secrets

import pytest

from bots.telegram import TelegramBot
from tests.e2e.helpers import TelegramUser, make_app, on_telegram
from tests.e2e.test_crash_recovery import fail_once, placing, to_the_quote
from webhooks.keys import CHANNELS


@pytest.fixture(params=["sqlite+local", "postgres+redis"])
def setup(request):
    """(database URL, extra settings) of the demo set-up or the operators' one."""
    if request.param == "postgres+redis":
        return request.getfixturevalue("postgres_url"), {
            "redis_url": request.getfixturevalue("redis_url")
        }
    return request.getfixturevalue("fresh_sqlite_url"), {}


@pytest.fixture
async def telegram(setup, aiohttp_client, tmp_path, pii_key, fake_telegram, clock):
    """A customer on Telegram at the quote, with Telegram Payments: placing the order is
    answered with three messages (placed, the invoice, when to pay), the first two pushed."""
    db_url, extra = setup
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        telegram_payment_token="PROVIDER:TEST",
        **extra,
    )
    user = TelegramUser(await aiohttp_client(app), fake_telegram, secrets.randbelow(10**9) + 10**9)
    await to_the_quote(user)
    return user


def kinds(sent: list[dict]) -> list[str]:
    """The messages as what they are: placed, invoice, pay later."""
    return [
        "invoice" if m["method"] == "sendInvoice" else "placed" if "已提交" in m["text"] else "ask"
        for m in sent
    ]


async def test_a_retry_after_the_answer_went_out_sends_only_the_webhook_response(telegram):
    user = telegram
    place = placing(user)
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "invoice", "ask"]
    # the webhook response was lost on the way: Telegram sends the update again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["ask"]  # the pushed two are not sent again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["ask"]


async def test_a_retry_after_a_crash_before_the_pushes_sends_the_whole_answer(
    telegram, monkeypatch
):
    user = telegram
    place = placing(user)
    bot = user.client.server.app[CHANNELS].get("telegram")
    assert isinstance(bot, TelegramBot)
    # the turn is committed, then the process dies before its first Bot API call
    fail_once(monkeypatch, bot, "_call", RuntimeError("power cut"))
    assert await user.post(place) == 500
    assert user.last == []
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "invoice", "ask"]
    assert len([m for m in user.fake.sent(user.uid) if m["method"] == "sendInvoice"]) == 1


async def test_a_retry_after_part_of_the_answer_went_out_sends_the_rest(telegram):
    user = telegram
    place = placing(user)
    user.fake.fail_chat[user.uid] = [None, (502, "Bad Gateway")]  # the invoice fails
    assert await user.post(place) == 200
    assert kinds(user.last) == ["placed", "ask"]
    # the webhook response was lost too: the retry sends the invoice, and the last again
    assert await user.post(place) == 200
    assert kinds(user.last) == ["invoice", "ask"]
    assert await user.post(place) == 200  # once more: the invoice went out this time
    assert kinds(user.last) == ["ask"]
