"""Checkout's repeat step: the order just placed from a booking asked to repeat ("每周六上午
9点 …": ``booking_repeat``) is being repeated weekly by the same ``Subscribe`` command as
"每周重复" on its detail. Set up, the customer is told when the next visit is; refused (a rule
of recurring bookings: this one was set up meanwhile…), told why, and the order stays a
one-off — one set up before the quote is said by the quote, and never asked here. Then on
to its payment, or — nothing to pay — the booking is over.

The quote's "只订这一次" button drops the repeat before anything is placed."""

from __future__ import annotations

from conversations.events import Failed
from conversations.flows import booking
from conversations.flows import recurring_views as views
from conversations.flows.base import Ctx, Outcome
from conversations.flows.checkout_payment import finish
from conversations.flows.checkout_state import Step, state
from conversations.results.recurring import Subscribed
from conversations.state import Conversation


def on_repeated(ctx: Ctx, conv: Conversation, result: Subscribed) -> Outcome:
    said = [views.repeating(ctx, conv, result.plan)]
    if _nothing_to_pay(conv):
        return Outcome(said, goto="menu")
    return Outcome(said, step=Step.PAY, reask=True)


def on_not_repeated(ctx: Ctx, conv: Conversation, result: Failed) -> Outcome:
    said = [views.not_repeating(conv, result.message.get(conv.lang))]
    if _nothing_to_pay(conv):
        return Outcome(said, goto="menu")
    return Outcome(said, step=Step.PAY, reask=True)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    """Reached again with nothing to wait for (an older state): on as after the answer."""
    if _nothing_to_pay(conv):
        return Outcome(goto="menu")
    return Outcome(step=Step.PAY, reask=True)


def once(conv: Conversation) -> Outcome:
    """ "只订这一次" at the quote: the booking is a one-off after all."""
    d = booking.draft(conv)
    d.weekly = False
    booking.keep(conv, d)
    return Outcome(step=Step.QUOTE, reask=True)


def _nothing_to_pay(conv: Conversation) -> bool:
    """Whether the order was placed with nothing to pay (paid as placed): then the booking is
    over, and forgotten here."""
    if state(conv).due is not None:
        return False
    finish(conv)
    return True
