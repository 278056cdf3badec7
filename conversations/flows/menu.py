"""The main menu. Words typed here are read as a request ("明天下午三点 日常保洁 3小时"):
what they name fills a booking and only the rest is asked."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, language, my_orders, order_questions
from conversations.flows.base import Ctx, Outcome, Transitions, button_expired, tr
from conversations.flows.flow_state import keep, load
from conversations.replies import Ask, Option, Say
from conversations.state import Conversation
from conversations.understanding.intents import typed_number

NAME = "menu"


class Step(StrEnum):
    MENU = "menu"


FIRST = Step.MENU
KEYS = frozenset({"book", "orders", "reorder", "support", "recurring", "me"})
"""The menu's buttons (``on_choice``), but the language switch of the first screen."""


@dataclass(frozen=True, slots=True)
class MenuData:
    """What the menu is entered with: the first words a new customer wrote (read as a
    request once the account exists), and whether it is their first screen (``welcome``):
    that one also offers the other language, for whoever cannot read this one (later the
    switch is in 我的, and the words "English" / "中文" work everywhere). ``quiet``: the
    menu is entered without its question, which the answer to what the new customer first
    sent asks, if it stays here ("/help": the help, then the menu's question once)."""

    said: str = ""
    welcome: bool = False
    quiet: bool = False


def seed(conv: Conversation, data: MenuData) -> None:
    keep(conv, NAME, data)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, MenuData)
    conv.data.pop(NAME, None)
    if given is not None and given.quiet:
        return Outcome()
    if given is not None and given.said:
        outcome = order_questions.read(ctx, conv, given.said) or booking.from_words(
            ctx, conv, given.said
        )
        if outcome is not None:
            return outcome
    return _menu(conv, welcome=given is not None and given.welcome)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return _menu(conv)


def _buttons(conv: Conversation) -> tuple[Option, ...]:
    return (
        Option("book", tr(conv, "预约服务")),
        Option("orders", tr(conv, "我的订单")),
        Option("reorder", tr(conv, "再来一单")),
        Option("support", tr(conv, "联系客服")),
        Option("recurring", tr(conv, "定期预约")),
        Option("me", tr(conv, "我的")),
    )


def _menu(conv: Conversation, *, welcome: bool = False) -> Outcome:
    options = _buttons(conv)
    if welcome:
        options += (language.option(conv),)
    text = tr(conv, "请选择您需要的服务,或直接告诉我,例如「明天下午三点 日常保洁 3小时」:")
    return Outcome([Ask(text, options)])


def on_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == "book":
        return Outcome(goto="booking")
    if event.key == "orders":
        return Outcome(goto="orders")
    if event.key == "reorder":
        my_orders.seed(conv, my_orders.OrdersData(mode=my_orders.REORDER))
        return Outcome(goto="orders")
    if event.key == "support":
        return Outcome(goto="support")
    if event.key == "recurring":
        return Outcome(goto="recurring")
    if event.key == "me":
        return Outcome(goto="me")
    if event.key == language.KEY:
        return language.toggle(conv)
    # none of the menu's buttons: one of an older message (an order's, a payment's)
    return Outcome([Say(button_expired(conv))], reask=True)


WORDS = {
    "book": ("预约", "下单", "预订", "我要预约", "我要下单", "book", "booking", "make a booking"),
    "orders": ("订单", "我的订单", "orders", "my order", "my orders"),
    "reorder": ("再约一次", "again", "book it again"),
    "support": ("客服", "人工", "人工客服", "联系客服", "support", "customer service"),
    "recurring": ("定期", "每周预约", "recurring", "weekly"),
}
"""What people type for a button instead of its name, in either language (the menu's own
words: elsewhere they may mean something else)."""
_WORD_KEYS = {word.casefold(): key for key, words in WORDS.items() for word in words}
EVERYWHERE = {
    word: key
    for word, key in _WORD_KEYS.items()
    if word in ("我的订单", "my orders", "联系客服", "人工客服", "customer service", "recurring")
}
"""The menu's words no step takes for anything else: understood on every screen
(``global_words``), as the menu's button they name."""


def typed(ctx: Ctx, conv: Conversation, text: str) -> Outcome | None:
    """What the menu does with ``text`` typed at another step that lets the menu's buttons
    leave it: the button it names ("我的订单", "My orders", or a word for it: "预约",
    "book"), an order's number, a question about an order ("where is my cleaner?",
    "取消订单": ``order_questions``, read before a request — it is none), or the request it
    makes ("明天下午三点 日常保洁"); None for anything else."""
    folded = text.strip().casefold()
    key = next((o.key for o in _buttons(conv) if o.label.casefold() == folded), None)
    key = key or _WORD_KEYS.get(folded)
    number = typed_number(text)
    if key is None and number is not None:  # "send its number": that order's detail
        my_orders.seed(conv, my_orders.OrdersData(action="show", number=number))
        return Outcome(goto="orders")
    if key is not None:
        return on_choice(
            ctx, conv, ChoiceMade(channel=conv.channel, user_id="", at=ctx.now, key=key)
        )
    return order_questions.read(ctx, conv, text) or booking.from_words(ctx, conv, text)


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    """Typed words: a button's name ("我的订单": the menu's buttons were not always the last
    question asked — a placement request answered by a notice leaves the menu without
    asking it), a question about an order ("where is my order?"), a request when they name a
    service (or a time, an address…), else a hint with what the menu offers."""
    outcome = typed(ctx, conv, event.text)
    if outcome is not None:
        return outcome
    return Outcome(
        [Say(tr(conv, "没太明白。可以直接说要什么服务、什么时候,或点选下面的选项。"))],
        reask=True,
    )


TRANSITIONS: Transitions = {
    (Step.MENU, ChoiceMade): on_choice,
    (Step.MENU, TextReceived): on_text,
}
