"""The support chat's rating step, values in and out: the chat's ticket goes with each message
(so a ticket support closed meanwhile is rated, not replaced by a new one); the rating offers
to skip; the menu's buttons and a request leave it."""

from datetime import UTC, datetime

import pytest

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import support
from conversations.flows.base import Ctx
from conversations.replies import Ask, Say
from conversations.results.booking import SupportMessageSent
from conversations.results.support import TicketClosedMeanwhile, TicketEnded
from conversations.state import Conversation
from domain.commands import ContactSupport, RateTicket
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "web", "user_id": "u1", "at": NOW}


def chatting(lang: str = "zh") -> Conversation:
    conv = Conversation(flow="support", step="write", customer_id=7, lang=lang)
    conv.step = support.on_sent(CTX, conv, SupportMessageSent(12, opened=True)).step or ""
    return conv


def text(conv: Conversation, words: str):
    return support.TRANSITIONS[support.Step(conv.step), TextReceived](
        CTX, conv, TextReceived(**BASE, text=words)
    )


def test_a_message_in_the_chat_names_the_chat_s_ticket():
    conv = chatting()
    [cmd] = text(conv, "还有一个问题").commands
    assert isinstance(cmd, ContactSupport) and cmd.ticket_id == 12


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_support_closed_it_1_to_5_rates_that_ticket(lang):
    conv = chatting(lang)
    out = support.on_closed(CTX, conv, TicketClosedMeanwhile(12, "5"))
    assert out.commands == [RateTicket(7, 12, 5)] and out.step == support.Step.RATE


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_support_closed_it_anything_else_is_asked_again_with_skip(lang):
    conv = chatting(lang)
    out = support.on_closed(CTX, conv, TicketClosedMeanwhile(12, "6"))
    assert not out.commands and out.step == support.Step.RATE
    said, asked = out.replies
    assert isinstance(said, Say) and "T12" in said.text
    assert isinstance(asked, Ask) and "1–5" in asked.text
    assert asked.options[-1].key == support.SKIP
    assert asked.options[-1].label == ("跳过" if lang == "zh" else "Skip")
    conv.step = support.Step.RATE
    assert text(conv, "4 分").commands == [RateTicket(7, 12, 4)]  # still that ticket


def ended() -> Conversation:
    conv = chatting()
    out = support.on_ended(CTX, conv, TicketEnded(12))
    conv.step = out.step or ""
    return conv


def test_the_rating_says_how_to_skip_and_skipping_goes_to_the_menu():
    conv = ended()
    [asked] = support.ask(CTX, conv).replies
    assert isinstance(asked, Ask) and "跳过" in asked.text
    assert [o.key for o in asked.options] == ["5", "4", "3", "2", "1", support.SKIP]
    out = support.on_stars(CTX, conv, ChoiceMade(**BASE, key=support.SKIP))
    assert out.goto == "menu" and not out.commands and support.NAME not in conv.data
    assert text(ended(), "跳过").goto == "menu"


@pytest.mark.parametrize(
    ("words", "goto"),
    [("我的订单", "orders"), ("预约服务", "booking"), ("联系客服", "support")],
)
def test_the_menu_s_buttons_typed_at_the_rating_leave_it(words, goto):
    out = text(ended(), words)
    assert out.goto == goto and not out.commands


def test_a_request_at_the_rating_starts_the_booking_and_an_old_menu_button_works():
    out = text(ended(), "明天下午3点 日常保洁 3小时")
    assert out.goto == "booking" and not out.commands
    out = support.on_stars(CTX, ended(), ChoiceMade(**BASE, key="orders"))
    assert out.goto == "orders"


def test_other_words_at_the_rating_ask_again():
    out = text(ended(), "嗯")
    assert not out.commands and out.goto is None
    [asked] = out.replies
    assert isinstance(asked, Ask) and "1–5" in asked.text and "跳过" in asked.text
