"""A document's expiry is a day to come: a month and day typed without a year is the next
such day ("11月1日" on 7 December is next November's), where a booking's "when" reads the
nearer one; a day already past (or today) is refused saying the document has run out. The
worker sign-up's health certificate and a renewal in chat read it the same way. A birthday
has no year to guess (any month and day is kept)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from conversations.events import TextReceived
from conversations.flows import renewal, worker_signup
from conversations.flows.base import Ctx
from conversations.flows.dates import Toward, day_to_come, names_impossible_date, parse_when
from conversations.flows.flow_state import keep
from conversations.flows.me_birthday import read_birthday
from conversations.flows.worker_signup_data import SignupData
from conversations.replies import Say
from conversations.state import Conversation
from conversations.understanding.when import read_when
from domain import commands as c
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 on Monday 7 December in Shanghai
TODAY = date(2026, 12, 7)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("11月1日", date(2027, 11, 1)),
        ("十一月一号", date(2027, 11, 1)),
        ("11-01", date(2027, 11, 1)),
        ("1 Nov", date(2027, 11, 1)),
        ("Dec 1", date(2027, 12, 1)),
        ("12月25日", date(2026, 12, 25)),
        ("1月2日", date(2027, 1, 2)),
        ("12月7日", TODAY),  # today: the caller refuses it as run out
        ("2月29日", date(2028, 2, 29)),  # the next year that has one
        ("2027-06-30", date(2027, 6, 30)),
        ("2026-11-01", date(2026, 11, 1)),  # a year typed is kept, past or not
        ("2027年3月1日", date(2027, 3, 1)),
        # a month's end: its last day, the next one to come
        ("6月底", date(2027, 6, 30)),
        ("明年六月底", date(2027, 6, 30)),
        ("2028年6月末", date(2028, 6, 30)),
        ("12月底", date(2026, 12, 31)),
        ("11月底", date(2027, 11, 30)),
        ("2月底", date(2027, 2, 28)),
        ("后年2月底", date(2028, 2, 29)),
        ("end of June", date(2027, 6, 30)),
        ("the end of next June", date(2027, 6, 30)),
        ("end of next December", date(2027, 12, 31)),  # not this month's
        ("end of June 2028", date(2028, 6, 30)),
    ],
)
def test_a_day_to_come_is_the_next_such_month_and_day(typed, day):
    assert day_to_come(typed, TODAY) == day


def test_a_months_end_is_no_day_to_book_a_visit_on():
    """A visit booked "6月底前" is "by the end of June", not on the 30th: asked, not read."""
    for typed in ("6月底", "end of June"):
        assert parse_when(typed, TODAY) == (None, None)
    assert day_to_come("十三月底", TODAY) is None  # no such month: not read


def test_when_to_come_still_reads_the_nearer_month_and_day():
    assert parse_when("11月1日", TODAY)[0] == date(2026, 11, 1)
    assert read_when("11月1日", TODAY, toward=Toward.FUTURE).day == date(2027, 11, 1)


def test_a_day_that_never_exists_is_still_told_as_one_ahead():
    assert day_to_come("2月30日", TODAY) is None
    assert names_impossible_date("2月30日", TODAY, toward=Toward.FUTURE)
    assert not names_impossible_date("2月29日", TODAY, toward=Toward.FUTURE)


def signing_up(conv_step: str = "health_expiry") -> Conversation:
    conv = Conversation(flow=worker_signup.NAME, step=conv_step, lang="zh", role="worker")
    data = SignupData(
        name="王师傅",
        phone="13900004401",
        skills=("cleaning",),
        districts=("徐汇区",),
        documents=(("id_front", "a"), ("health", "b")),
    )
    conv.data[worker_signup.NAME] = data.to_json()
    return conv


def typed_text(text: str) -> TextReceived:
    return TextReceived(channel="telegram", user_id="1", at=NOW, text=text)


def said(outcome) -> str:
    return " ".join(r.text for r in outcome.replies if isinstance(r, Say))


def test_a_health_certificate_typed_as_a_month_and_day_expires_next_year():
    conv = signing_up()
    outcome = worker_signup.on_expiry(CTX, conv, typed_text("11月1日"))
    assert not outcome.replies
    kept = SignupData.from_json(conv.data[worker_signup.NAME])
    assert kept is not None and kept.health_expiry == date(2027, 11, 1)


@pytest.mark.parametrize("typed", ["2026-11-01", "2026年12月1日", "12月7日", "today", "今天"])
def test_a_health_certificate_already_run_out_is_refused_saying_so(typed):
    conv = signing_up()
    outcome = worker_signup.on_expiry(CTX, conv, typed_text(typed))
    assert "已到期" in said(outcome) and "新证" in said(outcome), typed
    kept = SignupData.from_json(conv.data[worker_signup.NAME])
    assert kept is not None and kept.health_expiry is None


def test_a_run_out_expiry_is_refused_in_english_too():
    conv = replace(signing_up(), lang="en")
    outcome = worker_signup.on_expiry(CTX, conv, typed_text("2026-11-01"))
    assert "1 Nov" in said(outcome) and "expired" in said(outcome)


@pytest.mark.parametrize("typed", ["不知道", "下个月中", "someday"])
def test_a_date_not_understood_is_asked_for_again_saying_so(typed):
    """Not read is not "in the past": the worker is told it was not understood, with an
    example, never asked for "a future date" as if the day had passed."""
    conv = signing_up()
    outcome = worker_signup.on_expiry(CTX, conv, typed_text(typed))
    assert said(outcome) == "没看懂这个日期,请输入证件上的有效期,例如 2027-06-30。", typed
    english = worker_signup.on_expiry(CTX, replace(conv, lang="en"), typed_text(typed))
    assert said(english) == (
        "I couldn't read that date. Please type the expiry date on the document, e.g. 2027-06-30."
    )
    assert "future" not in said(english) and "expired" not in said(english)


def test_a_health_certificate_running_to_a_months_end_expires_on_its_last_day():
    conv = signing_up()
    outcome = worker_signup.on_expiry(CTX, conv, typed_text("明年六月底"))
    assert not outcome.replies
    kept = SignupData.from_json(conv.data[worker_signup.NAME])
    assert kept is not None and kept.health_expiry == date(2027, 6, 30)


def renewing() -> Conversation:
    conv = Conversation(flow=renewal.NAME, step="expiry", lang="zh", worker_id=9, role="worker")
    keep(conv, renewal.NAME, renewal.RenewalData(kind="health", path="workers/new.jpg"))
    return conv


def test_a_renewed_document_typed_as_a_month_and_day_expires_next_year():
    outcome = renewal.on_expiry(CTX, renewing(), typed_text("11月1日"))
    assert outcome.commands == [c.RenewCertificate(9, "health", "workers/new.jpg", "2027-11-01")]


def test_a_renewed_document_running_to_the_end_of_a_month_expires_on_its_last_day():
    outcome = renewal.on_expiry(CTX, renewing(), typed_text("end of next June"))
    assert outcome.commands == [c.RenewCertificate(9, "health", "workers/new.jpg", "2027-06-30")]


def test_a_renewal_with_an_expiry_not_understood_says_so():
    outcome = renewal.on_expiry(CTX, renewing(), typed_text("不知道"))
    assert not outcome.commands and "没看懂这个日期" in said(outcome)


def test_a_renewal_with_an_expiry_already_past_is_refused_saying_so():
    outcome = renewal.on_expiry(CTX, renewing(), typed_text("2026-11-01"))
    assert not outcome.commands
    assert "已到期" in said(outcome)


@pytest.mark.parametrize(
    ("typed", "kept"), [("11月1日", "11-01"), ("12月1日", "12-01"), ("2月29日", "02-29")]
)
def test_a_birthday_keeps_the_month_and_day_whatever_today_is(typed, kept):
    assert read_birthday(typed) == kept
