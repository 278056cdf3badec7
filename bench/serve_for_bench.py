"""A server for the benchmarks (bench/webhook.py, bench/one_step.py): ``daojia`` (WeChat
plaintext + Telegram), a bare handler, or the one-step benchmark's hand-written booking step
(``dict``: the state in a dict; ``redis``: one GET and one SET of the state in Redis).

Run by a benchmark in its own process (pinned to one CPU), never by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import orjson
import uvloop
from aiohttp import web

BARE_REPLY = b"x" * 300


async def bare(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=BARE_REPLY, content_type="application/xml")


def step_app(redis_url: str) -> web.Application:
    """The hand-written booking step: read the person's state, take the answer to the area
    question, move the state on, answer with the next question (and its buttons) on the
    webhook response — state in a dict, or (``redis_url``) one GET and one SET in Redis."""
    states: dict[int, bytes] = {}
    app = web.Application()
    client = None
    if redis_url:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(redis_url)

    async def step(request: web.Request) -> web.Response:
        message = orjson.loads(await request.read())["message"]
        uid = message["from"]["id"]
        key = f"bench:{uid}:conv"
        raw = await client.get(key) if client is not None else states.get(uid)
        state = orjson.loads(raw) if raw else {"step": "area", "data": {}}
        text = message["text"].strip()
        if not text.isdigit():
            return web.json_response(
                {"method": "sendMessage", "chat_id": uid, "text": "请输入房屋面积(平方米)"}
            )
        state["data"]["area_sqm"] = int(text)
        state["step"] = "when"
        raw = orjson.dumps(state)
        if client is not None:
            await client.set(key, raw, ex=7 * 86400)
        else:
            states[uid] = raw
        keyboard = [
            [{"text": f"明天 {hour}", "callback_data": f"slot:2026-12-07T{hour}:00+08:00"}]
            for hour in ("08:00", "10:00", "13:00")
        ]
        keyboard += [
            [{"text": "尽快上门", "callback_data": "asap"}],
            [{"text": "其他时间", "callback_data": "other"}],
        ]
        reply = {
            "method": "sendMessage",
            "chat_id": uid,
            "text": "什么时候上门?也可以直接回复,例如「12月8日 下午3点」(可约 30 天内)。",
            "reply_markup": {"inline_keyboard": keyboard},
        }
        return web.Response(body=orjson.dumps(reply), content_type="application/json")

    app.router.add_post("/telegram", step)
    return app


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--kind", choices=["daojia", "bare", "dict", "redis"], required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", type=Path, required=True)
    p.add_argument("--telegram-api", default="")
    p.add_argument("--db", default="")
    p.add_argument("--redis", default="")
    p.add_argument("--cpu", type=int, default=-1)
    p.add_argument("--messages-per-minute", type=int, default=0, help="the rate limit's rule")
    p.add_argument("--workers", type=int, default=0, help="as `daojia serve --workers N`")
    p.add_argument("--profile", type=Path, help="write cProfile stats here on SIGTERM")
    p.add_argument("--count-sql", type=Path, help="write the SQL statements sent here at exit")
    args = p.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    logging.basicConfig(level=logging.WARNING)
    if args.profile:  # SIGUSR2 starts profiling, SIGUSR1 writes the profile and exits
        profiler = cProfile.Profile()

        def dump(*_: object) -> None:
            profiler.disable()
            profiler.dump_stats(args.profile)
            os._exit(0)

        signal.signal(signal.SIGUSR2, lambda *_: profiler.enable())
        signal.signal(signal.SIGUSR1, dump)  # the servers below take SIGTERM for themselves
    if args.kind in ("bare", "dict", "redis"):
        if args.kind == "bare":
            app = web.Application()
            app.router.add_post("/wechat", bare)
            app.router.add_post("/telegram", bare)
        else:
            app = step_app(args.redis if args.kind == "redis" else "")
        # on the same event loop as daojia's server (webhooks.server.run_server)
        web.run_app(
            app,
            host="127.0.0.1",
            port=args.port,
            print=None,
            access_log=None,
            loop=uvloop.new_event_loop(),
        )
        return
    from store import migrate
    from store.catalog_file import load_catalog
    from store.crypto import new_key
    from webhooks.app import create_app
    from webhooks.server import run_server
    from webhooks.settings import Settings

    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.db or f"sqlite+aiosqlite:///{args.dir}/bench.db"
    migrate.upgrade(db)
    settings = Settings(
        _env_file=None,
        database_url=db,
        redis_url=args.redis or None,
        # the servers of one run share a database, and so its key (bench/webhook.py --ports)
        pii_key=os.environ.get("BENCH_PII_KEY") or new_key(),
        data_dir=args.dir / "data",
        media_dir=args.dir / "media",
        wechat_appid="wxbench",
        wechat_api_base=f"{args.telegram_api}/cgi-bin/",
        wechat_secret="s",
        wechat_token="bench-token",
        telegram_token="1:bench",
        telegram_secret="bench-secret",
        # the fake Bot API has no flood limit; real Telegram allows 30 messages a second
        telegram_rate_per_second=int(os.environ.get("BENCH_TELEGRAM_RATE", "1000")),
        telegram_api_base=f"{args.telegram_api}/bot",
        telegram_file_base=f"{args.telegram_api}/file/bot",
        sandbox_payments=True,  # the simulated customers pay in the sandbox (a test mode)
        host="127.0.0.1",
        port=args.port,
    )
    if args.workers:  # N processes on one port, as `daojia serve --workers N` runs them
        from webhooks.workers import Supervisor

        print("ready", file=sys.stderr, flush=True)
        raise SystemExit(
            Supervisor(serve_worker, (settings, args.messages_per_minute), args.workers).run()
        )
    catalog, rules = load_catalog()
    if args.messages_per_minute:  # the one-step benchmark's users answer many times a minute
        risk = dataclasses.replace(rules.risk, messages_per_minute=args.messages_per_minute)
        rules = dataclasses.replace(rules, risk=risk)
    app = create_app(settings, catalog, rules)
    if args.count_sql:
        app.cleanup_ctx.append(count_sql(args.count_sql))
    # the access log as `daojia serve` writes it (JSON lines), to a file here
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.propagate = False
    access.addHandler(logging.FileHandler(args.dir / "access.log"))
    print("ready", file=sys.stderr, flush=True)
    run_server(app, "127.0.0.1", args.port)  # as `daojia serve` runs it


def count_sql(path: Path) -> Callable[[web.Application], AsyncIterator[None]]:
    """Count the statements and transactions the app sends its database (SQLAlchemy's engine
    events, as tests/e2e/test_round_trips.py counts them) and the connections it opens; write
    them to ``path`` at exit (a JSON line of the counts, then one of the statements by their
    text)."""
    from sqlalchemy import event

    from webhooks.keys import DATABASE

    try:  # a checkout before store.pg_direct (--root) counts SQLAlchemy's events alone
        from store.pg_direct import observe
    except ImportError:
        observe = None

    async def counting(app: web.Application) -> AsyncIterator[None]:
        seen = {"sql": 0, "transactions": 0, "connections": 0}
        # by their text, for a look at what was sent (shortened when written: the same
        # statement is the same string, whose hash Python keeps, so counting costs little)
        statements: Counter[str] = Counter()

        def sql(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            seen["sql"] += 1
            statements[statement] += 1

        def begun(*_: object) -> None:
            seen["transactions"] += 1

        def connected(*_: object) -> None:  # a new connection to PostgreSQL (its pool's)
            seen["connections"] += 1

        engine = app[DATABASE].engine.sync_engine
        event.listen(engine, "before_cursor_execute", sql)
        event.listen(engine, "begin", begun)
        event.listen(engine, "connect", connected)
        # what store.pg_direct runs on asyncpg's connection, past SQLAlchemy's events
        if observe is not None:
            observe(app[DATABASE].engine, lambda statement: sql(None, None, statement))
        yield
        short: Counter[str] = Counter()
        for statement, n in statements.items():
            short[" ".join(statement.split())[:160]] += n
        dump = orjson.dumps(seen) + b"\n" + orjson.dumps(dict(short.most_common()))
        await asyncio.to_thread(path.write_bytes, dump)

    return counting


def serve_worker(settings: object, per_minute: int, number: int, listening: object) -> None:
    """One of ``--workers``' processes: the app as the single-process server above makes it
    (no sweeps: the benchmark measures the chat path), on the shared port."""
    from store.catalog_file import load_catalog
    from webhooks.app import create_app
    from webhooks.server import run_server

    catalog, rules = load_catalog()
    if per_minute:
        risk = dataclasses.replace(rules.risk, messages_per_minute=per_minute)
        rules = dataclasses.replace(rules, risk=risk)
    app = create_app(settings, catalog, rules)  # type: ignore[arg-type]
    access = logging.getLogger("aiohttp.access")  # as the single process logs it
    access.setLevel(logging.INFO)
    access.propagate = False
    data_dir = settings.data_dir  # type: ignore[attr-defined]
    access.addHandler(logging.FileHandler(data_dir.parent / f"access-{number}.log"))
    run_server(app, "127.0.0.1", settings.port, reuse_port=True, listening=listening)  # type: ignore[attr-defined, arg-type]


if __name__ == "__main__":
    main()
