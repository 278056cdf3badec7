"""The after-sales and credit rules, pure: when a complaint may be made, the rule table,
escalation steps, the coupon deadline, rating averages, credit scores and levels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.aftersales import (
    Complaint,
    Rater,
    Rating,
    check_can_complain,
    compensation_due,
    complaint_open,
    escalation_due,
    needs_review,
    refundable,
    refundable_for_service,
    resolves_itself,
    rule_refund,
)
from domain.credit import WorkerRecord, credit, effective_daily_cap, spot_check_count
from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.rules import AfterSalesRules, ComplaintCategory, CreditRules, WorkerLevel

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
A = AfterSalesRules()
CR = CreditRules()


class _Order:
    def __init__(self, status: OrderStatus, finished_at: datetime | None = None) -> None:
        self.status, self.finished_at, self.number = status, finished_at, 240117


class _Paid:
    def __init__(self, paid_cents: int, refunded_cents: int) -> None:
        self.paid_cents, self.refunded_cents = paid_cents, refunded_cents


def test_complaints_are_taken_during_the_visit_and_for_72_hours_after_it():
    check_can_complain(_Order(OrderStatus.IN_SERVICE), T0, A)
    check_can_complain(_Order(OrderStatus.SETTLED, T0), T0 + timedelta(hours=72), A)
    with pytest.raises(DomainError, match="72"):
        check_can_complain(_Order(OrderStatus.SETTLED, T0), T0 + timedelta(hours=72, seconds=1), A)
    with pytest.raises(DomainError):
        check_can_complain(_Order(OrderStatus.DISPATCHING), T0, A)


def test_whether_an_order_takes_a_complaint_is_read_from_its_status_and_finish():
    """What the orders list picks a complaint's order by (``my_orders_pick``): the same test
    as ``check_can_complain``."""
    assert complaint_open(OrderStatus.ON_THE_WAY, None, T0, A)
    assert complaint_open(OrderStatus.FINISHED, T0, T0 + timedelta(hours=72), A)
    assert not complaint_open(OrderStatus.FINISHED, T0, T0 + timedelta(hours=72, seconds=1), A)
    assert not complaint_open(OrderStatus.SETTLED, None, T0, A)
    assert not complaint_open(OrderStatus.PAID, None, T0, A)


def test_the_rule_table_refunds_a_share_of_what_is_left_to_refund():
    assert rule_refund(ComplaintCategory.INCOMPLETE, 22_500, A) == 6_750  # 30%
    assert rule_refund(ComplaintCategory.LATE, 22_505, A) == 2_251  # 10%, half up
    assert rule_refund(ComplaintCategory.OTHER, 22_500, A) == 0


def test_only_simple_cases_with_a_photo_resolve_themselves():
    c = Complaint(1, 1, ComplaintCategory.INCOMPLETE, T0, photos=["a.jpg"])
    assert resolves_itself(c, 6_750, A)
    assert not resolves_itself(c, A.auto_resolve_max_cents + 1, A)
    assert not resolves_itself(Complaint(1, 1, ComplaintCategory.INCOMPLETE, T0), 6_750, A)
    assert not resolves_itself(
        Complaint(1, 1, ComplaintCategory.DAMAGE, T0, photos=["a.jpg"]), 6_750, A
    )


def test_an_unanswered_complaint_escalates_each_response_window_until_the_owner():
    c = Complaint(1, 1, ComplaintCategory.LATE, T0)
    assert escalation_due(c, T0 + timedelta(minutes=29), A) is None
    assert escalation_due(c, T0 + timedelta(minutes=30), A) == 1
    c.escalation_level = 1
    assert escalation_due(c, T0 + timedelta(minutes=59), A) is None
    assert escalation_due(c, T0 + timedelta(minutes=60), A) == 2
    c.escalation_level = 2
    assert escalation_due(c, T0 + timedelta(hours=10), A) is None
    c.first_response_at = T0 + timedelta(minutes=5)
    c.escalation_level = 0
    assert escalation_due(c, T0 + timedelta(hours=1), A) is None  # answered in time


def test_the_coupon_is_due_once_after_a_day_unresolved():
    c = Complaint(1, 1, ComplaintCategory.LATE, T0, first_response_at=T0)
    assert not compensation_due(c, T0 + timedelta(hours=23, minutes=59), A)
    assert compensation_due(c, T0 + timedelta(hours=24), A)
    c.coupon_issued = True
    assert not compensation_due(c, T0 + timedelta(hours=48), A)


def test_a_rating_is_the_mean_of_four_dimensions_and_under_four_stars_is_reviewed():
    scores = {"response": 2, "skill": 3, "attitude": 3, "care": 2}
    low = Rating(1, Rater.CUSTOMER, 1, 1, scores, T0)
    assert low.overall_x100 == 250 and needs_review(low, A)
    ok = Rating(1, Rater.CUSTOMER, 1, 1, {**scores, "response": 5, "skill": 5, "care": 4}, T0)
    assert ok.overall_x100 == 425 and not needs_review(ok, A)
    with pytest.raises(DomainError):
        Rating(1, Rater.CUSTOMER, 1, 1, {**scores, "care": 6}, T0)
    with pytest.raises(DomainError):
        Rating(1, Rater.CUSTOMER, 1, 1, {"response": 5}, T0)


@pytest.mark.parametrize(
    ("record", "level"),
    [
        (WorkerRecord(accepted=20, finished=20, complaints=0, late=0, rating_x100=490), "S"),
        (WorkerRecord(accepted=20, finished=19, complaints=0, late=2, rating_x100=420), "A"),
        (WorkerRecord(accepted=20, finished=18, complaints=1, late=3, rating_x100=400), "B"),
        (WorkerRecord(accepted=10, finished=6, complaints=3, late=3, rating_x100=250), "C"),
    ],
)
def test_credit_levels(record, level):
    assert credit(record, CR).level == WorkerLevel(level)


def test_a_complaint_rate_over_five_percent_lowers_the_daily_cap():
    assert credit(WorkerRecord(20, 20, 1, 0, 500), CR).complaint_rate_bp == 500
    assert effective_daily_cap(4, 500, CR) == 4
    assert effective_daily_cap(4, 501, CR) == CR.lowered_daily_cap
    assert effective_daily_cap(1, 2_000, CR) == 1


def test_five_percent_of_finished_orders_are_checked_rounded_up():
    assert [spot_check_count(n, CR) for n in (0, 1, 20, 21, 40)] == [0, 1, 1, 2, 2]


def test_a_partial_refund_is_a_share_of_what_was_paid_for_the_service_not_of_a_fee():
    """A reschedule fee kept is revenue for the move: no base of a complaint's percentage
    nor part of what a partial refund may reach; a full refund gives back everything."""
    order = _Paid(paid_cents=21_900 + 2_190, refunded_cents=1_000)  # a deposit and a fee
    assert refundable(order, pending_refunds=500) == 23_090 - 500
    left = refundable_for_service(order, pending_refunds=500, fees_kept=2_190)
    assert left == 21_900 - 1_000 - 500
    assert rule_refund(ComplaintCategory.LATE, left, A) == 2_040  # 10% of ¥204, not of ¥225.90
    assert refundable_for_service(order, 0, fees_kept=30_000) == 0  # never below nothing
