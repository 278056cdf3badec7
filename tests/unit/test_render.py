"""Replies as numbered text for channels without buttons (WeChat): in the reader's language,
and no prompt speaks of a button such a channel does not have."""

from bots.render import as_text
from conversations.flows import start
from conversations.flows.base import Ctx
from conversations.replies import Ask, AskLocation, Option
from conversations.state import Conversation
from tests.unit.test_flows import CTX

CHOICES = Ask("?", (Option("a", "A"), Option("b", "B")))


def test_numbered_choices_and_hints_are_in_one_language():
    zh, en = as_text(CHOICES, "zh"), as_text(CHOICES, "en")
    assert zh.endswith("回复序号即可选择") and en.endswith("Reply with a number")
    loose = Ask("?", CHOICES.options, numbered=False)
    assert "可回复:" in as_text(loose, "zh") and "Reply with:" in as_text(loose, "en")
    assert "位置" in as_text(AskLocation("地址?"), "zh")
    assert "Location" in as_text(AskLocation("Address?"), "en")


def test_the_phone_question_speaks_of_no_button():
    ctx: Ctx = CTX
    for lang in ("zh", "en"):
        conv = Conversation(flow="start", step="phone", lang=lang)
        (question,) = start.ask(ctx, conv).replies
        text = as_text(question, lang)
        assert "按钮" not in text and "button" not in text.lower(), text
