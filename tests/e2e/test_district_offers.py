"""A job offered to a worker whose area is districts (no centre, so no distance to the job)
names the job's district in the worker's language and says no distance — never "(约 —)".
Telegram through the webhooks, SQLite and PostgreSQL."""

from __future__ import annotations

import random

from domain.people import ServiceArea
from tests.e2e.helpers import TelegramUser, book_and_pay, seed_worker, telegram_app
from webhooks.keys import DATABASE


def uid() -> int:
    return 6 * 10**9 + random.randrange(10**9)


async def serves_districts_only(app, worker_id: int, *districts: str) -> None:
    """The worker's area is these districts, as a sign-up naming districts leaves it."""
    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(worker_id)
        assert worker is not None
        worker.area = ServiceArea(None, 0, districts)
        await uow.workers.save(worker)
        await uow.commit()


async def test_an_offer_to_a_district_worker_names_the_district_and_no_distance(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
    )
    worker_uid = uid()
    worker_id = await seed_worker(app, channel="telegram", user_id=str(worker_uid))
    await serves_districts_only(app, worker_id, "黄浦区")  # the customers' home is there
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say("English")

    number = await book_and_pay(TelegramUser(client, fake_telegram, uid()))
    offer = fake_telegram.sent(worker_uid)[-1]["text"]
    assert f"#{number}" in offer and "\nWhere: Huangpu District " in offer, offer
    assert "about" not in offer and "—" not in offer, offer

    await worker.say(f"decline #{number}")
    await worker.say("中文")
    number = await book_and_pay(TelegramUser(client, fake_telegram, uid()), when="后天 15:00")
    offer = fake_telegram.sent(worker_uid)[-1]["text"]
    assert f"#{number}" in offer and "\n地点:黄浦区 " in offer, offer
    assert "约" not in offer and "—" not in offer, offer
