"""Typed flow data: a flow keeps what it has been told in a dataclass of its own, stored as
plain JSON under the flow's name in ``conv.data`` and reset when the flow is entered (so a new
booking never inherits the last one's date or address).

A stored part that is missing or does not parse — a conversation saved by an older release,
whose data had another shape — raises ``StaleState``; the flow's handlers, wrapped by
``restarting``, then start the flow afresh instead of failing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Concatenate, ParamSpec

from conversations.flows.base import Ctx, Outcome, Transitions
from conversations.state import Conversation

log = logging.getLogger(__name__)
P = ParamSpec("P")
Restart = Callable[[Ctx, Conversation], Outcome]


class StaleState(Exception):
    """The stored data of flow ``flow`` is missing or has another shape than this release
    writes."""

    def __init__(self, flow: str) -> None:
        super().__init__(f"the stored data of flow {flow!r} does not parse")
        self.flow = flow


def restarting(
    name: str, restart: Restart
) -> Callable[
    [Callable[Concatenate[Ctx, Conversation, P], Outcome]],
    Callable[Concatenate[Ctx, Conversation, P], Outcome],
]:
    """Wrap a handler (or ``ask``) of flow ``name``: when a flow's stored data does not parse,
    its own is started afresh by ``restart``; another flow's (checkout reading the booking)
    is entered anew, which resets it."""

    def wrap(
        handler: Callable[Concatenate[Ctx, Conversation, P], Outcome],
    ) -> Callable[Concatenate[Ctx, Conversation, P], Outcome]:
        @functools.wraps(handler)
        def run(ctx: Ctx, conv: Conversation, /, *args: P.args, **kwargs: P.kwargs) -> Outcome:
            try:
                return handler(ctx, conv, *args, **kwargs)
            except StaleState as exc:
                log.info("%s/%s: %s, starting it afresh", conv.flow, conv.step, exc)
                return restart(ctx, conv) if exc.flow == name else Outcome(goto=exc.flow)

        return run

    return wrap


def restarting_all(name: str, restart: Restart, transitions: Transitions) -> Transitions:
    """``transitions`` with every handler wrapped by ``restarting``."""
    guard = restarting(name, restart)
    return {key: guard(handler) for key, handler in transitions.items()}
