"""What bench/webhook.py prints at the end: each handler and route's median figures, the
ratios to the bare handler, the database's verification and round trips per booking."""

from __future__ import annotations

import statistics

from webhook_rig import WECHAT_API


def pinned(args) -> bool:
    """Whether the server runs pinned to CPU 0 and this client to CPU 1 (one process)."""
    return not args.workers and args.ports == 1


def report(args, runs: dict[tuple[str, str], list[dict]], checks: list[dict], fake) -> None:
    setup = f"{'PostgreSQL' if args.pg else 'SQLite'} + {'Redis' if args.redis else 'local state'}"
    if args.workers:
        setup += f", daojia serve --workers {args.workers} (unpinned, client too)"
    if args.ports > 1:
        setup += f", {args.ports} daojia processes on ports of their own (unpinned, client too)"
    think = f"; each user waits {args.think} s between messages" if args.think else ""
    print(
        f"\n{args.users} users × 9 messages per route; daojia on {setup}{think}"
        + ("" if not pinned(args) else "; server pinned to CPU 0, client to CPU 1")
        + f"; median of {args.rounds} interleaved rounds"
    )
    print(
        f"{'handler':8} {'route':9} {'msgs':>6} {'msgs/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'booked':>6} {'CPU ms/msg':>10}  msgs/s per round"
    )
    by: dict[tuple[str, str], dict] = {}
    for (kind, route), results in runs.items():
        r = by[(kind, route)] = {
            key: statistics.median(x[key] for x in results) for key in results[0]
        }
        rates = " ".join(f"{x['rate']:.0f}" for x in results)
        print(
            f"{kind:8} {route:9} {r['msgs']:6.0f} {r['rate']:8.0f} {r['p50']:8.1f} "
            f"{r['p99']:8.1f} {r['ok']:6.0f} {r['cpu_ms']:10.3f}  {rates}"
        )
    for route in ("wechat", "telegram"):
        ratios = [
            d["rate"] / b["rate"]
            for d, b in zip(runs[("daojia", route)], runs[("bare", route)], strict=True)
        ]
        cpu = [
            b["cpu_ms"] / d["cpu_ms"]
            for d, b in zip(runs[("daojia", route)], runs[("bare", route)], strict=True)
            if d["cpu_ms"]
        ]
        print(
            f"{route}: daojia throughput = {statistics.median(ratios):.0%} of the bare handler "
            f"(per round: {' '.join(f'{x:.0%}' for x in ratios)}); server CPU per message: "
            f"bare = {statistics.median(cpu):.0%} of daojia's"
        )
    for c in checks:
        print(
            f"verified in the database: {c['customers']} customers, {c['orders']} orders, "
            f"{c['paid']} paid (of {c['expected']} bookings), {c['duplicated']} customers "
            f"with more than one order, {c['unpaid']} left awaiting payment"
        )
        if "sql" in c:
            print(
                f"database round trips per booking (9 messages): {c['sql'] / c['expected']:.1f} "
                f"SQL statements, {c['transactions'] / c['expected']:.2f} transactions; "
                f"{c.get('connections', 0)} connections opened in all"
            )
    print(
        f"fake Bot API: {fake.sent} sendMessage calls (the rest rode on webhook responses); "
        f"fake WeChat API: {WECHAT_API.sent} customer-service messages (slow turns)"
    )
    if args.steps:
        steps(args.step_times)


STEP_NAMES = ["first message", "book", "category", "item", "hours", "when", "address", "phone"]
STEP_NAMES += ["pay"]


def steps(step_times: dict[tuple[str, str], dict[int, list[float]]]) -> None:
    """daojia's p50 / p99 (ms) per message of the flow, every round's messages together: the
    steps that write to the database wait longest under load."""
    print("\ndaojia per message of the flow, p50 / p99 ms (all rounds):")
    print(f"{'message':14} " + " ".join(f"{route:>16}" for route in ("wechat", "telegram")))
    for i, name in enumerate(STEP_NAMES):
        cells = []
        for route in ("wechat", "telegram"):
            times = sorted(step_times.get(("daojia", route), {}).get(i, []))
            if not times:
                cells.append(f"{'-':>16}")
                continue
            p50, p99 = times[len(times) // 2] * 1000, times[int(len(times) * 0.99)] * 1000
            cells.append(f"{p50:7.0f} / {p99:6.0f}")
        print(f"{name:14} " + " ".join(cells))
