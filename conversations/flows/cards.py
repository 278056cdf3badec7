"""次卡 (prepaid visit cards) in 我的: the customer's cards and those on sale; one chosen and
confirmed is bought and paid as an order is (a Telegram invoice, the WeChat Pay page, the
sandbox), and is active once paid. Reached by ``/cards`` and the words 次卡, 我的次卡, 买次卡
(``me.WORDS``), and from 我的."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import cards_views as views
from conversations.flows import me, payment_views
from conversations.flows.base import Ctx, Outcome, Transitions, tr
from conversations.flows.checkout_state import due_from_json, due_to_json
from conversations.flows.flow_state import keep, keeping, load
from conversations.replies import Say
from conversations.results.booking import PaymentUnavailable
from conversations.results.cards import CardOrdered, CardPaid, CardsShown
from conversations.state import Conversation
from domain.commands import BuyCard, ConfirmSandboxPayment
from domain.queries import LoadCards

NAME = "cards"


class Step(StrEnum):
    LIST = "list"
    CONFIRM = "confirm"
    PAY = "pay"


FIRST = Step.LIST


@dataclass(slots=True)
class CardsData:
    """What the flow keeps (``conv.data["cards"]``): the card chosen and its payment."""

    product_id: str = ""
    due: str = ""
    """The payment request shown (``checkout_state.due_to_json``, as JSON text)."""


_keeping = keeping(NAME, CardsData, FIRST)


def _list(conv: Conversation) -> Outcome:
    assert conv.customer_id is not None
    return Outcome(commands=[LoadCards(conv.customer_id)], step=Step.LIST)


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    keep(conv, NAME, CardsData())
    return _list(conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    d = load(conv, NAME, CardsData) or CardsData()
    if conv.step == Step.CONFIRM:
        product = ctx.catalog.card(d.product_id)
        if product is not None:
            return Outcome(
                views.confirm_question(conv, product.name.get(conv.lang), product.price_cents)
            )
    if conv.step == Step.PAY:
        due = due_from_json(json.loads(d.due)) if d.due else None
        if due is not None:
            return Outcome(payment_views.pay_question(conv, due))
    return _list(conv)


def on_shown(ctx: Ctx, conv: Conversation, result: CardsShown) -> Outcome:
    return Outcome(views.screen(ctx, conv, result))


@_keeping
def on_list_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: CardsData) -> Outcome:
    if event.key.startswith("buy:") and ctx.catalog.card(event.key[4:]) is not None:
        d.product_id = event.key[4:]
        return Outcome(step=Step.CONFIRM, reask=True)
    if event.key == "me":
        me.seed(conv, me.MeData())
        return Outcome(goto="me")
    if event.key == "menu":
        return Outcome(goto="menu")
    return _list(conv)


@_keeping
def on_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: CardsData) -> Outcome:
    if event.key == "confirm" and d.product_id:
        assert conv.customer_id is not None
        return Outcome(commands=[BuyCard(conv.customer_id, conv.channel, d.product_id)])
    return _list(conv)


@_keeping
def on_ordered(ctx: Ctx, conv: Conversation, result: CardOrdered, d: CardsData) -> Outcome:
    d.due = json.dumps(due_to_json(result.due))
    return Outcome(step=Step.PAY, reask=True)


def on_unavailable(ctx: Ctx, conv: Conversation, result: PaymentUnavailable) -> Outcome:
    return Outcome([Say(tr(conv, "本渠道暂未开通在线支付,请联系客服"))], goto="menu")


@_keeping
def on_pay_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: CardsData) -> Outcome:
    due = due_from_json(json.loads(d.due)) if d.due else None
    if event.key == "pay" and due is not None and due.provider == "sandbox":
        return Outcome(commands=[ConfirmSandboxPayment(due.reference, conv.customer_id)])
    if event.key == "later":
        return Outcome(
            [Say(tr(conv, "好的,次卡待支付。需要时在「我的次卡」重新购买。"))], goto="menu"
        )
    return Outcome(reask=True)


def on_paid(ctx: Ctx, conv: Conversation, result: CardPaid) -> Outcome:
    keep(conv, NAME, CardsData())
    return Outcome(views.active_message(ctx, conv, result), goto="menu")


def on_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    return Outcome([Say(tr(conv, "没太明白。请点选下面的选项(或回复序号)。"))], reask=True)


TRANSITIONS: Transitions = {
    (Step.LIST, CardsShown): on_shown,
    (Step.LIST, ChoiceMade): on_list_choice,
    (Step.LIST, TextReceived): on_text,
    (Step.CONFIRM, ChoiceMade): on_confirm,
    (Step.CONFIRM, CardOrdered): on_ordered,
    (Step.CONFIRM, PaymentUnavailable): on_unavailable,
    (Step.CONFIRM, TextReceived): on_text,
    (Step.PAY, ChoiceMade): on_pay_choice,
    (Step.PAY, CardPaid): on_paid,
    (Step.PAY, TextReceived): on_text,
}
