"""An on-site extra as ``/order`` names it: where it stands — the customer's answer and, once
approved, what became of its payment (paid, still owed, forgiven by ``/waive``, closed with a
cancelled order) — each in words of the reader's language. An extra ``/waive`` forgave read
"客户已同意" beside the order's 已免除 line, as if it were still owed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.payments import PaymentStatus
from domain.pricing import LineKind, QuoteLine
from domain.surcharge import EXTRA_STATE_TEXT, ExtraState, Surcharge, SurchargeStatus, extra_state
from domain.text import N_, Bilingual
from tests.unit.test_admin_screens import INSPECTED, text

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HOUR = QuoteLine(LineKind.SURCHARGE, N_("现场加价:{reason}", reason="多一小时"), 4000)
S, P, E = SurchargeStatus, PaymentStatus, ExtraState


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
    ("state", "zh", "en"),
    [
        (E.REQUESTED, "待客户答复", "waiting for the customer"),
        (E.AGREED, "客户已同意,待支付", "approved by the customer, awaiting payment"),
        (E.PAID, "已支付", "paid"),
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
