"""When the visit starts: one question with the likely slots, "as soon as possible" and
"another time" (a day, then its time), or typed ("后天下午三点", "周六 10点").

"As soon as possible" that would start in the night window (a customer asking in the evening)
is not taken silently at the night rate: the customer is asked to choose between that start,
its surcharge stated, and the first usual start of the day after the night, or another time.
Night service is one the business offers (a time typed in the night is booked at its rate)
and an evening "as soon as possible" is often urgent, so the customer decides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking_repeat as repeat
from conversations.flows import booking_views as views
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.booking_draft import Draft, draft, keep
from conversations.flows.booking_steps import Step, advance
from conversations.flows.booking_time_views import days_ahead, slot_label
from conversations.flows.dates import names_impossible_date, parse_when
from conversations.replies import Ask, Option, Say
from conversations.state import Conversation
from conversations.understanding.days import iso_day
from domain.money import format_percent
from domain.pricing import is_night


def refusal(ctx: Ctx, conv: Conversation, start: datetime, days_ahead: int | None) -> Say | None:
    """Why ``start`` cannot be booked (past, too soon, beyond ``days_ahead``, the service's
    horizon: ``Draft.days_ahead``), or None. ``days_ahead`` None: the horizon is checked by
    the service (a move: its order's)."""
    if start < ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes):
        return views.in_the_past(conv) if start <= ctx.now else views.too_soon(ctx, conv)
    if days_ahead is not None and start > ctx.now + timedelta(days=days_ahead):
        return views.too_far(conv, days_ahead)
    return None


def _set_start(ctx: Ctx, conv: Conversation, d: Draft, day: date, at: time) -> Outcome:
    start = datetime.combine(day, at, tzinfo=ctx.tz)
    wrong = refusal(ctx, conv, start, days_ahead(ctx, d))
    if wrong is not None:
        if day == ctx.now.astimezone(ctx.tz).date() and conv.step == Step.TIME:
            keep(conv, d)  # the day stands; the time is asked again
            return Outcome([wrong], step=Step.TIME, reask=True)
        return Outcome([wrong], step=Step.WHEN, reask=True)
    d.day, d.start, d.asap = day, start, False
    return advance(ctx, conv, d)


def asap_start(ctx: Ctx) -> datetime:
    """ "As soon as possible": the lead time from now, up to the next half hour."""
    lead = ctx.rules.booking.asap_lead_minutes
    start = ctx.now.astimezone(ctx.tz) + timedelta(minutes=lead)
    start = start.replace(second=0, microsecond=0)
    return start + timedelta(minutes=(-start.minute) % 30)


def take_asap(ctx: Ctx, d: Draft) -> None:
    """ "As soon as possible" into ``d``: its start, or none yet when that start would be
    charged the night service (the when question then asks: ``night_question``)."""
    start = asap_start(ctx)
    if at_night_rate(ctx, d, start):
        d.asap, d.day, d.start = True, None, None
    else:
        d.asap, d.day, d.start = True, start.date(), start


def asked_at_night(d: Draft) -> bool:
    """ "As soon as possible" was chosen and would start in the night: the customer is asked."""
    return d.asap and d.start is None


def at_night_rate(ctx: Ctx, d: Draft, start: datetime) -> bool:
    """Whether a visit of ``d`` starting at ``start`` is charged the night service (a
    placement never is; ``domain.pricing``)."""
    pricing = ctx.rules.pricing
    if pricing.night_surcharge_bp <= 0 or not is_night(start, pricing, ctx.tz):
        return False
    return not any(item.placement is not None for item in d.items(ctx.catalog))


def first_day_start(ctx: Ctx, after: datetime) -> datetime:
    """The first of the usual start times (``booking.slots``) at or after ``after`` that is
    not in the night window; the night's end when none of them is."""
    pricing, local = ctx.rules.pricing, after.astimezone(ctx.tz)
    for offset in range(2):
        day = local.date() + timedelta(days=offset)
        for at in sorted(ctx.rules.booking.slots):
            start = datetime.combine(day, at, tzinfo=ctx.tz)
            if start >= local and not is_night(start, pricing, ctx.tz):
                return start
    end = datetime.combine(local.date(), pricing.night_end, tzinfo=ctx.tz)
    return end if end >= local else end + timedelta(days=1)


def night_question(ctx: Ctx, conv: Conversation, d: Draft) -> Outcome:
    """The when question after "as soon as possible" landed in the night: that start with
    its surcharge, the first start after the night, or another time. Should the soonest start
    no longer be in the night (the question asked again later), it is taken."""
    night = asap_start(ctx)
    if not at_night_rate(ctx, d, night):
        d.asap, d.day, d.start = True, night.date(), night
        return advance(ctx, conv, d)
    morning = first_day_start(ctx, night)
    pct = format_percent(ctx.rules.pricing.night_surcharge_bp)
    night_at, morning_at = slot_label(ctx, conv, night), slot_label(ctx, conv, morning)
    text = tr(
        conv,
        "最早 {night} 上门,属夜间服务,加收 {pct};不选夜间的话,最早 {morning} 上门。请选择:",
        night=night_at,
        morning=morning_at,
        pct=pct,
    )
    options = (
        Option(f"slot:{night.isoformat()}", tr(conv, "{at}(夜间 +{pct})", at=night_at, pct=pct)),
        Option(f"slot:{morning.isoformat()}", morning_at),
        Option("other", tr(conv, "其他时间")),
    )
    return Outcome([Ask(text, options)])


def _asap(ctx: Ctx, conv: Conversation, d: Draft) -> Outcome:
    take_asap(ctx, d)
    return advance(ctx, conv, d)


def on_when(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    """One "when" question: a likely slot, as soon as possible, another day, or typed."""
    d = draft(conv)
    if isinstance(event, TextReceived):
        return _typed_when(ctx, conv, d, event.text)
    if event.key == "asap":
        return _asap(ctx, conv, d)
    if event.key == "other":
        return Outcome(step=Step.DATE, reask=True)
    if event.key.startswith("slot:"):
        try:
            at = datetime.fromisoformat(event.key[5:])
        except ValueError:
            return Outcome(reask=True)
        return _set_start(ctx, conv, d, at.date(), at.time())
    return Outcome(reask=True)


def _typed_when(ctx: Ctx, conv: Conversation, d: Draft, text: str) -> Outcome:
    """A day and time typed, and a repeat with them ("每周六 10点": ``booking_repeat``)."""
    said = repeat.take_typed(conv, d, text)
    out = _typed_day(ctx, conv, d, text)
    return replace(out, replies=[*said, *out.replies]) if said else out


def _typed_day(ctx: Ctx, conv: Conversation, d: Draft, text: str) -> Outcome:
    today = ctx.now.astimezone(ctx.tz).date()
    day, at = parse_when(text, today)
    if day is None and names_impossible_date(text, today):
        return Outcome([views.no_such_date(conv)], reask=True)
    if day is None and at is not None:
        day = today
    if day is not None and day < today:
        return Outcome([views.in_the_past(conv)], reask=True)
    if day is None:
        return Outcome([views.unreadable_date(ctx, conv, days_ahead(ctx, d))], reask=True)
    if at is not None:
        return _set_start(ctx, conv, d, day, at)
    if day > today + timedelta(days=(ahead := days_ahead(ctx, d))):
        return Outcome([views.too_far(conv, ahead)], reask=True)
    d.day, d.asap, d.start = day, False, None
    keep(conv, d)
    return Outcome(step=Step.TIME, reask=True)


def on_date(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    d = draft(conv)
    if isinstance(event, TextReceived):
        return _typed_when(ctx, conv, d, event.text)
    if event.key == "asap":
        return _asap(ctx, conv, d)
    if not event.key.startswith("day:"):
        return Outcome(reask=True)
    day = iso_day(event.key[4:])
    if day is None:
        return Outcome(reask=True)
    d.day, d.asap, d.start = day, False, None
    keep(conv, d)
    return Outcome(step=Step.TIME, reask=True)


def on_time(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    d = draft(conv)
    if d.day is None:
        return Outcome(step=Step.WHEN, reask=True)
    day = d.day
    if isinstance(event, ChoiceMade):
        if not event.key.startswith("at:"):
            return Outcome(reask=True)
        try:
            at: time | None = time.fromisoformat(event.key[3:])
        except ValueError:
            return Outcome(reask=True)
    else:
        new_day, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        day = new_day or day
    if at is None:
        return Outcome([views.not_a_time(conv)], reask=True)
    return _set_start(ctx, conv, d, day, at)


def next_same_slot(ctx: Ctx, last: datetime, taken: frozenset[datetime] = frozenset()) -> datetime:
    """ "Same as last time": the next start on the weekday and at the hour of ``last`` that
    can still be booked and is not one of ``taken`` (the customer's own visits)."""
    local = last.astimezone(ctx.tz)
    earliest = ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes)
    today = ctx.now.astimezone(ctx.tz).date()
    day = today + timedelta(days=(local.weekday() - today.weekday()) % 7)
    start = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=ctx.tz)
    while start < earliest or start in taken:
        start += timedelta(days=7)
    return start
