"""Campaign segments and reach, as pure rules: level by trailing spend, dormant (and too new to
be dormant), district by name with or without 区, bought item X, every condition together;
who a notice reaches (opt-out, WeChat's 48-hour window, template or nothing, blocked
accounts, another role's web pane); and how an admin writes a campaign."""

from datetime import UTC, datetime, timedelta

import pytest

from conversations.flows import campaign_words
from conversations.flows.base import Ctx
from domain import commands as c
from domain.campaigns import (
    Account,
    CustomerFacts,
    Delivery,
    Offer,
    Reach,
    Segment,
    deliveries,
    describe,
    in_window,
    matches,
    reach,
)
from domain.errors import DomainError
from domain.membership import Standing
from domain.rules import MemberLevel, MembershipRules
from store.catalog_file import load_catalog

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
RULES = MembershipRules()
CATALOG, SHOP_RULES = load_catalog()


def facts(**kw) -> CustomerFacts:
    base = {"customer_id": 1, "joined_at": NOW - timedelta(days=400)}
    return CustomerFacts(**{**base, **kw})


@pytest.mark.parametrize(
    ("spend_yuan", "level"),
    [
        (0, MemberLevel.REGULAR),
        (1_999, MemberLevel.REGULAR),
        (2_000, MemberLevel.SILVER),
        (5_000, MemberLevel.GOLD),
        (10_000, MemberLevel.DIAMOND),
    ],
)
def test_a_level_segment_takes_the_level_the_spend_reaches_exactly(spend_yuan, level):
    customer = facts(spend_cents=spend_yuan * 100)
    for candidate in MemberLevel:
        assert matches(Segment(level=candidate), customer, NOW, RULES) == (candidate == level)


def test_a_level_segment_takes_a_level_kept_above_the_spend_as_the_customer_holds_it():
    kept = Standing(MemberLevel.GOLD, NOW + timedelta(days=1))
    customer = facts(spend_cents=250_000, held=kept)  # silver spend, gold kept: gold
    assert matches(Segment(level=MemberLevel.GOLD), customer, NOW, RULES)
    assert not matches(Segment(level=MemberLevel.SILVER), customer, NOW, RULES)
    later = NOW + timedelta(days=1)  # due for review: the spend's level
    assert matches(Segment(level=MemberLevel.SILVER), customer, later, RULES)


def test_dormant_means_no_paid_order_for_that_long_and_a_customer_for_that_long():
    dormant = Segment(dormant_days=30)
    assert matches(dormant, facts(last_paid_at=NOW - timedelta(days=31)), NOW, RULES)
    assert matches(dormant, facts(last_paid_at=None), NOW, RULES)
    assert not matches(dormant, facts(last_paid_at=NOW - timedelta(days=29)), NOW, RULES)
    newcomer = facts(joined_at=NOW - timedelta(days=3))
    assert not matches(dormant, newcomer, NOW, RULES)


def test_a_district_matches_any_saved_address_with_or_without_its_suffix():
    customer = facts(districts=frozenset({"徐汇区", "静安区"}))
    assert matches(Segment(district="徐汇区"), customer, NOW, RULES)
    assert matches(Segment(district="静安"), customer, NOW, RULES)
    assert not matches(Segment(district="浦东新区"), customer, NOW, RULES)
    assert not matches(Segment(district="徐汇"), facts(), NOW, RULES)


def test_bought_item_x_needs_a_paid_order_of_it():
    customer = facts(items=frozenset({"daily_cleaning"}))
    assert matches(Segment(item_id="daily_cleaning"), customer, NOW, RULES)
    assert not matches(Segment(item_id="deep_cleaning"), customer, NOW, RULES)


def test_every_condition_must_hold_and_no_condition_is_everyone():
    customer = facts(
        spend_cents=600_000,
        last_paid_at=NOW - timedelta(days=60),
        districts=frozenset({"徐汇区"}),
        items=frozenset({"daily_cleaning"}),
    )
    every = Segment(MemberLevel.GOLD, 30, "徐汇区", "daily_cleaning")
    assert matches(every, customer, NOW, RULES)
    assert not matches(
        Segment(MemberLevel.GOLD, 90, "徐汇区", "daily_cleaning"), customer, NOW, RULES
    )
    assert matches(Segment(), facts(), NOW, RULES)


def test_the_segment_is_described_in_words_never_ids():
    words = [p.get("zh") for p in describe(Segment(MemberLevel.GOLD, 30, "徐汇区", "x"), None)]
    assert words == ["黄金会员", "30 天未下单", "地址在 徐汇区", "买过 x"]
    assert describe(Segment()) == []
    short = describe(Segment(district="徐汇"))  # as the admin typed it, named as it is
    assert [p.get("zh") for p in short] == ["地址在 徐汇区"]
    assert [p.get("en") for p in short] == ["address in Xuhui District"]


def test_wechat_is_told_in_its_window_by_text_outside_by_template_or_not_at_all():
    inside = Account("wechat", "o1", NOW - timedelta(hours=47))
    outside = Account("wechat", "o2", NOW - timedelta(hours=49))
    never = Account("wechat", "o3", None)
    assert in_window(inside.last_inbound_at, NOW, 48)
    assert not in_window(outside.last_inbound_at, NOW, 48)
    with_template = deliveries([inside, outside, never], NOW, window_hours=48, has_template=True)
    assert [(a.user_id, d) for a, d in with_template] == [
        ("o1", Delivery.TEXT),
        ("o2", Delivery.TEMPLATE),
        ("o3", Delivery.TEMPLATE),
    ]
    without = deliveries([inside, outside, never], NOW, window_hours=48, has_template=False)
    assert [(a.user_id, d) for a, d in without] == [("o1", Delivery.TEXT)]


def test_a_blocked_account_and_another_roles_web_pane_are_left_out():
    accounts = [
        Account("telegram", "1", unreachable=True),
        Account("web", "abc-worker"),
        Account("web", "abc-customer"),
        Account("telegram", "2"),
    ]
    found = deliveries(accounts, NOW, window_hours=48, has_template=False)
    assert [a.user_id for a, _ in found] == ["abc-customer", "2"]


def test_opted_out_customers_get_the_coupon_only_and_nobody_reachable_is_unreachable():
    route = [(Account("telegram", "1"), Delivery.TEXT)]
    assert reach(True, route) == Reach.OPTED_OUT
    assert reach(False, route) == Reach.SENT
    assert reach(False, []) == Reach.UNREACHABLE


def ctx() -> Ctx:
    return Ctx(CATALOG, SHOP_RULES, NOW, "https://daojia.example", "owner")


def test_a_campaign_is_written_with_chinese_or_english_keys_and_defaults_from_the_rules():
    m = SHOP_RULES.membership
    item = next(iter(CATALOG.items()))
    cmd = campaign_words.build(
        ctx(), "campaign", f"等级=黄金会员 沉睡=30天 区域=徐汇区 买过={item.name.zh}", "a", "owner"
    )
    defaults = Offer(
        m.campaign_coupon_cents, m.campaign_coupon_threshold_cents, m.campaign_coupon_days
    )
    assert cmd == c.PreviewCampaign(
        "a", "owner", Segment(MemberLevel.GOLD, 30, "徐汇区", item.id), defaults
    )
    english = campaign_words.build(
        ctx(),
        "campaign",
        f"level: Diamond bought={item.name.en} amount=30 threshold=0 days=7",
        "a",
        "owner",
    )
    assert english == c.PreviewCampaign(
        "a", "owner", Segment(MemberLevel.DIAMOND, item_id=item.id), Offer(3_000, 0, 7)
    )
    assert campaign_words.build(ctx(), "campaign", "send #12", "a", "owner") == c.StartCampaign(
        "a", "owner", 12
    )
    assert campaign_words.build(ctx(), "campaign", "确认 12", "a", "owner") == c.StartCampaign(
        "a", "owner", 12
    )


@pytest.mark.parametrize("args", ["", "沉睡=很久", "金额=-5", "hello", "天数=x"])
def test_a_malformed_campaign_shows_the_usage(args):
    assert campaign_words.build(ctx(), "campaign", args, "a", "owner") is None


def test_an_unknown_item_is_named():
    with pytest.raises(DomainError) as err:
        campaign_words.build(ctx(), "campaign", "买过=火箭维修", "a", "owner")
    assert "火箭维修" in err.value.text.get("zh")


@pytest.mark.parametrize("word", ["白金", "青铜", "platinum"])
def test_an_unknown_level_is_named_with_the_levels_there_are(word):
    """A mistyped level was answered with the whole usage, saying nothing of what was wrong."""
    with pytest.raises(DomainError) as err:
        campaign_words.build(ctx(), "campaign", f"等级={word} 金额=20", "a", "owner")
    zh, en = err.value.text.get("zh"), err.value.text.get("en")
    assert zh == f"没有会员等级 {word};可选:普通会员、白银会员、黄金会员、钻石会员"
    assert en.startswith(f"There is no member level {word}") and "Gold member" in en, en
