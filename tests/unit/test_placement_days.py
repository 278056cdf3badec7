"""A long placement's hand-over (``/handover #N W [day]``) and early end (``/terminate #N
[day]``) read their day as every other screen reads one — 12月1日, 12-01, Dec 1, 下周一,
next Monday, 明天, 2026-12-01 — the nearest such day, as the admins' other commands do
(``understanding.days``); none given is today. Not only ISO, 今天 and 明天 any more."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conversations.flows.admin_commands import build
from conversations.flows.base import Ctx
from conversations.services.placement_replacements import day_of
from domain import commands as c
from domain.errors import DomainError
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
TODAY = date(2026, 11, 25)  # a Wednesday
BY = "telegram:42"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("", TODAY),
        ("今天", TODAY),
        ("tomorrow", date(2026, 11, 26)),
        ("12月1日", date(2026, 12, 1)),
        ("12-01", date(2026, 12, 1)),
        ("Dec 1", date(2026, 12, 1)),
        ("1 December", date(2026, 12, 1)),
        ("下周一", date(2026, 11, 30)),
        ("next Monday", date(2026, 11, 30)),
        ("周一", date(2026, 11, 23)),  # the nearest Monday: two days ago
        ("11月20日", date(2026, 11, 20)),  # in the contract already under way
        ("昨天", date(2026, 11, 24)),
        ("2026-12-01", date(2026, 12, 1)),
    ],
)
def test_a_placements_day_is_read_as_every_screen_reads_one(typed, day):
    assert day_of(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["2月30日", "whenever", "12-01 15:00"])
def test_a_placements_day_that_is_none_is_refused_with_examples(typed):
    with pytest.raises(DomainError) as refused:
        day_of(typed, TODAY)
    assert "下周一" in str(refused.value)
    assert "next Monday" in refused.value.text.get("en")


@pytest.mark.parametrize(
    ("name", "args", "wanted"),
    [
        ("handover", "8 next Monday", c.HandOverPlacement(BY, "ops", 240117, 8, "next Monday")),
        ("handover", "8 12月1日", c.HandOverPlacement(BY, "ops", 240117, 8, "12月1日")),
        ("terminate", "next Monday", c.TerminatePlacement(BY, "ops", 240117, "next Monday")),
        ("terminate", "", c.TerminatePlacement(BY, "ops", 240117, "")),
    ],
)
def test_the_commands_pass_a_day_of_several_words_along(name, args, wanted):
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    ctx = Ctx(CATALOG, RULES, now, "https://daojia.example", admin_role="ops")
    assert build(ctx, name, 240117, args, BY, "req") == wanted
