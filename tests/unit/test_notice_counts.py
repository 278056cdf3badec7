"""English notices count their days with the noun's number: "1 day", never "1 days" (an
admin's one-day coupon, a contract ended after its first day)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import to_admins, to_customer
from tests.unit.notice_samples import SAMPLES

TEMPLATES = NoticeTemplates(
    ZoneInfo("Asia/Shanghai"), lambda: datetime(2026, 11, 23, 1, tzinfo=UTC)
)


def _english(notice) -> str:
    return "\n".join(getattr(r, "text", "") for r in TEMPLATES.render(notice, "telegram", "en"))


@pytest.mark.parametrize(
    ("event", "to", "said"),
    [
        ("placement_end_asked", to_customer, "1 day served"),
        ("placement_end_asked_admin", to_admins, "1 day served"),
        ("coupon_issued", to_customer, "valid for 1 day;"),
        ("campaign_coupon", to_customer, "valid for 1 day ("),
        ("complaint_compensated", to_customer, "valid 1 day,"),
    ],
)
def test_one_day_is_one_day_in_english(event, to, said):
    data = {**SAMPLES[event], "days": 1}
    notice = to_admins(event, **data) if to is to_admins else to_customer(1, event, **data)
    text = _english(notice)
    assert said in text and "1 days" not in text, text
