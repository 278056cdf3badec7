"""An English worker sets off and arrives with the words their job's buttons show ("on my way
#N", "check in #N") or "arrived #N", as a Chinese worker types 出发 / 到达 / 打卡 — and the same
words without an order number, written to the customer in the relay chat, reach the customer
rather than being read as a command. Telegram through the webhooks, SQLite and PostgreSQL."""

from __future__ import annotations

import random

from tests.e2e.helpers import (
    TelegramUser,
    book_and_pay,
    near_the_start,
    taken_by_a_worker,
    telegram_app,
)


def uid() -> int:
    return 8 * 10**9 + random.randrange(10**9)


async def test_an_english_worker_sets_off_and_arrives_in_english_words(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
    )
    customer_uid, worker_uid = uid(), uid()
    number = await book_and_pay(TelegramUser(client, fake_telegram, customer_uid))
    await taken_by_a_worker(app, number, str(worker_uid))
    worker = TelegramUser(client, fake_telegram, worker_uid, lang="en")
    await worker.say("English")
    await worker.say("jobs")
    assert f"On my way #{number}" in worker.text(), worker.text()  # a button's label

    # in the relay chat, a bare "on my way" is a message to the customer
    await worker.say(f"contact customer #{number}")
    await worker.say("on my way")
    assert f"Sent to the customer (#{number})" in worker.text(), worker.text()
    told = [m.get("text", "") for m in fake_telegram.sent(customer_uid)]
    assert any(f"#{number}" in t and "on my way" in t for t in told), told[-2:]
    await worker.say("end")

    await near_the_start(app, number)
    await worker.say(f"On my way {number}")  # typed, not the button's label
    await worker.say("30")  # minutes until they arrive
    assert f"The customer knows you're on the way (#{number})" in worker.text(), worker.text()
    await worker.say(f"arrived #{number}")
    assert f"At the door for #{number}, share your location to check in." in worker.text()


async def test_an_english_worker_opens_the_payout_account_with_its_buttons_words_anywhere(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    """A worker types "payout account" as the button reads and as the refused withdrawal
    tells, also where the screen shows no such button (it is not the admin's /payout with an
    argument)."""
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
    )
    customer_uid, worker_uid = uid(), uid()
    number = await book_and_pay(TelegramUser(client, fake_telegram, customer_uid))
    await taken_by_a_worker(app, number, str(worker_uid))
    worker = TelegramUser(client, fake_telegram, worker_uid, lang="en")
    await worker.say("English")
    await near_the_start(app, number)
    await worker.say(f"on my way #{number}")
    await worker.say(f"check in #{number}")  # a question with no buttons
    assert "Payout account" not in worker.text(), worker.text()
    await worker.say("payout account")
    assert "You have no payout account yet" in worker.text(), worker.text()
