"""Each note daojia writes on an order's timeline: stored as an id with its numbers, read in
the reader's language; the English a row written before holds reads as the same phrase, and a
person's own words as they wrote them."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.flows.admin_trail_text import note_text
from conversations.state import Conversation
from domain import timeline_notes as n
from domain.cancellation import cancellation_terms
from domain.lifecycle import OrderStatus
from domain.rules import CancellationRules
from domain.text import Bilingual
from tests.unit.test_flows import CTX

ON = date(2026, 12, 3)
TODAY = date(2026, 12, 1)  # the reader's
SH = ZoneInfo("Asia/Shanghai")

KINDS = [  # (stored now, stored before, in Chinese, in English)
    (
        n.settled_note(15300, 2700),
        "worker 15300, platform 2700",
        "师傅 ¥153.00,平台 ¥27.00",
        "worker ¥153.00, platform ¥27.00",
    ),
    (n.refunded_note(3000), "refunded 3000", "累计退款 ¥30.00", "refunded in all ¥30.00"),
    (n.assigned_note(7), "assigned to worker 7", "指派给师傅 7", "assigned to worker 7"),
    (
        n.transferred_note(7),
        "transfer from worker 7",
        "由师傅 7 转出",
        "transferred from worker 7",
    ),
    (n.reassigned_note(), "reassigned", "改派", "reassigned"),
    (
        n.handover_note(ON),
        "handover 2026-12-03",
        "12月3日 周四 起更换师傅",
        "worker replaced from Thu 3 Dec",
    ),
    (
        n.ended_early_note(ON),
        "contract ended early on 2026-12-03",
        "合同于 12月3日 周四 提前终止",
        "contract ended early on Thu 3 Dec",
    ),
    (
        n.checked_in_directly_note(),
        "checked in without setting off first",
        "未点出发,直接签到",
        "checked in without tapping 'on my way'",
    ),
    (n.free_rework_note(), "free rework", "免费返工", "free rework"),
    (n.nothing_to_pay_note(), "nothing to pay", "无需支付", "nothing to pay"),
    (n.auto_confirmed_note(), "auto-confirmed", "到期自动确认", "confirmed automatically"),
    (
        n.unpaid_timeout_note(30),
        "not paid within 30 min",
        "30 分钟内未支付",
        "not paid within 30 min",
    ),
    (
        n.cancel_unpaid_note(),
        "not paid, cancelled at no cost",
        "未支付,直接取消",
        "not paid, cancelled at no cost",
    ),
    (
        n.cancel_not_taken_note(),
        "no worker has taken the order yet: full refund",
        "还没有师傅接单,全额退款",
        "no worker has taken the order yet: full refund",
    ),
    (
        n.cancel_free_note(24),
        "24 h or more before the start: full refund",
        "距开始 ≥ 24 小时,全额退款",
        "24 h or more before the start: full refund",
    ),
    (
        n.cancel_fee_note(24, 10),
        "less than 24 h before the start: 10% fee",
        "距开始不足 24 小时,收取 10% 费用",
        "less than 24 h before the start: 10% fee",
    ),
    (
        n.cancel_late_fee_note(2, 30),
        "less than 2 h before the start: 30% fee",
        "距开始不足 2 小时,收取 30% 费用",
        "less than 2 h before the start: 30% fee",
    ),
    (
        n.cancel_deposit_note(3000),
        "the worker has arrived: the deposit of ¥30.00 is not refunded",
        "师傅已上门,定金 ¥30.00 不退",
        "the worker has arrived: the deposit of ¥30.00 is not refunded",
    ),
]


@pytest.mark.parametrize(("now", "before", "zh", "en"), KINDS, ids=[k[0] for k in KINDS])
def test_a_note_reads_in_the_readers_language_as_stored_now_and_before(now, before, zh, en):
    assert re.fullmatch(r"[a-z_]+(:[0-9-]+)*", now), now  # an id and its numbers: no words
    assert n.note_phrase(now, TODAY).get("zh") == zh
    assert n.note_phrase(now, TODAY).get("en") == en
    # a row written before, in English for the logs, reads the same in either language
    before_read = n.note_phrase(before, TODAY)
    assert (before_read.get("zh"), before_read.get("en")) == (zh, en)


def test_a_move_reads_as_its_reader_writes_moments_and_one_stored_before_without_a_year():
    moved = n.rescheduled_note(
        datetime(2026, 12, 8, 0, 30, tzinfo=SH), datetime(2026, 12, 8, 2, tzinfo=SH)
    )
    assert n.note_phrase(moved, TODAY).get("zh") == "12月8日 周二 00:30 → 12月8日 周二 02:00"
    assert n.note_phrase(moved, TODAY).get("en") == "Tue 8 Dec 00:30 → Tue 8 Dec 02:00"
    later = n.note_phrase(moved, date(2027, 12, 20))  # read a year on: the year is written
    assert later.get("zh") == "2026年12月8日 周二 00:30 → 2026年12月8日 周二 02:00"
    # a note written before (the Chinese form, no year): no weekday, which would be a guess
    before = n.note_phrase("12-08 00:30 → 12-08 02:00", TODAY)
    assert (before.get("zh"), before.get("en")) == (
        "12月8日 00:30 → 12月8日 02:00",
        "8 Dec 00:30 → 8 Dec 02:00",
    )


def test_a_transfer_from_no_known_worker_is_still_a_transfer():
    assert n.transferred_note(None) == "transferred"
    assert n.note_phrase("transferred", TODAY).get("zh") == "转单"


@pytest.mark.parametrize(
    "note", ["迟到了,客户不满意", "#12", "¥80.00", "11-23 10:00 到 11-24 10:00"]
)
def test_a_persons_words_and_a_note_of_no_kind_read_as_written(note):
    assert n.note_phrase(note, TODAY) == Bilingual(note, note)
    assert note_text(CTX, Conversation(lang="en"), note) == note


def test_the_admins_trail_reads_a_stored_note_in_their_language():
    for lang, expected in (("zh", "指派给师傅 7"), ("en", "assigned to worker 7")):
        conv = Conversation(lang=lang)
        assert note_text(CTX, conv, n.assigned_note(7)) == expected


START = datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("status", "hours_before", "deposit", "note"),
    [
        (OrderStatus.AWAITING_PAYMENT, 30, 0, "cancel_unpaid"),
        (OrderStatus.DISPATCHING, 1, 0, "cancel_not_taken"),
        (OrderStatus.ACCEPTED, 30, 0, "cancel_free:24"),
        (OrderStatus.ACCEPTED, 5, 0, "cancel_fee:24:10"),
        (OrderStatus.ACCEPTED, 1, 0, "cancel_late_fee:2:30"),
        (OrderStatus.ARRIVED, 0, 5000, "cancel_deposit:5000"),
    ],
)
def test_the_cancellation_policy_writes_its_reason_as_a_note_and_shows_it(
    status, hours_before, deposit, note
):
    rules = CancellationRules()
    terms = cancellation_terms(
        status=status,
        paid_cents=0 if status == OrderStatus.AWAITING_PAYMENT else 10000,
        deposit_cents=deposit,
        start_at=START,
        now=START - timedelta(hours=hours_before),
        rules=rules,
    )
    assert terms.note == note
    assert terms.reason == n.note_phrase(note, TODAY)  # the screen and the timeline say the same
