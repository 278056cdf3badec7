"""Benchmark: order confirmations per second in one process on PostgreSQL.

One confirmation is the transaction a customer's "confirm" writes: a fresh order number, the
order row, its quote lines, its timeline events, the pending payment row and one outbox
message — through the repositories the booking path uses (``store``), in one unit of
work, ``--concurrency`` of them at once on the application's engine (``store.db``: asyncpg,
a pool of 10 + 10, each checkout checked with one round trip). That is 3 SQL statements:
the order with its lines and events in one INSERT whose number is drawn without a SELECT
(``store.new_orders``), the payment's and the outbox message's INSERT … RETURNING id; plus
BEGIN and COMMIT. Prints orders/s, this process's CPU per order, SQL statements per order
and the transactions, in rounds (medians). On this shared 2-CPU VM orders/s and CPU move by
±30 % between minutes: ``--instructions`` counts what the client runs instead (callgrind;
user space only), the same from run to run.

    python bench/confirm_orders.py                      # 4 rounds of 2,000 orders
    python bench/confirm_orders.py --orders 5000 --concurrency 32
    python bench/confirm_orders.py --root ../old-checkout   # another checkout's store
    python bench/confirm_orders.py --orders 640 --rounds 1 --instructions  # ~1 min
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvloop
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # --root: the code of another checkout (before a change)
    at = sys.argv.index("--root") + 1 if "--root" in sys.argv else 0
    sys.path.insert(0, str(Path(sys.argv[at]).resolve() if at else ROOT))

from pg_rig import fresh_database  # noqa: E402 - beside this script

from conversations.services import payment_requests  # noqa: E402
from domain.lifecycle import Action, ActorKind  # noqa: E402
from domain.orders import Actor, Order  # noqa: E402
from domain.outbox import OutboxMessage  # noqa: E402
from domain.people import Customer  # noqa: E402
from domain.pricing import QuoteRequest, Selection, quote  # noqa: E402
from store.catalog_file import load_catalog  # noqa: E402
from store.crypto import PiiCipher, new_key  # noqa: E402
from store.db import create_engine  # noqa: E402
from store.uow import Database  # noqa: E402

try:  # a checkout before store.pg_direct (--root) counts SQLAlchemy's events alone
    from store.pg_direct import observe
except ImportError:  # pragma: no cover - older checkouts

    def observe(*_: object) -> None:
        return None


SELECTIONS = (Selection("daily_cleaning", 3, option_ids=("supplies",)),)


async def customers(db: Database, count: int, now: datetime) -> list[int]:
    ids: list[int] = []
    async with db.uow() as uow:
        for i in range(count):
            customer = await uow.customers.add(
                Customer(created_at=now, name=f"客户{i}", phone=f"139{i:08d}", lang="zh")
            )
            assert customer.id is not None
            ids.append(customer.id)
        await uow.commit()
    return ids


class Confirmations:
    def __init__(self, db: Database, now: datetime) -> None:
        catalog, rules = load_catalog()
        self.db = db
        self.now = now
        self.start_at = now + timedelta(days=2)
        self.quote = quote(catalog, rules, QuoteRequest(SELECTIONS, self.start_at))

    async def confirm(self, customer_id: int) -> None:
        now, actor = self.now, Actor(ActorKind.CUSTOMER, str(customer_id))
        async with self.db.uow() as uow:
            order = Order.from_quote(
                number=await uow.orders.next_number(),
                customer_id=customer_id,
                selections=SELECTIONS,
                quote=self.quote,
                start_at=self.start_at,
                created_at=now,
                channel="telegram",
                actor=actor,
                lang="zh",
            )
            order.apply(Action.REQUEST_PAYMENT, actor, now)
            await uow.orders.add(order)
            payment = await payment_requests.pending_payment(
                uow, order, "sandbox", now, fresh=True
            )
            await uow.outbox.add(
                OutboxMessage(
                    "telegram",
                    str(customer_id),
                    "order_placed",
                    [{"say": f"订单 #{order.number} 已提交,请支付 {payment.amount_cents} 分"}],
                    now,
                    now,
                )
            )
            await uow.commit()


async def run(args) -> None:
    await fresh_database(args.pg_url)
    engine = create_engine(args.pg_url)
    seen: Counter[str] = Counter()
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a, **k: seen.update(["sql"]))
    event.listen(engine.sync_engine, "begin", lambda *a, **k: seen.update(["transactions"]))
    observe(engine, lambda sql: seen.update(["sql"]))  # store.pg_direct's, past those events
    db = Database(engine, PiiCipher(base64.b64decode(new_key())))
    now = datetime.now(UTC)
    people = await customers(db, args.concurrency, now)
    bench = Confirmations(db, now)
    results: list[dict[str, float]] = []

    async def worker(customer_id: int, count: int) -> None:
        for _ in range(count):
            await bench.confirm(customer_id)

    per_task = args.orders // args.concurrency
    await asyncio.gather(*(worker(c, 20) for c in people))  # warm-up: pool, prepared statements
    if args.counted:  # under callgrind (--instructions): count the rounds only
        await asyncio.to_thread(callgrind, "on")
    for _ in range(args.rounds):
        seen.clear()
        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(c, per_task) for c in people))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        n = per_task * len(people)
        results.append(
            {
                "rate": n / wall,
                "cpu_us": cpu * 1e6 / n,
                "sql": seen["sql"] / n,
                "transactions": seen["transactions"] / n,
            }
        )
    if args.counted:
        await asyncio.to_thread(callgrind, "off")
    await engine.dispose()
    med = {key: statistics.median(r[key] for r in results) for key in results[0]}
    print(
        f"\norder confirmations on PostgreSQL, one process, {args.concurrency} at once, "
        f"{per_task * len(people)} per round; median of {args.rounds} rounds"
    )
    rates = " ".join(f"{r['rate']:.0f}" for r in results)
    print(
        f"orders/s {med['rate']:.0f} (goal ≥ 500; per round: {rates}); "
        f"CPU {med['cpu_us']:.0f} µs/order in this process; {med['sql']:.1f} SQL statements "
        f"and {med['transactions']:.2f} transactions per order"
    )


def callgrind(state: str) -> None:
    """Switch callgrind's counting in this process on or off."""
    subprocess.run(
        ["callgrind_control", "-i", state, str(os.getpid())], check=True, stdout=subprocess.DEVNULL
    )


def instructions(args: argparse.Namespace) -> None:
    """Run this benchmark again under callgrind and print instructions per order: user-space
    instructions of the measured rounds, repeatable where CPU time is not on a shared VM."""
    argv = [a for a in sys.argv[1:] if a != "--instructions"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        command = [*valgrind, f"--callgrind-out-file={out}", sys.executable, __file__]
        subprocess.run([*command, *argv, "--counted"], check=True)
        total = sum(
            int(line.split()[1])
            for dump in Path(tmp).glob("callgrind.out*")
            for line in dump.read_text(errors="replace").splitlines()
            if line.startswith("totals:")
        )
    orders = args.orders // args.concurrency * args.concurrency * args.rounds
    print(f"{total / orders / 1e6:.2f} M instructions per order (callgrind, user space)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--orders", type=int, default=2000, help="orders per round")
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument(
        "--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/daojia_confirm"
    )
    p.add_argument("--cpu", type=int, default=-1, help="pin this process to one CPU")
    p.add_argument("--root", help="run the store of this checkout (e.g. before a change)")
    p.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per order under valgrind (slow: use --orders 640 --rounds 1)",
    )
    p.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.instructions:
        instructions(args)
        return
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    uvloop.run(run(args))


if __name__ == "__main__":
    main()
