"""A server for bench/webhook.py: ``daojia`` (WeChat plaintext + Telegram) or a bare handler.

Run by the benchmark in its own process (pinned to one CPU), never by hand.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import uvloop
from aiohttp import web

BARE_REPLY = b"x" * 300


async def bare(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(body=BARE_REPLY, content_type="application/xml")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--kind", choices=["daojia", "bare"], required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", type=Path, required=True)
    p.add_argument("--telegram-api", default="")
    p.add_argument("--db", default="")
    p.add_argument("--redis", default="")
    p.add_argument("--cpu", type=int, default=-1)
    args = p.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    logging.basicConfig(level=logging.WARNING)
    if args.kind == "bare":
        app = web.Application()
        app.router.add_post("/wechat", bare)
        app.router.add_post("/telegram", bare)
        # on the same event loop as daojia's server (webhooks.cli.run_server)
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
    from webhooks.cli import run_server
    from webhooks.settings import Settings

    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.db or f"sqlite+aiosqlite:///{args.dir}/bench.db"
    migrate.upgrade(db)
    settings = Settings(
        _env_file=None,
        database_url=db,
        redis_url=args.redis or None,
        pii_key=new_key(),
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
    )
    catalog, rules = load_catalog()
    app = create_app(settings, catalog, rules)
    # the access log as `daojia serve` writes it (JSON lines), to a file here
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.propagate = False
    access.addHandler(logging.FileHandler(args.dir / "access.log"))
    print("ready", file=sys.stderr, flush=True)
    run_server(app, "127.0.0.1", args.port)  # as `daojia serve` runs it


if __name__ == "__main__":
    main()
