"""English counts with the noun's form for the number ("1 visit left", "3 visits left"), on the
screens and notices where a count can be one; Chinese unchanged (one form)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.flows.cards_views import held_line
from conversations.flows.worker_views import earnings_text
from conversations.results.cards import CardHeld
from conversations.results.workers import EarningsShown
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import Notice
from conversations.state import Conversation
from domain.cards import CardStatus
from domain.people import review_note_text
from domain.text import Bilingual
from tests.unit.test_flows import CTX

UNTIL = datetime(2027, 1, 31, 12, tzinfo=UTC)


def card(visits: int) -> CardHeld:
    name = Bilingual("日常保洁 12 次卡", "Daily cleaning 12-visit card")
    return CardHeld(
        7, name, (Bilingual("日常保洁", "Daily cleaning"),), visits, UNTIL, CardStatus.ACTIVE
    )


@pytest.mark.parametrize(("n", "english"), [(1, "1 visit left"), (2, "2 visits left")])
def test_a_card_held_counts_its_visits_left(n, english):
    assert english in held_line(CTX, Conversation(lang="en"), card(n))
    assert f"剩 {n} 次" in held_line(CTX, Conversation(lang="zh"), card(n))


@pytest.mark.parametrize(("n", "english"), [(1, "1 job done."), (5, "5 jobs done.")])
def test_a_worker_s_earnings_count_the_jobs_done(n, english):
    shown = EarningsShown(jobs=n, owed_cents=100, available_cents=0, after_days=7)
    assert earnings_text(Conversation(lang="en"), shown).startswith(english)
    assert earnings_text(Conversation(lang="zh"), shown).startswith(f"已完成 {n} 单")


@pytest.mark.parametrize(
    ("event", "data", "english"),
    [
        ("late_deducted", {"number": 7, "late": 1, "percent": 1000}, "You were 1 minute late"),
        ("late_deducted", {"number": 7, "late": 12, "percent": 1000}, "You were 12 minutes late"),
        (
            "card_expiring",
            {"card_zh": "卡", "card_en": "Card", "visits": 1, "until": UNTIL},
            "has 1 visit left",
        ),
        (
            "card_expiring",
            {"card_zh": "卡", "card_en": "Card", "visits": 3, "until": UNTIL},
            "has 3 visits left",
        ),
    ],
)
def test_a_notice_in_english_counts_with_the_noun_s_form(event, data, english):
    [said] = NoticeTemplates(CTX.tz, lambda: CTX.now).render(
        Notice("customer", 1, event, data), "telegram", "en"
    )
    assert english in said.text


def test_a_suspension_reason_counts_the_late_arrivals():
    assert review_note_text("late_arrivals:1:30").get("en") == "1 late arrival in 30 days"
    assert review_note_text("late_arrivals:3:30").get("en") == "3 late arrivals in 30 days"
    assert review_note_text("late_arrivals:1:30").get("zh") == "30 天内迟到 1 次"
