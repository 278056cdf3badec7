"""Pricing and checking an on-site extra (``domain.surcharge``): catalog prices, nothing the
item lacks, only during the job, with a photo, under the rules' ceiling."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.lifecycle import OrderStatus
from domain.pricing import LineKind
from domain.surcharge import (
    Extra,
    ExtraKind,
    Surcharge,
    SurchargeStatus,
    answer_by,
    check_altitude,
    check_request,
    price,
)
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
DAILY = CATALOG.item("daily_cleaning")


def test_more_units_and_options_are_priced_from_the_catalog():
    lines = price(
        DAILY,
        (
            Extra(ExtraKind.UNITS, 2),
            Extra(ExtraKind.OPTION, ref="fridge"),
            Extra(ExtraKind.OPTION, 3, ref="ironing"),  # per hour
            Extra(ExtraKind.AMOUNT, amount_cents=8000, reason=" 厨房重油污 "),
        ),
        RULES.pricing,
    )
    assert [line.amount_cents for line in lines] == [8000, 3000, 3000, 8000]
    assert {line.kind for line in lines} == {LineKind.SURCHARGE}
    assert lines[0].label.get("zh") == "现场加价:日常保洁 +2 小时"
    assert lines[2].label.get("zh") == "现场加价:衣物熨烫(每小时) × 3"
    assert lines[3].label.get("zh") == "现场加价:厨房重油污"
    fixed = price(DAILY, (Extra(ExtraKind.OPTION, 5, ref="fridge"),), RULES.pricing)
    assert fixed[0].amount_cents == 3000  # not per unit: once


def test_a_phone_number_in_the_workers_reason_is_masked_for_the_customer():
    reason = "厨房重油污 加我 13812345678"
    [line] = price(
        DAILY, (Extra(ExtraKind.AMOUNT, amount_cents=8000, reason=reason),), RULES.pricing
    )
    assert line.label.get("zh") == "现场加价:厨房重油污 加我 138****5678"


def test_high_altitude_only_where_the_item_allows_it():
    windows = next(i for c in CATALOG.categories for i in c.items if i.high_altitude)
    [line] = price(windows, (Extra(ExtraKind.ALTITUDE),), RULES.pricing)
    assert line.amount_cents == RULES.pricing.high_altitude_cents
    with pytest.raises(DomainError, match="没有高空作业"):
        price(DAILY, (Extra(ExtraKind.ALTITUDE),), RULES.pricing)


@pytest.mark.parametrize(
    "extras",
    [
        (),
        (Extra(ExtraKind.OPTION, ref="nope"),),
        (Extra(ExtraKind.UNITS, 0),),
        (Extra(ExtraKind.AMOUNT, amount_cents=0, reason="x"),),
        (Extra(ExtraKind.AMOUNT, amount_cents=100, reason="  "),),
    ],
)
def test_nothing_wrong_is_priced(extras):
    with pytest.raises(DomainError):
        price(DAILY, extras, RULES.pricing)


def test_a_request_needs_the_job_under_way_a_photo_and_to_stay_under_the_ceiling():
    lines = price(DAILY, (Extra(ExtraKind.UNITS, 1),), RULES.pricing)
    ex = RULES.execution
    check_request(OrderStatus.IN_SERVICE, lines, 1, ex)
    check_request(OrderStatus.ARRIVED, lines, 2, ex)
    for status in (OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY, OrderStatus.FINISHED):
        with pytest.raises(DomainError, match="打卡之后"):
            check_request(status, lines, 1, ex)
    with pytest.raises(DomainError, match="至少一张"):
        check_request(OrderStatus.IN_SERVICE, lines, 0, ex)
    with pytest.raises(DomainError, match="最多"):
        check_request(OrderStatus.IN_SERVICE, lines, 1, replace(ex, surcharge_max_cents=3999))
    now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert answer_by(now, ex) == now + timedelta(minutes=ex.surcharge_answer_minutes)


def _surcharge(status: SurchargeStatus, extras: tuple[Extra, ...]) -> Surcharge:
    lines = price(DEEP, extras, RULES.pricing)
    return Surcharge(1, 240117, 7, lines, NOW, NOW + timedelta(minutes=15), status=status)


DEEP = CATALOG.item("deep_cleaning")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ALTITUDE = (Extra(ExtraKind.ALTITUDE),)
HOUR = (Extra(ExtraKind.UNITS, 1),)


def test_high_altitude_work_is_charged_once_per_order():
    check_altitude(ALTITUDE, False, ())  # the first time
    check_altitude(HOUR, True, (_surcharge(SurchargeStatus.APPROVED, ALTITUDE),))  # no altitude
    reason = (Extra(ExtraKind.AMOUNT, amount_cents=5000, reason="高空作业"),)  # an amount
    check_altitude(ALTITUDE, False, (_surcharge(SurchargeStatus.APPROVED, reason),))
    for status in (SurchargeStatus.DECLINED, SurchargeStatus.LAPSED):  # never charged
        check_altitude(ALTITUDE, False, (_surcharge(status, ALTITUDE),))
    refused = [
        (ALTITUDE * 2, False, ()),  # twice in one request
        (ALTITUDE, True, ()),  # the booking has it
        (ALTITUDE, False, (_surcharge(SurchargeStatus.APPROVED, ALTITUDE + HOUR),)),
        (ALTITUDE, False, (_surcharge(SurchargeStatus.REQUESTED, ALTITUDE),)),
    ]
    for extras, booked, earlier in refused:
        with pytest.raises(DomainError, match="高空作业已计费"):
            check_altitude(extras, booked, earlier)


def test_the_hours_unsent_photos_are_kept_are_a_rule_of_the_rules_file():
    import copy
    from importlib import resources

    import yaml

    from domain.errors import CatalogError
    from store.catalog_file import parse_catalog

    assert load_catalog()[1].execution.unsent_photo_hours == 24
    data = yaml.safe_load(resources.files("store").joinpath("demo_catalog.yaml").read_text())
    changed = copy.deepcopy(data)
    changed["rules"]["execution"]["unsent_photo_hours"] = 72
    assert parse_catalog(changed)[1].execution.unsent_photo_hours == 72
    changed["rules"]["execution"]["unsent_photo_hours"] = 0
    with pytest.raises(CatalogError, match="unsent_photo_hours"):
        parse_catalog(changed)
