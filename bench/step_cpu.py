"""Benchmark: the CPU time of each message of a WeChat booking, one customer at a time.

``bench/webhook.py`` measures a saturated server, where the turns' Redis scripts batch and a
round trip waits for a full pass of a busy event loop; this measures what one message costs
by itself. The app (PostgreSQL + Redis, as operators run it) and this client share one
process: each of ``--bookings`` new customers sends the booking's messages (those of
``bench/webhook.py``) one after another, and the process's CPU time (``time.process_time``,
which does not advance while it waits for PostgreSQL or Redis) is taken around each; the
first ten bookings warm up. Prints the median and mean per message of the flow, and their
sum per booking (the client's share, an aiohttp request and response per message, is in it).

    python bench/step_cpu.py                      # this checkout
    python bench/step_cpu.py --root ../before     # another checkout (its code imported first)
    python bench/step_cpu.py --profile /tmp/pay.prof --profile-step 8   # cProfile the pay messages

Run one after the other to compare (the VM's speed drifts: alternate them).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 10


async def measure(args: argparse.Namespace) -> dict[int, list[float]]:
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer
    from pg_rig import fresh_database
    from webhook import WECHAT_SCRIPT, own_phone
    from webhook_rig import WECHAT_API, FakeBotApi, wechat_query, wechat_xml

    from store import migrate
    from store.catalog_file import load_catalog
    from store.crypto import new_key
    from webhooks.app import create_app
    from webhooks.settings import Settings

    fake = FakeBotApi()
    fake_app = web.Application()
    fake_app.router.add_post("/bot{token}/{method}", fake.handle)
    fake_app.router.add_post("/cgi-bin/{path:.*}", WECHAT_API.handle)
    apis = TestServer(fake_app)
    await apis.start_server()
    api = f"http://127.0.0.1:{apis.port}"
    await fresh_database(args.pg_url, migrated=False)
    await asyncio.to_thread(migrate.upgrade, args.pg_url)
    per_step: dict[int, list[float]] = {}
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            database_url=args.pg_url,
            redis_url=args.redis_url,
            pii_key=new_key(),
            data_dir=Path(tmp) / "data",
            media_dir=Path(tmp) / "media",
            wechat_appid="wxbench",
            wechat_api_base=f"{api}/cgi-bin/",
            wechat_secret="s",
            wechat_token="bench-token",
            sandbox_payments=True,  # the customers pay in the sandbox (a test mode)
        )
        client = TestClient(TestServer(create_app(settings, *load_catalog())))
        await client.start_server()
        try:
            for n in range(args.bookings + WARM_UP):
                openid, phone = f"o{uuid.uuid4().hex[:20]}", own_phone()
                last = ""
                for step, text in enumerate([None, *WECHAT_SCRIPT]):
                    body = wechat_xml(openid, text.format(phone=phone) if text else text)
                    profiling = profiler is not None and step == args.profile_step
                    profiling = profiling and n >= WARM_UP
                    cpu = time.process_time()
                    if profiling:
                        profiler.enable()
                    async with client.post("/wechat", params=wechat_query(), data=body) as r:
                        last = await r.text()
                    if profiling:
                        profiler.disable()
                    if n >= WARM_UP:
                        per_step.setdefault(step, []).append(time.process_time() - cpu)
                assert "支付成功" in last, last[:300]
        finally:
            await client.close()
            await apis.close()
            if profiler is not None:
                profiler.dump_stats(args.profile)
    return per_step


def report(per_step: dict[int, list[float]], args: argparse.Namespace) -> None:
    names = ["first message", "book", "category", "item", "hours", "when", "address"]
    names += ["phone", "pay"]
    print(f"\nCPU per message of a WeChat booking, {args.bookings} bookings one at a time")
    print(f"{'message':16} {'median ms':>10} {'mean ms':>8}")
    total = 0.0
    for step, seconds in sorted(per_step.items()):
        mean = statistics.fmean(seconds) * 1000
        total += mean
        print(f"{names[step]:16} {statistics.median(seconds) * 1000:10.2f} {mean:8.2f}")
    print(f"{'booking':16} {'':10} {total:8.2f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bookings", type=int, default=200, help="after ten that warm up")
    p.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_bench")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    p.add_argument("--profile", type=Path, help="cProfile one message of each booking into this")
    p.add_argument("--profile-step", type=int, default=8, help="which (0 first … 8 pay)")
    p.add_argument("--root", help="import daojia from this checkout (e.g. before a change)")
    args = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # the rig beside this script
    sys.path.insert(0, str(Path(args.root).resolve() if args.root else ROOT))
    logging.basicConfig(level=logging.ERROR)  # the sandbox's test-mode warning
    import uvloop

    report(uvloop.run(measure(args)), args)


if __name__ == "__main__":
    main()
