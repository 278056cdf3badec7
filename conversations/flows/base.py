"""What every flow module shares: the context handlers read, and the outcome they return.

A flow module has ``NAME``, ``class Step(StrEnum)``, ``FIRST``, ``TRANSITIONS`` (a dict from
``(Step, event type)`` to a handler), ``enter(ctx, conv)`` and ``ask(ctx, conv)``. Handlers are
plain functions: they read the context, the conversation and the event, may update
``conv.data``, and return an ``Outcome``; they never do I/O — commands do.

Each flow's part of ``conv.data`` is a dataclass it owns (``flow_state``), reset by ``enter``.
A flow entered with something to start from (an order, an action, a payment) has a
``seed(conv, data)`` taking its own dataclass (booking: ``start_with``): no flow writes another
flow's keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from conversations.events import Event, Inbound
from conversations.replies import Reply, Say
from conversations.state import Conversation
from domain.catalog import Catalog
from domain.commands import Message
from domain.limits import Limit
from domain.moments import format_span, format_when
from domain.rules import Rules
from domain.text import Field
from i18n import SOURCE, TABLES, ngettext


@dataclass(frozen=True)
class Ctx:
    catalog: Catalog
    rules: Rules
    now: datetime
    public_url: str
    admin_role: str = ""
    """The sender's admin role (owner, ops, finance, support), or "" for everyone else."""
    account: str = ""
    """The sender's chat account, ``channel:user id`` (who pays for what they order)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.rules.timezone)


@dataclass
class Outcome:
    """What a handler decided: replies to send, commands to run (or queries), where to go next.

    ``step`` moves within the flow (remembered for "back"); ``goto`` enters another flow;
    ``reask`` appends the question of the step the conversation ends up in; ``then`` is a
    message answered after all that, as if just sent (a newcomer's first command, once the
    sign-up made them a customer and welcomed them).
    """

    replies: Sequence[Reply] = field(default_factory=list)
    commands: Sequence[Message] = field(default_factory=list)
    """Commands to run and queries to answer, in order (each one's results are routed back)."""
    step: str | None = None
    goto: str | None = None
    reask: bool = False
    then: Inbound | None = None


Handler = Callable[[Ctx, Conversation, Any], Outcome]
Transitions = Mapping[tuple[StrEnum, type[Event]], Handler]


class Flow(Protocol):
    """What the engine needs of a flow module — mypy checks every module registered
    (``conversations.flows.registry``) against it."""

    @property
    def NAME(self) -> str: ...  # noqa: N802 - a module constant

    @property
    def FIRST(self) -> StrEnum: ...  # noqa: N802 - a module constant

    @property
    def Step(self) -> type[StrEnum]: ...  # noqa: N802 - the module's step enum

    @property
    def TRANSITIONS(self) -> Transitions: ...  # noqa: N802 - a module constant

    def enter(self, ctx: Ctx, conv: Conversation) -> Outcome:
        """Start the flow (reset its data): the first question, or a command to run first."""
        ...

    def ask(self, ctx: Ctx, conv: Conversation) -> Outcome:
        """The question of the step the conversation is at."""
        ...


def tr(conv: Conversation, msgid: str, /, **params: Field) -> str:
    """The message ``msgid`` (its Chinese; the catalogs of ``i18n`` hold the English) in the
    conversation's language, with ``params`` filled into its ``{name}`` fields."""
    text = TABLES.get(conv.lang, SOURCE).get(msgid, msgid)  # gettext, inline
    return text.format_map(params) if params else text


def trn(conv: Conversation, msgid: str, plural: str, n: int, /, **params: Field) -> str:
    """``tr`` for a message about ``n`` of something, in the form the conversation's language
    uses for ``n`` (gettext's ``ngettext``: "1 visit left", "3 visits left"; the Chinese
    msgid and msgid_plural are the same text). ``n`` picks the form; ``params`` fill it."""
    text = ngettext(conv.lang, msgid, plural, n)
    return text.format_map(params) if params else text


def moment(ctx: Ctx, conv: Conversation, at: date, *, clock: bool = True) -> str:
    """A moment in the business time zone, or a day, as the reader's language writes one
    (``format_when``, the one form of every screen: ``12月7日 周一 18:26``, ``Mon 7 Dec
    18:26``, the year only when far from today); a ``date`` or ``clock=False``: the day alone
    (``12月7日 周一``). Never ``isoformat()`` on a screen."""
    local = at.astimezone(ctx.tz) if isinstance(at, datetime) else at
    return format_when(local, conv.lang, ctx.now.astimezone(ctx.tz).date(), clock=clock)


def clock_or_moment(ctx: Ctx, conv: Conversation, at: datetime) -> str:
    """A moment close to now (a deadline minutes away): its time of day alone today
    (``14:00``), whole otherwise (``moment``: one past midnight names its day)."""
    local = at.astimezone(ctx.tz)
    return (
        f"{local:%H:%M}"
        if local.date() == ctx.now.astimezone(ctx.tz).date()
        else moment(ctx, conv, local)
    )


def span(ctx: Ctx, conv: Conversation, first: date, last: date) -> str:
    """From ``first`` to ``last`` (moments in the business time zone, or days) as ``moment``
    writes each (``format_span``: ``12月9日 周三 14:00–17:00``, ``12月1日 周二 至 12月7日
    周一``)."""
    a, b = (x.astimezone(ctx.tz) if isinstance(x, datetime) else x for x in (first, last))
    return format_span(a, b, conv.lang, ctx.now.astimezone(ctx.tz).date())


def aside(conv: Conversation, text: str) -> str:
    """``text`` in parentheses after what it tells more of, as the reader's language writes
    them: full-width and close in Chinese ("客户 5(网页聊天)"), a space and ASCII ones in
    English ("Customer 5 (Web chat)"); "" for no text. (The msgid names its field for its
    first use, an emergency contact's relation.)"""
    return tr(conv, "({relation})", relation=text) if text else ""


def too_long(conv: Conversation, limit: Limit, text: str) -> Outcome | None:
    """Over ``limit``: the limit in the person's language and the same question again (the
    step stays, nothing is kept); else None."""
    if limit.allows(text):
        return None
    return Outcome([Say(limit.message().get(conv.lang))], reask=True)


def button_expired(conv: Conversation) -> str:
    """What a person is told who pressed a button of an older message that the screen now
    shown does not take (the chat moved on: another screen, another order), before that
    screen is asked again — never a silent jump to it."""
    return tr(conv, "这个按钮已过期,请使用下面最新的选项。")


def pick_an_option(conv: Conversation) -> str:
    """What a person is told when what they sent is none of the options shown (words that are
    no option, a stale or forged button): the one text for it, wherever it is said."""
    return tr(conv, "没太明白。请点选下面的选项(或回复序号),也可以发送「帮助」。")
