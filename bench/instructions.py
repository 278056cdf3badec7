"""Benchmark: instructions per chat message, counted by valgrind (callgrind) — repeatable.

``bench/webhook.py`` measures throughput and CPU time, which drift by ±20 % between minutes
on this VM; an instruction count does not. This runs the same daojia server as the webhook
benchmark under ``valgrind --tool=callgrind`` with counting switched on only while
``--users`` simulated customers walk the booking flow (after a warm-up), and prints millions
of instructions per message for each route — user space only: system calls, cache misses
and the kernel's share are not in it. ``--root`` (repeatable) compares checkouts, e.g. a
``git worktree`` of an older commit:

    python bench/instructions.py                      # this checkout
    python bench/instructions.py --root /tmp/old --root .
    python bench/instructions.py --pg --redis         # PostgreSQL + Redis (database daojia_bench)

About a minute per route and checkout (valgrind runs the server ~50× slower).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
import webhook  # noqa: E402 - the webhook benchmark's users and fake platform APIs
from pg_rig import fresh_database  # noqa: E402 - beside this script


def start(
    root: Path,
    port: int,
    workdir: Path,
    api: str,
    out: Path,
    stores: list[str],
    kind: str = "daojia",
) -> subprocess.Popen[bytes]:
    """``root``'s bench server of ``kind`` under callgrind, counting off until switched on."""
    cmd = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(root / "bench" / "serve_for_bench.py"),
        *("--kind", kind, "--port", str(port), "--dir", str(workdir), "--telegram-api", api),
        *stores,
    ]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return webhook.listening(proc, port, 300)


def instructions(out: Path) -> int:
    """The instructions counted in callgrind's dumps of one run."""
    total = 0
    for dump in out.parent.glob(out.name + "*"):
        for line in dump.read_text(errors="replace").splitlines():
            if line.startswith("totals:"):
                total += int(line.split()[1])
                break
    return total


async def counting(pid: int, state: str) -> None:
    """Switch callgrind's counting in the server ``pid`` on or off."""
    cmd = ["callgrind_control", "-i", state, str(pid)]
    await asyncio.to_thread(subprocess.run, cmd, check=True, capture_output=True)


async def measure(
    root: Path, route: str, users: int, api: str, args: argparse.Namespace
) -> tuple[float, int]:
    stores: list[str] = []
    if args.pg:
        await fresh_database(args.pg_url, migrated=False)  # serve_for_bench migrates it
        stores += ["--db", args.pg_url]
    if args.redis:
        stores += ["--redis", args.redis_url]
    with tempfile.TemporaryDirectory() as tmp:
        port, out = webhook.free_port(), Path(tmp) / "callgrind.out"
        proc = await asyncio.to_thread(start, root, port, Path(tmp), api, out, stores)
        try:
            urls = [f"http://127.0.0.1:{port}/{route}"]
            # not counted: as many users first (the pool's connections open, their
            # statements prepared, as in a server that has run a while)
            await webhook.drive(route, urls, users, False, 0, [], warm=False, first_id=users + 1)
            await counting(proc.pid, "on")
            result = await webhook.drive(route, urls, users, False, 0, [], warm=False)
            await counting(proc.pid, "off")
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        return instructions(out) / result["msgs"], int(result["ok"])


async def main_async(args: argparse.Namespace) -> None:
    fake = webhook.FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    app.router.add_post("/cgi-bin/{path:.*}", webhook.WECHAT_API.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = webhook.free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    where = "PostgreSQL" if args.pg else "SQLite"
    where += " + Redis" if args.redis else " + local state"
    print(f"{args.users} users × 9 messages per route, server under callgrind, {where}")
    print(f"{'route':9} {'M instr/msg':>11} {'booked':>6}  checkout")
    try:
        for route in ("wechat", "telegram"):
            for root in args.root:
                api = f"http://127.0.0.1:{port}"
                per_msg, ok = await measure(root, route, args.users, api, args)
                print(f"{route:9} {per_msg / 1e6:11.3f} {ok:6d}  {root}")
    finally:
        await runner.cleanup()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=10)
    p.add_argument("--root", action="append", help="a checkout to measure (repeatable)")
    p.add_argument("--pg", action="store_true", help="use PostgreSQL (--pg-url)")
    p.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_bench")
    p.add_argument("--redis", action="store_true", help="use Redis (--redis-url)")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = p.parse_args()
    args.root = [Path(r).resolve() for r in args.root or [webhook.ROOT]]
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind (with callgrind_control) is needed: apt-get install valgrind")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
