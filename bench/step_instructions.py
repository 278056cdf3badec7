"""Benchmark: instructions per booking step, daojia beside the GET + SET handler — repeatable.

``bench/one_step.py`` compares the CPU time of one booking step (the area question answered on
the Telegram route) with a hand-written aiohttp handler doing one Redis GET and one SET; CPU
time drifts by ±20 % between minutes on this VM and with whatever else runs. This runs the
same servers under ``valgrind --tool=callgrind``, counting only while ``--users`` customers
answer the area question ``--steps`` times each (after as many unmeasured), and prints the
instructions per step and their ratio — user space only (system calls and the kernel's share
of a round trip are not in it, and they weigh alike on both servers).

    python bench/step_instructions.py                    # this checkout
    python bench/step_instructions.py --root /tmp/old --root .   # and another checkout

About two minutes per server (valgrind runs them ~50× slower).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import aiohttp
import orjson
import redis.asyncio as aioredis
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

import instructions  # noqa: E402 - beside this script
from instructions import counting  # noqa: E402
from one_step import AT_AREA, HEADERS, prepare  # noqa: E402
from pg_rig import fresh_database  # noqa: E402
from webhook_rig import FakeBotApi, free_port, telegram_update  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def start(kind: str, root: Path, port: int, tmp: Path, api: str, args) -> subprocess.Popen:
    stores = ["--redis", args.redis_url]
    if kind == "daojia":
        stores += ["--db", args.pg_url, "--messages-per-minute", "1000000"]
    out = tmp / f"callgrind-{port}.out"
    return instructions.start(root, port, tmp / str(port), api, out, stores, kind)


async def steps(
    kind: str,
    url: str,
    session: aiohttp.ClientSession,
    r: aioredis.Redis,
    saved: dict[int, bytes],
    count: int,
) -> int:
    """Every customer answers the area question ``count`` times; the steps answered."""

    async def customer(uid: int) -> int:
        key = f"daojia:telegram:{uid}:conv" if kind == "daojia" else f"bench:{uid}:conv"
        for _ in range(count):
            await r.set(key, saved[uid], ex=3600)  # back at the area question
            body = orjson.dumps(telegram_update(uid, "text", "90"))
            async with session.post(url, data=body, headers=HEADERS) as x:
                answer = await x.read()
            assert x.status == 200 and "什么时候上门".encode() in answer, answer[:300]
        return count

    return sum(await asyncio.gather(*(customer(uid) for uid in saved)))


async def measure(kind: str, root: Path, api: str, args) -> float:
    r = aioredis.Redis.from_url(args.redis_url)
    if kind == "daojia":
        await fresh_database(args.pg_url, migrated=False)  # the server migrates it
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = await asyncio.to_thread(start, kind, root, port, Path(tmp), api, args)
        url = f"http://127.0.0.1:{port}/telegram"
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as s:
                base = random.randrange(10**9, 2 * 10**9)
                uids = [base + i for i in range(args.users)]
                if kind == "daojia":
                    states = await asyncio.gather(*(prepare(s, url, r, u) for u in uids))
                    saved = dict(zip(uids, states, strict=True))
                else:
                    saved = dict.fromkeys(uids, AT_AREA)
                await steps(kind, url, s, r, saved, args.steps)  # warm-up, not counted
                await counting(proc.pid, "on")
                done = await steps(kind, url, s, r, saved, args.steps)
                await counting(proc.pid, "off")
        finally:
            proc.terminate()
            await asyncio.to_thread(proc.wait, 60)
            await r.flushdb()
            await r.aclose()
        out = Path(tmp) / f"callgrind-{port}.out"
        if args.keep:  # for callgrind_annotate
            for dump in out.parent.glob(out.name + "*"):
                shutil.copy(dump, args.keep / f"{kind}-{root.name}-{dump.name}")
        return instructions.instructions(out) / done


async def main_async(args) -> None:
    fake = FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    tg_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", tg_port).start()
    api = f"http://127.0.0.1:{tg_port}"
    print(f"{args.users} customers × {args.steps} steps, servers under callgrind (user space)")
    print(f"{'server':8} {'instr/step':>11} {'× GET+SET':>9}  checkout")
    try:
        baseline = await measure("redis", ROOT, api, args)
        print(f"{'redis':8} {baseline:11,.0f} {1:9.2f}")
        for root in args.root:
            per_step = await measure("daojia", root, api, args)
            print(f"{'daojia':8} {per_step:11,.0f} {per_step / baseline:9.2f}  {root}")
    finally:
        await runner.cleanup()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=32, help="customers answering at once")
    p.add_argument("--steps", type=int, default=20, help="steps per customer (counted)")
    p.add_argument("--root", action="append", help="a daojia checkout to measure (repeatable)")
    p.add_argument(
        "--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_onestep"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    p.add_argument("--keep", type=Path, help="copy callgrind's dumps into this folder")
    args = p.parse_args()
    args.root = [Path(r).resolve() for r in args.root or [ROOT]]
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (with callgrind_control) is needed: apt-get install valgrind")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
