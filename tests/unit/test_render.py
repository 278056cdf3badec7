"""Replies as numbered text for channels without buttons (WeChat): in the reader's language,
and no prompt speaks of a button such a channel does not have."""

from bots.render import as_text
from conversations.flows.checkout_views import phone_question
from conversations.replies import Ask, AskLocation, Option
from conversations.state import Conversation

CHOICES = Ask("?", (Option("a", "A"), Option("b", "B")))


def test_numbered_choices_and_hints_are_in_one_language():
    zh, en = as_text(CHOICES, "zh"), as_text(CHOICES, "en")
    assert zh.endswith("回复序号即可选择") and en.endswith("Reply with a number")
    loose = Ask("?", CHOICES.options, numbered=False)
    assert "可回复:" in as_text(loose, "zh") and "Reply with:" in as_text(loose, "en")
    assert "位置" in as_text(AskLocation("地址?"), "zh")
    assert "Location" in as_text(AskLocation("Address?"), "en")


def test_the_phone_question_speaks_of_no_button():
    for lang in ("zh", "en"):
        conv = Conversation(flow="checkout", step="phone", lang=lang)
        for question in phone_question(conv):
            text = as_text(question, lang)
            assert "按钮" not in text and "button" not in text.lower(), text


def test_the_address_question_offers_the_location_once():
    from bots.telegram_messages import messages
    from conversations.flows.booking_views import address_question

    for lang, word in (("zh", "位置"), ("en", "location")):
        replies = address_question(Conversation(lang=lang), ())
        [call] = messages(replies)  # Telegram: one message, the location as a button
        assert call["text"].lower().count(word) == 1, call["text"]
        wechat = "\n".join(as_text(r, lang) for r in replies)
        assert wechat.lower().count(word) in (1, 2), wechat  # the hint says where to tap


def test_photos_and_links_are_named_links_never_a_bare_url():
    from conversations.replies import Link, Photo

    url = "https://d.example/media/a.png?e=1&s=ff"
    assert as_text(Photo(url), "zh") == f'<a href="{url}">查看照片</a>'
    assert as_text(Photo(url), "en") == f'<a href="{url}">View photo</a>'
    assert as_text(Photo(url, "身份证"), "zh") == f'<a href="{url}">身份证</a>'
    assert as_text(Link("", url, "查看照片"), "zh") == f'<a href="{url}">查看照片</a>'
    assert as_text(Photo('https://d.example/"x'), "zh").startswith(
        '<a href="https://d.example/%22x"'
    )
