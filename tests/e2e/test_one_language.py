"""Each person reads one language (#16): a refusal reaches a Chinese conversation in Chinese
and an English one in English, never as one "中文 / English" text shown to both."""

import re

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WebUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
)
from tests.fakes.wechat import AES_KEY, WeChatServer  # noqa: F401 (fixture)
from webhooks.keys import CLOCK

ADMIN = 880089
HAN = re.compile(r"[\u4e00-\u9fff]")
SENTENCE = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}")
BOTH = re.compile(r"[\u4e00-\u9fff][^\n]*/ [^\u4e00-\u9fff\n]*[A-Za-z]{2,} [A-Za-z]{2,}")


def only_chinese(text: str) -> bool:
    return bool(HAN.search(text)) and not SENTENCE.search(text) and not BOTH.search(text)


def only_english(text: str) -> bool:
    return bool(SENTENCE.search(text)) and not HAN.search(text)


@pytest.fixture
async def both(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        admins=f"telegram:{ADMIN}:ops",
    )
    client = await aiohttp_client(app)
    return app, client


def test_the_language_checks_tell_the_two_languages_and_a_mixed_text_apart():
    mixed = "订单 #3 不是您的任务 / order #3 is not assigned to you"
    assert not only_chinese(mixed) and not only_english(mixed)
    assert only_chinese("订单 #3 不是您的任务") and only_english("Order #3 is not yours")


async def test_a_refused_worker_command_is_answered_in_the_workers_language_only(
    both, fake_telegram, fake_wechat
):
    app, client = both
    await seed_worker(app, channel="wechat", user_id="o-lang-mine", center=HOME)
    far = (31.5, 121.9)
    await seed_worker(app, channel="wechat", user_id="o-lang-zh", center=far, radius_m=1000)
    await seed_worker(app, channel="wechat", user_id="o-lang-en", center=far, radius_m=1000)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 770191))
    server = WeChatServer(clock=app[CLOCK])
    mine = WeChatUser(client, fake_wechat, "o-lang-mine", server)
    chinese = WeChatUser(client, fake_wechat, "o-lang-zh", server)
    english = WeChatUser(client, fake_wechat, "o-lang-en", server)
    await english.say("/lang")
    assert "Switched to English" in english.last_text
    await mine.say(f"接单 #{number}")

    await chinese.say(f"出发 #{number}")
    assert "不是您的任务" in chinese.last_text
    assert only_chinese(chinese.last_text), chinese.last_text
    await english.say(f"出发 #{number}")
    assert "is not assigned to you" in english.last_text
    assert only_english(english.last_text), english.last_text

    await chinese.say("接单 #999999")
    assert only_chinese(chinese.last_text), chinese.last_text
    await english.say("接单 #999999")
    assert only_english(english.last_text), english.last_text


async def test_a_refused_admin_command_is_answered_in_the_admins_language_only(
    both, fake_telegram
):
    app, client = both
    admin = TelegramUser(client, fake_telegram, ADMIN)
    await admin.say("/assign #999999 1")
    assert "订单或师傅不存在" in admin.text()
    assert only_chinese(admin.text()), admin.text()
    await admin.say("/lang")
    await admin.say("/assign #999999 1")
    assert "Unknown order or worker" in admin.text()
    assert only_english(admin.text()), admin.text()


@pytest.mark.parametrize(("hint", "welcome"), [("en-GB", "Welcome"), ("zh-CN", "欢迎")])
async def test_the_first_screen_is_in_the_browsers_language_with_the_other_to_pick(
    aiohttp_client, tmp_path, sqlite_url, pii_key, clock, hint, welcome
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=clock))
    user = WebUser(client)
    await user.open()
    await user.send(type="text", text="/start", lang=hint)
    texts = "\n".join(r["text"] for r in user.last)
    assert welcome in texts
    assert (only_english if hint == "en-GB" else only_chinese)(texts), texts
    options = [o["label"] for r in user.last for o in r.get("options", ())]
    assert options[-1] == ("中文" if hint == "en-GB" else "English")  # the other, in itself
