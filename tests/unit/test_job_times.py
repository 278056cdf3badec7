"""A worker sets off and checks in only so long before the booked start (``ExecutionRules``):
the refusal names the earliest moment, by the hour on the same day, with the date otherwise."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import i18n  # noqa: F401 - installs the translations Text.get reads
from domain.execution import CHECK_IN_STATUSES, TooEarly, check_not_early, due_for_check_in
from domain.lifecycle import OrderStatus

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai


@pytest.mark.parametrize("minutes_early", [180, 60, 0, -30])
def test_on_time_or_later_is_allowed(minutes_early):
    check_not_early(START, START - timedelta(minutes=minutes_early), 180, TZ, check_in=False)


def test_setting_off_the_day_before_is_refused_with_the_date_and_hour():
    with pytest.raises(TooEarly) as refused:
        check_not_early(START, START - timedelta(hours=20), 180, TZ, check_in=False)
    assert refused.value.text.get("zh") == "还没到出发时间:最早 11月24日 周二 12:00 可以出发"


def test_checking_in_early_the_same_day_names_the_hour():
    with pytest.raises(TooEarly) as refused:
        check_not_early(START, START - timedelta(minutes=61), 60, TZ, check_in=True)
    assert refused.value.text.get("en").startswith("Not yet time to check in")
    assert "14:00" in refused.value.text.get("zh")


@pytest.mark.parametrize("minutes_early", [120, 61, 60, 0, -90, -60 * 24])
@pytest.mark.parametrize("status", list(OrderStatus))
def test_a_job_is_due_for_check_in_exactly_when_checking_in_to_it_is_not_refused(
    status, minutes_early
):
    """A location shared at the menu checks in to the jobs ``due_for_check_in``: the jobs
    打卡 #N takes now (not at the door yet, not early), and no others."""
    now = START - timedelta(minutes=minutes_early)
    try:
        check_not_early(START, now, 60, TZ, check_in=True)
        early = False
    except TooEarly:
        early = True
    due = due_for_check_in(status, START, now, 60)
    assert due is (status in CHECK_IN_STATUSES and not early)
    assert {OrderStatus.ACCEPTED, OrderStatus.ON_THE_WAY} == CHECK_IN_STATUSES


@pytest.mark.parametrize(
    ("given", "right"),
    [
        ("0427", True),
        ("0 4 2 7", True),
        ("０４２７", True),
        ("427", False),
        ("04270", False),
        ("04a27", False),
        ("验证码是 0427", True),  # said in a sentence: it was "请输入 4 位数字验证码"
        ("code: ０４２７ thanks", True),
        ("验证码 0 4 2 7", True),
        ("订单 240117 验证码 0427", False),  # two numbers: which is the code is not guessed
        ("验证码是 0428", False),
        ("", False),
    ],
)
def test_the_visit_code_is_read_as_typed_or_read_out(given, right):
    from domain.execution import visit_code_matches

    assert visit_code_matches("0427", given) is right
    assert visit_code_matches("", given) is False  # an order without a code matches nothing
