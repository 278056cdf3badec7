"""What customers type about their long placements, in any state: "面试 #N 明天 15:00" (meet
the worker before it starts), "更换师傅 #N 原因" (another worker), "终止合同 #N" (end it
early: told the rules' refund, ops asked) and "续约 #N" (renew in one tap). The answers come
as notices (``services.placement_*``); a refusal as the usual failure."""

from __future__ import annotations

from datetime import datetime

from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.dates import parse_when
from conversations.flows.typed_commands import Typed
from conversations.replies import Say
from conversations.state import Conversation
from domain import limits
from domain.commands import (
    ArrangeInterview,
    RenewPlacement,
    RequestReplacement,
    RequestTermination,
)
from domain.limits import within

NAMES = frozenset({"replace", "interview", "end_contract", "renew_placement"})
"""The typed customer commands (``typed_commands.CUSTOMER``) answered here."""


def answer(ctx: Ctx, conv: Conversation, typed: Typed) -> Outcome:
    assert conv.customer_id is not None
    if typed.name == "replace":
        return _replace(conv, typed)
    if typed.name == "interview":
        return _interview(ctx, conv, typed)
    if typed.number is None:
        said = tr(conv, "请带上订单号,例如「终止合同 #240117」或「续约 #240117」。")
        return Outcome([Say(said)], reask=True)
    if typed.name == "end_contract":
        return Outcome(commands=[RequestTermination(conv.customer_id, typed.number)])
    return Outcome(commands=[RenewPlacement(conv.customer_id, typed.number)])


def _replace(conv: Conversation, typed: Typed) -> Outcome:
    """ "更换师傅 #N 原因": another worker for a placement (the answer comes as a notice)."""
    if typed.number is None or not typed.args.strip():
        said = tr(conv, "请带上订单号和原因,例如「更换师傅 #240117 不会做月子餐」。")
        return Outcome([Say(said)], reask=True)
    assert conv.customer_id is not None
    reason = within(limits.CANCEL_REASON, typed.args.strip())
    return Outcome(commands=[RequestReplacement(conv.customer_id, typed.number, reason)])


def _interview(ctx: Ctx, conv: Conversation, typed: Typed) -> Outcome:
    """ "面试 #N 明天 15:00": meet a placement's worker before it starts (a notice answers)."""
    day, at = parse_when(typed.args, ctx.now.astimezone(ctx.tz).date())
    if typed.number is None or day is None or at is None:
        said = tr(conv, "请带上订单号和时间,例如「面试 #240117 明天 15:00」。")
        return Outcome([Say(said)], reask=True)
    assert conv.customer_id is not None
    when = datetime.combine(day, at, tzinfo=ctx.tz)
    return Outcome(commands=[ArrangeInterview(conv.customer_id, typed.number, when)])
