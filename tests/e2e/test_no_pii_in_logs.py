"""No phone, address or name in any log record: a whole booking on Telegram and on WeChat
(with dispatch, the worker's acceptance and SQLAlchemy's statement log switched on) logs
none, and a database error whose parameters and row hold them is logged redacted."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text

from domain.commands import RegisterCustomer
from tests import random_refs
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    WeChatUser,
    confirm_order,
    make_app,
    on_telegram,
    telegram_gps,
)
from tests.e2e.helpers import seed_worker as seed
from tests.e2e.test_wechat import book_on_wechat, wechat_app
from tests.fakes import telegram as fake_bot
from tests.fakes.wechat import WeChatServer
from webhooks.keys import CHAT, CLOCK, DATABASE

LOGGERS = ("bots", "conversations", "domain", "store", "webhooks", "scheduler", "daojia")
FIRST, LAST = "Xiaoming", "Zhuangsecret"
ADDRESS = "长乐路999弄77号601室"


@pytest.fixture
def capture(caplog):
    """Every daojia record at DEBUG, SQLAlchemy's statements (with their parameters, were
    they shown) and the access log."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    return caplog


def leaks(caplog, *secrets: str) -> list[str]:
    """The records that carry one of ``secrets`` in their message, arguments or traceback."""
    found = []
    for record in caplog.records:
        seen = f"{record.getMessage()}\n{record.args!r}\n{record.exc_text or ''}"
        found += [f"{record.name}: {s}" for s in secrets if s in seen]
    return found


@pytest.fixture
def named(monkeypatch):
    """Telegram users of the fake Bot API have a first and a last name worth hiding."""

    def user(uid: int, lang: str = "zh-hans") -> dict:
        return {
            "id": uid,
            "is_bot": False,
            "first_name": FIRST,
            "last_name": LAST,
            "language_code": lang,
        }

    monkeypatch.setattr(fake_bot, "user", user)


async def test_a_whole_telegram_booking_logs_no_phone_address_or_name(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, capture, named
):
    app = make_app(tmp_path, own_db_url, pii_key, clock=Clock(), **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    worker_uid = int(random_refs.user_id())
    await seed(app, channel="telegram", user_id=str(worker_uid), center=HOME, name=LAST)
    uid, phone = int(random_refs.user_id()), random_refs.phone()
    user = TelegramUser(client, fake_telegram, uid)
    await user.say("/start")
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.say("明天 15:00")
    await user.share(location=telegram_gps(HOME))
    await user.say(ADDRESS)
    await user.say(f"到了打 {phone}")  # a note for the worker, at the quote
    await confirm_order(user, phone)
    number = int(re.search(r"#(\d{6,8})", user.text()).group(1))
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    worker = TelegramUser(client, fake_telegram, worker_uid)
    await worker.say(f"/accept #{number}")
    assert ADDRESS in worker.text(), worker.text()  # the full address, once accepted
    await user.say("/orders")
    assert len(capture.records) > 50  # the capture works: statements, requests, …
    assert leaks(capture, phone, phone[3:], ADDRESS, FIRST, LAST) == []


@pytest.mark.parametrize("aes", [False, True], ids=["plaintext", "aes"])
async def test_a_whole_wechat_booking_logs_no_phone_or_address(
    aiohttp_client, tmp_path, db_url, pii_key, fake_wechat, capture, aes
):
    app = wechat_app(tmp_path, db_url, pii_key, fake_wechat, aes)
    client = await aiohttp_client(app)
    user = WeChatUser(
        client, fake_wechat, f"o{random_refs.code()}", WeChatServer(aes=aes, clock=app[CLOCK])
    )
    await book_on_wechat(user)
    assert len(capture.records) > 10  # at least the requests
    # what book_on_wechat typed and shared: its phone, the pin's label, the flat
    assert leaks(capture, user.phone, "漕溪北路88号", "12楼1203") == []


async def test_a_database_error_with_a_phone_and_a_name_in_its_row_is_logged_without_them(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, capture, named
):
    """The error middleware logs a failed turn; the database's message, the statement's
    parameters and PostgreSQL's DETAIL (``Failing row contains (…)``) would show both."""
    app = make_app(tmp_path, db_url, pii_key, clock=Clock(), **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    engine = app[CHAT].engine
    original = engine.run

    async def broken(command):
        if isinstance(command, RegisterCustomer):  # a bug: a row without its creation time
            async with app[DATABASE].uow() as uow:
                connection = await uow.session.connection()
                await connection.execute(
                    text(
                        "INSERT INTO customers (created_at, name, phone_enc, phone_hash, lang,"
                        " points, referral_code, rating_x100)"
                        " VALUES (NULL, :name, :enc, :phone, 'zh', 0, '', 500)"
                    ),
                    {"name": command.name, "enc": b"", "phone": phone},
                )
        return await original(command)

    uid, phone = int(random_refs.user_id()), random_refs.phone()
    engine.run = broken
    user = TelegramUser(client, fake_telegram, uid)
    assert await user.post(fake_bot.message_update(uid, "/start")) == 500  # signs up: fails
    [failure] = [r for r in capture.records if r.getMessage().startswith("unhandled error")]
    assert (
        "IntegrityError" in failure.getMessage()
        and "INSERT INTO customers" in failure.getMessage()
    )
    assert leaks(capture, phone, FIRST, LAST) == []
