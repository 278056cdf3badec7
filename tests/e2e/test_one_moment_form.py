"""One moment, one form: the booking's start is written the same way by the quote, the
customer's order detail, the worker's job card (their jobs screen and the acceptance), and the
day-before and hour-before reminders to both — the quote's form, with its weekday
(``domain.moments.format_when``), in each reader's language."""

from __future__ import annotations

import re

import pytest

from domain.commands import SendReminders
from tests.e2e.helpers import HOME, TelegramUser, make_app, on_telegram, seed_worker, telegram_gps
from webhooks.keys import SERVICES

STEPS = {
    "zh": ("预约服务", "保洁", "日常保洁", "2小时"),
    "en": ("Book a service", "Cleaning", "Daily cleaning", "2 hours"),
}
CONFIRM = {"zh": ("确认下单", "确认支付"), "en": ("Confirm order", "Pay")}
START = {"zh": "11月24日 周二 15:00", "en": "Tue 24 Nov 15:00"}
"""Tomorrow 15:00 as each language writes it (the clock: Monday 23 November, 09:00)."""
LANGUAGE_CODE = {"zh": "zh-hans", "en": "en"}


@pytest.fixture
async def shop(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


def told(fake_telegram, chat: int, marker: str) -> list[str]:
    return [m["text"] for m in fake_telegram.sent(chat) if marker in m.get("text", "")]


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_quote_the_order_the_job_card_and_the_reminders_write_the_start_alike(
    shop, fake_telegram, clock, lang
):
    app, client = shop
    start, code = START[lang], LANGUAGE_CODE[lang]
    await seed_worker(app, channel="telegram", user_id="774101", center=HOME, name="李阿姨")
    customer = TelegramUser(client, fake_telegram, 774001, lang=code)
    worker = TelegramUser(client, fake_telegram, 774101, lang=code)
    await worker.say(f"/language {lang}")

    await customer.say(f"/language {lang}")
    await customer.say("/start")
    for step in STEPS[lang]:
        await customer.choose(step)
    await customer.say("明天 15:00")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("8楼801")
    quote = customer.text()
    assert start in quote, quote  # the quote's own form: the one every screen follows
    confirm, pay = CONFIRM[lang]
    await customer.choose(confirm)
    if "手机号" in customer.text() or "mobile number" in customer.text():
        await customer.say(customer.phone)
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed, customer.text()
    number = int(placed.group(1))
    await customer.choose(pay)

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    detail = customer.text()
    assert start in detail, detail

    await worker.say(f"/accept #{number}")
    assert f"#{number}" in worker.text() and start in worker.text(), worker.text()  # accepted
    await worker.say("/jobs")
    [card] = [line for line in worker.text().splitlines() if line.startswith(f"#{number}")]
    assert start in card, worker.text()

    clock.advance(hours=6, minutes=1)  # 23 h 59 min before the start: the day before
    await app[SERVICES].run(SendReminders())
    clock.advance(hours=23)  # 59 minutes before: the hour before
    await app[SERVICES].run(SendReminders())
    day_marker, job_marker = ("服务提醒", "任务提醒") if lang == "zh" else ("[Reminder]", "[Job")
    reminders = told(fake_telegram, 774001, day_marker)
    assert len(reminders) == 2 and all(start in r for r in reminders), reminders
    [job] = told(fake_telegram, 774101, job_marker)
    assert start in job, job
    soon = "即将开始" if lang == "zh" else "[Starting soon]"
    [hour] = told(fake_telegram, 774101, soon)
    assert start in hour, hour
    # and nothing on these screens in the form they were written in before
    for said in (quote, detail, card, *reminders, job, hour):
        assert not re.search(r"\b\d\d-\d\d \d\d:\d\d\b", said), said
