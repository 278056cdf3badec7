"""What the admin console's screens share: ``shows`` pairs a result type with the screen that
answers it (mypy checks the screen takes that type), and ``local`` puts a time in the business
time zone in a fixed form (``base.moment``: as the reader's language writes one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from conversations.events import Result
from conversations.flows.base import Ctx, Handler, Outcome
from conversations.state import Conversation

R = TypeVar("R", bound=Result)
Screen = tuple[type[Result], Handler]


def shows(kind: type[R], screen: Callable[[Ctx, Conversation, R], Outcome]) -> Screen:
    """The transition entry of ``screen``: it answers every ``kind`` result at the console."""
    return kind, screen


def local(ctx: Ctx, at: datetime, fmt: str) -> str:
    """``at`` in the business time zone (``ctx.tz``), as ``fmt`` (a form that reads the same
    in both languages: ``%Y-%m-%d``, ``%H:%M``)."""
    return f"{at.astimezone(ctx.tz):{fmt}}"
