"""A worker who switches the chat's language gets their notices in it too: the switch is kept
on their worker record, which their job offers are written from — English after "English",
Chinese again after "中文". Telegram through the webhooks, SQLite and PostgreSQL."""

from __future__ import annotations

import random

from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, seed_worker, telegram_app
from webhooks.keys import DATABASE


def uid() -> int:
    return 7 * 10**9 + random.randrange(10**9)


async def test_a_workers_offers_follow_the_language_they_switch_the_chat_to(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
    )
    worker_uid = uid()
    worker_id = await seed_worker(app, channel="telegram", user_id=str(worker_uid), center=HOME)
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say("English")
    assert "Switched to English." in worker.text(), worker.text()
    number = await book_and_pay(TelegramUser(client, fake_telegram, uid()))
    offer = fake_telegram.sent(worker_uid)[-1]["text"]
    assert f"[New job] #{number}" in offer and "You earn" in offer, offer
    async with app[DATABASE].uow() as uow:
        assert (await uow.workers.get(worker_id)).lang == "en"

    await worker.say(f"decline #{number}")
    await worker.say("中文")
    assert "已切换为中文。" in worker.text(), worker.text()
    number = await book_and_pay(TelegramUser(client, fake_telegram, uid()), when="后天 15:00")
    offer = fake_telegram.sent(worker_uid)[-1]["text"]
    assert f"【新订单】#{number}" in offer and "预计收入" in offer, offer
    async with app[DATABASE].uow() as uow:
        assert (await uow.workers.get(worker_id)).lang == "zh"
