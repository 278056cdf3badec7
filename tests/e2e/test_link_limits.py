"""Codes to join a chat account ("绑定") are capped in the database: too many wrong codes lock
the asking chat account AND the number out for ``risk.link_lockout_minutes`` (60); one number
gets at most ``link_codes_per_target_per_hour`` (3) codes an hour and
``link_codes_per_target_per_day`` (6) a day whoever asks; one chat account may ask
``link_codes_per_asker_per_hour`` (5) an hour. A refused asker is told from when, the same
whether or not anyone holds the number. Before, a lockout was only the conversation's: "绑定"
and the number again at once gave a fresh code and five new tries, and the holder's chat got
a code each time."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import Clock, TelegramUser, make_app, on_telegram
from tests.e2e.test_linking import customer_with_an_order, phone_of

REFUSED = "获取验证码的次数太多了"


@pytest.fixture
async def app_client_clock(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram):
    clock = Clock()  # Monday 09:00 in Shanghai
    app = make_app(tmp_path, db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app), clock


def codes_to(fake_telegram, uid: int) -> int:
    return len([m for m in fake_telegram.sent(uid) if "验证码" in m.get("text", "")])


async def ask_code(client, fake_telegram, uid: int, phone: str, lang: str = "zh-hans"):
    asker = TelegramUser(client, fake_telegram, uid, lang=lang)
    await asker.say("/link")
    await asker.say(phone)
    return asker


async def test_a_lockout_holds_the_asker_and_the_number_until_the_cooldown_is_over(
    app_client_clock, fake_telegram
):
    _, client, clock = app_client_clock
    await customer_with_an_order(client, fake_telegram, 741001)
    victim = phone_of(741001)
    attacker = await ask_code(client, fake_telegram, 741002, victim)
    assert "请在这里回复验证码" in attacker.text()
    for _ in range(5):
        await attacker.say("00000000")  # 1 in 10^8 that it is right: the test would fail
    assert (
        "验证码错误次数太多,请在 11月23日 周一 10:00 之后再重新发送「绑定」。" in attacker.text()
    )
    assert codes_to(fake_telegram, 741001) == 1

    await attacker.say("/link")  # the same account, the same number, at once
    await attacker.say(victim)
    assert f"{REFUSED},请在 11月23日 周一 10:00 之后再发送「绑定」。" in attacker.text()
    assert "请在这里回复验证码" not in attacker.text()
    await attacker.say("/link")  # nor any other number
    await attacker.say(phone_of(741009))
    assert REFUSED in attacker.text() and "11月23日 周一 10:00" in attacker.text()
    other = await ask_code(client, fake_telegram, 741003, victim)  # nor another account
    assert REFUSED in other.text() and "11月23日 周一 10:00" in other.text()
    assert codes_to(fake_telegram, 741001) == 1  # the holder got no more codes

    clock.advance(minutes=59)
    await attacker.say("/link")
    await attacker.say(victim)
    assert REFUSED in attacker.text()
    clock.advance(minutes=1)  # 10:00: over
    await attacker.say("/link")
    await attacker.say(victim)
    assert "请在这里回复验证码" in attacker.text()
    assert codes_to(fake_telegram, 741001) == 2


async def test_many_accounts_cannot_flood_one_number_with_codes(app_client_clock, fake_telegram):
    _, client, clock = app_client_clock
    await customer_with_an_order(client, fake_telegram, 742001)
    victim = phone_of(742001)
    for uid in (742002, 742003, 742004):
        assert "请在这里回复验证码" in (await ask_code(client, fake_telegram, uid, victim)).text()
    fourth = await ask_code(client, fake_telegram, 742005, victim)
    assert f"{REFUSED},请在 11月23日 周一 10:00 之后再发送「绑定」。" in fourth.text()
    english = await ask_code(client, fake_telegram, 742006, victim, lang="en")
    said = english.text()
    assert "Too many codes asked for" in said and "Mon 23 Nov 10:00" in said
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in said)  # one language
    assert codes_to(fake_telegram, 742001) == 3

    clock.advance(hours=1)  # the next hour: three more, then the day's six are spent
    for uid in (742007, 742008, 742009):
        assert "请在这里回复验证码" in (await ask_code(client, fake_telegram, uid, victim)).text()
    clock.advance(hours=1)
    late = await ask_code(client, fake_telegram, 742010, victim)
    assert f"{REFUSED},请在 11月24日 周二 00:00 之后再发送「绑定」。" in late.text()
    assert codes_to(fake_telegram, 742001) == 6
    clock.advance(hours=13)  # Tuesday 00:00 in Shanghai
    assert "请在这里回复验证码" in (await ask_code(client, fake_telegram, 742011, victim)).text()
    assert codes_to(fake_telegram, 742001) == 7


async def test_a_number_nobody_holds_is_capped_alike_and_one_account_asks_only_so_often(
    app_client_clock, fake_telegram
):
    """The refusal tells nothing of a holder: a number nobody holds is counted the same; and
    one chat account typing number after number is capped too."""
    _, client, _ = app_client_clock
    nobody = "13900743001"
    for uid in (743001, 743002, 743003):
        assert (
            "如果这个手机号有到家账户"
            in (await ask_code(client, fake_telegram, uid, nobody)).text()
        )
    fourth = await ask_code(client, fake_telegram, 743004, nobody)
    assert f"{REFUSED},请在 11月23日 周一 10:00 之后再发送「绑定」。" in fourth.text()

    asker = TelegramUser(client, fake_telegram, 743005)
    for n in range(5):
        await asker.say("/link")
        await asker.say(f"1390074310{n}")
        assert "如果这个手机号有到家账户" in asker.text()
    await asker.say("/link")
    await asker.say("13900743106")
    assert f"{REFUSED},请在 11月23日 周一 10:00 之后再发送「绑定」。" in asker.text()
