"""The booking's steps: which questions there are, in what order, which of them a draft
still needs, and how the flow is entered with a draft handed in (reorder, typed requests,
checkout's "change time")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from conversations.flows.base import Ctx, Outcome
from conversations.flows.booking_draft import NAME, Draft, draft, keep
from conversations.replies import Reply
from conversations.state import Conversation

SEED = "booking_seed"
"""Where ``start_with`` hands a draft to ``enter`` (taken in the same turn)."""


class Step(StrEnum):
    CATEGORY = "category"
    ITEM = "item"
    OPTIONS = "options"
    QUANTITY = "quantity"
    AREA = "area"
    WHEN = "when"
    DATE = "date"
    """Another day than the slots offered ("其他时间"), then its time."""
    TIME = "time"
    ADDRESS = "address"
    ADDRESS_DETAIL = "address_detail"
    NOTES = "notes"
    """Asked by an earlier release after the address: an answer there is still taken."""


FIRST = Step.CATEGORY
ORDER = [
    Step.CATEGORY,
    Step.ITEM,
    Step.OPTIONS,
    Step.QUANTITY,
    Step.AREA,
    Step.WHEN,
    Step.ADDRESS,
]


def forget(conv: Conversation) -> None:
    """The booking is over (paid, kept for later, or impossible)."""
    conv.data.pop(NAME, None)
    conv.scratch.pop(NAME, None)
    conv.data.pop(SEED, None)


def start_with(conv: Conversation, d: Draft, said: Sequence[Reply] = ()) -> Outcome:
    """Enter the booking with ``d`` filled in: only what it lacks is asked (after ``said``)."""
    conv.data[SEED] = d.to_json()
    return Outcome(list(said), goto=NAME)


def resume(conv: Conversation, said: Sequence[Reply] = ()) -> Outcome:
    """Back to the booking being made, at the question it was at (after ``said``): a question
    about an order asked at its first questions that no order fits (``my_orders_pick``)."""
    kept = conv.data.get(NAME)
    if kept is not None:
        conv.data[SEED] = kept  # one this release cannot read: ``enter`` starts afresh
    return Outcome(list(said), goto=NAME)


def change_time(conv: Conversation) -> Outcome:
    """Back to the date question, the rest of the booking kept (checkout's "change time")."""
    d = draft(conv)
    d.earlier_start = d.start
    d.day, d.start, d.asap = None, None, False
    return start_with(conv, d)


def change_address(conv: Conversation) -> Outcome:
    """Back to the address question, the rest of the booking kept (checkout's "change
    address")."""
    d = draft(conv)
    d.address_id, d.address_text, d.location, d.place = None, "", None, ""
    return start_with(conv, d)


def _options_done(ctx: Ctx, d: Draft) -> bool:
    if d.bundle or d.options is not None:
        return True
    item = ctx.catalog.item(d.item) if d.item else None
    return item is not None and not item.options and not item.high_altitude


def _area_done(ctx: Ctx, d: Draft) -> bool:
    if d.area_sqm is not None:
        return True
    return all(i.included_area_sqm is None for i in d.items(ctx.catalog))


def _defaults(ctx: Ctx, d: Draft) -> None:
    """Fill what needs no question: a quantity the item allows only one of, and the area —
    the item's typical (included) one, shown on the quote with one tap to change."""
    items = d.items(ctx.catalog)
    single = bool(items) and items[0].min_quantity == items[0].max_quantity
    if d.quantity is None and not d.bundle and single:
        d.quantity = items[0].min_quantity
    if d.area_sqm is None:
        areas = [i.included_area_sqm for i in items if i.included_area_sqm is not None]
        if areas:
            d.area_sqm = max(areas)


_DONE: dict[Step, Callable[[Ctx, Draft], bool]] = {
    Step.CATEGORY: lambda ctx, d: bool(d.category or d.bundle),
    Step.ITEM: lambda ctx, d: bool(d.bundle or d.item),
    Step.OPTIONS: _options_done,
    Step.QUANTITY: lambda ctx, d: bool(d.bundle) or d.quantity is not None,
    Step.AREA: _area_done,
    Step.WHEN: lambda ctx, d: d.start is not None,
    Step.ADDRESS: lambda ctx, d: bool(d.address_id or d.address_text),
}
"""Whether each step of ``ORDER`` needs no question (answered already, or not relevant): a
table, as a chain of comparisons looked up ``Step``'s members one by one on every call."""
_CHECKS = [(step, _DONE[step]) for step in ORDER]
EARLIER = {step: [_DONE[s] for s in ORDER[:i]] for i, step in enumerate(ORDER)}
"""The checks of the steps asked before each step of ``ORDER``."""


def ready(ctx: Ctx, d: Draft) -> bool:
    """Every question answered: the draft can be priced and placed."""
    return all(done(ctx, d) for _, done in _CHECKS)


def advance(ctx: Ctx, conv: Conversation, d: Draft, reply: list[Reply] | None = None) -> Outcome:
    """Keep ``d`` (with what needs no question filled in), then go to the first step still
    needing an answer and ask it; all answered → checkout."""
    _defaults(ctx, d)
    keep(conv, d)
    for step, done in _CHECKS:
        if not done(ctx, d):
            if step == Step.WHEN and d.day is not None:
                step = Step.TIME  # the day was named ("周六 日常保洁"): its time is asked
            return Outcome(list(reply or []), step=step, reask=True)
    return Outcome(list(reply or []), goto="checkout")
