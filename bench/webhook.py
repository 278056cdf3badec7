"""Benchmark: simulated customers walk the whole booking flow on WeChat and Telegram.

Each user sends the 9 messages of a first booking (follow, menu, category, item, hours,
when, address, phone — which confirms —, pay) one after another, waiting for each
reply; ``--users`` of them run at once. The server runs in its own process pinned to one CPU,
this client (and the fake Telegram Bot API that receives the bot's sendMessage calls) on the
other. The same client drives a bare aiohttp handler (the floor) in the same run, in
interleaved rounds (this VM's speed drifts by up to 2× between minutes); medians are shown.

    python bench/webhook.py --users 200            # demo set-up: SQLite + local state
    python bench/webhook.py --users 200 --pg --redis   # PostgreSQL + Redis
    python bench/webhook.py --users 200 --think 2  # people who take ~2 s to answer
    python bench/webhook.py --pg --redis --workers 2   # `daojia serve --workers 2` (unpinned)
    python bench/webhook.py --pg --redis --ports 2     # two servers, each its own port (unpinned)
    python bench/webhook.py --pg --redis --conversations 10000 --rounds 0   # RSS afterwards

Prints messages/s, p50/p99 reply latency and the server's CPU time per message (user + system,
from /proc: steadier than throughput on a VM whose speed drifts) per route, and the ratios to
the bare handler.
With ``--think 0`` (the default) every user answers the moment a reply arrives, so the daojia
server is saturated: throughput is its capacity, and latency is mostly the queue of 200 users
(``users / throughput``). The bare handler is not (this client is its limit), so its CPU per
message is the truer floor. ``--think`` measures latency at a load people would make (think
times drawn from an exponential distribution); its throughput ratio means nothing (both
handlers wait for the users).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg_rig import fresh_database  # noqa: E402 - beside this script
from webhook_report import pinned, report  # noqa: E402 - beside this script
from webhook_rig import (  # noqa: E402 - the rig beside this script
    WECHAT_API,
    FakeBotApi,
    children,
    free_port,
    rss_mb,
    telegram_update,
    verify,
    wechat_query,
    wechat_xml,
    workers_of,
)

ROOT = Path(__file__).resolve().parents[1]
TG_SECRET = "bench-secret"
WECHAT_SCRIPT = [
    "1",  # 预约服务
    "1",  # 保洁清洁
    "1",  # 日常保洁
    "3",  # hours (a typed number is the quantity there)
    "明天 下午3点",
    "上海市徐汇区漕溪北路88号12楼1203",
    "{phone}",  # their own phone, at the first quote: places the order
    "1",  # 确认支付
]
TELEGRAM_SCRIPT = [
    ("choice", "book"),
    ("choice", "cat:cleaning"),
    ("choice", "item:daily_cleaning"),
    ("choice", "qty:3"),
    ("text", "明天 下午3点"),
    ("text", "上海市徐汇区漕溪北路88号12楼1203"),
    ("text", "{phone}"),
    ("choice", "pay"),
]


Timed = list[tuple[int, float]]
"""Each message's place in the flow (0: the first) and the seconds its answer took."""


async def wechat_user(
    session: aiohttp.ClientSession, url: str, n: int, lat: Timed, bare: bool, think: float
) -> bool:
    openid = f"o{uuid.uuid4().hex[:20]}"
    phone = own_phone()
    last = ""
    for step, text in enumerate([None, *WECHAT_SCRIPT]):
        await pause(think)
        body = wechat_xml(openid, text.format(phone=phone) if text else text)
        t0 = time.perf_counter()
        async with session.post(url, params=wechat_query(), data=body) as resp:
            last = await resp.text()
            assert resp.status == 200, (resp.status, last[:200])
        lat.append((step, time.perf_counter() - t0))
    if bare or "支付成功" in last:
        return True
    for _ in range(100):  # a slow turn answered "success" and follows up by the CS API
        if openid in WECHAT_API.paid:
            return True
        await asyncio.sleep(0.1)
    return False


async def telegram_user(
    session: aiohttp.ClientSession, url: str, n: int, lat: Timed, bare: bool, think: float
) -> bool:
    uid = 10**9 + n + int(time.time()) % 10**6 * 1000
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    phone = own_phone()
    last = b""
    for step, (kind, value) in enumerate([("text", "/start"), *TELEGRAM_SCRIPT]):
        await pause(think)
        t0 = time.perf_counter()
        update = telegram_update(uid, kind, value.format(phone=phone))
        async with session.post(url, json=update, headers=headers) as resp:
            last = await resp.read()
            assert resp.status == 200, resp.status
        lat.append((step, time.perf_counter() - t0))
    return bare or "支付成功" in last.decode()


def own_phone() -> str:
    """A mobile number of this user's own: one number is one person's new-customer offers."""
    return f"13{uuid.uuid4().int % 10**9:09d}"


async def pause(think: float) -> None:
    """A person reading and typing: ``think`` seconds on average (0: answer at once), drawn
    from an exponential distribution as closed-loop benchmarks model think time (TPC-C); the
    first pause also spreads the users' start."""
    if think:
        await asyncio.sleep(random.expovariate(1 / think))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (``--workers``) so far (Linux
    /proc)."""
    total = 0.0
    for one in (pid, *children(pid)):
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def drive(
    route: str,
    urls: list[str],
    users: int,
    bare: bool,
    think: float,
    pids: list[int],
    steps: dict[int, list[float]] | None = None,
    warm: bool = True,
    first_id: int = 1,
) -> dict:
    """``users`` (ids ``first_id`` on) walk the flow at once, split evenly between the
    servers at ``urls``; the CPU is that of the processes ``pids``. Each message's time is
    added to ``steps`` under its place in the flow (0: the first message). First (``warm``)
    as many users of their own walk it, unmeasured: a server that has run a while has its
    pool's connections open and their statements prepared (made once per process)."""
    timed: list[tuple[int, float]] = []
    walker = wechat_user if route == "wechat" else telegram_user
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        if warm:  # by users of their own (ids after the measured ones')
            ids = range(first_id + users, first_id + 2 * users)
            await asyncio.gather(
                *(walker(session, urls[i % len(urls)], i, [], bare, 0) for i in ids)
            )
        cpu0 = sum(map(cpu_seconds, pids))
        t0 = time.perf_counter()
        walks = [
            walker(session, urls[i % len(urls)], first_id + i, timed, bare, think)
            for i in range(users)
        ]
        done = await asyncio.gather(*walks)
        wall = time.perf_counter() - t0
        cpu = sum(map(cpu_seconds, pids)) - cpu0
    for step, seconds in timed if steps is not None else ():
        steps.setdefault(step, []).append(seconds)
    lat = sorted(seconds for _, seconds in timed)
    return {
        "msgs": len(lat),
        "rate": len(lat) / wall,
        "p50": lat[len(lat) // 2] * 1000,
        "p99": lat[int(len(lat) * 0.99)] * 1000,
        "mean": statistics.fmean(lat) * 1000,
        "ok": sum(done),
        "cpu_ms": cpu * 1000 / len(lat),
    }


def start_server(kind: str, port: int, workdir: Path, tg_api: str, args) -> subprocess.Popen:
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "serve_for_bench.py"),
        "--kind",
        kind,
        "--port",
        str(port),
        "--dir",
        str(workdir),
        "--telegram-api",
        tg_api,
        "--cpu",
        "-1" if args.workers or args.ports > 1 else "0",
    ]
    if args.workers and kind == "daojia":
        cmd += ["--workers", str(args.workers)]
    if kind == "daojia" and not args.workers:
        cmd += ["--count-sql", str(workdir / "sql.json")]
    if args.pg:
        cmd += ["--db", args.pg_url]
    if args.redis:
        cmd += ["--redis", args.redis_url]
    root = Path(args.root).resolve() if args.root and kind == "daojia" else ROOT
    env = {**os.environ, "PYTHONPATH": str(root), "BENCH_PII_KEY": args.pii_key}
    proc = subprocess.Popen(cmd, env=env)
    return listening(proc, port, 30)


def listening(proc: subprocess.Popen, port: int, seconds: float) -> subprocess.Popen:
    """``proc`` once it accepts connections on ``port`` (killed if not within ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the server on port {port} did not start")


async def main_async(args) -> None:
    if pinned(args):  # else the servers' processes and this client share the CPUs
        os.sched_setaffinity(0, {1})
    fake = FakeBotApi()
    fake_app = web.Application()
    fake_app.router.add_post("/bot{token}/{method}", fake.handle)
    fake_app.router.add_post("/cgi-bin/{path:.*}", WECHAT_API.handle)
    runner = web.AppRunner(fake_app, access_log=None)
    await runner.setup()
    tg_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", tg_port).start()
    tg_api = f"http://127.0.0.1:{tg_port}"
    runs: dict[tuple[str, str], list[dict]] = {}
    checks: list[dict[str, int]] = []
    for _ in range(args.rounds):  # interleaved: the VM's speed drifts between minutes
        for kind in ("bare", "daojia"):
            check = await one_round(kind, args, tg_api, runs)
            if check is not None:
                checks.append(check)
    if args.conversations:
        rss = await conversations_rss(args, tg_api)
    await runner.cleanup()
    if args.conversations:
        print(
            f"\nRSS after {args.conversations} conversations (/start, then 预约服务, on "
            f"Telegram): {', '.join(f'{mb:.0f} MB' for mb in rss)} per process"
        )
    if args.rounds:
        report(args, runs, checks, fake)


async def one_round(
    kind: str, args, tg_api: str, runs: dict[tuple[str, str], list[dict]]
) -> dict[str, int] | None:
    """Both routes against fresh servers of ``kind`` (``--ports`` of them for daojia); what
    the database holds afterwards (with ``--pg``), with the SQL the servers sent."""
    with tempfile.TemporaryDirectory() as tmp:
        if args.pg:
            await fresh_database(args.pg_url, migrated=False)  # the server migrates it
        servers: list[tuple[subprocess.Popen, int]] = []
        try:
            # one after another: each migrates the shared database before it listens
            for n in range(args.ports if kind == "daojia" else 1):
                port, workdir = free_port(), Path(tmp) / str(n)
                proc = await asyncio.to_thread(start_server, kind, port, workdir, tg_api, args)
                servers.append((proc, port))
            for route in ("wechat", "telegram"):
                result = await drive(
                    route,
                    [f"http://127.0.0.1:{port}/{route}" for _, port in servers],
                    args.users,
                    kind == "bare",
                    args.think,
                    [proc.pid for proc, _ in servers],
                    args.step_times.setdefault((kind, route), {}),
                )
                runs.setdefault((kind, route), []).append(result)
        finally:
            for proc, _ in servers:
                proc.terminate()
            for proc, _ in servers:
                proc.wait(timeout=30)
        if kind != "daojia" or not args.pg:
            return None
        bookings = 2 * 2 * args.users  # two routes, each with its warm-up
        check = await verify(args.pg_url, bookings)
        for n in range(len(servers)):  # written by each server as it stopped
            counted = Path(tmp) / str(n) / "sql.json"
            if counted.exists():
                counts = counted.read_text().splitlines()[0]  # then the statements' texts
                for key, value in json.loads(counts).items():
                    check[key] = check.get(key, 0) + value
        return check


async def conversations_rss(args, tg_api: str) -> list[float]:
    """Start daojia afresh, hold ``--conversations`` conversations (each a new customer who
    opens the menu and starts a booking), then read each server process's RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        if args.pg:
            await fresh_database(args.pg_url, migrated=False)  # the server migrates it
        port = free_port()
        proc = await asyncio.to_thread(start_server, "daojia", port, Path(tmp), tg_api, args)
        try:
            url = f"http://127.0.0.1:{port}/telegram"
            headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
            base = 3 * 10**9 + int(time.time()) % 10**6 * 10**3
            left = iter(range(args.conversations))
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:

                async def person() -> None:
                    for n in left:
                        for kind, value in (("text", "/start"), ("choice", "book")):
                            update = telegram_update(base + n, kind, value)
                            async with session.post(url, json=update, headers=headers) as resp:
                                await resp.read()
                                assert resp.status == 200, resp.status

                await asyncio.gather(*(person() for _ in range(args.users)))
            pids = workers_of(proc.pid) if args.workers else [proc.pid]
            return [rss_mb(pid) for pid in pids]
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median shown)")
    p.add_argument(
        "--think",
        type=float,
        default=0,
        help="mean seconds a user waits between messages (0: as fast as replies come)",
    )
    p.add_argument("--pg", action="store_true", help="use PostgreSQL (--pg-url)")
    p.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_bench")
    p.add_argument("--redis", action="store_true", help="use Redis (--redis-url)")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    p.add_argument("--workers", type=int, default=0, help="daojia serve --workers N (needs --pg)")
    p.add_argument(
        "--ports",
        type=int,
        default=1,
        help="N independent daojia processes, each on its own port, the users split between "
        "them (needs --pg and --redis)",
    )
    p.add_argument("--root", help="run daojia from this checkout (e.g. before a change)")
    p.add_argument(
        "--steps",
        action="store_true",
        help="also print daojia's p50 and p99 per message of the flow (all rounds together)",
    )
    p.add_argument(
        "--conversations",
        type=int,
        default=0,
        help="then hold this many conversations on a fresh server and report its RSS",
    )
    args = p.parse_args()
    if args.ports > 1 and not (args.pg and args.redis):
        p.error("--ports: the processes share PostgreSQL and Redis: add --pg --redis")
    sys.path.insert(0, str(ROOT))
    from store.crypto import new_key

    args.pii_key = new_key()  # one for the servers sharing the database (--ports)
    args.step_times = {}  # (handler, route) -> message's place in the flow -> seconds
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
