"""Money coming in: payment requests and confirmations (exactly once, amount checked); money
going back is ``refunds``."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime

from domain.errors import DomainError
from domain.gateways import Checkout, RefundOutcome
from domain.ledger import payment_received
from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor, Order
from domain.payments import Payment, PaymentKind, PaymentStatus, fees_paid
from domain.payments import paid_for_service as _paid_for_service
from domain.people import Identity
from domain.ports import Reads, UnitOfWork
from domain.reschedule import MOVABLE
from domain.text import N_

log = logging.getLogger(__name__)
BALANCE_STATUSES = (OrderStatus.ARRIVED, OrderStatus.IN_SERVICE, OrderStatus.FINISHED)
CLOSED = (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
"""An order in these statuses takes no more money: a payment landing on it goes back."""


def payer_on(accounts: Sequence[Identity], channel: str) -> str:
    """The customer's chat account on ``channel`` as a gateway's payer (``channel:user
    id``); "" when they have none there."""
    return next(
        (f"{a.channel.value}:{a.channel_user_id}" for a in accounts if a.channel.value == channel),
        "",
    )


class SandboxGateway:
    """No real money: a confirm button in chat and a page; refunds complete at once."""

    name = "sandbox"

    def __init__(self, public_url: str) -> None:
        self.public_url = public_url.rstrip("/")

    async def start(
        self, payment: Payment, order: Order | None, title: str, payer: str
    ) -> Checkout:
        return Checkout(self.name, url=f"{self.public_url}/pay/sandbox/{payment.reference}")

    async def refund(self, refund: Payment, original: Payment) -> RefundOutcome:
        return RefundOutcome(True, f"sandbox-{refund.reference}")

    async def query(self, payment: Payment) -> tuple[bool, str]:
        return False, ""

    async def verify(self, payment: Payment, provider_ref: str) -> bool:
        return False  # the sandbox takes no money for an order that cannot be paid


class PaymentUnavailable(DomainError):
    """No payment provider serves the customer's channel: no order is placed, no payment is
    asked for (the customer is told; see ``checkout.unavailable``)."""

    def __init__(self) -> None:
        super().__init__(N_("本渠道暂未开通在线支付,请联系客服"))


class PaymentMismatch(DomainError):
    """A notification that does not match what we asked for (amount, provider)."""


class NoOrder(DomainError):
    """No order's payment request has the reference (a prepaid card's, or none at all)."""


class Uncreditable(DomainError):
    """The provider says it took money for an order that takes no more (cancelled, or not
    paid in time) or for a request closed by ``/waive`` (``waived_request``): nothing is credited;
    the money goes back (``refunds.return_late``)."""

    def __init__(self, order: Order, payment: Payment) -> None:
        self.waived = order.status not in CLOSED  # a request closed on an open order
        waived = N_("订单 #{number} 的尾款已免除,无需再支付", number=order.number)
        cancelled = N_("订单 #{number} 已取消,不能再支付", number=order.number)
        super().__init__(waived if self.waived else cancelled)
        self.number, self.customer_id = order.number, order.customer_id
        self.amount_cents = payment.amount_cents
        self.returned = payment.status == PaymentStatus.RETURNED
        """Already handled: an earlier notification of the same payment was returned."""


def new_reference(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8).upper()}"


def due(order: Order, fees: int) -> tuple[PaymentKind, int]:
    """What the customer should pay now: the deposit or full price, or later the balance.
    ``fees``: the reschedule fees credited to it (``domain.payments.fees_paid``), in its
    ``paid_cents`` but no payment of its price."""
    paid = order.paid_cents - fees
    if order.status == OrderStatus.AWAITING_PAYMENT:
        kind = PaymentKind.DEPOSIT if order.deposit_cents else PaymentKind.FULL
        return kind, (order.deposit_cents or order.total_cents) - paid
    if order.status in BALANCE_STATUSES:
        return PaymentKind.BALANCE, max(0, order.total_cents - paid)
    return PaymentKind.FULL, 0


async def paid_for_service(uow: Reads, order: Order) -> int:
    """What the customer paid towards the order's price (``domain.payments``): its
    reschedule fees are revenue of their own."""
    assert order.id is not None
    return _paid_for_service(order, await uow.payments.for_order(order.id))


async def pending_payment(
    uow: UnitOfWork, order: Order, provider: str, now: datetime, *, fresh: bool = False
) -> Payment:
    """The order's open payment request (created when there is none; ``fresh``: the order
    was created in this transaction, so it has none yet)."""
    assert order.id is not None
    known = [] if fresh else await uow.payments.for_order(order.id)
    request = new_request(order, provider, now, fees_paid(known))
    kind, amount = request.kind, request.amount_cents
    due_extra = kind == PaymentKind.BALANCE  # an approved extra's request pays the balance too
    for payment in known:
        if (
            payment.status == PaymentStatus.PENDING
            and (payment.kind == kind or (payment.kind == PaymentKind.SURCHARGE and due_extra))
            and (
                payment.amount_cents == amount
                # a placement's period asked for (``services.placements``): part of the balance
                or (kind == PaymentKind.BALANCE and 0 < payment.amount_cents < amount)
            )
            and payment.provider == provider
        ):
            return payment
    return await uow.payments.add(request)


def new_request(order: Order, provider: str, now: datetime, fees: int) -> Payment:
    """A new request for what the order is due now (``due``; ``fees``: its reschedule fees
    paid), not added yet: an order placed now is added with it (``Orders.add``), its
    ``order_id`` set then."""
    kind, amount = due(order, fees)
    if order.status in CLOSED:
        raise DomainError(N_("订单 #{number} 已取消,不能再支付", number=order.number))
    if amount <= 0 and order.paid_cents > 0:  # a pay button on an older message, say
        raise DomainError(N_("订单 #{number} 已支付,现在无需再付款", number=order.number))
    if amount <= 0:
        raise DomainError(N_("订单 #{number} 无需支付", number=order.number))
    prefix = {"sandbox": "SBX", "telegram": "TGP", "wechat_pay": "WXP"}.get(provider, "PAY")
    return Payment(order.id, provider, kind, amount, now, new_reference(prefix))


async def confirm(
    uow: UnitOfWork,
    *,
    reference: str,
    provider: str,
    provider_ref: str,
    amount: int | None,
    now: datetime,
    customer_id: int | None = None,
    save: bool = True,
) -> tuple[Order, Payment, bool]:
    """Credit a payment once. Returns (order, payment, newly credited).

    Raises PaymentMismatch (nothing credited) when the provider or amount is not the one
    requested (``amount=None``: the amount requested, for the sandbox); Uncreditable when the
    order was cancelled or the request closed by ``/waive`` (the caller checks with the
    provider and returns the money). A repeated notification: ``newly credited = False``.
    Raises NoOrder when no order's request has ``reference`` (a prepaid card's payment:
    ``services.cards``). ``save=False``: the caller saves the credited order, with what it
    changes next (the dispatch), in one statement.
    """
    # the payment read with its order, the order under its lock: an expiry or a
    # cancellation racing this notification has either committed (the order is read
    # cancelled) or waits for this transaction; the claim below is what credits it once
    found = await uow.orders.of_payment(reference)
    if found is None:
        raise NoOrder(N_("找不到这笔支付"))
    order, payment = found
    assert order.id is not None
    if payment.kind == PaymentKind.REFUND:
        raise DomainError(N_("找不到这笔支付"))
    if customer_id is not None and order.customer_id != customer_id:
        raise DomainError(N_("找不到这笔支付"))
    if payment.provider != provider or amount not in (None, payment.amount_cents):
        log.warning(
            "payment %s: expected %s %d, notified %s %s — not credited",
            reference,
            payment.provider,
            payment.amount_cents,
            provider,
            amount,
        )
        raise PaymentMismatch(N_("支付信息不符,未入账"))
    if payment.status == PaymentStatus.SUCCEEDED:
        return order, payment, False
    if (
        payment.status == PaymentStatus.RETURNED
        or order.status in CLOSED
        or waived_request(payment)
    ):
        raise Uncreditable(order, payment)
    try:
        _take(order, payment, provider, now)
    except DomainError:
        # the order's lock waited on a concurrent credit of this payment (the pay page and
        # the chat's button at once): PostgreSQL gives the locked order as that credit left
        # it, the payment beside it as it was before. Read again it is paid: a repeat
        if (again := await uow.payments.get(payment.id or 0)) is not None and (
            again.status == PaymentStatus.SUCCEEDED
        ):
            return order, again, False
        raise
    # a reschedule fee asked again is closed; money for it is credited, then given back
    open_ = (PaymentStatus.PENDING, PaymentStatus.EXPIRED)
    only_if = open_ if payment.kind == PaymentKind.RESCHEDULE_FEE else open_[:1]
    amount = payment.amount_cents
    if not await uow.payments.claim(
        payment.id or 0,
        PaymentStatus.SUCCEEDED,
        now,
        provider_ref,
        only_if=only_if,
        post=payment_received(reference, provider, amount, order.id, now),  # once claimed
    ):
        return order, payment, False  # a concurrent notification got there first
    payment.status, payment.provider_ref, payment.completed_at = (
        PaymentStatus.SUCCEEDED,
        provider_ref,
        now,
    )
    order.paid_cents += amount
    if save:
        await uow.orders.save(order, now)
    return order, payment, True


def _take(order: Order, payment: Payment, provider: str, now: datetime) -> None:
    """Refuse a payment the order no longer takes; a full or deposit payment pays it."""
    if payment.kind in (PaymentKind.FULL, PaymentKind.DEPOSIT):
        if order.status != OrderStatus.AWAITING_PAYMENT:
            raise DomainError(N_("订单 #{number} 已不能支付", number=order.number))
        order.apply(Action.PAY, Actor(ActorKind.SYSTEM, provider), now)
    elif payment.kind == PaymentKind.RESCHEDULE_FEE:
        if order.status not in MOVABLE:
            raise DomainError(N_("订单 #{number} 已不能改约", number=order.number))
    elif order.status not in BALANCE_STATUSES:
        raise DomainError(N_("订单 #{number} 现在不能付尾款", number=order.number))


def waived_request(payment: Payment) -> bool:
    """A request closed on an open order (``/waive``): money for it goes back. A reschedule
    fee closed when asked again is credited, then given back (``reschedule.fee_paid``)."""
    return payment.status == PaymentStatus.EXPIRED and payment.kind != PaymentKind.RESCHEDULE_FEE


async def close_requests(
    uow: UnitOfWork, order_id: int, now: datetime, kinds: tuple[PaymentKind, ...] = ()
) -> None:
    """Close the order's open payment requests (it was cancelled; or only those of
    ``kinds``): the reconciliation sweep still asks their providers for a while, and money
    that lands on them goes back."""
    for p in await uow.payments.for_order(order_id):
        if kinds and p.kind not in kinds:
            continue
        if p.kind != PaymentKind.REFUND and p.status == PaymentStatus.PENDING:
            await uow.payments.claim(p.id or 0, PaymentStatus.EXPIRED, now, None)
