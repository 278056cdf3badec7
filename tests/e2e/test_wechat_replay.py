"""WeChat requests outside the replay window, or a signature lifted onto other content, are
refused and change nothing; WeChat's own retries (the identical request again) still reach
the message dedupe."""

import asyncio
import secrets

import pytest
from pydantic import ValidationError

from tests.e2e.helpers import Clock, make_settings
from tests.e2e.test_wechat import wechat_app
from tests.fakes.wechat import WeChatServer, text_xml
from webhooks.keys import CLOCK, CONVERSATIONS
from webhooks.settings import settings_error

MODES = pytest.mark.parametrize("aes", [False, True], ids=["plaintext", "aes"])


def openid() -> str:
    return f"o-replay-{secrets.token_hex(6)}"


async def counted(client, result: str) -> float:
    metrics = await (await client.get("/metrics")).text()
    line = f'daojia_messages_total{{channel="wechat",result="{result}"}} '
    found = [row for row in metrics.splitlines() if row.startswith(line)]
    return float(found[0].split()[-1]) if found else 0.0


async def assert_nothing_changed(app, client, fake_wechat, user: str) -> None:
    assert fake_wechat.calls == []
    assert await app[CONVERSATIONS].get("wechat", user) is None
    assert await counted(client, "handled") == 0


@MODES
@pytest.mark.parametrize("skew_s", [-301, 301, -30 * 86400], ids=["stale", "future", "30 days"])
async def test_a_timestamp_outside_the_window_is_refused_on_post_and_changes_nothing(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes, skew_s
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=app[CLOCK])
    user = openid()
    stamp = str(int(app[CLOCK]().timestamp()) + skew_s)
    query, body = server.request(text_xml(user, "/start"), timestamp=stamp)
    resp = await client.post("/wechat", params=query, data=body)
    assert resp.status == 403
    assert "欢迎" not in await resp.text()
    await assert_nothing_changed(app, client, fake_wechat, user)
    assert await counted(client, "rejected") == 1


@MODES
@pytest.mark.parametrize("skew_s", [-301, 301], ids=["stale", "future"])
async def test_a_timestamp_outside_the_window_is_refused_on_get_verification(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes, skew_s
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=app[CLOCK])
    query = server.query(str(int(app[CLOCK]().timestamp()) + skew_s))
    resp = await client.get("/wechat", params={**query, "echostr": "hello-123"})
    assert resp.status == 403
    assert "hello-123" not in await resp.text()
    assert await counted(client, "rejected") == 1


@MODES
async def test_the_window_edges_are_inside_and_follow_the_app_clock(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes
):
    clock = Clock()
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes, clock=clock)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=clock)
    now = int(clock().timestamp())
    for stamp in (now - 300, now + 300):
        query = server.query(str(stamp))
        resp = await client.get("/wechat", params={**query, "echostr": "edge"})
        assert resp.status == 200 and await resp.text() == "edge"
    query = server.query()  # signed now, delivered 301 s later by the app's clock
    clock.advance(seconds=301)
    assert (await client.get("/wechat", params={**query, "echostr": "late"})).status == 403


async def test_the_window_is_the_configured_number_of_seconds(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, wechat_replay_window_s=60)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    now = int(app[CLOCK]().timestamp())
    ok = await client.get("/wechat", params={**server.query(str(now - 60)), "echostr": "a"})
    late = await client.get("/wechat", params={**server.query(str(now - 61)), "echostr": "b"})
    assert (ok.status, late.status) == (200, 403)


@pytest.mark.parametrize("stamp", ["", "abc", "-5", "1.7e9", " 1795395600", "١٧٩٥٣٩٥٦٠٠"])
async def test_a_malformed_timestamp_is_400_even_when_signed(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, stamp
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    server = WeChatServer(clock=app[CLOCK])
    user = openid()
    query, body = server.request(text_xml(user, "/start"), timestamp=stamp)
    assert (await client.post("/wechat", params=query, data=body)).status == 400
    resp = await client.get("/wechat", params={**query, "echostr": "x"})
    assert resp.status == 400
    await assert_nothing_changed(app, client, fake_wechat, user)
    assert await counted(client, "rejected") == 2


@MODES
async def test_a_signature_replayed_with_another_body_is_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=app[CLOCK])
    victim, attacker = openid(), openid()
    query, body = server.request(text_xml(victim, "/start"))
    assert "欢迎" in server.read_reply(
        await (await client.post("/wechat", params=query, data=body)).text(), query
    )
    # the same timestamp, nonce and signature carrying someone else's message (in AES mode
    # validly encrypted: only the triple is reused)
    forged_query, forged = server.request(
        text_xml(attacker, "/start"), timestamp=query["timestamp"], nonce=query["nonce"]
    )
    assert forged_query["signature"] == query["signature"]
    assert (await client.post("/wechat", params=forged_query, data=forged)).status == 403
    assert await app[CONVERSATIONS].get("wechat", attacker) is None
    assert await counted(client, "rejected") == 1
    assert await counted(client, "handled") == 1


async def test_a_get_verification_signature_cannot_carry_a_message(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    query = WeChatServer(clock=app[CLOCK]).query()
    resp = await client.get("/wechat", params={**query, "echostr": "hello"})
    assert resp.status == 200
    again = await client.get("/wechat", params={**query, "echostr": "hello"})
    assert again.status == 200 and await again.text() == "hello"  # the identical request
    other = await client.get("/wechat", params={**query, "echostr": "other"})
    assert other.status == 403
    user = openid()
    resp = await client.post("/wechat", params=query, data=text_xml(user, "/start").encode())
    assert resp.status == 403
    await assert_nothing_changed(app, client, fake_wechat, user)


@MODES
async def test_wechat_retrying_the_identical_request_runs_it_once_and_answers_it_again(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat, aes
):
    clock = Clock()
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat, aes, clock=clock)
    client = await aiohttp_client(app)
    server = WeChatServer(aes=aes, clock=clock)
    query, body = server.request(text_xml(openid(), "/start"))
    replies = []
    for _ in range(3):  # WeChat re-sends the same query string and body 5 s apart
        resp = await client.post("/wechat", params=query, data=body)
        assert resp.status == 200
        replies.append(server.read_reply(await resp.text(), query))
        clock.advance(seconds=5)
    # WeChat retries only a request whose answer it did not get: the passive reply again
    assert all("欢迎" in reply for reply in replies)
    assert await counted(client, "handled") == 1
    assert await counted(client, "duplicate") == 2
    assert await counted(client, "rejected") == 0


async def test_overlapping_identical_retries_are_not_refused(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_wechat
):
    app = wechat_app(tmp_path, sqlite_url, pii_key, fake_wechat)
    client = await aiohttp_client(app)
    query, body = WeChatServer(clock=app[CLOCK]).request(text_xml(openid(), "/start"))
    responses = await asyncio.gather(
        *[client.post("/wechat", params=query, data=body) for _ in range(3)]
    )
    assert [r.status for r in responses] == [200, 200, 200]
    texts = [await r.text() for r in responses]
    # run once; each answered alike (WeChat reads the answer on the one it still waits on)
    assert all("欢迎" in t for t in texts)
    assert await counted(client, "handled") == 1
    assert await counted(client, "duplicate") == 2


async def test_two_processes_sharing_redis_refuse_a_replay_and_dedupe_a_retry(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_wechat
):
    clock = Clock()
    one, two = (
        wechat_app(
            tmp_path / name, postgres_url, pii_key, fake_wechat, redis_url=redis_url, clock=clock
        )
        for name in ("a", "b")
    )
    client_one, client_two = await aiohttp_client(one), await aiohttp_client(two)
    server = WeChatServer(clock=clock)
    victim, attacker = openid(), openid()
    query, body = server.request(text_xml(victim, "/start"))
    first = await client_one.post("/wechat", params=query, data=body)
    assert "欢迎" in await first.text()
    forged = text_xml(attacker, "/start").encode()
    assert (await client_two.post("/wechat", params=query, data=forged)).status == 403
    retry = await client_two.post("/wechat", params=query, data=body)
    assert retry.status == 200 and "欢迎" in await retry.text()  # answered, not run again
    assert await two[CONVERSATIONS].get("wechat", attacker) is None
    assert await counted(client_two, "rejected") == 1
    assert await counted(client_two, "duplicate") == 1


def test_the_window_setting_must_be_a_positive_number_of_seconds(tmp_path, sqlite_url, pii_key):
    assert make_settings(tmp_path, sqlite_url, pii_key).wechat_replay_window_s == 300
    for bad in (0, -5, 86401):
        with pytest.raises(ValidationError) as caught:
            make_settings(tmp_path, sqlite_url, pii_key, wechat_replay_window_s=bad)
        assert settings_error(caught.value).startswith("DAOJIA_WECHAT_REPLAY_WINDOW_S:")
