"""帮助 names what a person can do since the relay chat, rescheduling and on-site extras came:
each word it names is one the conversation understands (``typed_commands``)."""

from __future__ import annotations

import pytest

from conversations.flows.help_text import help_text
from conversations.flows.typed_commands import parse
from conversations.state import Conversation


@pytest.mark.parametrize(
    ("role", "lang", "shown", "word"),
    [
        ("customer", "zh", "「联系师傅 #订单号」", "联系师傅 #240117"),
        ("customer", "en", "'contact worker #N'", "contact worker #240117"),
        ("worker", "zh", "「联系顾客 #订单号」", "联系顾客 #240117"),
        ("worker", "en", "'contact customer #N'", "contact customer #240117"),
    ],
)
def test_help_names_the_relay_words_and_they_are_understood(role, lang, shown, word):
    helped = help_text(Conversation(lang=lang, role=role))
    assert shown in helped
    typed = parse(word)
    assert typed is not None and typed.number == 240117
    assert typed.name == ("contact_worker" if role == "customer" else "contact_customer")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customers_are_told_extras_need_their_approval(lang):
    helped = help_text(Conversation(lang=lang))
    assert ("同意后才收费" if lang == "zh" else "only once you approve") in helped
