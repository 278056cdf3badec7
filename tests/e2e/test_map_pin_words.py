"""A shared location without a label is written into the address as 地图定位 / Map pin, in
the customer's language: every reader sees that label in their own (the rest is the
customer's own words), never a Chinese word on an English screen."""

import pytest

from domain.privacy import address_shown
from tests.e2e.helpers import Clock, TelegramUser, book_and_pay, make_app, on_telegram, seed_worker


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock: Clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


def test_the_map_pin_label_reads_in_the_readers_language_and_other_words_as_written():
    assert address_shown("地图定位 8楼801", "en") == "Map pin 8楼801"
    assert address_shown("Map pin Flat 801", "zh") == "地图定位 Flat 801"
    assert address_shown("地图定位 8楼801", "zh") == "地图定位 8楼801"
    assert address_shown("人民广场 8楼801", "en") == "人民广场 8楼801"


async def test_an_english_worker_and_customer_read_a_pinned_address_in_english(tg, fake_telegram):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="650001")
    customer = TelegramUser(client, fake_telegram, 650101)
    number = await book_and_pay(customer)  # in Chinese: the address is 地图定位 8楼801
    worker = TelegramUser(client, fake_telegram, 650001, lang="en")
    await worker.say("English")
    await worker.say(f"/accept #{number}")
    assert "Address: Map pin 8楼801\n" in worker.text(), worker.text()
    await worker.say("/jobs")
    assert "Map pin 8楼801" in worker.text() and "地图定位" not in worker.text()
    await customer.say("English")
    await customer.say("My orders")
    await customer.choose(f"#{number}")
    assert "Address: Map pin 8楼801\n" in customer.text(), customer.text()
    await customer.say("menu")
    await customer.choose("Book a service")
    for option in ("Cleaning", "Daily", "2 h"):
        await customer.choose(option)
    await customer.say("tomorrow 16:00")
    assert "Map pin 8楼801" in [b["text"] for b in customer.options()], customer.text()
