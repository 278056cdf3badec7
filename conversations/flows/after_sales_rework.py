"""Booking a granted free rework in the after-sales flow: a day, then its time (buttons or
typed, "明天 10点"), or as soon as possible. The order was checked before the first question
(``CheckFeedback``: the customer's, its rework granted and not booked yet)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from conversations.events import ChoiceMade, TextReceived
from conversations.flows.after_sales_data import NAME, Step, feedback
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.dates import parse_when
from conversations.flows.flow_state import keep
from conversations.replies import Say
from conversations.state import Conversation
from conversations.understanding.days import iso_day
from domain.commands import BookRework


def parse_at(key: str) -> time | None:
    """A time button's key (``at:10:00``) as a time; None for a key that names none
    (``at:25:00``), read as the booking's time step reads it."""
    if not key.startswith("at:"):
        return None
    try:
        return time.fromisoformat(key[3:])
    except ValueError:
        return None


def _book(ctx: Ctx, conv: Conversation, start: datetime) -> Outcome:
    assert conv.customer_id is not None
    return Outcome(commands=[BookRework(conv.customer_id, feedback(conv).order, start)])


def _keep_day(conv: Conversation, day: date) -> None:
    keep(conv, NAME, replace(feedback(conv), day=day.isoformat()))


def on_rework_day(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    if isinstance(event, ChoiceMade):
        if event.key == "asap":
            return _book(
                ctx, conv, ctx.now + timedelta(minutes=ctx.rules.booking.asap_lead_minutes)
            )
        chosen = iso_day(event.key[4:]) if event.key.startswith("day:") else None
        if chosen is None:
            return Outcome(reask=True)
        _keep_day(conv, chosen)
        return Outcome(step=Step.REWORK_TIME, reask=True)
    day, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
    if day is None:
        return Outcome([Say(tr(conv, "没看懂日期。"))], reask=True)
    if at is None:
        _keep_day(conv, day)
        return Outcome(step=Step.REWORK_TIME, reask=True)
    return _book(ctx, conv, datetime.combine(day, at, tzinfo=ctx.tz))


def on_rework_time(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    day = feedback(conv).day_on
    if day is None:
        return Outcome(step=Step.REWORK_DAY, reask=True)
    at: time | None = None
    if isinstance(event, ChoiceMade):
        at = parse_at(event.key)
    else:
        _, at = parse_when(event.text, day)
    if at is None:
        return Outcome([Say(tr(conv, "请选择时间。"))], reask=True)
    return _book(ctx, conv, datetime.combine(day, at, tzinfo=ctx.tz))
