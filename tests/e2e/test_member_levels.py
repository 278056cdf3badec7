"""Member levels as a customer lives them, on SQLite and PostgreSQL: the level counts what was
paid for services given (a deposit on an order still to be served is not spent, and getting
it back with a cancellation takes nothing away); a customer is congratulated once, when they
really move up; a level reached is kept ``membership.level_keep_days`` whatever a refund does
to the spend, and then reviewed by the spend (``ReviewMemberLevels``): kept afresh while the
spend reaches it, else lowered silently."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from conversations.results.membership import MembershipShown
from conversations.results.sweeps import MemberLevelsReviewed
from domain.commands import ExecuteRefunds, ReviewMemberLevels
from domain.member_levels import LevelProgress
from domain.membership import Standing
from domain.queries import LoadMembership
from domain.rules import MemberLevel
from tests.e2e.helpers import (
    HOME,
    RULES,
    STACKING,
    TelegramUser,
    book_and_pay,
    make_app,
    on_telegram,
    order_of,
    seed_worker,
)
from tests.e2e.test_points import WORKER, customer_id, finish_and_confirm, told
from webhooks.keys import DATABASE, SERVICES

FINANCE = 631009
SILVER = {MemberLevel.SILVER: 15_000, MemberLevel.GOLD: 5_000_000, MemberLevel.DIAMOND: 9_000_000}
"""Silver from ¥150: the first order (¥30) and a second (¥80) are not enough, a third is."""
UP = "恭喜您升级"


@pytest.fixture
async def shop(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    membership = replace(RULES.membership, level_min_spend_cents=SILVER, level_keep_days=30)
    app = make_app(
        tmp_path,
        own_db_url,
        pii_key,
        clock=clock,
        rules=replace(STACKING, membership=membership),
        **on_telegram(fake_telegram),
        admins=f"telegram:{FINANCE}:finance",
    )
    client = await aiohttp_client(app)
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    return app, client


async def standing(app, customer: int) -> LevelProgress:
    [shown] = await app[SERVICES].run(LoadMembership(customer, "telegram"))
    assert isinstance(shown, MembershipShown)
    return shown.progress


async def test_a_level_moves_with_services_paid_and_is_kept_until_its_review(
    shop, fake_telegram, clock
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 631101)
    finance = TelegramUser(client, fake_telegram, FINANCE)
    for _ in range(2):  # ¥30 and ¥80 served: ¥110
        number = await book_and_pay(customer)
        await finish_and_confirm(client, fake_telegram, customer, number, clock)
    me = await customer_id(app, customer)
    assert (await standing(app, me)).level == MemberLevel.REGULAR

    paid = await book_and_pay(customer)  # ¥80 paid for a visit still to come: not spent
    assert (await order_of(app, paid)).paid_cents == 8_000
    shown = await standing(app, me)
    assert (shown.level, shown.spend_cents) == (MemberLevel.REGULAR, 11_000)
    await customer.say("/orders")
    await customer.choose(f"#{paid}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    await app[SERVICES].run(ExecuteRefunds())
    assert (await order_of(app, paid)).refunded_cents == 8_000
    assert (await standing(app, me)).level == MemberLevel.REGULAR
    assert told(fake_telegram, customer, UP) == []

    number = await book_and_pay(customer)
    await finish_and_confirm(client, fake_telegram, customer, number, clock)  # ¥190
    upgraded = clock.now
    assert told(fake_telegram, customer, UP) == [
        "恭喜您升级为银卡会员!此后下单按原价的 95% 计价。"
    ]
    shown = await standing(app, me)
    assert (shown.level, shown.kept_until) == (MemberLevel.SILVER, None)

    await finance.say(f"/refund #{number} 80")  # the spend falls to ¥110: silver is kept
    await app[SERVICES].run(ExecuteRefunds())
    shown = await standing(app, me)
    assert (shown.level, shown.spend_cents) == (MemberLevel.SILVER, 11_000)
    assert shown.kept_until == upgraded + timedelta(days=30)
    await customer.say("/me")
    assert "会员等级:白银会员" in customer.text() and "等级保留至" in customer.text()

    number = await book_and_pay(customer)  # at the silver price: ¥76
    assert (await order_of(app, number)).paid_cents == 7_600
    await finish_and_confirm(client, fake_telegram, customer, number, clock)  # ¥186
    assert len(told(fake_telegram, customer, UP)) == 1  # still silver: nothing to say

    clock.advance(days=31)  # reviewed: the spend still reaches silver, kept afresh
    assert await app[SERVICES].run(ReviewMemberLevels()) == [MemberLevelsReviewed(1, 0)]
    await finance.say(f"/refund #{number} 76")  # ¥110 again: kept until the next review
    await app[SERVICES].run(ExecuteRefunds())
    assert (await standing(app, me)).level == MemberLevel.SILVER
    clock.advance(days=31)
    assert await app[SERVICES].run(ReviewMemberLevels()) == [MemberLevelsReviewed(1, 1)]
    assert await app[SERVICES].run(ReviewMemberLevels()) == [MemberLevelsReviewed(0, 0)]
    assert (await standing(app, me)).level == MemberLevel.REGULAR
    assert len(told(fake_telegram, customer, UP)) == 1  # a fall is no news to congratulate

    number = await book_and_pay(customer)  # ¥190 again: a real move up, told
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    assert len(told(fake_telegram, customer, UP)) == 2
    assert (await standing(app, me)).level == MemberLevel.SILVER


async def test_a_level_stored_before_levels_were_kept_is_reviewed_by_the_spend(
    shop, fake_telegram
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 631201)
    await customer.say("/start")
    me = await customer_id(app, customer)
    async with app[DATABASE].uow() as uow:
        await uow.membership.set_level(me, MemberLevel.GOLD)  # no end of keeping
        await uow.commit()
    assert (await standing(app, me)).level == MemberLevel.REGULAR  # as the spend says
    assert await app[SERVICES].run(ReviewMemberLevels()) == [MemberLevelsReviewed(1, 1)]
    async with app[DATABASE].uow() as uow:
        assert await uow.membership.standing(me) == Standing(MemberLevel.REGULAR)
    assert await app[SERVICES].run(ReviewMemberLevels()) == [MemberLevelsReviewed(0, 0)]
    assert told(fake_telegram, customer, UP) == []
