"""Benchmark: one booking step on PostgreSQL + Redis beside two hand-written aiohttp handlers.

The step: a customer who chose deep cleaning answers the area question ("90" ㎡); the state
advances and the next question (when, with its buttons) comes back on the webhook response —
the Telegram route. daojia makes no database call there and two Redis round trips (the
turn's begin and commit scripts). Beside it, in the same run and in interleaved rounds
(this VM's speed drifts), two hand-written aiohttp handlers doing the same step
(``bench/serve_for_bench.py``): ``dict`` keeps the state in a dict, ``redis`` reads it with
one GET and writes it with one SET. Each server runs in its own process pinned to CPU 0; this
client on CPU 1.

    python bench/one_step.py                       # 4 rounds of 3 s per server
    python bench/one_step.py --profile /tmp/step.prof   # and cProfile daojia's server
    python bench/one_step.py --before ../old-checkout   # and daojia from another checkout

``--users`` customers answer at once, each as soon as the last answer came; before each
answer the client puts the customer back at the area question (daojia: the sealed state
saved after their preparation, written back to Redis; the same SET to Redis for the other
two, so the client does the same work whichever server it drives). Prints steps/s and the
server's CPU time per step (user + system, /proc), medians, and the goals' ratios: daojia's
throughput against the dict handler's (goal ≥ 0.25×) and its CPU per step against the
two-round-trip handler's (goal ≤ 1.2×).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson
import redis.asyncio as aioredis
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg_rig import fresh_database  # noqa: E402 - beside this script
from webhook import cpu_seconds, listening  # noqa: E402 - the benchmark beside this script
from webhook_rig import FakeBotApi, free_port, telegram_update  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": "bench-secret"}
TO_AREA = [
    ("text", "/start"),
    ("choice", "book"),
    ("choice", "cat:cleaning"),
    ("choice", "item:deep_cleaning"),
    ("choice", "done"),  # no extra options: the area question comes next
]
AT_AREA = orjson.dumps({"step": "area", "data": {}})


def start(name: str, port: int, workdir: Path, tg_api: str, args) -> subprocess.Popen:
    kind = "daojia" if name in ("daojia", "before") else name
    root = Path(args.before).resolve() if name == "before" else ROOT
    cmd = [sys.executable, str(ROOT / "bench" / "serve_for_bench.py"), "--kind", kind]
    cmd += ["--port", str(port), "--dir", str(workdir), "--telegram-api", tg_api, "--cpu", "0"]
    if kind != "dict":
        cmd += ["--redis", args.redis_url]
    if kind == "daojia":
        cmd += ["--db", args.pg_url, "--messages-per-minute", "1000000"]
        if args.profile and name == "daojia":
            cmd += ["--profile", str(args.profile)]
    proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": str(root)})
    return listening(proc, port, 60)


async def prepare(session: aiohttp.ClientSession, url: str, r: aioredis.Redis, uid: int) -> bytes:
    """Walk a new customer to the area question on daojia; their saved (sealed) state."""
    for kind, value in TO_AREA:
        async with session.post(url, json=telegram_update(uid, kind, value), headers=HEADERS) as x:
            body = await x.text()
            assert x.status == 200, (x.status, body[:200])
    assert "面积" in body, body[:300]
    raw = await r.get(f"daojia:telegram:{uid}:conv")
    assert raw, "no state saved in Redis"
    return raw


async def drive(
    kind: str,
    url: str,
    session: aiohttp.ClientSession,
    r: aioredis.Redis,
    saved: dict[int, bytes],
    seconds: float,
    pid: int,
) -> dict[str, float]:
    """Every customer answers the area question again and again for ``seconds``."""
    lat: list[float] = []

    async def customer(uid: int, deadline: float) -> None:
        ours = kind in ("daojia", "before")
        key = f"daojia:telegram:{uid}:conv" if ours else f"bench:{uid}:conv"
        state = saved[uid] if ours else AT_AREA
        while time.perf_counter() < deadline:
            await r.set(key, state, ex=3600)  # back at the area question
            body = orjson.dumps(telegram_update(uid, "text", "90"))
            t0 = time.perf_counter()
            async with session.post(url, data=body, headers=HEADERS) as x:
                answer = await x.read()
            lat.append(time.perf_counter() - t0)
            assert x.status == 200 and "什么时候上门".encode() in answer, answer[:300]

    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    deadline = t0 + seconds
    await asyncio.gather(*(customer(uid, deadline) for uid in saved))
    wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
    lat.sort()
    return {
        "steps": len(lat),
        "rate": len(lat) / wall,
        "p50": lat[len(lat) // 2] * 1000,
        "p99": lat[int(len(lat) * 0.99)] * 1000,
        "cpu_us": cpu * 1e6 / len(lat),
    }


async def main_async(args) -> None:
    os.sched_setaffinity(0, {1})
    fake = FakeBotApi()
    fake_app = web.Application()
    fake_app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(fake_app, access_log=None)
    await runner.setup()
    tg_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", tg_port).start()
    await fresh_database(args.pg_url, migrated=False)  # the server migrates it
    r = aioredis.Redis.from_url(args.redis_url)
    empty = not await r.dbsize()  # then emptied at the end (the turns' dedupe keys)
    kinds = ["dict", "redis", "daojia"] + (["before"] if args.before else [])
    procs: dict[str, subprocess.Popen] = {}
    urls: dict[str, str] = {}
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    saved: dict[str, dict[int, bytes]] = {}
    connector = aiohttp.TCPConnector(limit=0)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for kind in kinds:
                port = free_port()
                procs[kind] = await asyncio.to_thread(
                    start, kind, port, Path(tmp) / kind, f"http://127.0.0.1:{tg_port}", args
                )
                urls[kind] = f"http://127.0.0.1:{port}/telegram"
            async with aiohttp.ClientSession(connector=connector) as session:
                for kind in kinds:  # each daojia its own customers (its own PII key)
                    base = random.randrange(10**9, 2 * 10**9)
                    uids = [base + i for i in range(args.users)]
                    if kind not in ("daojia", "before"):  # the hand-written ones need none
                        saved[kind] = dict.fromkeys(uids, AT_AREA)
                        continue
                    url = urls[kind]
                    states = await asyncio.gather(*(prepare(session, url, r, u) for u in uids))
                    saved[kind] = dict(zip(uids, states, strict=True))
                for kind in kinds:  # warm-up
                    await drive(kind, urls[kind], session, r, saved[kind], 1.0, procs[kind].pid)
                if args.profile:
                    procs["daojia"].send_signal(signal.SIGUSR2)  # the steps only
                for _ in range(args.rounds):
                    for kind in kinds:
                        result = await drive(
                            kind,
                            urls[kind],
                            session,
                            r,
                            saved[kind],
                            args.seconds,
                            procs[kind].pid,
                        )
                        runs[kind].append(result)
        finally:
            for kind, proc in procs.items():
                if kind == "daojia" and args.profile:
                    proc.send_signal(signal.SIGUSR1)  # writes the profile and exits
                else:
                    proc.terminate()
                proc.wait(timeout=20)
            await runner.cleanup()
            if empty:
                await r.flushdb()
            await r.aclose()
    report(args, runs)


def report(args, runs: dict[str, list[dict[str, float]]]) -> None:
    print(
        f"\none booking step (the area question answered), {args.users} customers at once; "
        f"server pinned to CPU 0, client to CPU 1; median of {args.rounds} interleaved "
        f"rounds of {args.seconds:g} s"
    )
    print(
        f"{'handler':8} {'steps/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU µs/step':>12}  "
        "steps/s per round"
    )
    for kind in runs:
        med = {key: statistics.median(x[key] for x in runs[kind]) for key in runs[kind][0]}
        rates = " ".join(f"{x['rate']:.0f}" for x in runs[kind])
        print(
            f"{kind:8} {med['rate']:8.0f} {med['p50']:7.1f} {med['p99']:7.1f} "
            f"{med['cpu_us']:12.0f}  {rates}"
        )
    pairs = list(zip(runs["daojia"], runs["dict"], runs["redis"], strict=True))
    speed = [d["rate"] / b["rate"] for d, b, _ in pairs]
    cpu = [d["cpu_us"] / x["cpu_us"] for d, _, x in pairs]
    print(
        f"daojia throughput = {statistics.median(speed):.2f}× the dict handler's (goal ≥ 0.25; "
        f"per round: {' '.join(f'{x:.2f}' for x in speed)})"
    )
    print(
        f"daojia CPU per step = {statistics.median(cpu):.2f}× the GET + SET handler's "
        f"(goal ≤ 1.2; per round: {' '.join(f'{x:.2f}' for x in cpu)})"
    )
    if "before" in runs:
        now = [
            d["cpu_us"] / b["cpu_us"] for d, b in zip(runs["daojia"], runs["before"], strict=True)
        ]
        print(
            f"daojia CPU per step = {statistics.median(now):.2f}× the --before checkout's "
            f"(per round: {' '.join(f'{x:.2f}' for x in now)})"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=64, help="customers answering at once")
    p.add_argument("--rounds", type=int, default=4, help="interleaved rounds (median shown)")
    p.add_argument("--seconds", type=float, default=3.0, help="length of one server's round")
    p.add_argument(
        "--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_onestep"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    p.add_argument("--profile", type=Path, help="cProfile daojia's server into this file")
    p.add_argument("--before", help="also run daojia from this checkout (before a change)")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
