"""No internal id reaches a person: every value of an enum a screen shows has a name in each
language, the name is not the id, and the screens that show them print the name.

(tests/e2e/test_ids_reach_nobody.py reads a whole admin screen in Chinese for ids.)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.flows import (
    admin_after_sales_views,
    admin_views,
    after_sales_data,
    my_orders_views,
)
from conversations.services.views.quotes import _coupon_view
from conversations.state import Conversation
from domain.admin import ROLE_TEXT, AdminRole
from domain.aftersales import CUSTOMER_TAGS, DIMENSIONS, RESOLUTION_TEXT, Resolution
from domain.catalog import UNIT_TEXT, Unit
from domain.coupons import Coupon
from domain.geo import LOCATED_BY_TEXT
from domain.lifecycle import ACTION_TEXT, ACTOR_TEXT, STATUS_TEXT, Action, ActorKind, OrderStatus
from domain.oversight import Attention
from domain.people import DOCUMENT_TEXT, WORKER_STATUS_TEXT, WorkerStatus
from domain.pricing import CouponKind, CouponTerms
from domain.rules import ComplaintCategory
from domain.text import Lang, Phrase

LANGS = (Lang.ZH, Lang.EN)
RAW_IDS = ("owner", "ops", "finance", "support", "customer", "worker", "system")
CJK = re.compile(r"[\u4e00-\u9fff]")


def named(table: dict[str, Phrase] | dict[OrderStatus, Phrase], ids: list[str]) -> None:
    for key in ids:
        assert key in table, f"{key} has no name"
        chinese, english = (table[key].get(lang) for lang in LANGS)  # type: ignore[index]
        assert CJK.search(chinese) and key not in chinese, (key, chinese)
        assert english and not CJK.search(english) and "_" not in english, (key, english)


@pytest.mark.parametrize(
    ("table", "ids"),
    [
        (STATUS_TEXT, list(OrderStatus)),
        (ACTION_TEXT, list(Action)),
        (WORKER_STATUS_TEXT, [s.value for s in WorkerStatus]),
        (RESOLUTION_TEXT, [r.value for r in Resolution]),
        (UNIT_TEXT, list(Unit)),
        (admin_after_sales_views.CATEGORY, [c.value for c in ComplaintCategory]),
        (admin_views.FLAG_TEXT, [a.value for a in Attention]),
        (after_sales_data.DIMENSION_TEXT, list(DIMENSIONS)),
        (dict(CUSTOMER_TAGS), [key for key, _ in CUSTOMER_TAGS]),
        (dict(after_sales_data.CATEGORIES), [c.value for c in ComplaintCategory]),
        (DOCUMENT_TEXT, list(DOCUMENT_TEXT)),
        (ROLE_TEXT, list(AdminRole)),
        (ACTOR_TEXT, list(ActorKind)),
        (LOCATED_BY_TEXT, ["pin", "amap", "tencent", "offline"]),
    ],
    ids=lambda x: "" if isinstance(x, list) else None,
)
def test_each_id_has_a_name_in_each_language(table, ids):
    named(table, ids)


def conv(lang: str) -> Conversation:
    return Conversation(channel="telegram", lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_screens_print_names_not_ids(lang):
    c = conv(lang)
    for status in OrderStatus:
        assert admin_views.status(c, status.value) == STATUS_TEXT[status].get(lang)
    for resolution in Resolution:
        shown = RESOLUTION_TEXT[resolution.value].get(lang)
        assert admin_after_sales_views._how(c, resolution.value) == shown
        assert my_orders_views._how(c, resolution.value) == shown
    for category in ComplaintCategory:
        shown = admin_after_sales_views.CATEGORY[category.value].get(lang)
        assert admin_after_sales_views._cat(c, category.value) == shown
    for flag in Attention:
        assert admin_views._flag(c, flag.value) == admin_views.FLAG_TEXT[flag.value].get(lang)


@pytest.mark.parametrize("kind", list(CouponKind))
def test_a_coupon_is_shown_by_what_it_gives_never_by_its_code(kind):
    code = "WELCOME-8F3K2"
    terms = CouponTerms(code, kind, amount_cents=2000, off_bp=1500, threshold_cents=10000)
    start, end = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
    coupon = Coupon(code, terms, start, end, customer_id=1)
    label = _coupon_view(coupon, start.date(), ZoneInfo("Asia/Shanghai")).label
    for lang in LANGS:
        assert "WELCOME" not in label.get(lang) and "8F3K2" not in label.get(lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_refusal_names_roles_and_people_not_their_ids(lang):
    from domain.admin import check
    from domain.errors import DomainError
    from domain.lifecycle import next_status

    with pytest.raises(DomainError) as refused:
        check("support", "refund")
    with pytest.raises(DomainError) as not_theirs:
        next_status(OrderStatus.ACCEPTED, Action.RELEASE, ActorKind.CUSTOMER)
    for error in (refused.value, not_theirs.value):
        shown = error.text.get(lang)
        if lang == Lang.ZH:  # English names are the same words as the ids
            assert not any(raw in shown for raw in RAW_IDS), shown
    assert "老板" in refused.value.text.get(Lang.ZH)
    assert "只有服务师傅或管理员" in not_theirs.value.text.get(Lang.ZH)  # who may, by name
