"""What each admin role sees on the dashboard, and the report figures formatted for the page.

Roles (DESIGN §3): ``owner`` everything; ``ops`` orders, demand, workers, complaints and the
GMV chart; ``finance`` the money (GMV, workers' earnings, settlement); ``support`` orders and
complaints and no money at all. A section a role may not see is not even queried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.admin import may
from domain.catalog import Catalog
from domain.coupons import SOURCE_TEXT
from domain.errors import QuoteError
from domain.gazetteer import district_text
from domain.invoices import STATUS_TEXT as INVOICE_STATUS_TEXT
from domain.invoices import InvoiceStatus
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.moments import format_when
from domain.money import format_percent, format_yuan
from domain.oversight import LoyaltyStats
from domain.rules import Rules
from domain.text import N_
from store.loyalty_reports_repo import loyalty
from store.money_reports_repo import Earned, MoneyFlows, MoneyReports, Outstanding
from store.quality_reports_repo import ComplaintLine, QualityReports, WorkerLine
from store.reports_repo import (
    BoardOrder,
    DayTotal,
    HeatCell,
    ReportsRepository,
    StuckOrder,
    day_bounds,
)
from store.uow import Database

SECTIONS: dict[str, frozenset[str]] = {
    "board": frozenset({"owner", "ops", "support"}),
    "trend": frozenset({"owner", "ops", "finance"}),
    "heat": frozenset({"owner", "ops"}),
    "workers": frozenset({"owner", "ops", "finance"}),
    "complaints": frozenset({"owner", "ops", "support"}),
    "settlement": frozenset({"owner", "finance"}),
    "loyalty": frozenset({"owner", "ops", "finance"}),
}
ORDER_AMOUNTS = frozenset({"owner", "ops"})
WORKER_QUALITY = frozenset({"owner", "ops"})
WORKER_EARNINGS = frozenset({"owner", "finance"})
TREND_DAYS = 14
HEAT_DAYS = 14
EARNINGS_DAYS = 30
WEEK_DAYS = 7
LOYALTY_DAYS = 30
BOARD_LIMIT = 200
STUCK_READ, STUCK_SHOWN = 500, 100
"""The orders needing someone counted at most (one more read says there are more: "500+"),
and listed, the oldest first."""

UNKNOWN_DISTRICT = N_("未填区域")
NO_REVIEWS = N_("暂无评价")
"""A worker's rating before any customer rated them (customers read 新师傅,暂无评价)."""


@dataclass(frozen=True, slots=True)
class View:
    """The page's context: ``sections`` to show, their figures, and the charts' data."""

    role: str
    sections: tuple[str, ...]
    as_of: str
    timezone: str
    figures: dict[str, Any]
    charts: dict[str, Any]


def sections_for(role: str) -> tuple[str, ...]:
    """The sections ``role`` may see, in page order."""
    return tuple(name for name, roles in SECTIONS.items() if role in roles)


async def build(
    db: Database, catalog: Catalog, rules: Rules, role: str, now: datetime, lang: str = "zh"
) -> View:
    """Run the reports ``role`` may see (one read-only session) and format them in ``lang``."""
    tz = ZoneInfo(rules.timezone)
    today = now.astimezone(tz).date()
    sections = sections_for(role)
    figures: dict[str, Any] = {}
    charts: dict[str, Any] = {}
    async with db.uow() as uow:
        session = uow.session
        orders, quality = ReportsRepository(session), QualityReports(session)
        money = MoneyReports(session)
        if "board" in sections:
            start, end = day_bounds(today, today, tz)
            counts, listed = await orders.board(start, end, BOARD_LIMIT)
            stuck = await orders.stuck(
                now, timedelta(seconds=rules.dispatch.offer_timeout_s), STUCK_READ + 1
            )
            figures["board"] = _board(catalog, tz, now, counts, listed, stuck, role, lang)
        if "trend" in sections:
            days = await orders.per_day(today - timedelta(days=TREND_DAYS - 1), today, tz)
            charts["trend"], figures["trend"] = _trend(days, lang, today)
        if "heat" in sections:
            cells = await orders.demand(today - timedelta(days=HEAT_DAYS - 1), today, tz)
            charts["heat"], figures["heat"] = _heat(cells, lang)
        if "workers" in sections:
            workers = await quality.workers()
            earned = (
                await money.worker_earnings(now - timedelta(days=EARNINGS_DAYS))
                if role in WORKER_EARNINGS
                else None
            )
            figures["workers"] = _workers(workers, earned, role, lang)
        if "complaints" in sections:
            queue = await quality.complaints(
                now, timedelta(minutes=rules.after_sales.first_response_minutes)
            )
            figures["complaints"] = _complaints(queue, now, tz, lang)
        if "settlement" in sections:
            day_start, day_end = day_bounds(today, today, tz)
            week_start, _ = day_bounds(today - timedelta(days=WEEK_DAYS - 1), today, tz)
            figures["settlement"] = _settlement(
                await money.flows(day_start, day_end),
                await money.flows(week_start, day_end),
                await money.outstanding(),
                lang,
            )
            figures["settlement"]["invoices"] = _invoices(await uow.invoices.counts(), lang)
        if "loyalty" in sections:
            first, _ = day_bounds(today - timedelta(days=LOYALTY_DAYS - 1), today, tz)
            _, last = day_bounds(today, today, tz)
            figures["loyalty"] = _loyalty(await loyalty(session, first, last), lang)
    return View(
        role,
        sections,
        now.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        rules.timezone,
        figures,
        charts,
    )


def item_name(catalog: Catalog, item_id: str, lang: str = "zh") -> str:
    """The service item's name in ``lang`` (its id if the catalog no longer has it)."""
    try:
        return catalog.item(item_id).name.get(lang)
    except QuoteError:  # an item since removed from the catalog: its id still says what
        return item_id


def duration(delta: timedelta) -> str:
    """``45m``, ``2h05m``, ``3d4h``: short enough for a phone column."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h"
    return f"{hours}h{mins:02d}m" if hours else f"{mins}m"


EXPLAINED = frozenset({"unaccepted", "no_worker"})
"""Stuck for want of a worker: the board gives the chat command that says why (``/explain``)."""


def _more(stuck: int) -> str:
    """How many of the orders needing someone the board does not list ("" when none)."""
    hidden = min(stuck, STUCK_READ) - STUCK_SHOWN
    return "" if hidden <= 0 else f"{hidden}+" if stuck > STUCK_READ else str(hidden)


def _board(
    catalog: Catalog,
    tz: ZoneInfo,
    now: datetime,
    counts: dict[OrderStatus, int],
    listed: list[BoardOrder],
    stuck: list[StuckOrder],
    role: str,
    lang: str,
) -> dict[str, Any]:
    flagged = {s.number for s in stuck}
    amounts = role in ORDER_AMOUNTS
    return {
        "total": sum(counts.values()),
        "tiles": [
            {"status": s.value, "label": STATUS_TEXT[s].get(lang), "count": n}
            for s in OrderStatus
            if (n := counts.get(s, 0))
        ],
        "stuck": [
            {
                "number": s.number,
                "reason": s.reason.value,
                "for": duration(now - s.since),
                "status": STATUS_TEXT[s.status].get(lang),
                "item": item_name(catalog, s.item_id, lang),
                "start": format_when(s.start_at.astimezone(tz), lang, now.astimezone(tz).date()),
                "worker": s.worker,
                "note": s.note,
                "explain": f"/explain #{s.number}"
                if may(role, "explain") and s.reason.value in EXPLAINED
                else "",
            }
            for s in stuck[:STUCK_SHOWN]
        ],
        "stuck_count": f"{STUCK_READ}+" if len(stuck) > STUCK_READ else str(len(stuck)),
        "stuck_hidden": _more(len(stuck)),
        "orders": [
            {
                "number": o.number,
                "time": o.start_at.astimezone(tz).strftime("%H:%M"),
                "item": item_name(catalog, o.item_id, lang),
                "district": district_text(o.district).get(lang) if o.district else "—",
                "status": STATUS_TEXT[o.status].get(lang),
                "worker": o.worker or "—",
                "amount": format_yuan(o.total_cents) if amounts else None,
                "stuck": o.number in flagged,
            }
            for o in listed
        ],
        "truncated": len(listed) >= BOARD_LIMIT,
        "amounts": amounts,
    }


def _trend(days: list[DayTotal], lang: str, today: date) -> tuple[dict[str, Any], dict[str, Any]]:
    chart = {
        "labels": [format_when(d.day, lang, today) for d in days],
        "orders": [d.orders for d in days],
        "gmv_fen": [d.gmv_cents for d in days],
    }
    return chart, {
        "days": len(days),
        "orders": sum(d.orders for d in days),
        "gmv": format_yuan(sum(d.gmv_cents for d in days)),
        "today_orders": days[-1].orders,
        "today_gmv": format_yuan(days[-1].gmv_cents),
    }


def _heat(cells: list[HeatCell], lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
    unknown = UNKNOWN_DISTRICT.get(lang)

    def name_of(district: str) -> str:
        return district_text(district).get(lang) if district else unknown

    named = [{"district": name_of(c.district), "hour": c.hour, "orders": c.orders} for c in cells]
    totals: dict[str, int] = {}
    for c in cells:
        name = name_of(c.district)
        totals[name] = totals.get(name, 0) + c.orders
    districts = sorted(totals, key=lambda d: (-totals[d], d))
    return {"districts": districts, "cells": named}, {
        "days": HEAT_DAYS,
        "total": sum(totals.values()),
        "districts": [{"name": d, "orders": totals[d]} for d in districts],
    }


def _workers(
    workers: list[WorkerLine], earned: dict[int, Earned] | None, role: str, lang: str
) -> dict[str, Any]:
    quality = role in WORKER_QUALITY
    rows = []
    for w in workers:
        row: dict[str, Any] = {
            "id": w.id,
            "name": w.name,
            "level": w.level,
            "suspended": w.status == "suspended",
            "completed": w.completed,
        }
        if quality:
            row["rating"] = (
                f"{w.rating_x100 // 100}.{w.rating_x100 % 100:02d}"
                if w.reviews
                else NO_REVIEWS.get(lang)
            )
            rate = w.complaint_rate_bp
            row["complaint_rate"] = "—" if rate is None else format_percent(rate)
            row["complaints"] = w.complaints
        if earned is not None:
            e = earned.get(w.id)
            row["earned_recent"] = format_yuan(e.recent_cents if e else 0)
            row["earned_total"] = format_yuan(e.total_cents if e else 0)
        rows.append(row)
    return {
        "rows": rows,
        "quality": quality,
        "earnings": earned is not None,
        "earnings_days": EARNINGS_DAYS,
    }


def _complaints(
    queue: list[ComplaintLine], now: datetime, tz: ZoneInfo, lang: str
) -> dict[str, Any]:
    return {
        "rows": [
            {
                "id": c.id,
                "number": c.order_number,
                "category": c.category,
                "status": c.status,
                "age": duration(now - c.created_at),
                "at": format_when(c.created_at.astimezone(tz), lang, now.astimezone(tz).date()),
                "overdue": c.overdue,
            }
            for c in queue
        ],
        "overdue": sum(1 for c in queue if c.overdue),
    }


SETTLEMENT_LINES = (
    (N_("收款"), "cash_in"),
    (N_("退款额"), "refunds"),  # a row's name, not the action (en "refund")
    (N_("平台收入"), "platform_revenue"),
    (N_("补贴与补偿"), "subsidies"),
    (N_("师傅收入"), "worker_earnings"),
    (N_("提现已付"), "payouts"),
)


def _invoices(counts: dict[str, int], lang: str) -> list[dict[str, Any]]:
    """Electronic invoice requests in each state (finance's queue: ``/invoices``)."""
    return [
        {"key": s.value, "label": INVOICE_STATUS_TEXT[s].get(lang), "count": counts.get(s, 0)}
        for s in InvoiceStatus
    ]


def _settlement(
    today: MoneyFlows, week: MoneyFlows, outstanding: Outstanding, lang: str
) -> dict[str, Any]:
    return {
        "week_days": WEEK_DAYS,
        "rows": [
            {
                "label": label.get(lang),
                "key": key,
                "today": format_yuan(getattr(today, key)),
                "week": format_yuan(getattr(week, key)),
            }
            for label, key in SETTLEMENT_LINES
        ],
        "owed": format_yuan(outstanding.owed_to_workers),
        "awaiting": outstanding.awaiting_approval.count,
        "awaiting_amount": format_yuan(outstanding.awaiting_approval.amount_cents),
        "approved": outstanding.approved_unpaid.count,
        "approved_amount": format_yuan(outstanding.approved_unpaid.amount_cents),
    }


def _loyalty(s: LoyaltyStats, lang: str) -> dict[str, Any]:
    sources = sorted(
        set(s.coupons_issued) | set(s.coupons_used),
        key=lambda key: (-s.coupons_issued.get(key, 0), key),
    )
    rate = s.repeat_rate_bp
    return {
        "days": LOYALTY_DAYS,
        "repeat_rate": "—" if rate is None else format_percent(rate),
        "returning": s.returning,
        "buyers": s.buyers,
        "issued": sum(s.coupons_issued.values()),
        "used": sum(s.coupons_used.values()),
        "sources": [
            {
                "label": SOURCE_TEXT[key].get(lang),
                "issued": s.coupons_issued.get(key, 0),
                "used": s.coupons_used.get(key, 0),
            }
            for key in sources
            if key in SOURCE_TEXT
        ],
        "points_earned": s.points_earned,
        "points_spent": s.points_spent,
        "points_expired": s.points_expired,
        "points_held": s.points_held,
        "points_liability": format_yuan(s.points_liability_cents),
        "prepaid": format_yuan(s.prepaid_outstanding_cents),
        "invited": s.invited,
        "rewarded": s.referrals_rewarded,
    }
