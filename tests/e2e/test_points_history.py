"""The points part of 我的 lists the customer's movements by name, newest first, each with its
day in business time, its order, the signed points and the balance after it: earned for an
order, spent at checkout and given back with a cancellation, granted, expired — a bounded
number of lines in a message WeChat could carry."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from conversations.flows.me_views import LISTED_MOVEMENTS
from domain.commands import ExpirePoints
from tests.e2e.helpers import RULES, TelegramUser, book_and_pay, confirm_order, grant_points
from tests.e2e.test_points import customer_id, finish_and_confirm, shop  # noqa: F401 - fixture
from tests.e2e.test_unpaid_orders import quote_three_hours
from webhooks.keys import SERVICES


def history_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("· ")]


async def test_the_points_part_lists_earned_spent_given_back_and_expired_newest_first(
    shop,  # noqa: F811 - the fixture
    fake_telegram,
    clock,
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 630601)
    await customer.say("/start")
    await customer.say("积分")
    assert "积分:0" in customer.text() and "暂无积分记录" in customer.text()

    number = await book_and_pay(customer)  # ¥30 paid: 30 points once it settles
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    local = clock.now.astimezone(ZoneInfo(RULES.timezone))
    day = f"{local.month}月{local.day}日 周{'一二三四五六日'[local.weekday()]}"
    await customer.say("/points")
    shown = customer.text()
    assert "积分:30" in shown and "其中 30 积分将于" in shown
    assert history_lines(shown) == [f"· {day} 消费获得(订单 #{number}) +30,余 30"]

    me = await customer_id(app, customer)
    await grant_points(app, me, 1_000)
    await customer.say("菜单")
    await quote_three_hours(customer)
    await customer.choose("用积分抵扣")
    await confirm_order(customer)
    spent = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.say("/orders")
    await customer.choose(f"#{spent}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")

    clock.now = clock.now.replace(year=clock.now.year + 1)  # everything earned expires
    await app[SERVICES].run(ExpirePoints())
    await customer.say("我的积分")
    shown = customer.text()
    lines = history_lines(shown)
    assert "积分:0" in shown and "暂无积分记录" not in shown
    assert [re.sub(r"^· \S+ \S+ ", "", x) for x in lines] == [
        "积分过期 -1000,余 0",
        "积分过期 -30,余 1000",
        f"抵扣退回(订单 #{spent}) +1000,余 1030",
        f"下单抵扣(订单 #{spent}) -1000,余 30",
        "平台赠送 +1000,余 1030",
        f"消费获得(订单 #{number}) +30,余 30",
    ]
    year = clock.now.year - 1  # another year's days are shown with their year
    assert all(x.startswith(f"· {year}年{day} ") for x in lines[2:])  # the expiries are a year on
    assert len(lines) <= LISTED_MOVEMENTS
    assert len(shown.encode()) <= 2_048
    for kind in ("earned", "redeemed", "returned", "expired", "granted"):
        assert kind not in shown  # named in words, never by id
