"""How the booking's time is asked: the when question (likely slots, as soon as possible,
another time), the day and the time questions, and a slot's label, in both languages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from conversations.flows.base import Ctx, moment, tr
from conversations.flows.booking_draft import Draft
from conversations.replies import Ask, Option
from conversations.state import Conversation
from domain.text import N_

DAY_LABELS = (N_("今天{day}"), N_("明天{day}"), N_("后天{day}"))
"""A day offered for the visit, today and the next two by name, then the day as every screen
writes one (``moment``: "今天12月5日 周六", "Today, Sat 5 Dec")."""

SLOT_LABELS = (N_("今天 {at}"), N_("明天 {at}"), N_("后天 {at}"))
"""A start offered today or on the next two days, by the day's name; later ones as every
screen writes a moment ("12月9日 周三 14:00")."""


def days_ahead(ctx: Ctx, d: Draft) -> int:
    """How many days ahead the draft's service may be booked (``Draft.days_ahead``, the
    rule's for a service with no horizon of its own)."""
    return d.days_ahead(ctx.catalog, ctx.rules.booking.max_days_ahead)


def likely_slots(ctx: Ctx, days: int, count: int = 3) -> list[datetime]:
    """The first ``count`` of the day's usual start times that can still be booked (within
    ``days``, the service's horizon: ``Draft.days_ahead``)."""
    earliest = ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes)
    today = ctx.now.astimezone(ctx.tz).date()
    found: list[datetime] = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        for t in ctx.rules.booking.slots:
            at = datetime.combine(day, t, tzinfo=ctx.tz)
            if at >= earliest:
                found.append(at)
                if len(found) == count:
                    return found
    return found


def slot_label(ctx: Ctx, conv: Conversation, at: datetime) -> str:
    local = at.astimezone(ctx.tz)
    offset = (local.date() - ctx.now.astimezone(ctx.tz).date()).days
    if offset < len(SLOT_LABELS):
        clock = f"{local:%H:%M}"
        return tr(conv, SLOT_LABELS[offset].msgid, at=clock)
    return moment(ctx, conv, local)


_WHEN_ASKED: dict[tuple[object, ...], Ask] = {}
"""``when_question``'s answers by what they depend on (a minute's worth of turns ask the same
question: its slots and labels cost a tenth of a booking step's CPU)."""


def when_question(ctx: Ctx, conv: Conversation, days: int) -> Ask:
    """The when question: the next likely slots, the ASAP and "other time" choices; ``days``:
    how far ahead the service may be booked (``Draft.days_ahead``)."""
    local = ctx.now.astimezone(ctx.tz)
    # slots start on whole minutes, so the question is the same until the next minute
    minute, into_it = local.replace(second=0, microsecond=0), local.second or local.microsecond
    key = (conv.lang, minute, bool(into_it), ctx.tz, ctx.rules.booking, days)
    asked = _WHEN_ASKED.get(key)
    if asked is None:
        if len(_WHEN_ASKED) > 64:
            _WHEN_ASKED.clear()
        asked = _WHEN_ASKED[key] = _when_question(ctx, conv, days)
    return asked


def _when_question(ctx: Ctx, conv: Conversation, days: int) -> Ask:
    example = ctx.now.astimezone(ctx.tz).date() + timedelta(days=2)
    options = [
        Option(f"slot:{at.isoformat()}", slot_label(ctx, conv, at))
        for at in likely_slots(ctx, days)
    ]
    options += [Option("asap", tr(conv, "尽快上门")), Option("other", tr(conv, "其他时间"))]
    return Ask(
        tr(
            conv,
            "什么时候上门?也可以直接回复,例如「{day} 下午3点」(可约 {days} 天内)。",
            day=moment(ctx, conv, example, clock=False),
            days=days,
        ),
        tuple(options),
    )


def last_day(ctx: Ctx, days: int) -> date:
    """The last day with one of the usual start times (``booking.slots``) within ``days``,
    the service's horizon: the day question offers no later day, so no day button leads to
    a time beyond it (and its refusal)."""
    horizon = ctx.now + timedelta(days=days)
    day = horizon.astimezone(ctx.tz).date()
    if all(datetime.combine(day, t, tzinfo=ctx.tz) > horizon for t in ctx.rules.booking.slots):
        day -= timedelta(days=1)
    return day


def date_question(ctx: Ctx, conv: Conversation, days: int) -> Ask:
    """The day question: as soon as possible, then ``days_offered`` days from today (while
    a start on it can still be booked), none after ``last_day`` of ``days``, how far ahead
    the service may be booked (``Draft.days_ahead``)."""
    today = ctx.now.astimezone(ctx.tz).date()
    example = today + timedelta(days=2)  # a date the booking takes (the past is refused)
    options = [Option("asap", tr(conv, "尽快上门"))]
    # today only while a start on it can still be booked (its last minute, the lead ahead)
    last_start = datetime.combine(today + timedelta(days=1), time(0), tzinfo=ctx.tz)
    lead = timedelta(minutes=ctx.rules.booking.min_lead_minutes + 1)
    first = 0 if last_start - lead >= ctx.now else 1
    last = last_day(ctx, days)
    for offset in range(first, first + ctx.rules.booking.days_offered):
        day = today + timedelta(days=offset)
        if day > last:
            break
        label = moment(ctx, conv, day)
        if offset < len(DAY_LABELS):
            label = tr(conv, DAY_LABELS[offset].msgid, day=label)
        options.append(Option(f"day:{day.isoformat()}", label))
    return Ask(
        tr(
            conv,
            "哪天上门?也可以直接回复,例如「{day} 9:30」。",
            day=moment(ctx, conv, example),
        ),
        tuple(options),
    )


def time_question(ctx: Ctx, conv: Conversation, day: date, days: int) -> Ask:
    """The time question for ``day``: its usual start times that can be booked, neither
    too soon nor beyond ``days``, how far ahead the service may be booked."""
    earliest = ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes)
    latest = ctx.now + timedelta(days=days)
    starts = [(t, datetime.combine(day, t, tzinfo=ctx.tz)) for t in ctx.rules.booking.slots]
    slots = [t for t, at in starts if earliest <= at <= latest]
    text = tr(conv, "几点开始?也可以直接回复时间,例如 9:30。")
    if not slots and any(at >= earliest for _, at in starts):  # a day typed at the horizon
        text = tr(
            conv,
            "这天的常用时段超出可约范围(可约 {days} 天内),请回复更早的时间,或发送「返回」换一天。",
            days=days,
        )
    elif not slots:
        text = tr(conv, "这天的常用时段已过,请回复具体时间,或发送「返回」换一天。")
    return Ask(text, tuple(Option(f"at:{t:%H:%M}", f"{t:%H:%M}") for t in slots))
