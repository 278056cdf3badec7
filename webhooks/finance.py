"""Finance downloads: the ledger as CSV for a date range, behind a signed, expiring link."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from store.uow import Database
from webhooks.keys import DATABASE, LINKS, RULES

LINK_TTL_S = 600
NAME = re.compile(r"^ledger-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv$")


def ledger_path(start: date, end: date) -> str:
    return f"finance/ledger-{start.isoformat()}-{end.isoformat()}.csv"


async def export_csv(db: Database, tz: ZoneInfo, start: date, end: date) -> str:
    """The ledger entries of business days ``start``..``end`` (inclusive) as CSV."""
    begin = datetime.combine(start, time(), tzinfo=tz)
    finish = datetime.combine(end + timedelta(days=1), time(), tzinfo=tz)
    async with db.uow() as uow:
        entries = await uow.ledger.between(begin, finish)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "journal", "account", "debit_fen", "credit_fen", "order_id", "memo"])
    for e in entries:
        writer.writerow(
            [
                e.at.astimezone(tz).isoformat(),
                e.journal,
                e.account,
                max(e.amount_cents, 0),
                max(-e.amount_cents, 0),
                e.order_id or "",
                e.memo,
            ]
        )
    return out.getvalue()


async def ledger_csv(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not request.app[LINKS].valid(
        f"finance/{name}", request.query.get("e", ""), request.query.get("s", "")
    ):
        raise web.HTTPForbidden(text="link expired or invalid")
    m = NAME.match(name)
    if m is None:
        raise web.HTTPNotFound()
    try:
        start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
    except ValueError:
        raise web.HTTPBadRequest(text="bad dates") from None
    text = await export_csv(
        request.app[DATABASE], ZoneInfo(request.app[RULES].timezone), start, end
    )
    return web.Response(
        text=text,
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/finance/{name}", ledger_csv)
