"""Service reminders through the scheduler sweep, with a controllable clock: the day before and
the hour before reach the customer and the worker once each, a booking made less than a day
ahead gets no day-before reminder, nothing is sent once the start has passed, and a finished
job's customer is reminded to confirm once. Two processes sweeping at once send each once."""

from __future__ import annotations

import asyncio
import random

import pytest

from domain.commands import SendReminders
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.e2e.test_job_rules import photo
from tests.fakes.wechat import PNG, WeChatServer, image_xml, location_xml
from webhooks.keys import CLOCK, SERVICES


def app_for(tmp_path, db_url, pii_key, fake_telegram, fake_wechat, clock, **kw):
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        **kw,
    )


@pytest.fixture
async def both(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    app = app_for(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock)
    return app, await aiohttp_client(app)


async def book(customer: TelegramUser, when: str, home=HOME) -> int:
    """Book and pay at a street address: reminders to workers show it masked."""
    return await book_and_pay(customer, when, home, address="漕溪北路88号8楼801")


def texts(fake_telegram, chat: int, marker: str) -> list[str]:
    return [m["text"] for m in fake_telegram.sent(chat) if marker in m.get("text", "")]


def buttons(fake_telegram, chat: int, marker: str) -> list[list[str]]:
    return [
        [b["callback_data"] for row in m["reply_markup"]["inline_keyboard"] for b in row]
        for m in fake_telegram.sent(chat)
        if marker in m.get("text", "") and m.get("reply_markup")
    ]


async def sweep(app, times: int = 2) -> None:
    for _ in range(times):  # a second run finds nothing more to send
        await app[SERVICES].run(SendReminders())


async def test_day_and_hour_reminders_reach_customer_and_worker_once_each(
    both, fake_telegram, fake_wechat, clock
):
    app, client = both
    await seed_worker(app, channel="wechat", user_id="o-rem-1", center=HOME, name="李阿姨")
    customer = TelegramUser(client, fake_telegram, 771001)
    number = await book(customer, "明天 15:00")  # Tuesday 15:00, booked 30 hours ahead
    worker = WeChatUser(client, fake_wechat, "o-rem-1", WeChatServer(clock=app[CLOCK]))
    await worker.say(f"接单 #{number}")
    assert "接单成功" in worker.last_text

    await sweep(app)  # 30 hours ahead: too early for anything
    assert texts(fake_telegram, 771001, "服务提醒") == []

    clock.advance(hours=6, minutes=1)  # 23 h 59 min before the start
    await sweep(app)
    [day] = texts(fake_telegram, 771001, "服务提醒")
    assert f"11月24日 周二 15:00 日常保洁 #{number}" in day and "李阿姨" in day
    [job] = [t for t in fake_wechat.texts("o-rem-1") if "任务提醒" in t]
    assert f"#{number}" in job and "11月24日 周二 15:00" in job
    assert "漕溪北路**号" in job and "8楼801" not in job  # the area, not the door

    clock.advance(hours=23)  # 59 minutes before the start
    await sweep(app)
    reminders = texts(fake_telegram, 771001, "服务提醒")
    assert len(reminders) == 2 and "将于 11月24日 周二 15:00 开始" in reminders[1]
    [soon] = [t for t in fake_wechat.texts("o-rem-1") if "即将开始" in t]
    assert f"出发 #{number}" in soon  # WeChat: the reply to send, Telegram: a button
    await worker.say(f"出发 #{number}")
    await worker.say("20")  # the minutes to arrive, asked on 出发
    assert "已出发" in fake_telegram.sent(771001)[-1]["text"]

    clock.advance(hours=3)  # the start has passed: nothing more, ever
    await sweep(app)
    assert len(texts(fake_telegram, 771001, "服务提醒")) == 2
    assert len([t for t in fake_wechat.texts("o-rem-1") if "提醒" in t or "即将" in t]) == 2


async def test_a_booking_made_less_than_a_day_ahead_gets_only_the_hour_reminder(
    both, fake_telegram, clock
):
    app, client = both
    await seed_worker(app, channel="telegram", user_id="771102", center=HOME)
    customer = TelegramUser(client, fake_telegram, 771002)
    worker = TelegramUser(client, fake_telegram, 771102)
    number = await book(customer, "今天 18:00")  # nine hours ahead
    await worker.say(f"/accept #{number}")
    for _ in range(7):  # every hour until 16:00
        clock.advance(hours=1)
        await sweep(app, 1)
    assert texts(fake_telegram, 771002, "服务提醒") == []
    assert texts(fake_telegram, 771102, "任务提醒") == []
    clock.advance(hours=1, minutes=5)  # 17:05: 55 minutes to go
    await sweep(app)
    [hour] = texts(fake_telegram, 771002, "服务提醒")
    assert "将于 11月23日 周一 18:00 开始" in hour
    [soon] = texts(fake_telegram, 771102, "即将开始")
    assert buttons(fake_telegram, 771102, "即将开始") == [[f"act:onway:{number}"]]
    worker.last = [m for m in fake_telegram.sent(771102) if "即将开始" in m.get("text", "")]
    await worker.choose("出发")  # the button sets off, as "/onway" would
    await worker.say("30")  # the minutes to arrive, asked on 出发
    assert "已出发" in fake_telegram.sent(771002)[-1]["text"]
    assert "即将开始" in soon


async def test_a_visit_whose_start_passed_while_the_service_was_down_is_not_reminded_late(
    both, fake_telegram, clock
):
    app, client = both
    await seed_worker(app, channel="telegram", user_id="771103", center=HOME)
    customer = TelegramUser(client, fake_telegram, 771003)
    number = await book(customer, "明天 15:00")
    await TelegramUser(client, fake_telegram, 771103).say(f"/accept #{number}")
    clock.advance(hours=31)  # Tuesday 16:00: down through both reminder windows
    await sweep(app)
    assert texts(fake_telegram, 771003, "服务提醒") == []
    assert texts(fake_telegram, 771103, "提醒") == []


async def test_an_unconfirmed_finished_job_gets_one_confirm_reminder(both, fake_telegram, clock):
    app, client = both
    await seed_worker(app, channel="telegram", user_id="771104", center=HOME)
    customer = TelegramUser(client, fake_telegram, 771004)
    worker = TelegramUser(client, fake_telegram, 771104)
    number = await book(customer, "明天 15:00")
    await worker.say(f"/accept #{number}")
    clock.advance(hours=30)  # Tuesday 15:00
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(worker.client.app, number))
    await photo(worker, fake_telegram, f"door{number}")
    await worker.say(f"/photo #{number} before")
    await photo(worker, fake_telegram, f"before{number}")
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    clock.advance(hours=2)  # finished at 17:00
    await worker.say(f"/finish #{number}")
    assert "已完工" in fake_telegram.sent(771004)[-1]["text"]

    clock.advance(hours=11, minutes=59)
    await sweep(app)
    assert texts(fake_telegram, 771004, "请检查后确认完成") == []
    clock.advance(minutes=2)  # twelve hours after the finish
    await sweep(app)
    [reminder] = texts(fake_telegram, 771004, "请检查后确认完成")
    assert "11月25日 周三 17:00 自动确认" in reminder  # when it confirms itself: finish + 24 h
    assert buttons(fake_telegram, 771004, "请检查后确认完成") == [[f"act:confirm:{number}"]]
    customer.last = [
        m for m in fake_telegram.sent(771004) if "请检查后确认完成" in m.get("text", "")
    ]
    await customer.choose("确认完成")
    assert "已确认完成" in customer.text()
    clock.advance(hours=1)
    await sweep(app)
    assert len(texts(fake_telegram, 771004, "请检查后确认完成")) == 1


async def test_two_processes_sweeping_at_once_send_each_reminder_once(
    aiohttp_client, tmp_path, postgres_url, redis_url, pii_key, fake_telegram, fake_wechat
):
    clock = Clock()
    home = (30.2 + random.random(), 114.0 + random.random())  # no other test's workers here
    one, two = (
        app_for(
            tmp_path / name,
            postgres_url,
            pii_key,
            fake_telegram,
            fake_wechat,
            clock,
            redis_url=redis_url,
        )
        for name in ("a", "b")
    )
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    # chats no other test uses (Redis keeps conversations between runs)
    worker_chat = 4 * 10**9 + random.randrange(10**9)
    customer_chat = 5 * 10**9 + random.randrange(10**9)
    await seed_worker(one, channel="telegram", user_id=str(worker_chat), center=home)
    customer = TelegramUser(client, fake_telegram, customer_chat)
    number = await book(customer, "明天 15:00", home)
    await TelegramUser(client, fake_telegram, worker_chat).say(f"/accept #{number}")

    async def race() -> None:
        await asyncio.gather(*[app[SERVICES].run(SendReminders()) for app in (one, two) * 3])

    clock.advance(hours=7)
    await race()
    clock.advance(hours=22, minutes=30)
    await race()
    assert len(texts(fake_telegram, customer_chat, "服务提醒")) == 2
    assert len(texts(fake_telegram, worker_chat, "任务提醒")) == 1
    assert len(texts(fake_telegram, worker_chat, "即将开始")) == 1


async def test_the_wechat_worker_sees_the_reminder_reply_words(
    both, fake_wechat, fake_telegram, clock
):
    """The hour-before reminder on WeChat (no buttons) names the words to reply with."""
    app, client = both
    fake_wechat.media.update({"D": (PNG, "image/png")})
    await seed_worker(app, channel="wechat", user_id="o-rem-2", center=HOME)
    number = await book(TelegramUser(client, fake_telegram, 771005), "今天 11:30")
    worker = WeChatUser(client, fake_wechat, "o-rem-2", WeChatServer(clock=app[CLOCK]))
    await worker.say(f"接单 #{number}")
    await sweep(app)  # 09:00, 2.5 h ahead: not yet
    assert not [t for t in fake_wechat.texts("o-rem-2") if "即将开始" in t]
    clock.advance(hours=1, minutes=40)  # 10:40
    await sweep(app)
    [soon] = [t for t in fake_wechat.texts("o-rem-2") if "即将开始" in t]
    assert soon.endswith(f"可回复:出发 #{number}")
    await worker.say(f"打卡 #{number}")  # checking in without "on my way" still works
    await worker.post_xml(location_xml("o-rem-2", HOME[0], HOME[1], "门口"))
    await worker.say(await visit_code(app, number))
    await worker.post_xml(image_xml("o-rem-2", "D"))
    assert "已到达" in worker.last_text
