"""After-sales: complaints (when one may be made, what the rule table refunds, the response
deadline and its escalation, the compensation coupon) and ratings (both directions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.money import apply_rate
from domain.orders import Order
from domain.rules import AfterSalesRules, ComplaintCategory
from domain.text import N_, Text


class ComplaintStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Resolution(StrEnum):
    REWORK = "rework"
    PARTIAL = "partial"
    FULL = "full"
    REJECTED = "rejected"


COMPLAINT_STATUS_TEXT: dict[str, Text] = {
    ComplaintStatus.OPEN: N_("处理中"),
    ComplaintStatus.RESOLVED: N_("已处理"),
}
RESOLUTION_TEXT: dict[str, Text] = {
    Resolution.PARTIAL: N_("部分退款"),
    Resolution.FULL: N_("全额退款"),
    Resolution.REWORK: N_("返工"),
    Resolution.REJECTED: N_("驳回"),
}


DURING_SERVICE = frozenset({OrderStatus.ON_THE_WAY, OrderStatus.ARRIVED, OrderStatus.IN_SERVICE})
AFTER_SERVICE = frozenset({OrderStatus.FINISHED, OrderStatus.CONFIRMED, OrderStatus.SETTLED})

ESCALATION_ROLES: tuple[tuple[str, ...], ...] = (("support",), ("ops",), ("owner",))
"""Who is told about an unanswered complaint: at once, after one response window, after two."""


@dataclass
class Complaint:
    order_id: int
    customer_id: int
    category: ComplaintCategory
    created_at: datetime
    text: str = ""
    photos: list[str] = field(default_factory=list)
    worker_id: int | None = None
    status: ComplaintStatus = ComplaintStatus.OPEN
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str = ""
    refund_cents: int = 0
    resolved_by: str = ""
    escalation_level: int = 0
    coupon_issued: bool = False
    note: str = ""
    id: int | None = None

    @property
    def open(self) -> bool:
        return self.status == ComplaintStatus.OPEN


def granted_rework(number: int, complaints: Sequence[Complaint], booked: bool) -> Complaint:
    """The complaint of order ``number`` that granted it a free rework (the latest); a
    DomainError when none did, or when its rework is ``booked`` already (one per grant)."""
    granted = [x for x in complaints if x.resolution == Resolution.REWORK.value]
    if not granted:
        raise DomainError(N_("订单 #{number} 没有返工安排", number=number))
    if booked:
        raise DomainError(N_("订单 #{number} 的返工已预约", number=number))
    return granted[-1]


def complaint_open(
    status: OrderStatus, finished_at: datetime | None, now: datetime, rules: AfterSalesRules
) -> bool:
    """Whether an order in ``status``, its worker finished at ``finished_at``, takes a
    complaint now: during the visit, or within the window after the worker finished."""
    if status in DURING_SERVICE:
        return True
    return (
        status in AFTER_SERVICE
        and finished_at is not None
        and now <= finished_at + timedelta(hours=rules.complaint_window_hours)
    )


def check_can_complain(order: Order, now: datetime, rules: AfterSalesRules) -> None:
    """During the visit, or within the window after the worker finished (``complaint_open``);
    else DomainError saying why not."""
    if complaint_open(order.status, order.finished_at, now, rules):
        return
    if order.status in AFTER_SERVICE and order.finished_at is not None:
        raise DomainError(
            N_(
                "订单 #{number} 完工已超过 {complaint_window_hours} 小时,请联系客服",
                number=order.number,
                complaint_window_hours=rules.complaint_window_hours,
            )
        )
    raise DomainError(N_("订单 #{number} 现在不能投诉(服务中或完工后才可以)", number=order.number))


def refundable(order: Order, pending_refunds: int) -> int:
    """What is left to give back: paid, less refunds done or on their way (a full refund's
    amount: everything, a reschedule fee kept too)."""
    return max(order.paid_cents - order.refunded_cents - pending_refunds, 0)


def refundable_for_service(order: Order, pending_refunds: int, fees_kept: int) -> int:
    """What is left of what was paid for the service: ``refundable`` less the reschedule fees
    kept (``domain.payments.fees_kept_of``; a fee is revenue for the move, no payment of the
    service a complaint is about) — the base of a partial refund and its most."""
    return max(refundable(order, pending_refunds) - fees_kept, 0)


def rule_refund(category: ComplaintCategory, refundable_cents: int, rules: AfterSalesRules) -> int:
    """The partial refund the rule table gives a complaint of ``category``, on
    ``refundable_cents`` (``refundable_for_service``)."""
    return apply_rate(refundable_cents, rules.refund_bp.get(category, 0))


def resolves_itself(complaint: Complaint, refund_cents: int, rules: AfterSalesRules) -> bool:
    """Simple cases (a category the table lists, with a photo, a small refund) need no human."""
    return (
        complaint.category in rules.auto_resolve
        and bool(complaint.photos)
        and 0 < refund_cents <= rules.auto_resolve_max_cents
    )


def escalation_due(complaint: Complaint, now: datetime, rules: AfterSalesRules) -> int | None:
    """The escalation level an unanswered complaint has reached, if higher than it is."""
    if not complaint.open or complaint.first_response_at is not None:
        return None
    window = timedelta(minutes=rules.first_response_minutes)
    level = min(int((now - complaint.created_at) / window), len(ESCALATION_ROLES) - 1)
    return level if level > complaint.escalation_level else None


def compensation_due(complaint: Complaint, now: datetime, rules: AfterSalesRules) -> bool:
    """Unresolved for too long: the customer gets the compensation coupon (once)."""
    return (
        complaint.open
        and not complaint.coupon_issued
        and now >= complaint.created_at + timedelta(hours=rules.compensation_after_hours)
    )


class Rater(StrEnum):
    CUSTOMER = "customer"
    WORKER = "worker"


DIMENSIONS = ("response", "skill", "attitude", "care")

RATEABLE: dict[Rater, frozenset[OrderStatus]] = {
    Rater.CUSTOMER: frozenset({OrderStatus.CONFIRMED, OrderStatus.SETTLED}),
    Rater.WORKER: frozenset({OrderStatus.FINISHED, OrderStatus.CONFIRMED, OrderStatus.SETTLED}),
}
"""When each side may rate a job: the customer once they confirmed it (or it was confirmed
for them), the worker once they finished it."""


def check_rateable(rater: Rater, status: OrderStatus, number: int) -> None:
    """Refuse a rating of order ``number`` before ``RATEABLE``: said when the rating is asked
    for, before its first question, and again when it is recorded."""
    if status not in RATEABLE[rater]:
        raise DomainError(N_("订单 #{number} 完成后才能评价", number=number))


CUSTOMER_TAGS: tuple[tuple[str, Text], ...] = (
    ("punctual", N_("准时守约")),
    ("thorough", N_("打扫仔细")),
    ("friendly", N_("态度亲切")),
    ("careful", N_("爱护物品")),
    ("late", N_("迟到")),
    ("sloppy", N_("不够仔细")),
    ("rude", N_("态度不好")),
    ("damage", N_("损坏物品")),
)
"""(key, 中文, English) of the tags a customer may add to a rating."""


@dataclass
class Rating:
    order_id: int
    rater: Rater
    worker_id: int
    customer_id: int
    scores: dict[str, int]
    created_at: datetime
    tags: list[str] = field(default_factory=list)
    text: str = ""
    photos: list[str] = field(default_factory=list)
    """Kept paths of the photos sent with the review (a review with one earns more points)."""
    id: int | None = None

    def __post_init__(self) -> None:
        if set(self.scores) != set(DIMENSIONS):
            raise DomainError(N_("评分项不完整"))
        if any(not 1 <= s <= 5 for s in self.scores.values()):
            raise DomainError(N_("评分为 1–5 星"))
        known = {key for key, _ in CUSTOMER_TAGS}
        if any(tag not in known for tag in self.tags):
            raise DomainError(N_("未知标签"))

    @property
    def overall_x100(self) -> int:
        """The mean of the dimensions, in hundredths of a star (rounded half up)."""
        total = sum(self.scores.values()) * 100
        return (total * 2 + len(self.scores)) // (2 * len(self.scores))


def needs_review(rating: Rating, rules: AfterSalesRules) -> bool:
    return rating.rater == Rater.CUSTOMER and rating.overall_x100 < rules.review_below_stars * 100


def stars_text(x100: int) -> str:
    return f"{x100 // 100}.{x100 % 100 // 10}"
