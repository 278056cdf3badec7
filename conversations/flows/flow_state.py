"""A flow's own data, typed: a dataclass the flow owns, kept in ``conv.data[name]`` as plain
JSON (``dataclasses.asdict``) and read back field by field with each type checked.

A stored shape that does not fit — an older version's, saved before a deploy — reads as None,
and the flow starts over at its first step (``keeping``) rather than failing on a missing key
or reusing what no longer means the same. Supported field types: ``int``, ``str``, ``bool``,
``None`` in unions, nested dataclasses, ``tuple[X, ...]`` of those, and ``dict[str, Any]``
(taken as it is).


Two ways to use it: ``keeping`` wraps a handler that takes the data as an argument (my orders,
recurring); a flow that reads its data itself (booking, checkout) raises ``StaleState`` and
wraps its handlers with ``restarting``.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import types
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Concatenate, ParamSpec, TypeVar

from conversations.flows.base import Ctx, Outcome, Transitions
from conversations.state import Conversation

log = logging.getLogger(__name__)
D = TypeVar("D")
E = TypeVar("E")
P = ParamSpec("P")
Restart = Callable[[Ctx, Conversation], Outcome]


def read(cls: type[D], raw: object) -> D | None:
    """``raw`` (what ``asdict`` made of a ``cls``) as a ``cls``; None when it does not fit."""
    try:
        built: D = _build(cls, raw)
    except (TypeError, ValueError):
        return None
    return built


def load(conv: Conversation, name: str, cls: type[D]) -> D | None:
    """The flow's data in ``conv`` (the defaults when there is none yet), or None when what
    is stored does not fit ``cls``."""
    return read(cls, conv.data.get(name, {}))


def keep(conv: Conversation, name: str, data: object) -> None:
    conv.data[name] = dataclasses.asdict(data)  # type: ignore[call-overload]


def keeping(
    name: str, cls: type[D], first: StrEnum
) -> Callable[
    [Callable[[Ctx, Conversation, E, D], Outcome]], Callable[[Ctx, Conversation, E], Outcome]
]:
    """A transition handler that works on the flow's typed data: it gets the data read from
    ``conv.data[name]``, may change it, and it is kept — or dropped, when the handler leaves
    the flow (``goto``). Data that does not fit starts the flow over at ``first``."""

    def wrap(
        handler: Callable[[Ctx, Conversation, E, D], Outcome],
    ) -> Callable[[Ctx, Conversation, E], Outcome]:
        @functools.wraps(handler)
        def run(ctx: Ctx, conv: Conversation, event: E) -> Outcome:
            data = load(conv, name, cls)
            if data is None:
                return restart(conv, name, cls, first)
            outcome = handler(ctx, conv, event, data)
            if outcome.goto is None:
                keep(conv, name, data)
            else:
                conv.data.pop(name, None)
            return outcome

        return run

    return wrap


def restart(conv: Conversation, name: str, cls: type[Any], first: StrEnum) -> Outcome:
    """Fresh data and the flow's first question."""
    keep(conv, name, cls())
    return Outcome(step=first, reask=True)


def _build(cls: type[Any], raw: object) -> Any:
    if not isinstance(raw, dict):
        raise TypeError(f"{cls.__name__}: not an object")
    hints = _hints(cls)
    unknown = set(raw) - set(hints)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown {sorted(unknown)}")
    return cls(**{key: _value(hints[key], value) for key, value in raw.items()})


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    """The fields' types (resolved once per class)."""
    hints = _HINTS.get(cls)
    if hints is None:
        names = {f.name for f in dataclasses.fields(cls)}
        hints = {k: v for k, v in typing.get_type_hints(cls).items() if k in names}
        _HINTS[cls] = hints
    return hints


def _value(hint: Any, value: object) -> Any:  # noqa: C901 - one branch per supported type
    origin = typing.get_origin(hint)
    if hint is Any:
        return value
    if origin is typing.Union or origin is types.UnionType:
        for option in typing.get_args(hint):
            try:
                return _value(option, value)
            except (TypeError, ValueError):
                continue
        raise TypeError(f"{value!r} is not {hint}")
    if hint is type(None):
        if value is not None:
            raise TypeError(f"{value!r} is not None")
        return None
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise TypeError(f"{value!r} is not a list")
        (item, _) = typing.get_args(hint)
        return tuple(_value(item, x) for x in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError(f"{value!r} is not an object")
        return value
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    raise TypeError(f"{value!r} is not {hint}")


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
