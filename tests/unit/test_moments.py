"""A moment shown to a person is written one way (``domain.text.format_when``): ``12-07 18:26``
in Chinese, ``7 Dec 18:26`` in English, where "12-07" reads as 12 July to many readers — on
screens (``base.moment``), in notices (``When`` fields, the templates' ``when`` filter) and in
the dashboard."""

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
from domain.text import N_, When, format_when
from tests.unit.test_flows import CTX

TZ = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 12, 7, 10, 26, tzinfo=UTC)  # 18:26 in Shanghai


@pytest.mark.parametrize(
    ("lang", "at", "clock", "shown"),
    [
        ("zh", EVENING.astimezone(TZ), True, "12-07 18:26"),
        ("en", EVENING.astimezone(TZ), True, "7 Dec 18:26"),
        ("en", EVENING.astimezone(TZ), False, "7 Dec"),
        ("zh", date(2026, 1, 30), True, "01-30"),
        ("en", date(2026, 1, 30), True, "30 Jan"),
    ],
)
def test_a_moment_reads_unambiguously_in_english_and_as_before_in_chinese(lang, at, clock, shown):
    assert format_when(at, lang, clock=clock) == shown


def test_a_screen_a_message_and_a_domain_refusal_write_a_moment_the_same_way():
    for lang, shown in (("zh", "12-07 18:26"), ("en", "7 Dec 18:26")):
        conv = Conversation(flow="menu", step="menu", lang=lang)
        assert moment(CTX, conv, EVENING) == shown
        assert N_("最早 {when}", when=When(EVENING.astimezone(TZ))).get(lang) == f"最早 {shown}"
    with pytest.raises(TooEarly) as refused:  # the day before: the day is named
        check_not_early(EVENING, EVENING.replace(day=6), 30, TZ, check_in=True)
    assert "12-07 17:56" in refused.value.text.get("zh")
    assert "7 Dec 17:56" in refused.value.text.get("en")


@pytest.mark.parametrize(("lang", "shown"), [("zh", "12-07 18:26"), ("en", "7 Dec 18:26")])
def test_a_notice_writes_its_moments_in_the_readers_language(lang, shown):
    templates, local = NoticeTemplates(TZ), When(EVENING.astimezone(TZ))
    moved = to_customer(5, "rescheduled", number=240117, when=local, fee=0)
    [said] = templates.render(moved, "telegram", lang)
    assert isinstance(said, Say) and shown in said.text, said.text
    meet = to_worker(7, "placement_interview_worker", number=240117, at=EVENING)
    assert shown in templates.render(meet, "telegram", lang)[0].text
    spec = WeChatTemplate(template_id="t1", fields={"time": "{{ at | when }}"})
    wechat = TemplateMessages({"placement_interview_worker": spec}, TZ)
    message = wechat.render(meet, "o-1", lang)
    assert message is not None and message["data"]["time"]["value"] == shown
