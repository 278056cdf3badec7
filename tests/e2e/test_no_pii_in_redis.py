"""After a full booking — the customer in the web chat, the worker on Telegram, both sharing
Redis with the operators' set-up — no Redis value holds a phone or an address in clear."""

import secrets

import pytest
import redis.asyncio as aioredis

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WebUser,
    confirm_order,
    make_app,
    on_telegram,
    seed_worker,
)


async def values(url: str, *people: str) -> list[bytes]:
    """Every Redis value (and key) of these people (the test database is shared)."""
    client = aioredis.from_url(url)
    out: list[bytes] = []
    try:
        keys = [k for p in people async for k in client.scan_iter(f"daojia:*{p}*")]
        for key in keys:
            kind = (await client.type(key)).decode()
            if kind == "string":
                out.append(await client.get(key) or b"")
            elif kind == "list":
                out.extend(await client.lrange(key, 0, -1))
            elif kind == "hash":
                out.extend(b"".join(kv) for kv in (await client.hgetall(key)).items())
            out.append(key)
    finally:
        await client.aclose()
    return out


@pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)  # its worker gets the job
async def test_a_full_booking_leaves_no_phone_or_address_in_redis(
    aiohttp_client, tmp_path, own_db_url, redis_url, pii_key, fake_telegram, clock
):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        redis_url=redis_url,
        **on_telegram(fake_telegram),
    )
    client = await aiohttp_client(app)
    worker_uid = secrets.randbelow(10**9) + 10**9
    await seed_worker(app, channel="telegram", user_id=str(worker_uid), center=HOME)
    phone = f"139{secrets.randbelow(10**8):08d}"
    street = f"幸福路{secrets.randbelow(900) + 100}弄"
    customer = WebUser(client)
    await customer.open()
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("2小时")
    await customer.say("明天 15:00")
    await customer.send(type="location", lat=HOME[0], lon=HOME[1], label="")
    await customer.say(f"{street}7号1203室")
    web_uid = next(c.value for c in client.session.cookie_jar if c.key == "daojia_web")
    people = (web_uid.split(".")[0], str(worker_uid))
    mid_booking = await values(redis_url, *people)  # the typed address is in the conversation now
    await confirm_order(customer)
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    number = next(w for w in customer.text().split() if w.startswith("#")).strip("#!,。")
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say(f"/accept #{number.lstrip('#')[:8]}")
    assert street in worker.text()  # the worker sees the address once they accept…
    stored = await values(redis_url, *people)
    assert stored and mid_booking
    blob = b"\n".join(stored + mid_booking)
    # …and Redis holds neither it nor the phone in clear (states, answers, the web outbox)
    assert phone.encode() not in blob
    assert street.encode() not in blob
