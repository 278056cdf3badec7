"""A new customer's first message, whatever it is — a language switch, a command, a word every
screen answers — gets the welcome (greeting and new-customer offer) first, in the language
chosen, then the answer to what was asked, and no later message gets a second welcome. A
probe found "English", ``/lang``, ``/help`` and ``/menu`` answered without it (the welcome came
with the next message), and "帮助", "我的", ``/book`` welcomed but left unanswered."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import TelegramUser, WebUser, make_app, telegram_app

GREETING = {"zh": "您好,欢迎来到到家!", "en": "Welcome to daojia!"}
OFFER = {"zh": "送您一张新人券", "en": "Here is a welcome coupon"}
MENU = {
    "zh": "请选择您需要的服务",
    "en": "What can we do for you?",
}


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


async def first_words(client, text: str, lang: str = "zh-CN") -> WebUser:
    user = WebUser(client)
    await user.open()
    await user.send(type="text", text=text, lang=lang)
    return user


def assert_welcomed_first(said: list[str], lang: str) -> None:
    """The greeting opens the replies, the offer follows it, and there is one of each."""
    assert said[0] == GREETING[lang], said
    assert OFFER[lang] in said[1], said
    assert sum(GREETING[lang] in s for s in said) == 1, said


async def assert_never_welcomed_again(user: WebUser) -> None:
    await user.say("你好")
    assert not any("欢迎" in s or "Welcome" in s for s in texts(user.last)), user.last


@pytest.mark.parametrize("switch", ["English", "/lang"])
async def test_a_first_message_switching_to_english_is_welcomed_in_english(
    aiohttp_client, tmp_path, sqlite_url, pii_key, clock, switch
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=clock))
    user = await first_words(client, switch)
    said = texts(user.last)
    assert_welcomed_first(said, "en")
    assert MENU["en"] in said[-1] and not any("您" in s for s in said), said
    options = [o["label"] for r in user.last for o in r.get("options", ())]
    assert options[-1] == "中文"  # the first screen offers the other language, in itself
    await user.say("2")  # the second menu option by number, in English: My orders
    assert "no orders yet" in user.text()
    await assert_never_welcomed_again(user)


@pytest.mark.parametrize(
    ("first", "answer"),
    [
        ("/help", "我可以帮您"),
        ("帮助", "我可以帮您"),
        ("菜单", MENU["zh"]),
        ("/menu", MENU["zh"]),
        ("/cancel", MENU["zh"]),
        ("我的", "【我的】"),
        ("/book", "请选择服务类别"),
        ("/nonsense", "不认识的指令 /nonsense"),
    ],
)
async def test_a_first_message_that_is_a_command_is_welcomed_then_answered(
    aiohttp_client, tmp_path, sqlite_url, pii_key, clock, first, answer
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=clock))
    user = await first_words(client, first)
    said = texts(user.last)
    assert_welcomed_first(said, "zh")
    assert any(answer in s for s in said[2:]), said  # answered, after the welcome
    questions = [r for r in user.last if r["type"] == "ask"]
    assert len(questions) == 1, said  # one question closes the turn: none asked twice
    await assert_never_welcomed_again(user)


async def test_a_first_help_command_on_telegram_is_welcomed_then_answered(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock
):
    _, client = await telegram_app(
        aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock=clock
    )
    user = TelegramUser(client, fake_telegram, 770911)
    await user.say("/help")
    said = user.text()  # one message: the greeting, the offer, the help, the menu
    assert said.startswith(GREETING["zh"]), said
    assert said.index(OFFER["zh"]) < said.index("我可以帮您") < said.index(MENU["zh"]), said
    await user.say("/start")  # back later: no second welcome
    assert "新人券" not in user.text() and GREETING["zh"] not in user.text()
