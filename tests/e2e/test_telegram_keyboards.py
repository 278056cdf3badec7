"""A used inline keyboard goes away: the bot edits the pressed message's keyboard off
(editMessageReplyMarkup, alongside answerCallbackQuery), so an answered question cannot be
answered again by a stale tap."""

import asyncio

import pytest

from tests.e2e.helpers import Clock, TelegramUser, telegram_app
from tests.fakes.telegram import callback_update


@pytest.fixture
async def tg(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram):
    _, client = await telegram_app(
        aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock=Clock()
    )
    return client


def calls_since(fake, start: int) -> list[str]:
    return [method for method, _ in fake.calls[start:]]


async def test_a_pressed_button_takes_its_keyboard_away_in_the_same_round_trips(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 818181)
    await user.say("/start")
    question = user.last[-1]
    assert fake_telegram.keyboard(question["message_id"])  # the menu
    start = len(fake_telegram.calls)
    await user.choose("预约服务")
    [(_, edit)] = [c for c in fake_telegram.calls[start:] if c[0] == "editMessageReplyMarkup"]
    assert int(edit["chat_id"]) == 818181
    assert int(edit["message_id"]) == question["message_id"]
    assert edit["reply_markup"] == {}  # PTB's empty InlineKeyboardMarkup: no keyboard
    assert fake_telegram.keyboard(question["message_id"]) == []
    # the turn's Bot API requests: the acknowledgement and the edit, both started as the
    # update arrives; the reply rides on the webhook answer (recorded last), no sendMessage
    turn = calls_since(fake_telegram, start)
    assert sorted(turn[:2]) == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert turn[2:] == ["sendMessage"]
    assert "请选择服务类别" in user.text()


async def test_every_answered_question_loses_its_buttons_and_the_new_one_keeps_them(
    tg, fake_telegram
):
    user = TelegramUser(tg, fake_telegram, 828282)
    await user.say("/start")
    menu = user.last[-1]
    await user.choose("预约服务")
    categories = user.last[-1]
    await user.choose("保洁")
    assert fake_telegram.keyboard(menu["message_id"]) == []
    assert fake_telegram.keyboard(categories["message_id"]) == []
    assert fake_telegram.keyboard(user.last[-1]["message_id"])  # the open question keeps its


async def test_a_stale_tap_or_a_resent_press_is_answered_though_the_edit_fails(tg, fake_telegram):
    user = TelegramUser(tg, fake_telegram, 838383)
    await user.say("/start")
    question = user.last[-1]
    press = callback_update(838383, "book", question["message_id"])
    assert await user.post(press) == 200
    answer = user.last
    # Telegram sends the update again (our answer did not reach it): the keyboard is already
    # gone, Telegram says "not modified", and the first answer is given again
    assert await user.post(press) == 200
    assert [m["text"] for m in user.last] == [m["text"] for m in answer]
    # a press on a message the bot cannot edit (too old, or unknown): answered all the same
    assert await user.post(callback_update(838383, "book", 999_999)) == 200
    assert user.last and user.last[-1]["method"] == "sendMessage"
    edits = [p for m, p in fake_telegram.calls if m == "editMessageReplyMarkup"]
    assert len(edits) == 3
    assert all(p["reply_markup"] == {} for p in edits)


async def test_the_webhook_answer_does_not_wait_for_the_keyboards_edit(tg, fake_telegram):
    """The edit names a chat, so PTB's rate limiter paces it with the messages we send: the
    turn and its answer (the reply) go on without it."""
    user = TelegramUser(tg, fake_telegram, 848484)
    await user.say("/start")
    question = user.last[-1]
    fake_telegram.hold_edits = asyncio.Event()  # Telegram is slow to edit
    resp = await tg.post(
        "/telegram",
        json=callback_update(848484, "book", question["message_id"]),
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
    )
    assert resp.status == 200
    answer = await resp.json()
    assert answer["method"] == "sendMessage" and "请选择服务类别" in answer["text"]
    assert fake_telegram.keyboard(question["message_id"])  # not edited yet
    fake_telegram.hold_edits.set()
    await user.settled()
    assert fake_telegram.keyboard(question["message_id"]) == []


# PTB's RetryAfter warns, as it is made, of its retry_after's coming type (PTB's own 429s too)
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_an_edit_telegram_throttles_is_waited_out_and_sent_again(tg, fake_telegram):
    """The edit goes through PTB's rate limiter: a 429 is waited out (Telegram's retry_after,
    here 1 s) and the edit sent again; the turn's answer did not wait for it."""
    user = TelegramUser(tg, fake_telegram, 858585)
    await user.say("/start")
    question = user.last[-1]
    fake_telegram.throttle_edits = 1
    resp = await tg.post(
        "/telegram",
        json=callback_update(858585, "book", question["message_id"]),
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
    )
    assert resp.status == 200 and "请选择服务类别" in (await resp.json())["text"]
    sent = [p for m, p in fake_telegram.calls if m == "editMessageReplyMarkup"]
    assert len(sent) <= 1  # answered before the throttled edit was sent again
    await user.settled()
    edits = [p for m, p in fake_telegram.calls if m == "editMessageReplyMarkup"]
    assert [int(p["message_id"]) for p in edits] == [question["message_id"]] * 2
    assert fake_telegram.keyboard(question["message_id"]) == []
