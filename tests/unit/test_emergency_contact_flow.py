"""Reading a typed emergency contact (``conversations.flows.emergency_contact``)."""

from __future__ import annotations

import pytest

from conversations.flows.emergency_contact import read_contact


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("王芳 13812345678 母亲", ("王芳", "13812345678", "母亲")),
        ("王芳13812345678母亲", ("王芳", "13812345678", "母亲")),
        ("王芳,138-1234-5678", ("王芳", "13812345678", "")),
        ("13812345678 王芳 母亲", ("王芳", "13812345678", "母亲")),
        ("Wang Fang +85291234567 sister", ("Wang Fang", "+85291234567", "sister")),
        ("王芳　１３８－１２３４－５６７８　母亲", ("王芳", "13812345678", "母亲")),  # full-width
        ("Wang Fang ＋８５２９１２３４５６７ sister", ("Wang Fang", "+85291234567", "sister")),
    ],
)
def test_a_typed_contact_is_its_name_before_the_number_and_the_relation_after(typed, read):
    assert read_contact(typed) == read


@pytest.mark.parametrize("typed", ["13812345678", "王芳 母亲", "王芳 12345", ""])
def test_without_a_name_or_a_mobile_number_it_is_not_a_contact(typed):
    assert read_contact(typed) is None
