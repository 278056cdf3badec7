"""The main menu."""

from __future__ import annotations

from enum import StrEnum

from conversations.events import ChoiceMade
from conversations.flows import my_orders
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.replies import Ask, Option
from conversations.state import Conversation

NAME = "menu"


class Step(StrEnum):
    MENU = "menu"


FIRST = Step.MENU


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    return ask(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome(
        [
            Ask(
                tr(conv, "请选择您需要的服务:"),
                (
                    Option("book", tr(conv, "预约服务")),
                    Option("orders", tr(conv, "我的订单")),
                    Option("reorder", tr(conv, "再来一单")),
                    Option("support", tr(conv, "联系客服")),
                    Option("recurring", tr(conv, "定期预约")),
                    Option("lang", "English" if conv.lang != "en" else "中文"),
                ),
            )
        ]
    )


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
    if event.key == "lang":
        from conversations.flows.everywhere import switch_language

        return switch_language(conv, "zh" if conv.lang == "en" else "en")
    return Outcome(reask=True)


TRANSITIONS: Transitions = {
    (Step.MENU, ChoiceMade): on_choice,
}
