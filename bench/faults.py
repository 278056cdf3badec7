"""Faults on the operators' set-up: two ``daojia serve`` processes sharing PostgreSQL and Redis
behind a small load balancer, customers booking and paying on Telegram (a fake Bot API on
loopback) while a fault strikes; prints a fault table.

Faults:
  kill       ``kill -9`` of one process while turns run in it; it is started again.
  redis-cut  every connection to Redis cut (a TCP proxy between daojia and Redis refuses
             and drops them for a few seconds) while turns run.
  redis-lost Redis loses everything (a restart without persistence) mid-booking.

Customers behave as Telegram does: an update that was not answered 200 (a dropped connection,
a 5xx) is sent again, the same update, after a pause. For each fault the table says how many
customers there were, how many messages were lost (answered without the reply the step
needs), orders duplicated (a customer with more than one), orphans (orders left awaiting
payment), conversations put back (a step to redo after Redis lost its memory; documented),
the 5xx answers once the process was back, and the seconds to recover (the longest any message
waited for its answer, first attempt to answer).

    .venv/bin/python bench/faults.py                      # every fault, 30 customers
    .venv/bin/python bench/faults.py --fault kill --customers 30 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults_rig import (  # noqa: E402
    Balancer,
    RedisProxy,
    admin_sql,
    free_port,
    healthy,
    redis_target,
    serve,
)

from tests.fakes.telegram import FakeTelegram, callback_update, message_update  # noqa: E402

SECRET = "faults-secret"
SCRIPT: list[tuple[str, str, str]] = [
    # (how, what, what the answer must offer or say)
    ("say", "/start", "预约服务"),
    ("choose", "预约服务", "保洁"),
    ("choose", "保洁", "日常保洁"),
    ("choose", "日常保洁", "2小时"),
    ("choose", "2小时", "什么时候"),
    ("say", "明天 15:00", "地址"),
    ("say", "浦东新区世纪大道100号 5楼", "确认下单"),
    ("say", "{phone}", "确认支付"),  # their own phone, at the first quote: places the order
    ("choose", "确认支付", "支付成功"),
]


@dataclass
class Outcome:
    fault: str
    customers: int
    messages_lost: int = 0
    orders_duplicated: int = 0
    orphans: int = 0
    put_back: int = 0
    paid: int = 0
    errors_after_back: int = 0
    recover_s: float = 0.0
    notes: list[str] = field(default_factory=list)


class Customer:
    def __init__(self, run: Run, uid: int) -> None:
        self.run, self.uid = run, uid
        self.last: list[dict[str, Any]] = []
        self.reset = False

    def options(self) -> list[dict[str, Any]]:
        out = []
        for msg in self.last:
            for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []):
                out.extend(row)
        return out

    def text(self) -> str:
        texts = [m.get("text", "") for m in self.last] + [b["text"] for b in self.options()]
        return "\n".join(texts)

    async def post(self, update: dict[str, Any]) -> None:
        """Deliver ``update`` as Telegram does: again and again until it is answered 200."""
        first = time.monotonic()
        delay = 0.5
        while True:
            port = self.run.balancer.pick()
            before = len(self.run.fake.sent(self.uid))
            try:
                async with self.run.session.post(
                    f"http://127.0.0.1:{port}/telegram",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    timeout=aiohttp.ClientTimeout(total=30),
                ) as resp:
                    status = resp.status
                    body = await resp.json() if status == 200 else None
            except (TimeoutError, aiohttp.ClientError, ConnectionError):
                self.run.balancer.down(port)
                status, body = 0, None
            if status == 200:
                self.last = self.run.fake.sent(self.uid)[before:]
                if body and body.get("method"):
                    self.last.append(body)
                self.run.answered(time.monotonic() - first)
                return
            if status >= 500 and self.run.back_at and time.monotonic() > self.run.back_at:
                self.run.errors_after_back += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 4.0)

    async def book(self) -> bool:
        """Walk the booking; True when every step got the answer it needs."""
        for how, what, expect in SCRIPT:
            if how == "say":
                # one number is one person's new-customer offers: each customer has their own
                update = message_update(self.uid, what.format(phone=f"13{self.uid % 10**9:09d}"))
            else:
                data = next(
                    (b["callback_data"] for b in self.options() if what in b["text"]), None
                )
                if data is None:
                    self.off_track(what, what)
                    return False
                update = callback_update(self.uid, data)
            await self.post(update)
            await asyncio.sleep(random.uniform(0, self.run.think))
            if expect not in self.text():
                self.off_track(what, expect)
                return False
        return True

    def off_track(self, what: str, expect: str) -> None:
        if self.run.args.verbose:
            shown = self.text().replace("\n", " | ")[:300]
            print(f"{self.uid}: after {what!r} no {expect!r} in: {shown}", file=sys.stderr)


@dataclass
class Run:
    args: argparse.Namespace
    fake: FakeTelegram
    session: aiohttp.ClientSession
    balancer: Balancer
    think: float
    waits: list[float] = field(default_factory=list)
    errors_after_back: int = 0
    back_at: float = 0.0
    strike_after: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def answered(self, waited: float) -> None:
        self.waits.append(waited)
        if len(self.waits) >= self.strike_after:
            self.ready.set()


async def run_fault(fault: str, args: argparse.Namespace, workdir: Path) -> Outcome:
    from sqlalchemy.engine import make_url

    from store import migrate
    from store.crypto import new_key

    db_name = f"daojia_faults_{secrets.token_hex(4)}"
    await admin_sql(args.pg_url, f'CREATE DATABASE "{db_name}"')
    db_url = make_url(args.pg_url).set(database=db_name).render_as_string(hide_password=False)
    await asyncio.to_thread(migrate.upgrade, db_url)  # alembic runs its own event loop
    fake = FakeTelegram()
    await fake.start()
    proxy = RedisProxy(redis_target(args.redis_url))
    await proxy.start()
    redis_url = args.redis_url
    if fault == "redis-cut":
        redis_url = redis_url.replace(
            f"{proxy.target[0]}:{proxy.target[1]}", f"127.0.0.1:{proxy.port}"
        )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DAOJIA_DATABASE_URL": db_url,
        "DAOJIA_REDIS_URL": redis_url,
        "DAOJIA_PII_KEY": new_key(),
        "DAOJIA_TELEGRAM_TOKEN": "1:faults",
        "DAOJIA_TELEGRAM_SECRET": SECRET,
        "DAOJIA_TELEGRAM_API_BASE": fake.base_url,
        "DAOJIA_TELEGRAM_FILE_BASE": fake.file_url,
        "DAOJIA_TELEGRAM_RATE_PER_SECOND": "1000",
        "DAOJIA_SANDBOX_PAYMENTS": "true",  # the sandbox stands in for a provider (test mode)
        "DAOJIA_DATA_DIR": str(workdir / "data"),
        "DAOJIA_MEDIA_DIR": str(workdir / "media"),
    }
    ports = [free_port(), free_port()]
    logs = [workdir / f"daojia-{i}.log" for i in range(2)]
    procs = [serve(env, port, log) for port, log in zip(ports, logs, strict=True)]
    outcome = Outcome(fault, args.customers)
    try:
        await asyncio.gather(*(healthy(p) for p in ports))
        async with aiohttp.ClientSession() as session:
            run = Run(args, fake, session, Balancer(ports), args.think)
            run.strike_after = int(len(SCRIPT) * args.customers * args.strike_at)
            base = 10**9 + secrets.randbelow(10**8) * 10
            customers = [Customer(run, base + i) for i in range(args.customers)]
            booking = [asyncio.create_task(c.book()) for c in customers]
            await strike(fault, run, procs, ports, env, logs, proxy, args)
            done = await asyncio.gather(*booking)
        outcome.messages_lost = sum(not ok for ok in done)
        outcome.errors_after_back = run.errors_after_back
        outcome.recover_s = round(max(run.waits, default=0.0), 2)
        await count_orders(db_url, [c.uid for c in customers], outcome)
        if fault == "redis-lost":
            outcome.put_back = outcome.messages_lost
            outcome.messages_lost = 0
            outcome.notes.append(
                "put back: steps before an order existed were lost with Redis and asked again"
            )
    except BaseException:
        for log in logs:  # what the servers said, for whoever reads the failure
            print(f"--- {log.name}\n" + log.read_text(errors="replace")[-4000:], file=sys.stderr)
        raise
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(15)
            if proc.poll() is None:
                proc.kill()
        await fake.stop()
        if proxy.server is not None:
            proxy.server.close()
        await admin_sql(args.pg_url, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    return outcome


async def strike(
    fault: str,
    run: Run,
    procs: list[subprocess.Popen[bytes]],
    ports: list[int],
    env: dict[str, str],
    logs: list[Path],
    proxy: RedisProxy,
    args: argparse.Namespace,
) -> None:
    """Wait until the customers are well into their bookings, then strike."""
    await run.ready.wait()
    if fault == "kill":
        procs[0].send_signal(signal.SIGKILL)
        procs[0].wait()
        await asyncio.sleep(args.down_s)
        procs[0] = serve(env, ports[0], logs[0])
        await healthy(ports[0])
        run.back_at = time.monotonic()
    elif fault == "redis-cut":
        proxy.cut(args.down_s)
        await asyncio.sleep(args.down_s)
        run.back_at = time.monotonic() + 1.0  # the clients reconnect on their next command
    elif fault == "redis-lost":
        import redis.asyncio as aioredis

        client = aioredis.from_url(args.redis_url)
        async for key in client.scan_iter("daojia:telegram:*"):
            await client.delete(key)
        await client.aclose()
        run.back_at = time.monotonic()


async def count_orders(db_url: str, uids: list[int], outcome: Outcome) -> None:
    from sqlalchemy import text

    from store.db import create_engine

    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT i.channel_user_id, o.status FROM orders o JOIN identities i "
                        "ON i.customer_id = o.customer_id WHERE i.channel = 'telegram'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    per: dict[str, list[str]] = {str(u): [] for u in uids}
    for uid, status in rows:
        per.setdefault(uid, []).append(status)
    outcome.orders_duplicated = sum(len(s) > 1 for s in per.values())
    outcome.orphans = sum(s == "awaiting_payment" for v in per.values() for s in v)
    unpaid = ("awaiting_payment", "quoted")
    outcome.paid = sum(any(s not in unpaid for s in v) for v in per.values())


def table(outcomes: list[Outcome]) -> str:
    head = (
        "| fault | customers | paid | messages lost | orders duplicated | orphans | "
        "put back | 5xx once back | seconds to recover |"
    )
    lines = [head, "|" + "---|" * 9]
    for o in outcomes:
        lines.append(
            f"| {o.fault} | {o.customers} | {o.paid} | {o.messages_lost} | "
            f"{o.orders_duplicated} | {o.orphans} | {o.put_back} | {o.errors_after_back} | "
            f"{o.recover_s} |"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> list[Outcome]:
    import tempfile

    faults = ["kill", "redis-cut", "redis-lost"] if args.fault == "all" else [args.fault]
    outcomes = []
    for fault in faults:
        with tempfile.TemporaryDirectory(prefix=f"daojia-{fault}-") as tmp:
            outcomes.append(await run_fault(fault, args, Path(tmp)))
    return outcomes


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fault", choices=["all", "kill", "redis-cut", "redis-lost"], default="all")
    p.add_argument("--customers", type=int, default=30)
    p.add_argument("--think", type=float, default=0.05, help="most seconds between messages")
    p.add_argument("--strike-at", type=float, default=0.4, help="share of messages sent first")
    p.add_argument("--down-s", type=float, default=3.0, help="seconds the fault lasts")
    p.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    p.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    p.add_argument("--verbose", action="store_true", help="say where each customer went off")
    args = p.parse_args()
    outcomes = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps([asdict(o) for o in outcomes]))
    else:
        print(table(outcomes))
        for o in outcomes:
            for note in o.notes:
                print(f"{o.fault}: {note}")


if __name__ == "__main__":
    main()
