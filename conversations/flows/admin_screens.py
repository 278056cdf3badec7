"""What the admin console's screens share: ``shows`` pairs a result type with the screen that
answers it (mypy checks the screen takes that type). A moment on a screen is written by
``base.moment``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from conversations.events import Result
from conversations.flows.base import Ctx, Handler, Outcome
from conversations.state import Conversation

R = TypeVar("R", bound=Result)
Screen = tuple[type[Result], Handler]


def shows(kind: type[R], screen: Callable[[Ctx, Conversation, R], Outcome]) -> Screen:
    """The transition entry of ``screen``: it answers every ``kind`` result at the console."""
    return kind, screen
