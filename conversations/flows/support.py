"""Contact support: the customer's first message opens a ticket; while they stay here every
message (text or photo) goes to it, and support's answers come back in this chat. "结束咨询"
/ "end" ends it, and a one-tap rating (1–5) is asked — as it is when support closes it: the
customer's next message in this chat is that rating (``TicketClosedMeanwhile``), not a new
ticket. The rating may be skipped; the menu's buttons, a request and the global words leave it
unrated and do what they say."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, PhotoReceived, TextReceived
from conversations.flows import menu
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.flow_state import keep, read
from conversations.replies import Ask, Option, Say
from conversations.results.booking import SupportMessageSent
from conversations.results.support import TicketClosedMeanwhile, TicketEnded, TicketRated
from conversations.state import Conversation
from domain import limits
from domain.commands import ContactSupport, EndTicket, RateTicket
from domain.support import ref

NAME = "support"
END = {"结束咨询", "结束", "end", "end chat", "done"}
"""What ends the customer's ticket while they are in this chat."""
SKIP = "skip"
SKIP_WORDS = {"跳过", "skip", "不评了", "不打分"}
STARS = ("1", "2", "3", "4", "5")


class Step(StrEnum):
    WRITE = "write"
    CHAT = "chat"
    RATE = "rate"


FIRST = Step.WRITE


@dataclass(frozen=True, slots=True)
class SupportAction:
    """A button or word from outside the flow: ``chat`` on the open ticket, ``end`` it, or
    ``rate`` one. Also what the flow keeps while in it: the ticket being chatted on
    (``chat``) or rated (``rate``)."""

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
        keep(conv, NAME, SupportAction("chat"))  # the ticket not known: ``_replying``
        return Outcome(
            [Say(tr(conv, "请直接输入您要回复客服的内容;发送「结束咨询」结束。"))],
            step=Step.CHAT,
        )
    if 1 <= action.stars <= 5:
        return Outcome(
            commands=[RateTicket(conv.customer_id, action.ticket, action.stars)], step=Step.RATE
        )
    keep(conv, NAME, SupportAction("rate", action.ticket))
    return Outcome([_rating(conv)], step=Step.RATE)


def _ticket(conv: Conversation) -> int | None:
    """The ticket being chatted on or rated (None: not known, e.g. back via "回复客服")."""
    kept = read(SupportAction, conv.data.get(NAME))
    return None if kept is None else kept.ticket


def _replying(conv: Conversation) -> bool:
    """Back via "回复客服", nothing sent since: the ticket is found when the customer writes
    (their open one; closed meanwhile, its rating is asked — as for a known ticket)."""
    kept = read(SupportAction, conv.data.get(NAME))
    return kept is not None and kept.action == "chat" and kept.ticket is None


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    if conv.step == Step.RATE:
        return Outcome([_rating(conv)])
    if conv.step == Step.CHAT:
        return Outcome()
    return Outcome(
        [Ask(tr(conv, "请直接输入您的问题(可附订单号),客服会尽快回复您。发送「取消」返回。"))]
    )


def _rating(conv: Conversation, *, again: bool = False) -> Ask:
    if again:
        text = tr(conv, "请回复 1–5 的分数,或点「跳过」:")
    else:
        text = tr(conv, "请为本次客服打分(1–5 分),不想打分可点「跳过」:")
    stars = tuple(Option(str(n), tr(conv, "{n} 分", n=n)) for n in range(5, 0, -1))
    return Ask(text, (*stars, Option(SKIP, tr(conv, "跳过"))), numbered=False)


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = event.text.strip()
    assert conv.customer_id is not None
    if text.casefold() in END:
        return Outcome(commands=[EndTicket(conv.customer_id)])
    if over := too_long(conv, limits.SUPPORT_MESSAGE, text):
        return over
    if not text:
        return Outcome(reask=True)
    cmd = ContactSupport(
        conv.customer_id,
        event.channel,
        event.user_id,
        text,
        "",
        _ticket(conv),
        replying=_replying(conv),
    )
    return Outcome(commands=[cmd])


def on_photo(ctx: Ctx, conv: Conversation, event: PhotoReceived) -> Outcome:
    assert conv.customer_id is not None
    return Outcome(
        commands=[
            ContactSupport(
                conv.customer_id,
                event.channel,
                event.user_id,
                "",
                event.ref,
                _ticket(conv),
                replying=_replying(conv),
            )
        ]
    )


def on_sent(ctx: Ctx, conv: Conversation, result: SupportMessageSent) -> Outcome:
    keep(conv, NAME, SupportAction("chat", result.ticket))
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
    keep(conv, NAME, SupportAction("rate", result.ticket))
    return Outcome(
        [Say(tr(conv, "本次咨询({ticket})已结束。", ticket=ref(result.ticket)))],
        step=Step.RATE,
        reask=True,
    )


def on_closed(ctx: Ctx, conv: Conversation, result: TicketClosedMeanwhile) -> Outcome:
    """Support closed the ticket and asked for a rating: what the customer wrote answers it."""
    keep(conv, NAME, SupportAction("rate", result.ticket))
    out = _answer(ctx, conv, result.said)
    if out.step == Step.RATE and not out.commands:  # not an answer: say why it was not sent
        said = tr(
            conv, "本次咨询({ticket})已由客服结束,您的消息没有发出。", ticket=ref(result.ticket)
        )
        out.replies = [Say(said), *out.replies]
    return out


def on_stars(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    if isinstance(event, TextReceived):
        return _answer(ctx, conv, event.text)
    if event.key in STARS:
        return _rate(conv, int(event.key))
    if event.key == SKIP:
        return _skip(conv)
    if event.key in menu.KEYS:  # a button of the menu shown before
        return _leave(conv, menu.on_choice(ctx, conv, event))
    return Outcome([_rating(conv, again=True)])


def _answer(ctx: Ctx, conv: Conversation, text: str) -> Outcome:
    """Typed at the rating: 1–5 rates, "跳过" skips it; the menu's buttons and a request
    leave it and do what they say; anything else asks again (how to skip included)."""
    word = text.strip().removesuffix("分").strip()
    if word in STARS:
        return _rate(conv, int(word))
    if word.casefold() in SKIP_WORDS:
        return _skip(conv)
    left = menu.typed(ctx, conv, text) if text.strip() else None
    if left is not None:
        return _leave(conv, left)
    return Outcome([_rating(conv, again=True)], step=Step.RATE)


def _rate(conv: Conversation, stars: int) -> Outcome:
    if conv.customer_id is None:
        return Outcome(goto="menu")
    return Outcome(commands=[RateTicket(conv.customer_id, _ticket(conv), stars)], step=Step.RATE)


def _skip(conv: Conversation) -> Outcome:
    return _leave(conv, Outcome([Say(tr(conv, "好的,已跳过评分。"))], goto="menu"))


def _leave(conv: Conversation, outcome: Outcome) -> Outcome:
    """Out of the flow: what it kept (the ticket) goes."""
    conv.data.pop(NAME, None)
    return outcome


def on_rated(ctx: Ctx, conv: Conversation, result: TicketRated) -> Outcome:
    return _leave(conv, Outcome([Say(tr(conv, "谢谢您的评分!"))], goto="menu"))


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
    (Step.CHAT, TicketClosedMeanwhile): on_closed,
    (Step.CHAT, Failed): on_failed,
    (Step.RATE, ChoiceMade): on_stars,
    (Step.RATE, TextReceived): on_stars,
    (Step.RATE, TicketRated): on_rated,
    (Step.RATE, Failed): on_failed,
}
