"""The customer's after-sales flow driven with the typed results of its commands."""

from datetime import UTC, datetime

from conversations.flows import after_sales
from conversations.flows.base import Ctx
from conversations.replies import Say
from conversations.results.after_sales import ComplaintFiled, OrderRated, ReworkBooked
from conversations.state import Conversation
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")


def conv(step: str, lang: str = "zh", role: str = "customer") -> Conversation:
    return Conversation(
        flow="feedback",
        step=step,
        lang=lang,
        role=role,
        customer_id=5,
        data={"feedback": {"number": 240117}},
    )


def test_a_complaint_settled_by_the_rules_says_the_refund_else_when_support_answers():
    c = conv("photos")
    out = after_sales.on_complaint_filed(CTX, c, ComplaintFiled(7, 240117, True, 2_000, 30))
    assert out.goto == "menu" and "feedback" not in c.data
    assert out.replies == [
        Say("投诉 7 已按规则处理:退款 ¥20.00,将原路退回。如仍有问题,请联系客服。")
    ]
    out = after_sales.on_complaint_filed(
        CTX, conv("photos", "en"), ComplaintFiled(7, 240117, False, 0, 30)
    )
    assert "Complaint 7 about #240117 is in; support will answer within 30 minutes" in (
        out.replies[0].text
    )


def test_a_rating_is_thanked_with_its_stars_and_a_low_one_is_followed_up():
    out = after_sales.on_rated(CTX, conv("review"), OrderRated(240117, 475, False))
    assert out.replies == [Say("感谢评价!订单 #240117 综合 4.7 星。")]
    low = after_sales.on_rated(CTX, conv("review", "en"), OrderRated(240117, 200, True))
    assert low.replies[0].text.endswith("our team will follow up.")
    assert "2.0 stars overall" in low.replies[0].text


def test_a_booked_rework_says_its_new_order_and_local_time():
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    c = conv("rework_time")
    out = after_sales.on_rework_booked(CTX, c, ReworkBooked(240200, 240117, start))
    assert out.goto == "menu" and "feedback" not in c.data
    assert "#240117 的免费返工:新订单 #240200,11月24日 周二 10:00,无需付款" in out.replies[0].text
