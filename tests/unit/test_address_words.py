"""The domain's rule for what can be an address (``domain.people.has_address_words``) and the
booking's reading of a typed answer to "where?" (``reads_as_address``): times and words with
nothing of an address are not one."""

from __future__ import annotations

from datetime import date

import pytest

from conversations.flows.booking_draft import reads_as_address
from domain.people import has_address_words

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    "text",
    [
        "浦东新区世纪大道100号 5楼",
        "阳光小区3栋1201室",
        "8楼801",
        "1702",
        "Block 5, flat 1702",
        "88 Caoxi North Rd, flat 1201",
        "Room 3, Building 2",
        "No. 8",
        "ＸＸ路",
    ],
)
def test_an_address_has_its_words(text):
    assert has_address_words(text)
    assert reads_as_address(text, TODAY)


@pytest.mark.parametrize("text", ["hello there", "你好呀师傅", "asdfgh", "🙂🙂🙂", "thanks a lot"])
def test_words_with_nothing_of_an_address_are_none(text):
    assert not has_address_words(text)
    assert not reads_as_address(text, TODAY)


@pytest.mark.parametrize(
    "text", ["明天下午三点", "today 11pm", "tomorrow at 3", "12月1日下午3点", "周六 10:00"]
)
def test_a_time_is_no_address(text):
    assert not reads_as_address(text, TODAY)


def test_an_address_that_names_a_day_like_number_is_still_one():
    assert reads_as_address("世纪大道8号", TODAY)
    assert reads_as_address("阳光城5号 1201", TODAY)
