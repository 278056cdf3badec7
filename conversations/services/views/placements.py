"""What customers see of long placements: the contract period as the quote and the order show
it, and how many periods its price is paid in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from conversations.services.notices import t
from domain.catalog import Catalog
from domain.commands import Booking
from domain.moments import format_span
from domain.orders import Order
from domain.placement_billing import billing_periods
from domain.placements import ContractPeriod
from domain.ports import Reads
from domain.recurring import WEEKDAY_TEXT
from domain.rules import Rules
from domain.text import Bilingual, listed


async def contract(uow: Reads, o: Order, rules: Rules, now: datetime) -> Bilingual | None:
    """The placement's contract period in both languages, as told at ``now`` (None: not a
    placement)."""
    placement = await uow.placements.for_order(o.id or 0)
    if placement is None:
        return None
    tz = ZoneInfo(rules.timezone)
    today = now.astimezone(tz).date()
    period = placement.period
    return Bilingual(
        placement_text(period, tz, "zh", today), placement_text(period, tz, "en", today)
    )


def periods(b: Booking, catalog: Catalog, rules: Rules, tz: ZoneInfo, total: int) -> int:
    """How many billing periods a placement's price is paid in (0: not a placement)."""
    first = b.selections[0]
    period = catalog.item(first.item_id).period(first.quantity, b.start_at, rules.placements, tz)
    return len(billing_periods(period, total, rules.placements, tz)) if period else 0


def placement_text(period: ContractPeriod, tz: ZoneInfo, lang: str, today: date) -> str:
    """A contract period as the quote and the order show it, on the reader's ``today``."""
    end = period.end_at.astimezone(tz)
    start = period.start_at.astimezone(tz)
    if period.live_in:
        how = t(lang, "住家,每天 24 小时")
    else:
        names = [WEEKDAY_TEXT[d].get(lang) for d in period.weekdays]
        days = listed(names, lang)
        how = t(lang, "不住家,{days} 每天 {hours} 小时", days=days, hours=period.daily_hours)
    return t(
        lang,
        "合同期 {span},共 {days} 天({how})",
        span=format_span(start, end, lang, today),
        days=period.days,
        how=how,
    )
