"""A long placement is never repeated weekly, on SQLite and PostgreSQL: a 30-day live-in nanny
(住家保姆) paid for shows no "每周重复" in its detail, the services refuse to set one up
(the customer is pointed to renewal), and one set up before that was refused is stopped by
the sweep with a notice — never a new 30-day contract every week over the one paid for."""

from __future__ import annotations

import re
from datetime import time, timedelta

from conversations.events import Failed
from domain.commands import GenerateRecurring, Subscribe
from domain.people import Channel
from domain.queries import DraftSubscription
from domain.recurring import Subscription
from tests.e2e.helpers import START, TelegramUser, confirm_order, telegram_app
from webhooks.keys import DATABASE, SERVICES

REFUSED = "是长期合同,不能每周重复;合同到期前可以续约"


async def book_live_in_nanny(customer: TelegramUser, days: int = 30) -> int:
    """Book ``days`` of the demo's live-in nanny from tomorrow 09:00 at a typed address and
    pay the deposit; the order number."""
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保姆育儿嫂")
    await customer.choose("住家保姆")
    await customer.say(str(days))
    await customer.say("明天 9:00")
    await customer.say("徐汇区漕溪北路100号5楼501")
    assert f"共 {days} 天(住家,每天 24 小时)" in customer.text(), customer.text()
    await confirm_order(customer)
    code = re.search(r"请回复验证码:(\d{6})", customer.text())
    assert code is not None, customer.text()  # a big order: the code is typed back
    await customer.say(code.group(1))
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()
    return number


async def customer_id(app, chat: int) -> int:
    async with app[DATABASE].uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(chat))
    assert identity is not None and identity.customer_id is not None
    return identity.customer_id


async def test_a_live_in_placement_is_not_offered_nor_set_up_as_a_weekly_repeat(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 781001)
    number = await book_live_in_nanny(customer)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    detail = customer.text()
    assert "共 30 天" in detail and "再来一单" in detail
    assert "每周重复" not in detail, detail

    me = await customer_id(app, 781001)
    weekday = (START + timedelta(days=1)).weekday()
    for asked in (
        DraftSubscription(me, number, None, ""),
        Subscribe(me, number, weekday, "09:00"),
    ):
        [answer] = await app[SERVICES].run(asked)
        assert isinstance(answer, Failed), answer
        said = answer.message.get("zh")
        assert f"订单 #{number} {REFUSED}" in said and f"续约 #{number}" in said
    async with app[DATABASE].uow() as uow:
        assert await uow.subscriptions.for_customer(me) == []


async def test_a_weekly_repeat_of_a_placement_set_up_earlier_is_stopped_with_a_notice(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 781002)
    number = await book_live_in_nanny(customer)
    me = await customer_id(app, 781002)
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        first = START + timedelta(days=3)  # inside the window the sweep books ahead
        sub = await uow.subscriptions.add(
            Subscription(
                customer_id=me,
                channel=order.channel,
                lang=order.lang,
                selections=order.selections,
                weekday=first.weekday(),
                at_time=time(9, 0),
                next_start_at=first,
                created_at=START,
                address_id=order.address_id,
            )
        )
        await uow.commit()

    await app[SERVICES].run(GenerateRecurring())
    await app[SERVICES].run(GenerateRecurring())  # a second run changes nothing

    async with app[DATABASE].uow() as uow:
        orders = await uow.orders.for_customer(me, limit=10)
        stopped = await uow.subscriptions.get(sub.id)
    assert [o.number for o in orders] == [number]  # no second contract
    assert stopped is not None and not stopped.active
    told = [m["text"] for m in fake_telegram.sent(781002) if "【定期预约】" in m.get("text", "")]
    assert len(told) == 1, told
    assert "长期合同不能每周重复,合同到期前可以续约" in told[0]
    assert "该定期预约已停止。" in told[0] and "重新预约" not in told[0]
