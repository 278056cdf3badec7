"""A reschedule on the admins' screens: ``/audit #N`` lists each move once (support's
``/reschedule`` writes the order's timeline and the audit log in one go: the trail shows the
audit entry, with what it changed), and ``/order #N``'s timeline shows every move — the
customer's, support's, one paid for with a fee — with its old and new time in the admin's
language, as the customer's own timeline does."""

from datetime import datetime, timedelta

import pytest

from domain.lifecycle import Action
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    book_and_pay,
    order_of,
    seed_worker,
    telegram_app,
)

OPS, SUPPORT = 993002, 993004
ADMINS = f"telegram:{OPS}:ops,telegram:{SUPPORT}:support"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=ADMINS,
    )


def moves(screen: str, name: str) -> list[str]:
    return [line for line in screen.splitlines() if name in line]


async def test_each_move_is_listed_once_and_shown_on_the_orders_timeline(tg, fake_telegram):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="993101", center=HOME)
    customer = TelegramUser(client, fake_telegram, 993201)
    number = await book_and_pay(customer, when="明天 15:00")
    await TelegramUser(client, fake_telegram, 993101).say(f"/accept #{number}")
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天下午三点")
    await customer.choose("确认改约")  # free: 30 h ahead
    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/reschedule #{number} 后天 11:00")
    await support.say(f"/reschedule #{number} 后天 10:00")  # each of support's moves paired
    timeline = (await order_of(app, number)).timeline
    assert [e.action for e in timeline].count(Action.RESCHEDULE) == 3

    await support.say(f"/audit #{number}")
    listed = moves(support.text(), "改约时间 — ")
    assert len(listed) == 3, support.text()
    assert listed[0].endswith("改约时间 — 客户 1 · 11月24日 周二 15:00 → 11月25日 周三 15:00")
    assert (
        "改约时间 — Telegram 993004 (客服) · 时间 11月25日 周三 15:00→11月25日 周三 11:00"
        in listed[1]
    )
    assert (
        "改约时间 — Telegram 993004 (客服) · 时间 11月25日 周三 11:00→11月25日 周三 10:00"
        in listed[2]
    )
    english = TelegramUser(client, fake_telegram, OPS, lang="en")
    await english.say(f"/audit #{number}")
    assert len(moves(english.text(), "rescheduled — ")) == 3, english.text()

    await support.say(f"/order #{number}")
    assert (
        "  11月23日 周一 09:00 改约时间 11月24日 周二 15:00 → 11月25日 周三 15:00 — 客户 1\n"
        in support.text()
    )
    assert (
        "  11月23日 周一 09:00 改约时间 11月25日 周三 15:00 → 11月25日 周三 11:00"
        " — Telegram 993004 (客服)\n"
        "  11月23日 周一 09:00 改约时间 11月25日 周三 11:00 → 11月25日 周三 10:00"
        " — Telegram 993004 (客服)\n" in support.text()
    ), support.text()
    await english.say(f"/order #{number}")
    # the timeline's word, not the button's "Reschedule"
    assert "  Mon 23 Nov 09:00 rescheduled Tue 24 Nov 15:00 → Wed 25 Nov 15:00 — customer 1\n" in (
        english.text()
    ), english.text()
    assert (
        "  Mon 23 Nov 09:00 rescheduled Wed 25 Nov 11:00 → Wed 25 Nov 10:00"
        " — Telegram 993004 (support)\n" in english.text()
    )
    assert "rescheduled:" not in support.text() + english.text()
    assert "Reschedule" not in english.text()


async def test_a_move_paid_for_with_a_fee_is_listed_once_and_shown(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="993102", center=HOME)
    customer = TelegramUser(client, fake_telegram, 993202)
    number = await book_and_pay(customer, when="明天 15:00")
    await TelegramUser(client, fake_telegram, 993102).say(f"/accept #{number}")
    clock.advance(hours=10)  # 20 h before the start: the move has a fee
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("改约时间")
    await customer.say("后天 10:00")
    await customer.choose("确认并支付")
    await customer.choose("确认支付")
    assert "已支付改约费" in customer.text()
    assert (await order_of(app, number)).start_at.day == 25

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/audit #{number}")
    listed = moves(ops.text(), "改约时间 — ")
    assert len(listed) == 1, ops.text()
    assert listed[0].endswith("改约时间 — 客户 1 · 11月24日 周二 15:00 → 11月25日 周三 10:00")
    await ops.say(f"/order #{number}")
    assert (
        "  11月23日 周一 19:00 改约时间 11月24日 周二 15:00 → 11月25日 周三 10:00 — 客户 1\n"
        in ops.text()
    ), ops.text()
    assert "  改约费 演示支付 ¥3.00 [成功]\n" in ops.text()


class Ticking(Clock):
    """A clock that moves on at each reading, as a real one does."""

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


async def test_a_move_is_listed_once_when_the_clock_moves_while_it_is_made(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram
):
    """/audit pairs support's move with its audit entry on (admin, instant): the move
    stamps both with the command's one clock reading, not one each."""
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=Ticking(),
        admins=ADMINS,
    )
    await seed_worker(app, channel="telegram", user_id="993103", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 993203), when="明天 15:00")
    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/reschedule #{number} 后天 11:00")
    await support.say(f"/audit #{number}")
    listed = moves(support.text(), "改约时间 — ")
    assert len(listed) == 1, support.text()
    assert "Telegram 993004 (客服) · 时间 11月24日 周二 15:00→11月25日 周三 11:00" in listed[0]
