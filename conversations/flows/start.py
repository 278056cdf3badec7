"""First contact: the person becomes a customer at once — no questions. The language comes
from the platform (Telegram's ``language_code``, the browser's; 我的/menu has the switch), the
phone number is asked at the first checkout (``checkout``), and what the person first wrote
("明天下午三点 日常保洁…") is handed to the menu, which reads it as a request — or, when it
was a command or a word every screen answers ("/help", "帮助", "我的"), answered after the
welcome, as any customer's would be (``then``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from conversations.events import (
    ChoiceMade,
    CommandReceived,
    ContactShared,
    Inbound,
    TextReceived,
)
from conversations.flows import menu
from conversations.flows.base import Ctx, Outcome, Transitions, too_long, tr
from conversations.flows.flow_state import keep, load
from conversations.flows.phones import normalise_phone
from conversations.replies import Say
from conversations.results.customers import CustomerRegistered
from conversations.state import Conversation
from domain import limits
from domain.commands import RegisterCustomer
from domain.money import format_yuan

NAME = "start"


class Step(StrEnum):
    WELCOME = "welcome"
    SIGNING_UP = "signing_up"
    PHONE = "phone"
    """Where an earlier release asked the phone first: an answer there still signs up."""
    LANGUAGE = "language"
    """Where an earlier release asked the language first: any answer signs up."""


FIRST = Step.WELCOME


@dataclass(frozen=True, slots=True)
class StartData:
    """What the sign-up keeps, in ``conv.data["start"]``: the invitation code of the link
    that brought the person (``/start ref_…``), kept through "cancel" and "menu" until the
    sign-up uses it; who is signing up (the chat account and its display name) and what they
    first wrote, handed in by whoever sent them here (``arriving``): words for the menu to
    read as a request (``said``), or a command or word to answer once they are a customer
    (``then``: "/help", "帮助")."""

    referral: str = ""
    user_id: str = ""
    name: str = ""
    said: str = ""
    then: str = ""


def seed(conv: Conversation, data: StartData) -> None:
    """What the sign-up starts with when entered (now or later): the referral code."""
    keep(conv, NAME, data)


def arriving(
    conv: Conversation, event: Inbound, *, keep_words: bool = True, then: bool = False
) -> None:
    """Hand the sign-up who is arriving and (``keep_words``) what they wrote, to be read as a
    request — or (``then``) the command or word they sent, to be answered after the welcome;
    the referral code is kept."""
    given = load(conv, NAME, StartData) or StartData()
    said = event.text if keep_words and not then and isinstance(event, TextReceived) else ""
    asked = ""
    if then and isinstance(event, CommandReceived):
        asked = f"/{event.command} {event.args}".strip()
    elif then and isinstance(event, TextReceived):
        asked = event.text
    arrived = replace(given, user_id=event.user_id, name=event.name, said=said, then=asked)
    keep(conv, NAME, arrived)


def _then(ctx: Ctx, conv: Conversation, data: StartData) -> Inbound | None:
    """The message kept to be answered after the welcome, as it came (a slash command or a
    text), or None."""
    if not data.then:
        return None
    channel, user_id, at, name = conv.channel, data.user_id, ctx.now, data.name
    if data.then.startswith("/"):
        command, _, args = data.then[1:].partition(" ")
        return CommandReceived(
            channel=channel, user_id=user_id, at=at, name=name, command=command, args=args
        )
    return TextReceived(channel=channel, user_id=user_id, at=at, name=name, text=data.then)


def _data(conv: Conversation) -> StartData:
    return load(conv, NAME, StartData) or StartData()


def _sign_up(
    conv: Conversation, channel: str, user_id: str, name: str, phone: str = ""
) -> Outcome:
    referral = _data(conv).referral
    return Outcome(
        step=Step.SIGNING_UP,
        commands=[RegisterCustomer(channel, user_id, phone, conv.lang, name, referral)],
    )


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    data = _data(conv)
    if data.user_id:
        return _sign_up(conv, conv.channel, data.user_id, data.name)
    return Outcome()  # the next message signs up (``on_anything``)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome()  # nothing is asked: the next message signs up


def on_anything(ctx: Ctx, conv: Conversation, event: Inbound) -> Outcome:
    """Any message before the account exists signs up (and is kept, to be read after)."""
    arriving(conv, event)
    return _sign_up(conv, event.channel, event.user_id, event.name)


def on_phone(ctx: Ctx, conv: Conversation, event: ContactShared | TextReceived) -> Outcome:
    """An answer to the phone question of an earlier release: signs up with the number."""
    raw = event.phone if isinstance(event, ContactShared) else event.text
    if over := too_long(conv, limits.PHONE, raw.strip()):
        return over
    phone = normalise_phone(raw)
    if phone is None:
        return on_anything(ctx, conv, event)
    return _sign_up(conv, event.channel, event.user_id, event.name, phone)


def _welcome(ctx: Ctx, conv: Conversation, amount_cents: int, threshold_cents: int) -> str:
    """The new customer's offers, as the rules combine them: the first-order discount on top
    of the coupon, or — not stacking (``coupons.stacks_with_first_order``) — whichever saves
    more, picked at the quote."""
    amount, threshold = format_yuan(amount_cents), format_yuan(threshold_cents)
    first = format_yuan(ctx.rules.pricing.first_order_discount_cents)
    if ctx.rules.coupons.stacks_with_first_order:
        return tr(
            conv,
            "送您一张新人券:满{threshold}减{amount},首单另减{first_order_discount_cents}。",
            threshold=threshold,
            amount=amount,
            first_order_discount_cents=first,
        )
    return tr(
        conv,
        "送您一张新人券:满{threshold}减{amount};首单立减{first}。两者不同时使用,下单时自动选更划算的。",
        threshold=threshold,
        amount=amount,
        first=first,
    )


def on_registered(ctx: Ctx, conv: Conversation, result: CustomerRegistered) -> Outcome:
    """The welcome (once: the account is new), then the menu — reading what they first wrote
    as a request — or, when they first sent a command or such a word, its answer: the
    welcome comes first in either case."""
    conv.customer_id = result.customer_id
    data = _data(conv)
    conv.data.pop(NAME, None)
    coupon = result.welcome_coupon
    replies = [Say(tr(conv, "您好,欢迎来到到家!") if coupon else tr(conv, "欢迎回来!"))]
    if coupon:
        replies.append(Say(_welcome(ctx, conv, coupon.amount_cents, coupon.threshold_cents)))
    then = _then(ctx, conv, data)
    menu.seed(
        conv, menu.MenuData(said=data.said, welcome=coupon is not None, quiet=then is not None)
    )
    return Outcome(replies, goto="menu", then=then)


TRANSITIONS: Transitions = {
    (Step.WELCOME, TextReceived): on_anything,
    (Step.WELCOME, ChoiceMade): on_anything,
    (Step.WELCOME, ContactShared): on_phone,
    (Step.LANGUAGE, ChoiceMade): on_anything,
    (Step.LANGUAGE, TextReceived): on_anything,
    (Step.PHONE, ContactShared): on_phone,
    (Step.PHONE, TextReceived): on_phone,
    (Step.SIGNING_UP, CustomerRegistered): on_registered,
    (Step.SIGNING_UP, TextReceived): on_anything,
    (Step.SIGNING_UP, ContactShared): on_phone,
}
