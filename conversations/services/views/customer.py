"""What a customer sees: who they are, their saved addresses, their orders (the list, one in
detail, what cancelling would cost), their recurring bookings (and what one would be), and —
as Telegram asks before taking their money — whether a checkout is still payable (the quote
before booking: ``quotes``).

Query functions (cosmicpython ``views.py``): each takes the unit of work it reads in (never
committed) and the query, and names every other dependency in its signature.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from conversations.results.booking import (
    AddressesFound,
    CheckoutValid,
    SavedAddress,
)
from conversations.results.customers import AccountFound
from conversations.results.orders import (
    CancellationQuoted,
    ComplaintSeen,
    CustomerAction,
    OrderRow,
    OrderShown,
    OrdersListed,
    Rebooking,
    RescheduleQuoted,
    TimelineEntry,
    WorkerSeen,
)
from conversations.results.recurring import SubscriptionDrafted, SubscriptionsListed
from conversations.services import cancellations, payment_requests, refunds
from conversations.services import reschedule as moving
from conversations.services import subscription_plans as plans
from conversations.services.customer_orders import own_order
from conversations.services.views import placements as placement_views
from domain.aftersales import Complaint, Rater, Resolution, check_can_complain
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.execution import expected_arrival
from domain.insurance import PolicyStatus
from domain.lifecycle import (
    ACTION_TEXT,
    CUSTOMER_STATUS_TEXT,
    Action,
    ActorKind,
    OrderStatus,
    allowed_actions,
)
from domain.money import format_yuan
from domain.orders import Order, OrderEvent
from domain.payments import PaymentKind, PaymentStatus, fees_paid
from domain.people import Channel, address_key
from domain.ports import Reads
from domain.queries import (
    CheckCheckout,
    DraftSubscription,
    FindCustomer,
    LoadAddresses,
    LoadOrder,
    LoadOrders,
    LoadSubscriptions,
    QuoteCancellation,
    QuoteReschedule,
)
from domain.recurring import cancelled_unpaid
from domain.reschedule import MOVABLE
from domain.rules import Rules
from domain.text import N_, Bilingual, Text
from domain.timeline_notes import note_phrase

LISTED = 8
"""How many of the most recent orders the list shows."""


async def account(uow: Reads, q: FindCustomer) -> AccountFound | None:
    """Who is behind a chat account: customer and/or worker, in one query."""
    found = await uow.identities.account(Channel(q.channel), q.user_id)
    if found is None:
        return None
    customer_id, worker_id, lang = found
    return AccountFound(customer_id, worker_id, lang)


async def addresses(uow: Reads, q: LoadAddresses) -> AddressesFound:
    """The customer's saved addresses, newest first, each text once (an address saved twice
    before duplicates were refused, or a pin shared again a few metres off: the newest)."""
    found = await uow.addresses.for_customer(q.customer_id)
    seen: set[str] = set()
    shown = []
    for a in found:
        if a.id is not None and (key := address_key(a.text)) not in seen:
            seen.add(key)
            shown.append(SavedAddress(a.id, _short(a.text, 28)))
    return AddressesFound(tuple(shown))


def row(order: Order, catalog: Catalog) -> OrderRow:
    return OrderRow(
        order.number,
        catalog.item(order.item_id).name,
        order.start_at,
        order.status,
        order.total_cents,
        order.finished_at,
    )


async def orders(uow: Reads, q: LoadOrders, *, catalog: Catalog) -> OrdersListed:
    found = await uow.orders.for_customer(q.customer_id, limit=LISTED)
    return OrdersListed(tuple(row(o, catalog) for o in found))


async def order(
    uow: Reads,
    q: LoadOrder,
    *,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
) -> OrderShown:
    """One order in detail: its timeline, worker, money, and what the customer may do."""
    o = await own_order(uow, q.customer_id, q.number)
    address = await uow.addresses.get(o.address_id) if o.address_id else None
    assert o.id is not None
    worker = await uow.workers.get(o.worker_id) if o.worker_id else None
    complaints = await uow.complaints.for_order(o.id)
    ratings = await uow.ratings.for_order(o.id)
    rework = await uow.orders.rework_for(o.id)
    mine = next((r for r in ratings if r.rater == Rater.CUSTOMER), None)
    policy = await uow.policies.by_order(o.id)
    now = clock()
    after = _after_sales_actions(
        o, complaints, now, rules, rated=mine is not None, reworked=rework is not None
    )
    today = now.astimezone(ZoneInfo(rules.timezone)).date()
    cancelled = any(e.action == Action.CANCEL for e in o.timeline)
    fee = await cancellations.fee_kept_cents(uow, o) if cancelled else 0
    return OrderShown(
        row(o, catalog),
        address.text if address else "",  # their own address, in full (lists shorten it)
        o.lines,
        o.paid_cents,
        o.refunded_cents,
        tuple(_entry(e, fee, today) for e in o.timeline),
        (*after, *_order_actions(o, catalog)),
        Rebooking(
            catalog.item(o.item_id).category_id,
            o.selections,
            o.bundle_id,
            o.address_id,
            o.notes,
            o.worker_id,
        ),
        WorkerSeen(worker.name, worker.rating_x100, worker.good_rate_bp, worker.reviews)
        if worker
        else None,
        mine.overall_x100 if mine else None,
        tuple(ComplaintSeen(x.id or 0, x.open, x.resolution) for x in complaints),
        o.visit_code if o.status in BEFORE_THE_DOOR and o.visit_code_ok_at is None else "",
        _stage(o, catalog),
        policy.policy_no if policy is not None and policy.status == PolicyStatus.ISSUED else "",
        await placement_views.contract(uow, o, rules, now),
        await cancellations.fee_still_kept(uow, o) if fee else 0,
        fees_paid(await uow.payments.for_order(o.id)),  # in paid_cents, no part of the price
        expected_arrival(o),
    )


def _stage(o: Order, catalog: Catalog) -> tuple[Bilingual, int, int] | None:
    stages = catalog.item(o.item_id).stages
    if o.status != OrderStatus.IN_SERVICE or not 1 <= o.stage <= len(stages):
        return None
    return stages[o.stage - 1], o.stage, len(stages)


BEFORE_THE_DOOR = frozenset(
    {OrderStatus.PAID, OrderStatus.DISPATCHING, OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY}
)
"""Orders whose worker is still to reach the door: the customer's visit code is shown."""


async def cancellation(
    uow: Reads, q: QuoteCancellation, *, rules: Rules, clock: Callable[[], datetime]
) -> CancellationQuoted:
    """What cancelling the order would cost now (asked before ``CancelOrder``)."""
    o = await own_order(uow, q.customer_id, q.number, full=False)
    assert o.id is not None
    kept = await refunds.fees_kept(uow, o.id)
    terms = cancellations.terms_for(o, rules, clock(), kept)
    return CancellationQuoted(o.number, terms.fee_cents, terms.refund_cents, terms.reason)


async def reschedule(
    uow: Reads,
    q: QuoteReschedule,
    *,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
) -> RescheduleQuoted:
    """What moving the order to the new time would cost now (asked before ``RescheduleOrder``);
    raises when it may not move."""
    o = await own_order(uow, q.customer_id, q.number, full=False)
    assert o.id is not None
    kept = await refunds.fees_kept(uow, o.id)  # an earlier move's fee is no part of the price
    terms = await moving.checked_terms(
        uow, o, q.new_start, rules, clock(), ActorKind.CUSTOMER, kept, catalog=catalog
    )
    return RescheduleQuoted(o.number, q.new_start, terms.fee_cents, terms.reason)


async def checkout(uow: Reads, q: CheckCheckout) -> CheckoutValid:
    """Telegram's pre-checkout question: the request is still pending, at this amount."""
    payment = await uow.payments.by_reference(q.reference)
    if payment is not None and payment.card_id is not None:  # a prepaid card's purchase
        if payment.status != PaymentStatus.PENDING:
            raise DomainError(N_("这笔支付已失效,请在订单中重新发起"))
        if payment.amount_cents != q.amount_cents:
            raise DomainError(N_("金额已变化,请重新发起支付"))
        return CheckoutValid(q.reference)
    o = (
        await uow.orders.get(payment.order_id, full=False)
        if payment and payment.order_id
        else None
    )
    if payment is None or o is None or payment.status != PaymentStatus.PENDING:
        raise DomainError(N_("这笔支付已失效,请在订单中重新发起"))
    kind, due = payment_requests.due(o, fees_paid(await uow.payments.for_order(o.id or 0)))
    if payment.kind == PaymentKind.RESCHEDULE_FEE or (  # not part of the order's price
        payment.kind == PaymentKind.SURCHARGE and due >= payment.amount_cents  # a part of it
    ):
        due = payment.amount_cents
    if payment.amount_cents != q.amount_cents or due != payment.amount_cents:
        raise DomainError(N_("金额已变化,请重新发起支付"))
    return CheckoutValid(q.reference)


def _order_actions(o: Order, catalog: Catalog) -> list[CustomerAction]:
    """What the order's status lets the customer do, and what any order offers (a long
    placement is renewed near its end, never repeated weekly)."""
    mine = allowed_actions(o.status, ActorKind.CUSTOMER)
    actions = []
    if Action.REQUEST_PAYMENT in mine or o.status == OrderStatus.AWAITING_PAYMENT:
        actions.append(CustomerAction.PAY)
    if o.status in MOVABLE:
        actions.append(CustomerAction.RESCHEDULE)
    if Action.CANCEL in mine:
        actions.append(CustomerAction.CANCEL)
    if Action.CONFIRM in mine:
        actions.append(CustomerAction.CONFIRM)
    actions.append(CustomerAction.REORDER)
    if (
        o.status != OrderStatus.QUOTED
        and o.subscription_id is None
        and not cancelled_unpaid(o)
        and not plans.is_placement(o.selections, catalog)
    ):
        actions.append(CustomerAction.REPEAT)
    return actions


def _after_sales_actions(
    o: Order,
    complaints: list[Complaint],
    now: datetime,
    rules: Rules,
    *,
    rated: bool,
    reworked: bool,
) -> list[CustomerAction]:
    """Book a granted rework, rate a confirmed job, complain within the window (one open
    complaint at a time) — first on the screen."""
    actions = []
    if not reworked and any(x.resolution == Resolution.REWORK.value for x in complaints):
        actions.append(CustomerAction.REWORK)
    if not rated and o.status in (OrderStatus.CONFIRMED, OrderStatus.SETTLED):
        actions.append(CustomerAction.RATE)
    try:
        check_can_complain(o, now, rules.after_sales)
        if not any(x.open for x in complaints):
            actions.append(CustomerAction.COMPLAIN)
    except DomainError:
        pass
    return actions


def _entry(e: OrderEvent, fee_cents: int, today: date) -> TimelineEntry:
    """A timeline line. A placement's worker handed over (``/handover``: the admin's
    "release" that keeps the order where it is) reads as its note alone ("2026-12-12 起更换
    师傅"): the action's name, "转为改派", is the dispatcher's word, not the customer's."""
    note = e.note if e.from_status == e.to_status else ""
    if note and e.action == Action.RELEASE:
        return TimelineEntry(e.at, note_phrase(note, today))
    return TimelineEntry(e.at, _event_text(e, fee_cents), note)


def _event_text(e: OrderEvent, fee_cents: int = 0) -> Text:
    """A timeline line: the status reached (a cancellation with the fee it kept, whoever
    cancelled), or what happened without a move (a complaint)."""
    if e.from_status == e.to_status and e.action is not None:
        return ACTION_TEXT[e.action]
    if e.action == Action.CANCEL and fee_cents:
        return N_("已取消,收取取消费 {fee}", fee=format_yuan(fee_cents))
    return CUSTOMER_STATUS_TEXT[e.to_status]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


async def subscriptions(
    uow: Reads, q: LoadSubscriptions, *, catalog: Catalog
) -> SubscriptionsListed:
    """The customer's recurring bookings (one waiting for its first order's payment says so)."""
    subs = await uow.subscriptions.for_customer(q.customer_id)
    return SubscriptionsListed(
        tuple([plans.row(x, catalog, await plans.waits_for(uow, x)) for x in subs])
    )


async def subscription_draft(
    uow: Reads,
    q: DraftSubscription,
    *,
    catalog: Catalog,
    rules: Rules,
    clock: Callable[[], datetime],
    tz: ZoneInfo,
) -> SubscriptionDrafted:
    """What repeating the order weekly would be, asked before ``Subscribe``."""
    now = clock()
    sub, price = await plans.draft(
        uow,
        q.customer_id,
        q.number,
        q.weekday,
        q.at_time,
        now,
        catalog=catalog,
        rules=rules,
        tz=tz,
    )
    return SubscriptionDrafted(plans.plan_view(q.number, sub, price, now, catalog, rules))
