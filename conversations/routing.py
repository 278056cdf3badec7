"""Routing one event through the flow tables: the phrases every flow understands first
(``flows.global_words``), then the handler of the conversation's (step, event type); each
outcome moves the conversation (another flow, another step, the question again) and runs its
commands, whose results are routed the same way. Pure but for the commands it runs; the
engine (``conversations.engine``) wraps it in a turn: claim, lock, save.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, Event, Failed, Inbound, Result, TextReceived
from conversations.flows import global_words as words
from conversations.flows.base import Ctx, Flow, Outcome
from conversations.flows.typed_commands import parse
from conversations.replies import Reply, Say, last_question
from conversations.state import Conversation
from domain.commands import Message
from domain.errors import DomainError

log = logging.getLogger(__name__)

RunCommand = Callable[[Message], Awaitable[list[Result]]]
"""Runs a command, or answers a query (``Services.run``)."""
MAX_CHAIN = 8
"""Outcomes one event may lead to in a row before it is taken for a loop between flows."""


@dataclass(slots=True)  # made each turn: plain attributes, no frozen __setattr__ detour
class Router:
    flows: Mapping[str, Flow]
    run: RunCommand

    async def answer(self, ctx: Ctx, conv: Conversation, event: Inbound) -> list[Reply]:
        """Route ``event`` for ``conv`` (updated in place, the options it now offers too);
        return the replies."""
        event = _match_choice(event, conv)
        conv.scratch[SHOWN] = {(conv.flow, conv.step)}  # the question being answered
        replies = await self._apply(ctx, conv, self.route(ctx, conv, event), 0)
        question = last_question(replies)
        conv.options = [[o.key, o.label] for o in question.options] if question else []
        conv.numbered = question.numbered if question else True
        return replies

    def route(self, ctx: Ctx, conv: Conversation, event: Inbound) -> Outcome:
        """What ``event`` leads to: a word or command every flow understands, else the
        current flow's handler."""
        outcome = words.route(self.flows, ctx, conv, event)
        return outcome if outcome is not None else self.dispatch(ctx, conv, event)

    def dispatch(self, ctx: Ctx, conv: Conversation, event: Event) -> Outcome:
        flow = self.flows[conv.flow]
        handler = flow.TRANSITIONS.get((_step(flow, conv.step), type(event)))
        if handler is not None:
            try:
                outcome: Outcome = handler(ctx, conv, event)
                return outcome
            except DomainError as exc:
                return Outcome([Say(exc.text.get(conv.lang))], reask=True)
        if isinstance(event, Failed):
            return _failed(flow, conv, event.message.get(conv.lang))
        if isinstance(event, Result):
            log.warning("no handler for %s in %s/%s", type(event).__name__, conv.flow, conv.step)
            return Outcome()
        return Outcome([Say(words.hint(conv, event))], reask=True)

    async def _apply(self, ctx: Ctx, conv: Conversation, out: Outcome, depth: int) -> list[Reply]:
        if depth > MAX_CHAIN:
            raise RuntimeError(f"flow loop in {conv.flow}/{conv.step}")
        replies = list(out.replies)
        shown: set[tuple[str, str]] = conv.scratch.setdefault(SHOWN, set())
        if out.goto is not None:
            flow = self.flows[out.goto]
            if out.goto == "menu":
                conv.history = []
            elif (conv.flow, conv.step) in shown:
                conv.history = [*conv.history[-9:], [conv.flow, conv.step]]
            conv.flow, conv.step = out.goto, str(flow.FIRST)
            replies += await self._apply(ctx, conv, flow.enter(ctx, conv), depth + 1)
        elif out.step is not None:
            if out.step != conv.step and (conv.flow, conv.step) in shown:
                conv.history = [*conv.history[-9:], [conv.flow, conv.step]]
            conv.step = out.step
        if out.reask:
            asked = self.flows[conv.flow].ask(ctx, conv)
            if asked.step is None and asked.goto is None:
                shown.add((conv.flow, conv.step))  # its question is on the screen
            replies += await self._apply(ctx, conv, asked, depth + 1)
        for command in out.commands:
            for result in await self.run(command):
                replies += await self._apply(
                    ctx, conv, self.dispatch(ctx, conv, result), depth + 1
                )
        if out.then is not None:
            replies += await self._apply(ctx, conv, self.route(ctx, conv, out.then), depth + 1)
        return replies


def _failed(flow: Flow, conv: Conversation, text: str) -> Outcome:
    """A command failed and no handler of the step takes it: say why and ask the step's
    question again. When asking it fails too (what the step is about changed under it: the
    order the customer was about to cancel was cancelled meanwhile), go back to the flow's
    first step, and from there to the menu, rather than ask in a loop."""
    failed: dict[tuple[str, str], str] = conv.scratch.setdefault(FAILED, {})
    here = (conv.flow, conv.step)
    said = [Say(text)] if text not in failed.values() else []
    if here not in failed:
        failed[here] = text
        return Outcome(said, reask=True)
    first = str(flow.FIRST)
    if (conv.flow, first) in failed or conv.step == first:
        return Outcome(said, goto="menu")
    return Outcome(said, step=first, reask=True)


_NUMBER = re.compile(r"^\s*(\d{1,2})\s*$")
SHOWN = "shown"
"""``conv.scratch``: the steps whose question the person saw this turn — the only ones "back"
returns to (a step passed through, its question never asked, is not one)."""
FAILED = "failed"
"""``conv.scratch``: the steps where a command failed this turn, with what was said."""
TICK = "✓ "
"""How a ticked option of a several-choice question starts ("✓ 准时守约"): its word typed
without the tick (as one reads it) still names it."""


def _match_choice(event: Inbound, conv: Conversation) -> Inbound:
    """Typed text that names an offered option ("2", or its label, ticked or not) becomes
    that choice."""
    if not isinstance(event, TextReceived):
        return event
    options = conv.offered()
    if not options:
        return event
    text = event.text.strip()
    folded = text.removeprefix(TICK).strip().casefold()
    key = next((o.key for o in options if o.label.removeprefix(TICK).casefold() == folded), None)
    m = _NUMBER.match(text)
    if key is None and conv.numbered and m and 1 <= int(m.group(1)) <= len(options):
        key = options[int(m.group(1)) - 1].key
    if (
        key is None
        and len(folded) >= 2
        and not m
        and folded not in words.WHOLE_WORDS
        and not _command_with_number(text)
    ):
        # the name on one button, and on no other ("日常保洁" for "日常保洁 ¥40.00/小时"); a
        # word that means something everywhere is no part of a button's name: "我的" opens
        # 我的 (not "我的订单"), "紧急" raises an SOS (not "紧急联系人"); nor is a command
        # with its order number: "转单 #240117" hands the job over (not "取消转单 #240117")
        found = [o.key for o in options if _names(folded, o.label)]
        key = found[0] if len(found) == 1 else None
    if key is None:
        return event
    return ChoiceMade(
        channel=event.channel,
        user_id=event.user_id,
        at=event.at,
        message_id=event.message_id,
        lang_hint=event.lang_hint,
        key=key,
    )


def _command_with_number(text: str) -> bool:
    """Whether ``text`` is a command typed with its order number (``转单 #240117``)."""
    typed = parse(text)
    return typed is not None and typed.number is not None


_PRICE = re.compile(r"\s*\+?¥.*$")


def _names(typed: str, label: str) -> bool:
    """Whether ``typed`` names the button ``label``: most of its name (the label without
    a tick or a price), or the start of a name that has no figures ("冰箱" for "冰箱内部清洁
    +¥30.00"; "明天" names none of "明天 08:00", "明天 10:00")."""
    name = _PRICE.sub("", label.removeprefix(TICK)).casefold()
    if typed not in name:
        return False
    if 2 * len(typed) >= len(name):
        return True
    return name.startswith(typed) and not any(c.isdigit() for c in name)


_STEPS: dict[tuple[Flow, str], StrEnum] = {}


def _step(flow: Flow, step: str) -> StrEnum:
    """``flow.Step(step)``, made once per flow and step (an enum call runs three Python
    frames); a step the flow does not have raises ValueError as the call does."""
    try:
        return _STEPS[flow, step]
    except KeyError:
        made = _STEPS[flow, step] = flow.Step(step)
        return made
