"""A button that WeChat shows as words to reply with ("可回复:评价本次服务 #240117") is read
back as that very button when those words are typed: every ``act:`` button of a notice
template and of a flow, in Chinese and English, names its action (and its order)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversations.flows.typed_commands import parse
from domain.text import N_

ROOT = Path(__file__).resolve().parents[2]
NUMBER = 240117
TEMPLATE_BUTTON = re.compile(r'\["act:(\w+)[^,\]]*,\s*"([^"]*)"')
FLOW_BUTTON = re.compile(r'Option\(\s*f"act:(\w+)[^"]*",\s*tr\(conv,\s*"([^"]*)"')
NUMBER_PARAM = re.compile(r"#\{(\w+)\}")


def template_buttons() -> set[tuple[str, str]]:
    """(action, the words a person types) of every notice template's ``act:`` button."""
    found = set()
    for path in (ROOT / "conversations" / "templates" / "notify").rglob("*.j2"):
        for name, label in TEMPLATE_BUTTON.findall(path.read_text(encoding="utf-8")):
            words = label.replace("%d", "").strip()
            found.add((name, f"{words}{NUMBER}" if words.endswith("#") else words))
    return found


def flow_buttons() -> set[tuple[str, str]]:
    """(action, its label in Chinese and in English) of the flows' ``act:`` buttons named by
    an order's number alone."""
    found = set()
    for path in (ROOT / "conversations" / "flows").glob("*.py"):
        for name, msgid in FLOW_BUTTON.findall(path.read_text(encoding="utf-8")):
            if "{" in NUMBER_PARAM.sub("", msgid):
                continue  # a label built from data (a stage's name): read as a choice
            params = {p: NUMBER for p in NUMBER_PARAM.findall(msgid)}
            for lang in ("zh", "en"):
                found.add((name, N_(msgid, **params).get(lang)))
    return found


def test_there_are_buttons_to_check():
    assert len(template_buttons()) > 20 and len(flow_buttons()) > 10


@pytest.mark.parametrize(("name", "words"), sorted(template_buttons() | flow_buttons()))
def test_the_words_of_a_button_name_its_action(name, words):
    got = parse(words)
    assert got is not None, f"{words!r} is not read as {name}"
    assert got.name == name
    if str(NUMBER) in words:
        assert got.number == NUMBER
