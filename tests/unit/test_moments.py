"""A moment shown to a person is written one way (``domain.moments.format_when``), the booking
quote's: ``12月7日 周一 18:26`` in Chinese, ``Mon 7 Dec 18:26`` in English (where "12-07"
reads as 12 July to many readers), its year only when far from today — on screens
(``base.moment``), in notices (``When`` fields, the templates' ``when`` filter) and in the
dashboard; a span within a day writes the day once (``14:00–17:00``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bots.wechat_templates import TemplateMessages, WeChatTemplate
from conversations.flows.base import moment
from conversations.replies import Say
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import to_customer, to_worker
from conversations.state import Conversation
from domain.execution import TooEarly, check_not_early
from domain.moments import When, format_span, format_when
from domain.text import N_
from tests.unit.test_flows import CTX

TZ = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 12, 7, 10, 26, tzinfo=UTC)  # 18:26 in Shanghai, a Monday
TODAY = date(2026, 11, 23)  # CTX's


@pytest.mark.parametrize(
    ("lang", "at", "clock", "shown"),
    [
        ("zh", EVENING.astimezone(TZ), True, "12月7日 周一 18:26"),
        ("en", EVENING.astimezone(TZ), True, "Mon 7 Dec 18:26"),
        ("en", EVENING.astimezone(TZ), False, "Mon 7 Dec"),
        ("zh", date(2026, 1, 30), True, "1月30日 周五"),  # a day: no clock to write
        ("en", date(2026, 1, 30), True, "Fri 30 Jan"),
        (
            "zh",
            datetime(2027, 9, 1, 8, 5, tzinfo=TZ),
            True,
            "2027年9月1日 周三 08:05",
        ),  # far: its year
        ("en", datetime(2027, 9, 1, 8, 5, tzinfo=TZ), True, "Wed 1 Sep 2027 08:05"),
        (
            "zh",
            datetime(2027, 1, 4, 8, 5, tzinfo=TZ),
            True,
            "1月4日 周一 08:05",
        ),  # next year but near
    ],
)
def test_a_moment_is_written_as_the_quote_writes_it_with_its_weekday(lang, at, clock, shown):
    assert format_when(at, lang, TODAY, clock=clock) == shown


@pytest.mark.parametrize(("lang", "shown"), [("zh", "3月8日"), ("en", "8 Mar")])
def test_a_day_of_no_known_year_is_its_month_and_day_without_a_guessed_weekday(lang, shown):
    assert format_when(date(2000, 3, 8), lang, None) == shown


@pytest.mark.parametrize(
    ("lang", "within", "across", "days"),
    [
        (
            "zh",
            "12月7日 周一 14:00–17:00",
            "12月7日 周一 14:00 至 1月6日 周三 14:00",
            "12月1日 周二 至 12月7日 周一",
        ),
        (
            "en",
            "Mon 7 Dec 14:00–17:00",
            "Mon 7 Dec 14:00 to Wed 6 Jan 14:00",
            "Tue 1 Dec to Mon 7 Dec",
        ),
    ],
)
def test_a_span_writes_each_end_as_a_moment_and_a_day_once(lang, within, across, days):
    two = datetime(2026, 12, 7, 14, tzinfo=TZ), datetime(2026, 12, 7, 17, tzinfo=TZ)
    assert format_span(*two, lang, TODAY) == within
    assert format_span(two[0], datetime(2027, 1, 6, 14, tzinfo=TZ), lang, TODAY) == across
    assert format_span(date(2026, 12, 1), date(2026, 12, 7), lang, TODAY) == days
    assert (
        format_span(date(2026, 12, 7), date(2026, 12, 7), lang, TODAY)
        == days.split(" 至 " if lang == "zh" else " to ")[1]
    )


def test_a_screen_a_message_and_a_domain_refusal_write_a_moment_the_same_way():
    for lang, shown in (("zh", "12月7日 周一 18:26"), ("en", "Mon 7 Dec 18:26")):
        conv = Conversation(flow="menu", step="menu", lang=lang)
        assert moment(CTX, conv, EVENING) == shown
        local = When(EVENING.astimezone(TZ), TODAY)
        assert N_("最早 {when}", when=local).get(lang) == f"最早 {shown}"
    with pytest.raises(TooEarly) as refused:  # the day before: the day is named
        check_not_early(EVENING, EVENING.replace(day=6), 30, TZ, check_in=True)
    assert "12月7日 周一 17:56" in refused.value.text.get("zh")
    assert "Mon 7 Dec 17:56" in refused.value.text.get("en")
    with pytest.raises(TooEarly) as refused:  # the same day: its time alone
        check_not_early(EVENING, EVENING.replace(hour=8), 30, TZ, check_in=True)
    assert refused.value.text.get("zh").endswith("最早 17:56 可以打卡")


@pytest.mark.parametrize(
    ("lang", "shown"), [("zh", "12月7日 周一 18:26"), ("en", "Mon 7 Dec 18:26")]
)
def test_a_notice_writes_its_moments_in_the_readers_language(lang, shown):
    templates = NoticeTemplates(TZ, lambda: CTX.now)
    local = When(EVENING.astimezone(TZ), TODAY)
    moved = to_customer(5, "rescheduled", number=240117, when=local, fee=0)
    [said] = templates.render(moved, "telegram", lang)
    assert isinstance(said, Say) and shown in said.text, said.text
    meet = to_worker(7, "placement_interview_worker", number=240117, at=EVENING)
    assert shown in templates.render(meet, "telegram", lang)[0].text
    spec = WeChatTemplate(template_id="t1", fields={"time": "{{ at | when }}"})
    wechat = TemplateMessages({"placement_interview_worker": spec}, TZ, lambda: CTX.now)
    message = wechat.render(meet, "o-1", lang)
    assert message is not None and message["data"]["time"]["value"] == shown
