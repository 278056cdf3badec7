"""typed_commands.parse looks up a handful of words by their first character; it must answer
what scanning every word, longest first, answers (the reference: the same parse over all
words)."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.flows import typed_commands


class _AllWords(dict):
    """An index that offers every word, longest first, whatever the first character."""

    def get(self, key, default=None):
        return [(w.casefold(), w, name, group) for w, name, group in typed_commands._WORDS]


def reference(text: str, slash: bool = False) -> typed_commands.Typed | None:
    """``typed_commands.parse`` checking every word instead of the first character's few."""
    with patch.object(typed_commands, "_BY_FIRST", _AllWords()):
        return typed_commands.parse(text, slash)


SUFFIXES = ["", " ", " 123456", " #1234567", "123456", "s", " kitchen", "@x", " before", "了"]


@pytest.mark.parametrize("word", sorted({w for w, _, _ in typed_commands._WORDS}))
def test_every_word_parses_as_the_full_scan_does(word: str) -> None:
    for suffix in SUFFIXES:
        for text in (
            word + suffix,
            word.upper() + suffix,
            f"/{word}{suffix}",
            f"  {word}{suffix}",
        ):
            assert typed_commands.parse(text) == reference(text), text
            assert typed_commands.parse(text, slash=True) == reference(text, slash=True), text


@given(
    st.sampled_from(["", *sorted({w for w, _, _ in typed_commands._WORDS})]),
    st.text(max_size=20),
    st.booleans(),
)
def test_any_text_parses_as_the_full_scan_does(word: str, text: str, slash: bool) -> None:
    for candidate in (text, word + text):
        assert typed_commands.parse(candidate, slash) == reference(candidate, slash)


def test_free_text_is_no_command() -> None:
    assert typed_commands.parse("明天 下午3点") is None
    assert typed_commands.parse("上海市徐汇区漕溪北路88号12楼1203") is None
