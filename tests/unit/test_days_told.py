"""No day reaches a person as ISO (``2026-12-04``) or in the server's locale (``%b``): a
notice's, a refusal's and a screen's days are ``format_when``'s (``12月4日 周五`` / ``Fri 4 Dec``,
the year only when it matters), in the reader's language; a coupon refused says why in words."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from conversations.flows import booking_time_views, booking_views
from conversations.flows.dates import parse_when
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import to_admins, to_customer, to_worker
from conversations.services.views.quotes import _coupon_view
from conversations.state import Conversation
from domain.coupons import REFUSAL_TEXT, Coupon, CouponRefusal, CouponUnusable
from domain.moments import When
from domain.pricing import CouponKind, CouponTerms
from i18n import TABLES
from tests.unit.test_flows import CTX, NOW

TZ = ZoneInfo("Asia/Shanghai")
TEMPLATES = NoticeTemplates(TZ, lambda: NOW)
TODAY = date(2026, 12, 1)
CJK = re.compile(r"[\u3400-\u9fff]")


def _told(notice, lang: str) -> str:
    [said] = TEMPLATES.render(notice, "telegram", lang)
    return said.text


@pytest.mark.parametrize(
    ("lang", "shown"), [("zh", "合同于 12月4日 周五 提前终止"), ("en", "ends early on Fri 4 Dec:")]
)
def test_a_placement_ended_early_tells_its_day_as_a_day(lang, shown):
    on = When(date(2026, 12, 4), TODAY)
    notice = to_customer(1, "placement_terminated", number=7, on=on, days=3, fee=0, refund=0)
    told = _told(notice, lang)
    assert shown in told and "2026" not in told, told
    worker = _told(to_worker(2, "placement_ended_worker", number=7, on=on), lang)
    assert "2026" not in worker and ("12月4日 周五" if lang == "zh" else "Fri 4 Dec") in worker


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("zh", "将于 2027年12月31日 周五 到期"), ("en", "expires on Fri 31 Dec 2027")],
)
def test_a_certificate_a_year_off_tells_its_year(lang, shown):
    expires = When(date(2027, 12, 31), TODAY)
    document = {"zh": "健康证", "en": "health certificate"}
    told = _told(
        to_worker(2, "certificate_expiring", document=document, expires=expires, days=395), lang
    )
    assert shown in told, told
    admin = to_admins(
        "certificate_renewal_admin", worker="Li", worker_id=2, document=document, expires=expires
    )
    assert (
        "有效期至 2027年12月31日 周五" if lang == "zh" else "valid until Fri 31 Dec 2027"
    ) in _told(admin, lang)


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("zh", "有效期至 2027年12月1日 周三"), ("en", "valid until Wed 1 Dec 2027")],
)
def test_a_card_s_last_day_is_a_day_in_the_reader_s_language(lang, shown):
    until = When(date(2027, 12, 1), TODAY)
    notice = to_customer(1, "card_active", card_zh="次卡", card_en="card", visits=3, until=until)
    assert shown in _told(notice, lang)


def _coupon(until: datetime) -> Coupon:
    terms = CouponTerms("WELCOME-1", CouponKind.FIXED, 2000, 10000)
    return Coupon("WELCOME-1", terms, NOW, until, 1, "welcome")


@pytest.mark.parametrize(
    ("until", "zh", "en"),
    [
        # its last day next December: "12月8日 周二" alone would read as this one's
        (
            datetime(2027, 12, 8, 15, tzinfo=UTC),
            "(至2027年12月8日 周三)",
            "(until Wed 8 Dec 2027)",
        ),
        # next January, weeks away: no year needed
        (datetime(2027, 1, 6, 1, tzinfo=UTC), "(至1月6日 周三)", "(until Wed 6 Jan)"),
        # the last day is Shanghai's: 16:00 UTC on 7 Dec is 8 Dec there
        (datetime(2026, 12, 7, 16, 30, tzinfo=UTC), "(至12月8日 周二)", "(until Tue 8 Dec)"),
    ],
)
def test_the_coupon_picker_shows_a_coupon_s_year_when_it_matters(until, zh, en):
    label = _coupon_view(_coupon(until), NOW.astimezone(TZ).date(), TZ).label
    assert label.zh.endswith(zh), label.zh
    assert label.en.endswith(en), label.en


@pytest.mark.parametrize(
    ("coupon", "customer", "at", "reason"),
    [
        (_coupon(datetime(2027, 1, 6, tzinfo=UTC)), 2, NOW, CouponRefusal.NOT_YOURS),
        (
            Coupon("C-9", _coupon(NOW).terms, NOW, NOW, 1, used_order_id=5),
            1,
            NOW,
            CouponRefusal.USED,
        ),
        (
            _coupon(datetime(2027, 1, 6, tzinfo=UTC)),
            1,
            datetime(2026, 1, 1, tzinfo=UTC),
            CouponRefusal.NOT_YET,
        ),
        (
            _coupon(datetime(2026, 12, 1, tzinfo=UTC)),
            1,
            datetime(2026, 12, 2, tzinfo=UTC),
            CouponRefusal.EXPIRED,
        ),
    ],
)
def test_a_coupon_refused_gives_a_reason_and_words_never_its_code(coupon, customer, at, reason):
    with pytest.raises(CouponUnusable) as refused:
        coupon.check_usable(customer, at)
    assert refused.value.reason == reason
    zh, en = refused.value.text.get("zh"), refused.value.text.get("en")
    assert coupon.code not in zh and coupon.code not in en
    assert CJK.search(zh) and not CJK.search(en), (zh, en)


def test_every_coupon_refusal_has_its_words_in_both_languages():
    assert set(REFUSAL_TEXT) == set(CouponRefusal)
    for text in REFUSAL_TEXT.values():
        assert text.get("en") != text.get("zh") and not CJK.search(text.get("en"))


def test_a_coupon_held_by_its_customer_in_its_window_is_usable():
    _coupon(datetime(2027, 1, 6, tzinfo=UTC)).check_usable(1, NOW)


WHEN_ASKED = "什么时候上门?也可以直接回复,例如「{day} 下午3点」(可约 {days} 天内)。"
UNREAD = "没看懂日期,可以回复「明天」「{day}」或「周六 10点」(可约 {days} 天内)。"


def test_the_when_question_s_example_is_format_when_s_not_the_server_locale_s():
    ahead = CTX.rules.booking.max_days_ahead
    en = booking_time_views._when_question(CTX, Conversation(lang="en"), ahead).text
    zh = booking_time_views._when_question(CTX, Conversation(lang="zh"), ahead).text
    assert 'e.g. "Wed 25 Nov 3pm"' in en, en  # today 23 Nov: two days on
    assert "「11月25日 周三 下午3点」" in zh, zh
    for typed in ("Wed 25 Nov 3pm", "11月25日 周三 下午3点"):
        assert parse_when(typed, NOW.date()) == (date(2026, 11, 25), time(15))
    for msgid in (WHEN_ASKED, UNREAD):  # the month's name is not strftime's %b (the locale's)
        assert "%" not in TABLES["en"][msgid] and "{day}" in TABLES["en"][msgid]
    unread = booking_views.unreadable_date
    assert '"Wed 25 Nov"' in unread(CTX, Conversation(lang="en"), ahead).text
    assert "「11月25日 周三」" in unread(CTX, Conversation(lang="zh"), ahead).text
