"""On-site extra charges (DESIGN §4b): during the job the worker asks for more — extra units of
the booked item, an option of it, high-altitude work, or an amount with a reason — with
photos; the customer approves or declines in chat, and nothing is charged without approval.

An approved request's lines join the order's quote (``LineKind.SURCHARGE``) and its total;
the customer pays the extra through the channel's provider; the settlement splits what was
actually paid, so the worker's share includes the extra. A request unanswered for
``execution.surcharge_answer_minutes`` lapses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.catalog import Item, counted
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.money import MoneyError, parse_yuan
from domain.payments import PaymentStatus
from domain.pricing import LineKind, QuoteLine
from domain.privacy import mask_phones
from domain.rules import ExecutionRules, PricingRules
from domain.text import N_, Bilingual

DURING_THE_JOB = frozenset({OrderStatus.ARRIVED, OrderStatus.IN_SERVICE})
"""After check-in, before finishing: when a worker may ask for more."""
ANSWERABLE = frozenset({OrderStatus.ARRIVED, OrderStatus.IN_SERVICE, OrderStatus.FINISHED})
"""When the customer's answer still counts (the worker may have finished meanwhile)."""
MAX_REASON = 60
ALTITUDE_LABEL = N_("现场加价:高空作业")
AMOUNT_USAGE = N_("请写金额和原因,例如「80 厨房重油污」")
_AMOUNT = re.compile(
    # whole yuan (any script's digits, as a person types them) with at most two decimals,
    # ending there: "1e30" or "80.001" is no amount followed by a reason "e30"/"1"
    r"^\s*[¥￥]?\s*(\d{1,9}(?:\.\d{1,2})?)(?![\d.A-Za-z])\s*元?\s*[,，:：]?\s*(\S.*)$"
)


class SurchargeStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    LAPSED = "lapsed"


class ExtraState(StrEnum):
    """Where an extra stands as people read it: the customer's answer and, once approved,
    what became of what it asked them to pay."""

    REQUESTED = "requested"
    AGREED = "agreed"
    """Approved, not paid (yet)."""
    PAID = "paid"
    REFUNDED = "refunded"
    """Paid, and all of it came back (a cancellation's or a complaint's refund made against
    its payment: ``refunds.plan_refunds`` returns the newest payments first)."""
    PARTLY_REFUNDED = "partly_refunded"
    """Paid, and part of it came back."""
    DECLINED = "declined"
    LAPSED = "lapsed"
    WAIVED = "waived"
    """Approved, never paid, forgiven with the order's balance (``/waive``)."""
    CLOSED = "closed"
    """Approved, never paid, its payment closed with the order (cancelled)."""


EXTRA_STATE_TEXT = {
    ExtraState.REQUESTED: N_("待客户答复"),
    ExtraState.AGREED: N_("客户已同意,待支付"),
    ExtraState.PAID: N_("已支付"),
    ExtraState.REFUNDED: N_("已退款"),
    ExtraState.PARTLY_REFUNDED: N_("部分已退款"),
    ExtraState.DECLINED: N_("客户已拒绝"),
    ExtraState.LAPSED: N_("已过期"),
    ExtraState.WAIVED: N_("已由平台免除"),
    ExtraState.CLOSED: N_("未支付,已随订单关闭"),
}
_ANSWERED = {
    SurchargeStatus.REQUESTED: ExtraState.REQUESTED,
    SurchargeStatus.DECLINED: ExtraState.DECLINED,
    SurchargeStatus.LAPSED: ExtraState.LAPSED,
}


class ExtraKind(StrEnum):
    UNITS = "units"
    """More of the booked item (one more hour)."""
    OPTION = "option"
    """One of the item's options (fridge inside)."""
    ALTITUDE = "altitude"
    """High-altitude work (outside windows), where the item allows it."""
    AMOUNT = "amount"
    """An amount with the worker's reason (heavy grease)."""


@dataclass(frozen=True, slots=True)
class Extra:
    """One thing the worker asks for: ``ref`` names the option; ``quantity`` the units;
    ``amount_cents`` and ``reason`` an amount's."""

    kind: ExtraKind
    quantity: int = 1
    ref: str = ""
    amount_cents: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SurchargePhoto:
    """A photo the worker sent with a request, already checked and kept (``path`` in the
    media store); it becomes one of the order's photos of kind ``surcharge`` only with the
    request it was sent for."""

    path: str
    content_type: str
    size_bytes: int


def read_amount(text: str, rules: ExecutionRules) -> tuple[int, str]:
    """An amount with its reason as the worker types it (``80 厨房重油污``): (fen, reason).

    Raises DomainError (the usage) for anything else — no amount, a fraction of a fen, an
    exponent, nothing said why — and for an amount above ``rules.surcharge_max_cents``."""
    m = _AMOUNT.match(text)
    try:
        amount = parse_yuan(m.group(1)) if m else 0
    except MoneyError:
        amount = 0
    if m is None or amount <= 0:
        raise DomainError(AMOUNT_USAGE)
    if amount > rules.surcharge_max_cents:
        raise _too_much(rules)
    return amount, m.group(2).strip()[:MAX_REASON]


def _too_much(rules: ExecutionRules) -> DomainError:
    return DomainError(
        N_("单次加价最多 {most} 元,更多请联系客服", most=rules.surcharge_max_cents // 100)
    )


@dataclass
class Surcharge:
    order_id: int
    number: int
    worker_id: int
    lines: tuple[QuoteLine, ...]
    requested_at: datetime
    answer_by: datetime
    photos: tuple[str, ...] = ()
    """Media paths of the photos that show why."""
    status: SurchargeStatus = SurchargeStatus.REQUESTED
    answered_at: datetime | None = None
    payment_reference: str = ""
    id: int | None = None
    extras: tuple[Extra, ...] = field(default_factory=tuple)

    @property
    def amount_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def what(self) -> Bilingual:
        """The lines' labels, in both languages."""
        return Bilingual(
            "; ".join(line.label.get("zh") for line in self.lines),
            "; ".join(line.label.get("en") for line in self.lines),
        )


def extra_state(
    s: Surcharge, payment: PaymentStatus | None, waived: bool, refunded: int = 0
) -> ExtraState:
    """Where ``s`` stands: ``payment`` is the status of the payment its approval asked for
    (None: none), ``waived`` whether the order's unpaid balance was forgiven — ``/waive``
    closes an unpaid extra's payment as a cancellation does, and only the order tells
    which of the two it was — and ``refunded`` what of that payment came back, in fen
    (``payments.given_back``)."""
    if s.status != SurchargeStatus.APPROVED:
        return _ANSWERED[s.status]
    if payment == PaymentStatus.SUCCEEDED:
        if refunded >= s.amount_cents:
            return ExtraState.REFUNDED
        return ExtraState.PARTLY_REFUNDED if refunded > 0 else ExtraState.PAID
    if payment in (PaymentStatus.EXPIRED, PaymentStatus.RETURNED):  # closed unpaid
        return ExtraState.WAIVED if waived else ExtraState.CLOSED
    return ExtraState.AGREED


def price(item: Item, extras: tuple[Extra, ...], pricing: PricingRules) -> tuple[QuoteLine, ...]:
    """The quote lines of the extras, at the catalog's prices (no discount applies to them).

    Raises DomainError for an extra the item does not have, a quantity under one, or nothing
    asked for."""
    if not extras:
        raise DomainError(N_("请至少选择一项加价内容"))
    lines = []
    for x in extras:
        if x.quantity < 1 or x.quantity > item.max_quantity:
            raise DomainError(N_("数量不对"))
        if x.kind == ExtraKind.UNITS:
            label = N_(
                "现场加价:{item} +{quantity} {unit}",
                item=item.name,
                quantity=x.quantity,
                unit=counted(item.unit, x.quantity),
            )
            amount = item.unit_price_cents * x.quantity
        elif x.kind == ExtraKind.OPTION:
            option = next((o for o in item.options if o.id == x.ref), None)
            if option is None:
                raise DomainError(N_("没有这个服务选项"))
            quantity = x.quantity if option.per_unit else 1
            label = N_("现场加价:{option} × {quantity}", option=option.name, quantity=quantity)
            amount = option.price_cents * quantity
        elif x.kind == ExtraKind.ALTITUDE:
            if not item.high_altitude:
                raise DomainError(N_("这项服务没有高空作业"))
            label, amount = ALTITUDE_LABEL, pricing.high_altitude_cents
        else:
            if x.amount_cents <= 0 or not x.reason.strip():
                raise DomainError(AMOUNT_USAGE)
            reason = mask_phones(x.reason.strip()[:MAX_REASON])  # shown to the customer
            label = N_("现场加价:{reason}", reason=reason)
            amount = x.amount_cents
        lines.append(QuoteLine(LineKind.SURCHARGE, label, amount, item.id))
    return tuple(lines)


def check_during_job(status: OrderStatus) -> None:
    """Refuse an extra outside the job (``DURING_THE_JOB``): said when the worker asks for
    one, before anything is asked, and again when the request is sent."""
    if status not in DURING_THE_JOB:
        raise DomainError(N_("只能在打卡之后、完工之前申请加价"))


def check_request(
    status: OrderStatus, lines: tuple[QuoteLine, ...], photos: int, rules: ExecutionRules
) -> None:
    """Refuse a request outside the job, without a photo, or above the rules' ceiling."""
    check_during_job(status)
    if photos < 1:
        raise DomainError(N_("请先拍照说明需要加价的原因(至少一张)"))
    if sum(line.amount_cents for line in lines) > rules.surcharge_max_cents:
        raise _too_much(rules)


def answer_by(now: datetime, rules: ExecutionRules) -> datetime:
    return now + timedelta(minutes=rules.surcharge_answer_minutes)


def check_altitude(
    extras: tuple[Extra, ...], booked: bool, earlier: tuple[Surcharge, ...]
) -> None:
    """High-altitude work is charged once per order: refuse it asked twice in one request,
    when the booking has it, or when an earlier request of the order (approved, or waiting
    for the customer) has it."""
    asked = sum(1 for x in extras if x.kind == ExtraKind.ALTITUDE)
    if not asked:
        return
    altitude = (ALTITUDE_LABEL.get("zh"), ALTITUDE_LABEL.get("en"))
    before = any(  # both languages: an amount whose reason is "高空作业" reads so in Chinese
        (line.label.get("zh"), line.label.get("en")) == altitude
        for s in earlier
        if s.status in (SurchargeStatus.APPROVED, SurchargeStatus.REQUESTED)
        for line in s.lines
    )
    if asked > 1 or booked or before:
        raise DomainError(N_("这单的高空作业已计费,不能重复加价"))
