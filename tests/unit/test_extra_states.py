"""An on-site extra as ``/order`` names it: where it stands — the customer's answer and, once
approved, what became of its payment (paid, refunded since in part or in full, still owed,
forgiven by ``/waive``, closed with a cancelled order) — each in words of the reader's
language. An extra ``/waive`` forgave read "客户已同意" beside the order's 已免除 line, as if
it were still owed; one paid and refunded read "已支付" still."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.payments import Payment, PaymentKind, PaymentStatus, given_back
from domain.pricing import LineKind, QuoteLine
from domain.surcharge import EXTRA_STATE_TEXT, ExtraState, Surcharge, SurchargeStatus, extra_state
from domain.text import N_, Bilingual
from tests.unit.test_admin_screens import INSPECTED, text

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HOUR = QuoteLine(LineKind.SURCHARGE, N_("现场加价:{reason}", reason="多一小时"), 4000)
S, P, E, K = SurchargeStatus, PaymentStatus, ExtraState, PaymentKind


def asked(status: SurchargeStatus) -> Surcharge:
    return Surcharge(1, 240117, 7, (HOUR,), NOW, NOW + timedelta(minutes=15), status=status)


@pytest.mark.parametrize(
    ("status", "payment", "waived", "state"),
    [
        (S.REQUESTED, None, False, E.REQUESTED),
        (S.DECLINED, None, False, E.DECLINED),
        (S.LAPSED, None, False, E.LAPSED),
        (S.LAPSED, None, True, E.LAPSED),  # never owed: nothing to forgive
        (S.APPROVED, P.PENDING, False, E.AGREED),
        (S.APPROVED, P.FAILED, False, E.AGREED),  # still owed
        (S.APPROVED, P.SUCCEEDED, False, E.PAID),
        (S.APPROVED, P.SUCCEEDED, True, E.PAID),  # paid before the rest was forgiven
        (S.APPROVED, P.EXPIRED, True, E.WAIVED),
        (S.APPROVED, P.RETURNED, True, E.WAIVED),  # paid after /waive: given back
        (S.APPROVED, P.EXPIRED, False, E.CLOSED),  # the order was cancelled
    ],
)
def test_an_extra_stands_by_its_answer_and_its_payment(status, payment, waived, state):
    assert extra_state(asked(status), payment, waived) == state


@pytest.mark.parametrize(
    ("refunded", "state"),
    [(0, E.PAID), (1, E.PARTLY_REFUNDED), (3999, E.PARTLY_REFUNDED), (4000, E.REFUNDED)],
)
def test_a_paid_extra_reads_refunded_once_its_money_came_back(refunded, state):
    assert extra_state(asked(S.APPROVED), P.SUCCEEDED, False, refunded) == state


def test_only_refunds_the_provider_carried_out_count_as_money_back():
    def pay(id_, kind, amount, status, refund_of=None):
        return Payment(
            1, "sandbox", kind, amount, NOW, f"R{id_}", status, id=id_, refund_of=refund_of
        )

    payments = [
        pay(1, K.FULL, 3000, P.SUCCEEDED),
        pay(2, K.SURCHARGE, 4000, P.SUCCEEDED),
        pay(3, K.REFUND, 1000, P.SUCCEEDED, refund_of=2),
        pay(4, K.REFUND, 500, P.SUCCEEDED, refund_of=2),
        pay(5, K.REFUND, 2500, P.PENDING, refund_of=2),  # asked, not yet back
        pay(6, K.REFUND, 3000, P.FAILED, refund_of=1),
    ]
    assert given_back(payments) == {2: 1500}


@pytest.mark.parametrize(
    ("state", "zh", "en"),
    [
        (E.REQUESTED, "待客户答复", "waiting for the customer"),
        (E.AGREED, "客户已同意,待支付", "approved by the customer, awaiting payment"),
        (E.PAID, "已支付", "paid"),
        (E.REFUNDED, "已退款", "refunded"),
        (E.PARTLY_REFUNDED, "部分已退款", "partly refunded"),
        (E.DECLINED, "客户已拒绝", "declined by the customer"),
        (E.LAPSED, "已过期", "expired"),
        (E.WAIVED, "已由平台免除", "waived by the platform"),
        (E.CLOSED, "未支付,已随订单关闭", "not paid, closed with the order"),
    ],
)
def test_order_shows_each_extra_by_where_it_stands_in_the_readers_words(state, zh, en):
    what = Bilingual("现场加价:多一小时", "Extra: one more hour")
    shown = replace(INSPECTED, surcharges=((state, 4000, what),))
    assert f"\n现场加价 ¥40.00 [{zh}] 现场加价:多一小时\n" in text(shown, "zh")
    english = text(shown, "en")
    assert f"\nOn-site extra ¥40.00 [{en}] Extra: one more hour\n" in english, english


def test_every_state_has_its_own_name_in_each_language():
    assert set(EXTRA_STATE_TEXT) == set(ExtraState)
    for lang in ("zh", "en"):
        names = [EXTRA_STATE_TEXT[s].get(lang) for s in ExtraState]
        assert len(set(names)) == len(names), names
    assert not any(re.search(r"[\u4e00-\u9fff]", t.get("en")) for t in EXTRA_STATE_TEXT.values())
