"""A worker's plain text at their jobs menu — no command, no "#N", no 回复顾客 pressed — after
a customer wrote to them through the relay: it answers that customer. The customers who wrote
within ``relay_reply_minutes`` (their relay open) are found first (``FindReplyTargets``): one,
and the text goes to them (``ReplyToCustomer``: the relay's own rules — phones masked, kept,
through the outbox) and the worker is told to whom, by the name the order was booked under;
several, and the worker picks (a button each), nothing guessed; none, and it is words the menu
does not know, as before."""

from __future__ import annotations

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import relay
from conversations.flows import worker_views as views
from conversations.flows.base import Ctx, Outcome, tr
from conversations.flows.worker_state import (
    NO,
    REPLY_TO,
    Step,
    WorkerData,
    data_of,
    keep_data,
    me,
    restart,
)
from conversations.replies import Say
from conversations.results.relay import CustomerReplied, ReplyTargets
from conversations.state import Conversation
from domain import commands as c
from domain import limits
from domain import queries as q
from domain.digits import whole
from domain.privacy import mask_phones


def start(conv: Conversation, event: TextReceived) -> Outcome:
    """Plain words at the menu: whom they may answer is found (the text kept meanwhile,
    phones masked as they will be relayed)."""
    text = event.text.strip()
    if not text or text.casefold() in relay.END:  # "结束": the chat's way out, no message
        return _to_menu(conv, views.menu_hint(conv))
    if not limits.SUPPORT_MESSAGE.allows(text):  # the relay's own limit
        return _to_menu(conv, limits.SUPPORT_MESSAGE.message().get(conv.lang))
    keep_data(conv, WorkerData(reply=mask_phones(text)))
    return Outcome(commands=[q.FindReplyTargets(me(conv))], step=Step.REPLY_FIND)


def ask(conv: Conversation) -> Outcome:
    """Which customer, again (they are found again); while they are first found, the menu."""
    if conv.step == Step.REPLY_PICK and _text(conv):
        return Outcome(commands=[q.FindReplyTargets(me(conv))])
    return restart()


def _text(conv: Conversation) -> str:
    data = data_of(conv)
    return data.reply if data is not None else ""


def _to_menu(conv: Conversation, said: str) -> Outcome:
    keep_data(conv, WorkerData())
    return Outcome([Say(said)], step=Step.MENU, reask=True)


def _send(conv: Conversation, number: int) -> Outcome:
    text = _text(conv)
    if not text:
        return restart()
    return Outcome(commands=[c.ReplyToCustomer(me(conv), number, text)])


def on_found(ctx: Ctx, conv: Conversation, result: ReplyTargets) -> Outcome:
    """One customer waiting: the text goes to them; several: which; none: the menu's hint."""
    if not _text(conv):
        return restart()
    if not result.targets:
        if conv.step == Step.REPLY_PICK:  # their chats closed while the worker picked
            return _to_menu(conv, tr(conv, "现在没有等您回复的顾客了,这条消息没有发送。"))
        return _to_menu(conv, views.menu_hint(conv))
    if len(result.targets) == 1 and conv.step == Step.REPLY_FIND:
        return _send(conv, result.targets[0].number)
    return Outcome([views.reply_question(ctx, conv, result.targets)], step=Step.REPLY_PICK)


def on_picked(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == NO:
        return _to_menu(conv, tr(conv, "好的,这条消息没有发送。"))
    number = whole(event.key.removeprefix(REPLY_TO)) if event.key.startswith(REPLY_TO) else None
    if number is None:
        return Outcome(reask=True)
    return _send(conv, number)


def on_replied(ctx: Ctx, conv: Conversation, result: CustomerReplied) -> Outcome:
    return _to_menu(conv, views.replied_text(conv, result))


def on_refused(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    """The relay refused it (closed meanwhile, not theirs): why, and the menu."""
    return _to_menu(conv, result.message.get(conv.lang))
