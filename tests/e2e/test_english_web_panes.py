"""An English speaker plays the web chat as the demo's guide tells, and reads English only:
an address typed in English, a prepaid card's pay page, the owner's ``/stats`` (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re

import pytest

from domain.gazetteer import locate
from tests.e2e.helpers import TelegramUser, WebUser, make_app, on_telegram, seed_worker
from tests.random_refs import phone

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
"""Chinese characters and Chinese (full-width) punctuation."""
ADDRESS = "88 Caoxi North Road, Xuhui District, Room 1201"
OWNER = 880_771


class EnglishWebUser(WebUser):
    """A person in the web chat whose browser speaks English."""

    async def send(self, **message):
        message.setdefault("lang", "en-US")
        return await super().send(**message)


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        admins=f"telegram:{OWNER}:owner",
        **on_telegram(fake_telegram),
    )
    return app, await aiohttp_client(app)


async def signed_up(client) -> EnglishWebUser:
    customer = EnglishWebUser(client)
    await customer.open()
    await customer.say("hi")
    assert "Book a service" in customer.text(), customer.text()
    return customer


async def test_the_pages_english_has_no_chinese_in_it(shop):
    """What an English browser shows of the page: the parts only it shows and the English
    the page swaps in (``data-en``); the brand "到家" is the one Chinese it keeps."""
    _, client = shop
    html = await (await client.get("/")).text()
    english = re.findall(r'<(\w+)[^>]*data-only="en"[^>]*>(.*?)</\1>', html, re.S)
    swapped = re.findall(r'data-en(?:-[\w-]+)?="([^"]*)"', html)
    assert english and swapped
    for text in [inner for _, inner in english] + swapped:
        assert not HAN.search(text.replace("到家", "")), text


async def test_a_job_at_an_address_typed_in_english_is_offered_masked_without_chinese(
    shop, fake_telegram
):
    app, client = shop
    xuhui = locate(ADDRESS)
    assert xuhui is not None
    worker_uid = 7_300_000_000 + int(phone()[-6:])
    await seed_worker(
        app, channel="telegram", user_id=str(worker_uid), center=(xuhui.point.lat, xuhui.point.lon)
    )
    worker = TelegramUser(client, fake_telegram, worker_uid, lang="en")
    await worker.say("English")

    customer = await signed_up(client)
    for option in ("Book a service", "Cleaning", "Daily cleaning", "2 hours", "13:00"):
        await customer.choose(option)
    await customer.say(ADDRESS)
    await customer.choose("Confirm order")
    await customer.send(type="contact", phone=customer.phone)
    await customer.choose("Pay ¥")
    assert "Paid" in customer.text(), customer.text()

    offer = fake_telegram.sent(worker_uid)[-1]["text"]
    where = next(line for line in offer.splitlines() if line.startswith("Where:"))
    # the district and the road; no number, no flat, no 号 (a Chinese address's number)
    assert where.startswith("Where: Xuhui District ** Caoxi North Road… "), offer
    assert not HAN.search(offer), offer


async def test_a_prepaid_cards_pay_page_names_the_card_in_the_buyers_language(shop):
    _, client = shop
    customer = await signed_up(client)
    await customer.choose("Me")
    await customer.choose("Prepaid cards")
    await customer.choose("Buy AC cleaning")
    await customer.choose("Buy it")
    link = next(r["url"] for r in customer.last if r["type"] == "link")
    path = "/pay/" + link.split("/pay/", 1)[1]

    for page in (await client.get(path), await client.post(path)):  # to pay, then paid
        html = await page.text()
        assert page.status == 200, html
        body = html.split("<body>", 1)[1]
        assert "AC cleaning 3-visit card" in body and not HAN.search(body), body


async def test_a_paid_orders_pay_page_says_so_as_a_label(shop):
    _, client = shop
    customer = await signed_up(client)
    for option in ("Book a service", "Cleaning", "Daily cleaning", "2 hours", "13:00"):
        await customer.choose(option)
    await customer.say(ADDRESS)
    await customer.choose("Confirm order")
    await customer.send(type="contact", phone=customer.phone)
    link = next(r["url"] for r in customer.last if r["type"] == "link")
    await customer.choose("Pay ¥")  # paid in the chat; the page opened afterwards
    html = await (await client.get("/pay/" + link.split("/pay/", 1)[1])).text()
    body = html.split("<body>", 1)[1]
    assert "<b>Paid already</b>" in body and not HAN.search(body), body


async def test_the_owners_english_stats_write_their_asides_in_english(shop, fake_telegram):
    _, client = shop
    await signed_up(client)  # a welcome coupon is issued
    owner = TelegramUser(client, fake_telegram, OWNER, lang="en")
    await owner.say("/stats")
    text = owner.text()
    assert "Coupons issued 1 (Welcome coupon 1)" in text, text
    assert not HAN.search(text), text


async def test_the_owners_english_ticket_list_writes_its_asides_in_english(shop, fake_telegram):
    _, client = shop
    customer = await signed_up(client)
    await customer.choose("Contact support")
    await customer.say("The worker broke a vase")
    owner = TelegramUser(client, fake_telegram, OWNER, lang="en")
    await owner.say("/tickets")
    text = owner.text()
    assert re.search(r"\bcustomer \d+ \(web chat\) · ", text, re.I), text
    assert not HAN.search(text), text
