"""The ``daojia`` command: serve, demo, db upgrade, catalog check, keygen."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from domain.catalog import Catalog
from domain.errors import CatalogError
from domain.money import format_yuan
from domain.rules import DispatchMode, Rules
from store import migrate
from store.catalog_file import json_schema, load_catalog
from store.crypto import new_key
from store.db import sqlite_path
from webhooks import __version__
from webhooks.app import create_app
from webhooks.demo import demo_key, other_demo_key, seed_demo
from webhooks.metrics import shared_between_processes
from webhooks.server import CannotListen, run_server
from webhooks.settings import Settings, settings_error
from webhooks.workers import Supervisor

log = logging.getLogger("daojia")
BEHIND = "the database is not up to date; run `daojia db upgrade` first"
OTHER_KEY = (
    "DAOJIA_PII_KEY: this key does not decrypt the phones and addresses already in "
    "DAOJIA_DATABASE_URL (another key wrote them); give the key they were written with"
)


class Refused(Exception):
    """The command cannot run as configured; the message says why in one line."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise Refused(settings_error(exc)) from None


def _catalog(settings: Settings) -> tuple[Catalog, Rules]:
    try:
        return load_catalog(settings.catalog)
    except CatalogError as exc:
        raise Refused(f"DAOJIA_CATALOG: {exc}") from None


def cmd_demo(_args: argparse.Namespace) -> int:
    settings = load_settings()
    refusal = OTHER_KEY
    if settings.pii_key is None:
        settings = settings.model_copy(update={"pii_key": demo_key(settings.data_dir)})
        refusal = other_demo_key(settings.data_dir)
    catalog, rules = _catalog(settings)
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    with migrate.reporting():
        migrate.upgrade(settings.database_url)
        if not asyncio.run(migrate.key_opens(settings.database_url, settings.pii_key_bytes())):
            raise Refused(refusal)
        asyncio.run(migrate.hash_card_numbers(settings.database_url, settings.pii_key_bytes()))
        asyncio.run(seed_demo(settings, catalog))
    rules = replace(rules, dispatch=replace(rules.dispatch, mode=DispatchMode.GRAB))
    app = create_app(settings, catalog, rules, demo=True, scheduler=True)
    log.info(
        "daojia %s demo on http://%s:%s/ (Ctrl-C stops)", __version__, settings.host, settings.port
    )
    run_server(app, settings.host, settings.port)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.pii_key is None:
        raise Refused(
            "DAOJIA_PII_KEY: required by serve to encrypt phones and addresses "
            "(daojia keygen prints a new key)"
        )
    workers = args.workers
    if workers > 1 and sqlite_path(settings.database_url) is not None:
        raise Refused(
            f"--workers {workers} needs PostgreSQL (DAOJIA_DATABASE_URL): SQLite and "
            "in-process conversation state serve one process"
        )
    if workers > 1 and settings.redis_url is None:
        raise Refused(
            f"--workers {workers} needs Redis (DAOJIA_REDIS_URL): without it conversation "
            "state, dedupe and rate limits live in one process"
        )
    catalog, rules = _catalog(settings)
    with migrate.reporting():
        behind = asyncio.run(migrate.pending(settings.database_url))
        if behind:
            raise Refused(f"DAOJIA_DATABASE_URL: {BEHIND}")
        if not asyncio.run(migrate.key_opens(settings.database_url, settings.pii_key_bytes())):
            raise Refused(OTHER_KEY)
        asyncio.run(migrate.hash_card_numbers(settings.database_url, settings.pii_key_bytes()))
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    if workers > 1:
        log.info(
            "daojia %s serving on %s:%s with %d workers",
            __version__,
            settings.host,
            settings.port,
            workers,
        )
        with shared_between_processes():  # any worker answers /metrics for all
            return Supervisor(serve_worker, (settings,), workers).run()
    app = create_app(settings, catalog, rules, register_webhooks=True, scheduler=True)
    log.info("daojia %s serving on %s:%s", __version__, settings.host, settings.port)
    run_server(app, settings.host, settings.port)
    return 0


def serve_worker(settings: Settings, number: int, listening: Callable[[], None]) -> None:
    """One of ``serve --workers N``'s processes (``webhooks.workers``): its own application
    on the shared port. Worker 1 registers the Telegram webhook (once is enough)."""
    configure_logging(f"[worker {number} pid {os.getpid()}] ")
    catalog, rules = _catalog(settings)
    app = create_app(settings, catalog, rules, register_webhooks=number == 1, scheduler=True)
    try:
        run_server(app, settings.host, settings.port, reuse_port=True, listening=listening)
    except CannotListen as exc:  # one line in the log; the supervisor counts the failed start
        log.error("%s", exc)
        raise SystemExit(1) from None


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings()
    with migrate.reporting():
        migrate.upgrade(settings.database_url, args.revision)
    print(f"database at {args.revision}")
    return 0


def cmd_catalog_check(args: argparse.Namespace) -> int:
    try:
        catalog, rules = load_catalog(args.file)
    except CatalogError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    items = list(catalog.items())
    print(
        f"{args.file}: OK — {len(catalog.categories)} categories, {len(items)} items, "
        f"{len(catalog.bundles)} bundles, {len(catalog.cards)} cards, timezone {rules.timezone}"
    )
    for item in items:
        print(
            f"  {item.category_id}/{item.id}: {item.name.zh} / {item.name.en} "
            f"{format_yuan(item.unit_price_cents)} per {item.unit}"
            + (f", needs {', '.join(item.certificates)}" if item.certificates else "")
        )
    for card in catalog.cards:
        print(
            f"  card {card.id}: {card.name.zh} {card.paid_visits}+{card.free_visits} visits of "
            f"{', '.join(card.item_ids)} {format_yuan(card.price_cents)}, {card.valid_days} days"
        )
    return 0


def cmd_catalog_schema(_args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_wechat_menu_push(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.wechat_enabled:
        raise Refused("DAOJIA_WECHAT_APPID: WeChat is not configured")
    asyncio.run(_push_menu(settings))
    print("WeChat menu pushed")
    return 0


async def _push_menu(settings: Settings) -> None:
    import aiohttp
    import redis.asyncio as aioredis

    from bots.wechat_api import TokenCache, WeChatApi, WeChatApiError
    from bots.wechat_menu import MENU

    assert settings.wechat_appid and settings.wechat_secret
    redis_client = aioredis.from_url(settings.redis_url) if settings.redis_url else None
    try:
        async with aiohttp.ClientSession() as session:
            api = WeChatApi(
                base=settings.wechat_api_base,
                appid=settings.wechat_appid,
                secret=settings.wechat_secret.get_secret_value(),
                session=session,
                tokens=TokenCache(settings.wechat_appid, redis_client),
            )
            try:
                await api.create_menu(MENU)
            except (WeChatApiError, aiohttp.ClientError) as exc:
                raise Refused(f"WeChat refused the menu: {exc}") from None
    finally:
        if redis_client is not None:
            await redis_client.aclose()


def cmd_ledger_export(args: argparse.Namespace) -> int:
    """The ledger for business days FROM..TO as CSV (stdout, or --out FILE)."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from domain.business_days import day_bounds
    from webhooks.finance import export_file

    settings = load_settings()
    _, rules = _catalog(settings)
    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        raise Refused("dates as YYYY-MM-DD") from None
    if day_bounds(ZoneInfo(rules.timezone), start, end) is None:
        raise Refused(f"{args.end} is before {args.start}, or past the calendar's edge")
    with migrate.reporting():
        text = asyncio.run(export_file(settings, ZoneInfo(rules.timezone), start, end))
    if text is None:
        raise Refused(f"DAOJIA_DATABASE_URL: {BEHIND}")
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise Refused(f"--out {args.out}: {exc.strerror}") from None
    else:
        sys.stdout.write(text)
    return 0


def cmd_keygen(_args: argparse.Namespace) -> int:
    print(new_key())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="daojia", description="Chat-first home services.")
    p.add_argument("--version", action="version", version=f"daojia {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the production server from configuration")
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        metavar="N",
        help="server processes on the port (PostgreSQL and Redis needed for more than 1)",
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("demo", help="run a self-contained demo on 127.0.0.1:8080").set_defaults(
        func=cmd_demo
    )
    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db", required=True)
    up = db.add_parser("upgrade", help="apply migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)
    cat = sub.add_parser("catalog", help="catalog files").add_subparsers(dest="cat", required=True)
    check = cat.add_parser("check", help="validate a catalog file")
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_catalog_check)
    cat.add_parser("schema", help="print the catalog JSON Schema").set_defaults(
        func=cmd_catalog_schema
    )
    wx = sub.add_parser("wechat", help="WeChat official account").add_subparsers(
        dest="wx", required=True
    )
    menu = wx.add_parser("menu", help="the custom menu").add_subparsers(dest="menu", required=True)
    menu.add_parser("push", help="publish the custom menu").set_defaults(func=cmd_wechat_menu_push)
    ledger = sub.add_parser("ledger", help="finance").add_subparsers(dest="ledger", required=True)
    export = ledger.add_parser("export", help="the ledger of a date range as CSV")
    export.add_argument("start", help="first business day, YYYY-MM-DD")
    export.add_argument("end", help="last business day, YYYY-MM-DD")
    export.add_argument("--out", help="write to this file instead of stdout")
    export.set_defaults(func=cmd_ledger_export)
    sub.add_parser("keygen", help="print a new DAOJIA_PII_KEY").set_defaults(func=cmd_keygen)
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def configure_logging(prefix: str = "") -> None:
    """Log lines on stderr; ``prefix`` tells the processes of ``--workers`` apart."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format=f"%(asctime)s %(levelname)s {prefix}%(name)s: %(message)s",
    )
    logging.getLogger("aiohttp.access").setLevel(logging.INFO)
    # the sweeps run every few seconds in every process: apscheduler's INFO lines ("Running
    # job", "executed successfully") would be most of an operator's log; its warnings (a run
    # missed) and errors stay
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    try:
        return int(args.func(args))
    except (Refused, CannotListen, migrate.DatabaseProblem) as exc:
        print(f"daojia: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
