"""A payment collected by the chat itself (a Telegram invoice): credit it and say so, from
whatever step the person was at."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.flows import cards_views, checkout, payment_views
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.flow_state import keep, read
from conversations.replies import Say
from conversations.results.booking import OrderPaid, PaidTooLate
from conversations.results.cards import CardPaid
from conversations.state import Conversation
from domain.commands import ConfirmPayment
from domain.money import format_yuan

NAME = "payment"


class Step(StrEnum):
    CREDIT = "credit"


FIRST = Step.CREDIT


@dataclass(frozen=True, slots=True)
class PaymentData:
    """The payment the chat collected, in ``conv.data["payment"]`` until the flow is entered
    (in the same turn): what ``PaymentReceived`` said."""

    reference: str
    provider: str
    provider_ref: str
    amount_cents: int


def seed(conv: Conversation, data: PaymentData) -> None:
    """The payment the flow credits when entered next (``goto="payment"``)."""
    keep(conv, NAME, data)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    p = read(PaymentData, conv.data.pop(NAME, None))
    if p is None:  # none, or of another shape
        return Outcome(goto=_home(conv))
    return Outcome(
        commands=[
            ConfirmPayment(
                p.reference, p.provider, p.provider_ref, p.amount_cents, conv.customer_id
            )
        ]
    )


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    return Outcome(goto=_home(conv))


def _home(conv: Conversation) -> str:
    return "menu" if conv.customer_id is not None else "start"


def on_paid(ctx: Ctx, conv: Conversation, result: OrderPaid) -> Outcome:
    checkout.finish(conv)
    return Outcome(payment_views.paid_message(conv, result), goto=_home(conv))


def on_paid_late(ctx: Ctx, conv: Conversation, result: PaidTooLate) -> Outcome:
    """The order was cancelled (or what this paid waived) before the money came."""
    amount = format_yuan(result.amount_cents)
    text = (
        tr(
            conv,
            "订单 #{number} 的尾款已免除,这笔 {amount} 不会用于该订单,将原路全额退回。",
            number=result.number,
            amount=amount,
        )
        if result.waived
        else tr(
            conv,
            "订单 #{number} 已取消,这笔 {amount} 不会用于该订单,将原路全额退回。",
            number=result.number,
            amount=amount,
        )
    )
    replies = [Say(text)]
    return Outcome(replies, goto=_home(conv))


def on_card_paid(ctx: Ctx, conv: Conversation, result: CardPaid) -> Outcome:
    """A prepaid card's invoice paid: the card is active."""
    return Outcome(cards_views.active_message(ctx, conv, result), goto=_home(conv))


TRANSITIONS: Transitions = {
    (Step.CREDIT, OrderPaid): on_paid,
    (Step.CREDIT, CardPaid): on_card_paid,
    (Step.CREDIT, PaidTooLate): on_paid_late,
}
