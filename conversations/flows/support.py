"""Contact support: the customer writes; the message reaches the support admins."""

from __future__ import annotations

from enum import StrEnum

from conversations.events import TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.replies import Ask, Say
from conversations.results.booking import SupportMessageSent
from conversations.state import Conversation
from domain import limits
from domain.commands import ContactSupport

NAME = "support"


class Step(StrEnum):
    WRITE = "write"


FIRST = Step.WRITE


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome(
        [Ask(tr(conv, "请直接输入您的问题(可附订单号),客服会尽快回复您。发送「取消」返回。"))]
    )


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = event.text.strip()
    if over := too_long(conv, limits.SUPPORT_MESSAGE, text):
        return over
    if not text:
        return Outcome(reask=True)
    assert conv.customer_id is not None
    return Outcome(commands=[ContactSupport(conv.customer_id, event.channel, event.user_id, text)])


def on_sent(ctx: Ctx, conv: Conversation, result: SupportMessageSent) -> Outcome:
    return Outcome(
        [Say(tr(conv, "已转给客服,我们会尽快在这里回复您。"))],
        goto="menu",
    )


TRANSITIONS: Transitions = {
    (Step.WRITE, TextReceived): on_text,
    (Step.WRITE, SupportMessageSent): on_sent,
}
