"""A stopping process lets the chat turns in flight finish, or cancels them so that the
platform's retry of the message is processed (by another process, or this one restarted)."""

import asyncio
import secrets

import aiohttp
import pytest
from aiohttp import web

from conversations.events import TextReceived
from tests.e2e.helpers import START, TelegramUser, make_app, on_telegram
from tests.fakes.telegram import FakeTelegram, message_update
from tests.fakes.wechat import PNG
from webhooks.keys import CHAT


class SlowFiles(FakeTelegram):
    """Telegram whose file downloads wait until the test lets them go: a worker's ID photo
    is fetched inside the chat turn, so the turn stays in flight as long as the test likes."""

    def __init__(self) -> None:
        super().__init__()
        self.requested = asyncio.Event()
        self.release = asyncio.Event()

    async def file(self, request: web.Request) -> web.Response:
        self.requested.set()
        await self.release.wait()
        return await super().file(request)


@pytest.fixture
async def slow_telegram():
    fake = SlowFiles()
    await fake.start()
    yield fake
    fake.release.set()
    await fake.stop()


def photo_update(uid: int, fake: FakeTelegram, file_id: str) -> dict:
    fake.files[f"photos/{file_id}.jpg"] = PNG
    size = {"file_id": file_id, "file_unique_id": file_id, "width": 90, "height": 90}
    return message_update(uid, photo=[{**size, "file_size": len(PNG)}])


async def register_up_to_the_id_photo(user: TelegramUser) -> None:
    await user.say("注册师傅")
    assert "真实姓名" in user.text()
    await user.say("李阿姨")
    await user.say("13911112222")
    await user.choose("日常保洁")
    await user.choose("选好了")
    await user.share(location={"latitude": 31.2280, "longitude": 121.4700})
    await user.choose("5 km")
    assert "身份证" in user.text()


@pytest.fixture(params=["redis", "local"])
def shared(request):
    """PostgreSQL + Redis (what several processes share) or SQLite + the local store (one
    process, restarted)."""
    if request.param == "redis":
        return {
            "db_url": request.getfixturevalue("postgres_url"),
            "redis_url": request.getfixturevalue("redis_url"),
        }
    return {"db_url": request.getfixturevalue("fresh_sqlite_url")}


def telegram_app(tmp_path, pii_key, fake, shared):
    kw = dict(shared)
    db_url = kw.pop("db_url")
    return make_app(tmp_path, db_url, pii_key, **on_telegram(fake), **kw)


async def test_a_turn_in_flight_at_shutdown_finishes_and_its_reply_is_sent(
    aiohttp_client, tmp_path, pii_key, slow_telegram, shared
):
    app = telegram_app(tmp_path, pii_key, slow_telegram, shared)
    client = await aiohttp_client(app)
    user = TelegramUser(client, slow_telegram, secrets.randbelow(10**9) + 10**9)
    await register_up_to_the_id_photo(user)

    turn = asyncio.ensure_future(user.post(photo_update(user.uid, slow_telegram, "ID1")))
    await slow_telegram.requested.wait()  # the turn is fetching the photo
    stopping = asyncio.ensure_future(client.server.close())  # what SIGTERM runs
    await app[CHAT].turns.stopping.wait()
    async with aiohttp.ClientSession() as other:  # the port no longer takes connections
        with pytest.raises(aiohttp.ClientConnectionError):
            await other.get(client.make_url("/healthz"))
    late = TextReceived(channel="telegram", user_id="42", at=START, message_id="m1", text="hi")
    with pytest.raises(web.HTTPServiceUnavailable):  # nor new turns: retried elsewhere
        await app[CHAT].handle(late)
    slow_telegram.release.set()
    assert await turn == 200
    assert "健康证照片" in user.text()
    await stopping


async def test_a_turn_that_outlives_the_grace_time_is_cancelled_and_its_retry_is_processed(
    aiohttp_client, tmp_path, pii_key, slow_telegram, shared
):
    app = telegram_app(tmp_path, pii_key, slow_telegram, shared)
    client = await aiohttp_client(app)
    user = TelegramUser(client, slow_telegram, secrets.randbelow(10**9) + 10**9)
    await register_up_to_the_id_photo(user)
    app[CHAT].turns.grace_s = 0  # no grace: the turn below never finishes by itself

    update = photo_update(user.uid, slow_telegram, "ID1")
    turn = asyncio.ensure_future(user.post(update))
    await slow_telegram.requested.wait()
    await client.server.close()  # what SIGTERM runs: the turn is cancelled within it
    with pytest.raises(aiohttp.ClientError):
        await turn  # no answer: Telegram retries the update

    slow_telegram.release.set()
    restarted = await aiohttp_client(telegram_app(tmp_path, pii_key, slow_telegram, shared))
    user.client = restarted
    assert await user.post(update) == 200  # the same update_id: processed, not a duplicate
    assert "健康证照片" in user.text()
