"""An hour of cleaning for points at checkout, where the catalog allows it: offered on the
quote to a customer who holds the points, beside the cash redemption; spent when the order is
placed, through the points ledger, and given back with a cancellation; with the cash
redemption too, the hour is paid first and the settlement balances."""

from __future__ import annotations

import re

from domain.points import PointsKind
from tests.e2e.helpers import TelegramUser, confirm_order, grant_points
from tests.e2e.test_points import (  # noqa: F401 - shop is a fixture
    books_balance,
    customer_id,
    finish_and_confirm,
    history,
    shop,
)
from tests.e2e.test_unpaid_orders import quote_three_hours
from webhooks.keys import DATABASE


async def test_an_hour_for_points_is_spent_on_the_order_and_given_back_with_its_cancellation(
    shop,  # noqa: F811 - the fixture
    fake_telegram,
    clock,
):
    app, client = shop
    customer = TelegramUser(client, fake_telegram, 630701)
    await customer.say("/start")
    me = await customer_id(app, customer)
    await quote_three_hours(customer)
    assert "积分换" not in customer.text()  # no points: nothing offered
    await customer.say("菜单")

    await grant_points(app, me, 650)
    await quote_three_hours(customer)  # ¥120 − ¥20 coupon − ¥50 first order = ¥50
    assert "用 500 积分换 1 小时" in customer.text() and "用积分抵扣" in customer.text()
    await customer.choose("用 500 积分换 1 小时")
    quoted = customer.text()
    assert "积分兑换 1 小时  -¥40.00" in quoted and "不用积分换工时" in quoted
    assert "合计:¥30.00" in quoted  # ¥80: under the coupon's ¥100, so only the first order
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    shown = await history(app, me)
    assert shown.balance == 150
    assert (shown.lines[0].kind, shown.lines[0].points, shown.lines[0].number) == (
        PointsKind.REDEEMED,
        -500,
        number,
    )
    await books_balance(app)

    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("取消订单")
    await customer.choose("确认取消")
    shown = await history(app, me)
    assert shown.balance == 650
    assert [(x.kind, x.points) for x in shown.lines[:2]] == [
        (PointsKind.RETURNED, 500),
        (PointsKind.REDEEMED, -500),
    ]
    await books_balance(app)

    clock.advance(minutes=10)  # past the per-person message rate limit
    await customer.say("菜单")  # again, with the cash redemption too: the hour first
    await quote_three_hours(customer)
    await customer.choose("用 500 积分换 1 小时")
    await customer.choose("用积分抵扣")
    quoted = customer.text()
    assert "积分兑换 1 小时  -¥40.00" in quoted and "积分抵扣 100 分  -¥1.00" in quoted
    assert "合计:¥29.00" in quoted
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("确认支付")
    assert "支付成功 ¥29.00" in customer.text()
    assert (await history(app, me)).balance == 50
    await finish_and_confirm(client, fake_telegram, customer, number, clock)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.status.value == "settled" and order.points_used == 600
    assert (await history(app, me)).balance == 50 + 29  # a point per yuan paid
    await books_balance(app)
