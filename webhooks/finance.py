"""Finance downloads: the ledger as CSV for a date range, behind a signed, expiring link."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from zoneinfo import ZoneInfo

from aiohttp import web

from domain.business_days import day_bounds
from store.money_reports_repo import MoneyReports
from store.uow import Database
from webhooks.keys import DATABASE, LINKS, RULES
from webhooks.settings import Settings

LINK_TTL_S = 600
NAME = re.compile(r"^ledger-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv$")
SIGNED = re.compile(r"[0-9a-f]{1,64}")
"""A link's expiry (seconds, digits) or signature (hex), as ``MediaLinks.url`` writes them."""


def ledger_path(start: date, end: date) -> str:
    return f"finance/ledger-{start.isoformat()}-{end.isoformat()}.csv"


HEADER = (
    "at",
    "journal",
    "account",
    "debit_fen",
    "credit_fen",
    "order_id",
    "order_number",
    "memo",
)
"""The CSV's columns: ``order_id`` is the order's internal id, as the journals and the other
tables join on it; ``order_number`` is what every screen, receipt and customer calls the
order (``#973072``); both empty for an entry of no order (a withdrawal)."""


async def export_csv(db: Database, tz: ZoneInfo, start: date, end: date) -> str:
    """The ledger entries of business days ``start``..``end`` (inclusive) as CSV (``HEADER``);
    none for days that are no range (``day_bounds``: the route refuses them, 400)."""
    bounds = day_bounds(tz, start, end)
    entries = []
    numbers: dict[int, int] = {}
    if bounds is not None:
        async with db.uow() as uow:
            entries = await uow.ledger.between(*bounds)
            numbers = await MoneyReports(uow.session).order_numbers(*bounds)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for e in entries:
        writer.writerow(
            [
                e.at.astimezone(tz).isoformat(),
                e.journal,
                e.account,
                max(e.amount_cents, 0),
                max(-e.amount_cents, 0),
                e.order_id or "",
                numbers.get(e.order_id, "") if e.order_id else "",
                e.memo,
            ]
        )
    return out.getvalue()


async def export_file(settings: Settings, tz: ZoneInfo, start: date, end: date) -> str | None:
    """``daojia ledger export``: ``export_csv`` of the configured database, or None when its
    migrations are behind (its tables may not be there)."""
    from store import migrate
    from store.crypto import PiiCipher
    from store.db import create_engine

    if await migrate.pending(settings.database_url):
        return None
    key = settings.pii_key_bytes() if settings.pii_key else bytes(32)
    db = Database(create_engine(settings.database_url), PiiCipher(key))
    try:
        return await export_csv(db, tz, start, end)
    finally:
        await db.dispose()


async def ledger_csv(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    expires, sig = request.query.get("e", ""), request.query.get("s", "")
    # what ``MediaLinks.url`` writes: digits and hex (a str that is not ASCII is not one, and
    # ``compare_digest`` would raise on it)
    signed = SIGNED.fullmatch(expires) and SIGNED.fullmatch(sig)
    if not signed or not request.app[LINKS].valid(f"finance/{name}", expires, sig):
        raise web.HTTPForbidden(text="link expired or invalid")
    m = NAME.match(name)
    if m is None:
        raise web.HTTPNotFound()
    tz = ZoneInfo(request.app[RULES].timezone)
    try:
        start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
    except ValueError:
        raise web.HTTPBadRequest(text="bad dates") from None
    if day_bounds(tz, start, end) is None:
        raise web.HTTPBadRequest(text="no range of days")
    text = await export_csv(request.app[DATABASE], tz, start, end)
    return web.Response(
        text=text,
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/finance/{name}", ledger_csv)
