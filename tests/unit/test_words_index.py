"""words.parse looks up a handful of words by their first character; it must answer what
scanning every word, longest first, answers (the reference: parse as it was before)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations import words


def reference(text: str, slash: bool = False) -> words.Typed | None:
    raw = text.strip()
    if raw.startswith("/"):
        raw, slash = raw[1:], True
    low = raw.casefold()
    for word, name, group in words._WORDS:
        if not low.startswith(word.casefold()):
            continue
        rest = raw[len(word) :]
        if rest and not (rest[0].isspace() or rest[0] in "#0123456789@"):
            continue
        args = rest.strip()
        m = words._NUMBER.match(args)
        number = int(m.group(1)) if m else None
        if (
            not slash
            and group != "admin"
            and args
            and m is None
            and name not in ("photo", "withdraw")
        ):
            return None
        if not slash and group == "admin" and not args and name not in words.BARE_ADMIN:
            return None
        if not slash and name == "pay" and m is None:
            return None
        return words.Typed(group, name, args[m.end() :].strip() if m else args, number)
    return None


SUFFIXES = ["", " ", " 123456", " #1234567", "123456", "s", " kitchen", "@x", " before", "了"]


@pytest.mark.parametrize("word", sorted({w for w, _, _ in words._WORDS}))
def test_every_word_parses_as_the_full_scan_does(word: str) -> None:
    for suffix in SUFFIXES:
        for text in (
            word + suffix,
            word.upper() + suffix,
            f"/{word}{suffix}",
            f"  {word}{suffix}",
        ):
            assert words.parse(text) == reference(text), text
            assert words.parse(text, slash=True) == reference(text, slash=True), text


@given(
    st.sampled_from(["", *sorted({w for w, _, _ in words._WORDS})]),
    st.text(max_size=20),
    st.booleans(),
)
def test_any_text_parses_as_the_full_scan_does(word: str, text: str, slash: bool) -> None:
    for candidate in (text, word + text):
        assert words.parse(candidate, slash) == reference(candidate, slash)


def test_free_text_is_no_command() -> None:
    assert words.parse("明天 下午3点") is None
    assert words.parse("上海市徐汇区漕溪北路88号12楼1203") is None
