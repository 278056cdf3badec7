"""A customer's standing as 我的 shows it — the level and the way to the next one, coupons by
name and terms — and who a completed referral rewards (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import i18n  # noqa: F401 - installs the catalogs' translator, as the app's import of it does
from domain.coupons import Coupon, held, source, takes_off
from domain.member_levels import LEVEL_TEXT, progress
from domain.membership import Standing, standing
from domain.people import Customer
from domain.pricing import CouponKind, CouponTerms
from domain.referrals import code_of, reward_due, scene
from domain.rules import MemberLevel, MembershipRules
from domain.text import Lang

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
RULES = MembershipRules()  # silver ¥2,000, gold ¥5,000, diamond ¥10,000


@pytest.mark.parametrize(
    ("spend", "level", "next_level", "missing"),
    [
        (0, MemberLevel.REGULAR, MemberLevel.SILVER, 200_000),
        (199_999, MemberLevel.REGULAR, MemberLevel.SILVER, 1),
        (200_000, MemberLevel.SILVER, MemberLevel.GOLD, 300_000),
        (730_000, MemberLevel.GOLD, MemberLevel.DIAMOND, 270_000),
        (1_000_000, MemberLevel.DIAMOND, None, 0),
    ],
)
def test_the_level_and_what_is_missing_to_the_next_follow_the_rules(
    spend, level, next_level, missing
):
    p = progress(spend, RULES)
    assert (p.level, p.next_level, p.missing_cents, p.spend_cents) == (
        level,
        next_level,
        missing,
        spend,
    )
    if next_level is not None:
        assert p.next_min_cents == RULES.level_min_spend_cents[next_level]


def test_the_thresholds_are_configuration():
    rules = MembershipRules(level_min_spend_cents={MemberLevel.GOLD: 10_000})
    assert progress(9_000, rules).next_level == MemberLevel.GOLD
    assert progress(10_000, rules).level == MemberLevel.GOLD


@pytest.mark.parametrize("lang", [Lang.ZH, Lang.EN])
def test_every_level_has_a_name_that_is_not_its_id(lang):
    for level in MemberLevel:
        name = LEVEL_TEXT[level].get(lang)
        assert name and name != level.value
        if lang == Lang.ZH:  # English names are the same words as the ids ("Gold member")
            assert level.value not in name.casefold()
        else:
            assert name[0].isupper() and "_" not in name


def coupon(reason: str, **kw) -> Coupon:
    terms = CouponTerms("R8F3K2A9B1", CouponKind.FIXED, amount_cents=5_000)
    fields = {"valid_from": NOW, "valid_until": NOW + timedelta(days=30), "customer_id": 1}
    return Coupon("R8F3K2A9B1", terms, **{**fields, **kw}, reason=reason)


@pytest.mark.parametrize(
    ("reason", "zh"),
    [
        ("welcome", "新人券"),
        ("referral 12", "邀请奖励券"),
        ("complaint 4", "售后补偿券"),
        ("admin:telegram:1", "赠券"),
        ("", "赠券"),
    ],
)
def test_a_coupon_is_named_by_where_it_came_from(reason, zh):
    c = coupon(reason)
    assert source(c).get(Lang.ZH) == zh
    assert "R8F3K2A9B1" not in source(c).get(Lang.EN)


def test_a_coupon_says_what_it_takes_off():
    assert takes_off(CouponTerms("x", CouponKind.FIXED, amount_cents=5_000)).get("zh") == (
        "立减¥50.00"
    )
    over = CouponTerms("x", CouponKind.FIXED, amount_cents=2_000, threshold_cents=10_000)
    assert takes_off(over).get("zh") == "满¥100.00减¥20.00"
    assert takes_off(CouponTerms("x", CouponKind.PERCENT, off_bp=1_500)).get("zh") == "15% 折扣券"


def test_the_coupons_held_are_those_unused_and_unexpired_soonest_first():
    later = coupon("welcome", valid_until=NOW + timedelta(days=20), id=1)
    sooner = coupon("referral 3", valid_until=NOW + timedelta(days=2), id=2)
    used = coupon("welcome", used_order_id=9, id=3)
    expired = coupon("welcome", valid_until=NOW, id=4)
    upcoming = coupon("admin", valid_from=NOW + timedelta(days=1), id=5)
    assert held([later, used, expired, sooner, upcoming], NOW) == [sooner, later, upcoming]


def test_an_invitation_scene_carries_the_referral_code():
    assert scene("AB12CD34") == "ref_AB12CD34"
    assert code_of("ref_AB12CD34") == "AB12CD34"
    assert code_of(" ref_AB12CD34 ") == "AB12CD34"
    assert code_of("42") == code_of("") == code_of("REF_x") == ""
    assert len(code_of("ref_" + "A" * 100)) == 36


def person(id: int, phone: str = "", referred_by: int | None = None) -> Customer:
    return Customer(created_at=NOW, id=id, phone=phone, referred_by=referred_by)


def test_a_referral_is_rewarded_only_for_a_genuine_new_friend():
    inviter = person(1, "13800000001")
    friend = person(2, "13800000002", referred_by=1)
    assert reward_due(friend, inviter, others_with_phone=0)
    # nobody invited them, or the inviter is gone
    assert not reward_due(person(2, "13800000002"), inviter, 0)
    assert not reward_due(friend, None, 0)
    # inviting oneself: the same customer, or one's own phone on a second account
    assert not reward_due(person(1, "13800000001", referred_by=1), inviter, 0)
    assert not reward_due(person(2, "13800000001", referred_by=1), inviter, 1)
    # the phone is another existing customer's: a second account, not a new friend
    assert not reward_due(friend, inviter, others_with_phone=1)
    # no phone yet: nothing can be checked, nothing is due
    assert not reward_due(person(2, "", referred_by=1), inviter, 0)


KEEP = MembershipRules(level_keep_days=30)  # silver ¥2,000, gold ¥5,000, diamond ¥10,000
SILVER, GOLD = MemberLevel.SILVER, MemberLevel.GOLD


def test_a_level_reached_is_kept_until_its_review_whatever_the_spend_does():
    reached = standing(Standing(MemberLevel.REGULAR), 520_000, NOW, KEEP)
    assert reached == Standing(GOLD, NOW + timedelta(days=30))
    later = NOW + timedelta(days=10)  # a refund takes the spend under gold: kept
    assert standing(reached, 250_000, later, KEEP) == reached
    assert standing(reached, 0, later, KEEP) == reached
    again = standing(reached, 500_000, later, KEEP)  # gold reached again: kept afresh
    assert again == Standing(GOLD, later + timedelta(days=30))
    up = standing(reached, 1_000_000, later, KEEP)
    assert up == Standing(MemberLevel.DIAMOND, later + timedelta(days=30))
    review = NOW + timedelta(days=30)  # kept until then: reviewed by the spend
    assert standing(reached, 250_000, review, KEEP) == Standing(
        SILVER, review + timedelta(days=30)
    )
    assert standing(reached, 199_999, review, KEEP) == Standing(MemberLevel.REGULAR)


def test_a_level_follows_the_spend_at_once_when_none_is_kept():
    rules = MembershipRules(level_keep_days=0)
    gold = standing(Standing(MemberLevel.REGULAR), 500_000, NOW, rules)
    assert gold == Standing(GOLD)
    assert standing(gold, 250_000, NOW, rules) == Standing(SILVER)
    assert standing(Standing(GOLD), 0, NOW, KEEP) == Standing(MemberLevel.REGULAR)  # none kept


def test_a_kept_level_shows_the_way_to_the_level_above_it_and_until_when_it_is_kept():
    until = NOW + timedelta(days=20)
    p = progress(250_000, KEEP, Standing(GOLD, until), NOW)
    assert (p.level, p.next_level, p.missing_cents, p.kept_until) == (
        GOLD,
        MemberLevel.DIAMOND,
        750_000,
        until,
    )
    p = progress(520_000, KEEP, Standing(GOLD, until), NOW)  # the spend reaches it: no date
    assert (p.level, p.kept_until) == (GOLD, None)
    p = progress(250_000, KEEP, Standing(GOLD, until), until)  # due for review: the spend's
    assert (p.level, p.next_level, p.kept_until) == (SILVER, GOLD, None)
