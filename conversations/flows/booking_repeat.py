"""A booking asked to repeat in words ("每周六上午9点 日常保洁3小时", "every Saturday 9am"):
the draft keeps ``weekly``, the quote says the order will repeat (or, for a long placement,
that it cannot), and once the order is placed it is repeated as "每周重复" on an order's detail
does it — the same ``Subscribe`` command of the same order, so the same rules hold: what may
repeat, its first visit the week after, each visit an order made ahead and paid as any
visit's, the sweep. A repeat recurring bookings do not offer ("隔周", "每天") is said, and
the booking is a one-off. The same booking already repeating at that weekday and time is
found by the quote (``PreviewQuote.weekly``): said there, and the order is placed once.

Only a new booking takes a repeat: a request typed at the menu (or at the booking's first
questions) and the time typed at its "when" question. Rescheduling reads a time alone.
"""

from __future__ import annotations

from conversations.flows import recurring_views as views
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Reply
from conversations.state import Conversation
from conversations.understanding.numbers import normalise
from conversations.understanding.repeat import Repeat, find_repeat
from domain.commands import Subscribe
from domain.recurring import format_at_time, lead_days


def take(conv: Conversation, d: Draft, repeat: Repeat | None) -> list[Reply]:
    """``repeat`` into ``d``: weekly is kept; one not offered is said, and ``d`` is a
    one-off (whatever an earlier message asked)."""
    if repeat is None:
        return []
    d.weekly = repeat.weekly
    return [] if repeat.weekly else [views.not_offered(conv, repeat.every)]


def take_typed(conv: Conversation, d: Draft, text: str) -> list[Reply]:
    """``take`` of the repeat ``text`` asks for, if any."""
    return take(conv, d, find_repeat(normalise(text)))


def can_repeat(ctx: Ctx, d: Draft) -> bool:
    """Whether the booking of ``d`` may repeat weekly: not a long placement (a contract of
    days or months, renewed instead — the rule ``Subscribe`` holds to)."""
    return not any(item.placement is not None for item in d.items(ctx.catalog))


def asks(ctx: Ctx, d: Draft) -> bool:
    """Whether the booking of ``d`` is to repeat weekly once placed (asked, and it may): its
    quote looks for the same repeat set up already (``PreviewQuote.weekly``)."""
    return d.weekly and d.start is not None and can_repeat(ctx, d)


def quote_line(ctx: Ctx, conv: Conversation, d: Draft, repeating: bool = False) -> str:
    """What the quote says of the repeat asked for ("" when none was); ``repeating``: the
    quote found it set up already, so this order is booked once."""
    if not d.weekly or d.start is None:
        return ""
    if not can_repeat(ctx, d):
        return views.placement_once_line(conv)
    if repeating:
        return views.repeating_already_line(ctx, conv, d.start)
    ahead = lead_days((it.id for it in d.items(ctx.catalog)), ctx.catalog, ctx.rules.booking)
    return views.repeats_line(ctx, conv, d.start, ahead)


def subscribe(
    ctx: Ctx, conv: Conversation, d: Draft, number: int, repeating: bool = False
) -> Subscribe | None:
    """The command that repeats order ``number``, just placed from ``d``, on its weekday at
    its time; None when ``d`` is not to repeat or cannot, or (``repeating``) its quote found
    the same repeat set up already."""
    if repeating or not asks(ctx, d) or conv.customer_id is None or d.start is None:
        return None
    local = d.start.astimezone(ctx.tz)
    return Subscribe(conv.customer_id, number, local.weekday(), format_at_time(local.time()))
