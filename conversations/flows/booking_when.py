"""When the visit starts: one question with the likely slots, "as soon as possible" and
"another time" (a day, then its time), or typed ("后天下午三点", "周六 10点")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking_views as views
from conversations.flows.base import Ctx, Outcome
from conversations.flows.booking_draft import Draft, draft, keep
from conversations.flows.booking_steps import Step, advance
from conversations.flows.dates import names_impossible_date, parse_when
from conversations.replies import Say
from conversations.state import Conversation


def refusal(ctx: Ctx, conv: Conversation, start: datetime) -> Say | None:
    """Why ``start`` cannot be booked (past, too soon, too far ahead), or None."""
    if start < ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes):
        return views.in_the_past(conv) if start <= ctx.now else views.too_soon(ctx, conv)
    if start > ctx.now + timedelta(days=ctx.rules.booking.max_days_ahead):
        return views.too_far(ctx, conv)
    return None


def _set_start(ctx: Ctx, conv: Conversation, d: Draft, day: date, at: time) -> Outcome:
    start = datetime.combine(day, at, tzinfo=ctx.tz)
    wrong = refusal(ctx, conv, start)
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


def _asap(ctx: Ctx, conv: Conversation, d: Draft) -> Outcome:
    start = asap_start(ctx)
    d.asap, d.day, d.start = True, start.date(), start
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
    today = ctx.now.astimezone(ctx.tz).date()
    day, at = parse_when(text, today)
    if day is None and names_impossible_date(text, today):
        return Outcome([views.no_such_date(conv)], reask=True)
    if day is None and at is not None:
        day = today
    if day is not None and day < today:
        return Outcome([views.in_the_past(conv)], reask=True)
    if day is None:
        return Outcome([views.unreadable_date(ctx, conv)], reask=True)
    if at is not None:
        return _set_start(ctx, conv, d, day, at)
    if day > today + timedelta(days=ctx.rules.booking.max_days_ahead):
        return Outcome([views.too_far(ctx, conv)], reask=True)
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
    try:
        day = date.fromisoformat(event.key[4:])
    except ValueError:
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
