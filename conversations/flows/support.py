"""Contact support: the customer's first message opens a ticket; while they stay here every
message (text or photo) goes to it, and support's answers come back in this chat. "结束咨询"
/ "end" ends it, and a one-tap rating (1–5) is asked — as it is when support closes it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, PhotoReceived, TextReceived
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.flow_state import keep, read
from conversations.replies import Ask, Option, Say
from conversations.results.booking import SupportMessageSent
from conversations.results.support import TicketEnded, TicketRated
from conversations.state import Conversation
from domain import limits
from domain.commands import ContactSupport, EndTicket, RateTicket
from domain.support import ref

NAME = "support"
END = {"结束咨询", "结束", "end", "end chat", "done"}
"""What ends the customer's ticket while they are in this chat."""


class Step(StrEnum):
    WRITE = "write"
    CHAT = "chat"
    RATE = "rate"


FIRST = Step.WRITE


@dataclass(frozen=True, slots=True)
class SupportAction:
    """A button or word from outside the flow: ``chat`` on the open ticket, ``end`` it, or
    ``rate`` one."""

    action: str
    ticket: int | None = None
    stars: int = 0


def seed(conv: Conversation, action: SupportAction) -> None:
    keep(conv, NAME, action)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    action = read(SupportAction, conv.data.pop(NAME, None))
    if action is None or conv.customer_id is None:
        return ask(ctx, conv)
    if action.action == "end":
        return Outcome(commands=[EndTicket(conv.customer_id)], step=Step.CHAT)
    if action.action == "chat":  # back to the ticket from elsewhere ("回复客服")
        return Outcome(
            [Say(tr(conv, "请直接输入您要回复客服的内容;发送「结束咨询」结束。"))],
            step=Step.CHAT,
        )
    if 1 <= action.stars <= 5:
        return Outcome(
            commands=[RateTicket(conv.customer_id, action.ticket, action.stars)], step=Step.RATE
        )
    return Outcome([_rating(conv)], step=Step.RATE)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step == Step.RATE:
        return Outcome([_rating(conv)])
    if conv.step == Step.CHAT:
        return Outcome()
    return Outcome(
        [Ask(tr(conv, "请直接输入您的问题(可附订单号),客服会尽快回复您。发送「取消」返回。"))]
    )


def _rating(conv: Conversation) -> Ask:
    return Ask(
        tr(conv, "请为本次客服打分(1–5 分):"),
        tuple(Option(str(n), tr(conv, "{n} 分", n=n)) for n in range(5, 0, -1)),
        numbered=False,
    )


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = event.text.strip()
    assert conv.customer_id is not None
    if text.casefold() in END:
        return Outcome(commands=[EndTicket(conv.customer_id)])
    if over := too_long(conv, limits.SUPPORT_MESSAGE, text):
        return over
    if not text:
        return Outcome(reask=True)
    return Outcome(commands=[ContactSupport(conv.customer_id, event.channel, event.user_id, text)])


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    assert conv.customer_id is not None
    return Outcome(
        commands=[
            ContactSupport(conv.customer_id, event.channel, event.user_id, "", photo_ref=event.ref)
        ]
    )


def on_sent(ctx: Ctx, conv: Conversation, result: SupportMessageSent) -> Outcome:
    if result.opened:
        text = tr(
            conv,
            "已转给客服(工单 {ticket}),我们会尽快在这里回复您。"
            "在此期间您发的消息都会转给客服;发送「结束咨询」结束。",
            ticket=ref(result.ticket),
        )
    else:
        text = tr(conv, "已转给客服({ticket})。", ticket=ref(result.ticket))
    return Outcome([Say(text)], step=Step.CHAT)


def on_ended(ctx: Ctx, conv: Conversation, result: TicketEnded) -> Outcome:
    return Outcome(
        [Say(tr(conv, "本次咨询({ticket})已结束。", ticket=ref(result.ticket)))],
        step=Step.RATE,
        reask=True,
    )


def on_stars(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    word = event.key if isinstance(event, ChoiceMade) else event.text.strip()
    if word not in ("1", "2", "3", "4", "5") or conv.customer_id is None:
        return Outcome(reask=True)
    return Outcome(commands=[RateTicket(conv.customer_id, None, int(word))])


def on_rated(ctx: Ctx, conv: Conversation, result: TicketRated) -> Outcome:
    return Outcome([Say(tr(conv, "谢谢您的评分!"))], goto="menu")


def on_failed(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    if result.retry:  # a photo that could not be used: still writing to support
        return Outcome([Say(result.message.get(conv.lang))])
    return Outcome([Say(result.message.get(conv.lang))], goto="menu")


TRANSITIONS: Transitions = {
    (Step.WRITE, TextReceived): on_text,
    (Step.WRITE, PhotoReceived): on_photo,
    (Step.WRITE, SupportMessageSent): on_sent,
    (Step.WRITE, TicketEnded): on_ended,
    (Step.WRITE, Failed): on_failed,
    (Step.CHAT, TextReceived): on_text,
    (Step.CHAT, PhotoReceived): on_photo,
    (Step.CHAT, SupportMessageSent): on_sent,
    (Step.CHAT, TicketEnded): on_ended,
    (Step.CHAT, Failed): on_failed,
    (Step.RATE, ChoiceMade): on_stars,
    (Step.RATE, TextReceived): on_stars,
    (Step.RATE, TicketRated): on_rated,
    (Step.RATE, Failed): on_failed,
}
