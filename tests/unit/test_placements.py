"""Long placements' contract periods (``domain.placements``) and how dispatch sees them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dispatch import Busy, Candidate, Job, Refusal, refusal
from domain.errors import CatalogError, QuoteError
from domain.people import GeoPoint
from domain.placement_billing import (
    amount_due,
    billing_periods,
    period_settlement,
    settled_by_periods,
    shares_by_days,
    termination,
    worker_days,
)
from domain.placements import PlacementRules, PlacementTerms, contract_days, contract_period
from domain.rules import DispatchRules
from store.catalog_file import load_catalog, parse_catalog

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in Shanghai
HOME = GeoPoint(31.23, 121.47)


def test_a_live_in_period_of_26_days_runs_26_whole_days():
    period = contract_period(PlacementTerms(), START, 26, TZ)
    assert period.end_at - period.start_at == timedelta(days=26)
    assert (period.first_day, period.last_day) == (date(2026, 12, 1), date(2026, 12, 26))
    assert period.minutes == 26 * 24 * 60


def test_a_weekday_placement_counts_only_its_working_days():
    terms = PlacementTerms(live_in=False, daily_hours=8, weekdays=(0, 1, 2, 3, 4))
    period = contract_period(terms, START, 10, TZ)  # 1 Dec … the 10th working day
    assert period.last_day == date(2026, 12, 14)  # Monday, two weekends later
    assert period.end_at.astimezone(TZ) == datetime(2026, 12, 14, 17, 0, tzinfo=TZ)


def test_a_month_is_the_rules_days_per_month():
    assert contract_days("month", 2, PlacementRules(days_per_month=26)) == 52
    assert contract_days("day", 30, PlacementRules()) == 30


def test_a_period_needs_a_day_and_a_timezone():
    with pytest.raises(QuoteError):
        contract_period(PlacementTerms(), START, 0, TZ)
    with pytest.raises(QuoteError):
        contract_period(PlacementTerms(), START.replace(tzinfo=None), 5, TZ)


@pytest.mark.parametrize("day", range(26))
def test_every_day_of_a_placement_clashes_with_a_one_day_job(day):
    period = contract_period(PlacementTerms(), START, 26, TZ)
    worker = Candidate(
        1, frozenset({"cleaning"}), location=HOME, radius_m=5000, busy=(Busy(*_span(period)),)
    )
    at = START + timedelta(days=day, hours=5)
    job = Job(9, "cleaning", at, at + timedelta(hours=2), HOME)
    assert refusal(job, worker, DispatchRules()) == Refusal.OVERLAP
    after = period.end_at + timedelta(minutes=DispatchRules().travel_buffer_minutes + 1)
    later = Job(9, "cleaning", after, after + timedelta(hours=2), HOME)
    assert refusal(later, worker, DispatchRules()) is None


def _span(period):
    return period.start_at, period.end_at


def test_the_demo_catalogs_live_in_items_are_placements_priced_by_the_day():
    catalog, rules = load_catalog()
    nurse = catalog.item("maternity_nurse")
    assert nurse.placement is not None and nurse.placement.live_in
    period = nurse.period(26, START, rules.placements, TZ)
    assert period is not None and period.days == 26
    assert catalog.item("daily_cleaning").period(2, START, rules.placements, TZ) is None


def test_a_month_priced_item_must_be_a_placement():
    data = _catalog_with(unit="month")
    with pytest.raises(CatalogError) as err:
        parse_catalog(data)
    assert "placement" in str(err.value)
    data["categories"][0]["items"][0]["placement"] = {"live_in": False, "weekdays": [1, 8]}
    with pytest.raises(CatalogError) as err:
        parse_catalog(data)
    assert "weekdays" in str(err.value)


def _catalog_with(**item):
    base = {
        "id": "nanny_month",
        "name": {"zh": "包月保姆", "en": "Monthly nanny"},
        "description": {"zh": "住家", "en": "Live-in"},
        "acceptance": {"zh": "按约", "en": "As agreed"},
        "unit": "day",
        "unit_price": 6000,
        "min_quantity": 1,
        "max_quantity": 12,
        "minutes_per_unit": 600,
        "skill": "nanny",
    }
    category = {"id": "home", "name": {"zh": "家政", "en": "Home"}, "items": [base | item]}
    return {"version": 1, "categories": [category]}


def test_billing_periods_split_the_price_exactly_by_their_days():
    period = contract_period(PlacementTerms(), START, 60, TZ)
    periods = billing_periods(period, 1_560_001, PlacementRules(billing_days=26), TZ)
    assert [p.days for p in periods] == [26, 26, 8]
    assert sum(p.amount_cents for p in periods) == 1_560_001
    assert periods[0].starts_at == START and periods[-1].ends_at == period.end_at
    assert periods[1].starts_at == START + timedelta(days=26) == periods[0].ends_at
    assert [p.due_at for p in periods] == [p.starts_at for p in periods]


def test_in_arrears_a_period_is_due_at_its_end():
    period = contract_period(PlacementTerms(), START, 52, TZ)
    rules = PlacementRules(billing_days=26, bill_in_advance=False)
    assert [p.due_at for p in billing_periods(period, 100, rules, TZ)] == [
        START + timedelta(days=26),
        period.end_at,
    ]


def test_the_deposit_counts_towards_the_first_periods():
    period = contract_period(PlacementTerms(), START, 78, TZ)
    periods = billing_periods(period, 2_340_000, PlacementRules(billing_days=26), TZ)
    assert amount_due(periods, 1, 468_000) == 780_000 - 468_000
    assert amount_due(periods, 2, 780_000) == 780_000
    assert amount_due(periods, 2, 2_000_000) == 0  # paid ahead


def test_a_period_settlement_balances_and_pays_each_share():
    at = START
    entries = period_settlement(240117, 7, 2, 780_000, [(3, 400_000), (4, 263_000)], at)
    assert sum(e.amount_cents for e in entries) == 0
    assert {e.journal for e in entries} == {"settle:240117:p2"}
    assert settled_by_periods(240117, entries) == 780_000


@given(
    share=st.integers(min_value=0, max_value=10**9),
    days=st.integers(min_value=1, max_value=60),
    handover=st.integers(min_value=0, max_value=70),
)
def test_a_handover_splits_a_periods_share_exactly_by_the_days_each_worked(share, days, handover):
    period = contract_period(PlacementTerms(), START, days, TZ)
    (bp,) = billing_periods(period, 100_000, PlacementRules(billing_days=days), TZ)
    on = period.first_day + timedelta(days=handover)
    worked = worker_days(bp, period, 1, [(on, 2)])
    assert sum(n for _, n in worked) == days
    shares = shares_by_days(share, worked)
    assert sum(part for _, part in shares) == share
    by = dict(worked)
    assert by.get(1, 0) == min(handover, days)


def test_ending_early_refunds_the_unused_days_less_the_notice_fee():
    period = contract_period(PlacementTerms(), START, 26, TZ)
    ends = termination(period, 2_600_000, 2_600_000, date(2026, 12, 11), fee_days=3)
    assert (ends.used_days, ends.used_cents, ends.fee_cents) == (10, 1_000_000, 300_000)
    assert ends.refund_cents == 1_300_000
    short = termination(period, 2_600_000, 520_000, date(2026, 12, 11), fee_days=3)
    assert short.refund_cents == 0  # paid less than used: nothing back
    last = termination(period, 2_600_000, 2_600_000, date(2026, 12, 26), fee_days=3)
    assert (last.fee_cents, last.refund_cents) == (100_000, 0)  # the fee is at most what is left


def test_a_period_into_january_reads_without_padded_months():
    from conversations.services.views.placements import placement_text

    period = contract_period(PlacementTerms(), START, 45, TZ)  # 1 Dec to 15 Jan
    today = date(2026, 11, 23)
    zh, en = placement_text(period, TZ, "zh", today), placement_text(period, TZ, "en", today)
    assert zh.startswith("合同期 12月1日 周二 09:00 至 1月15日 周五 09:00"), zh
    assert en.startswith("Contract Tue 1 Dec 09:00 to Fri 15 Jan 09:00"), en
