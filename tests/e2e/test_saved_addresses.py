"""A customer's saved addresses hold each address once, on SQLite and PostgreSQL (where they
are sealed at rest): an order with a typed address, then a one-line request naming the same
address (spaced or in full-width digits), leave one saved address and one button at the next
booking — and an address saved twice before this was refused is offered once."""

from __future__ import annotations

import re

from domain.people import Address, Channel
from tests.e2e.helpers import TelegramUser, confirm_order, telegram_app
from webhooks.keys import DATABASE

TYPED = "徐汇区漕溪北路100号5楼501"


async def book_typed(customer: TelegramUser, when: str = "明天 15:00") -> int:
    """Two hours of regular cleaning at the typed address ``TYPED``, paid; the number."""
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("2小时")
    await customer.say(when)
    await customer.say(TYPED)
    await confirm_order(customer)
    return await paid(customer)


async def paid(customer: TelegramUser) -> int:
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed is not None, customer.text()
    await customer.choose("确认支付")
    assert "支付成功" in customer.text(), customer.text()
    return int(placed.group(1))


async def saved(app, chat: int) -> list[Address]:
    async with app[DATABASE].uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(chat))
        assert identity is not None and identity.customer_id is not None
        return await uow.addresses.for_customer(identity.customer_id)


async def address_buttons(customer: TelegramUser) -> list[str]:
    """The saved-address buttons a new booking offers."""
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("2小时")
    await customer.say("后天 17:00")
    assert "请选择常用地址" in customer.text(), customer.text()
    return [b["text"] for b in customer.options() if "漕溪北路" in b["text"]]


async def test_the_same_address_typed_again_is_saved_and_offered_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 783001)
    first = await book_typed(customer)
    await customer.say(f"后天下午三点 日常保洁 2小时 {TYPED}")
    await customer.choose("确认下单")
    second = await paid(customer)
    await customer.say("大后天下午三点 日常保洁 2小时 徐汇区漕溪北路 １００号 5楼501")
    await customer.choose("确认下单")
    third = await paid(customer)

    [address] = await saved(app, 783001)
    assert address.text == TYPED
    async with app[DATABASE].uow() as uow:
        orders = [await uow.orders.by_number(n) for n in (first, second, third)]
    assert {o.address_id for o in orders} == {address.id}
    assert await address_buttons(customer) == [TYPED]


async def test_another_address_is_still_saved_and_a_duplicate_saved_earlier_shows_once(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    customer = TelegramUser(client, fake_telegram, 783002)
    await book_typed(customer)
    await customer.say("后天下午三点 日常保洁 2小时 徐汇区漕溪北路100号6楼601")
    await customer.choose("确认下单")
    await paid(customer)
    [other, first] = await saved(app, 783002)  # newest first
    assert (other.text, first.text) == ("徐汇区漕溪北路100号6楼601", TYPED)
    async with app[DATABASE].uow() as uow:  # as an earlier version saved it: a second copy
        await uow.addresses.add(Address(first.customer_id, TYPED, first.contact_name, first.phone))
        await uow.commit()
    assert len(await saved(app, 783002)) == 3
    assert sorted(await address_buttons(customer)) == sorted([TYPED, other.text])


async def test_a_forged_address_button_shows_and_books_no_other_customers_address(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    """A saved-address button naming another customer's address (its id typed into a
    callback) neither shows that address on the quote nor books it: the quote and the order
    look it up among the customer's own, read with the checkout."""
    from tests.fakes.telegram import callback_update

    app, client = await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock
    )
    await book_typed(TelegramUser(client, fake_telegram, 783101))
    [theirs] = await saved(app, 783101)
    me = TelegramUser(client, fake_telegram, 783102)
    await me.say("/start")
    await me.say("明天下午三点 日常保洁 2小时 静安区南京西路100号3楼301")
    await me.choose("确认下单")
    if "手机号" in me.text():
        await me.say("13912345678")
    await paid(me)
    [mine] = await saved(app, 783102)
    await address_buttons(me)
    [button] = [b for b in me.options() if "南京西路" in b["text"]]
    message_id = me.last[-1]["message_id"]
    forged = button["callback_data"].replace(str(mine.id), str(theirs.id))
    assert forged != button["callback_data"]
    await me.post(callback_update(me.uid, forged, message_id, me.lang))
    assert "漕溪北路" not in me.text(), me.text()
    await me.choose("确认下单")
    assert "漕溪北路" not in me.text() and "地址不存在" in me.text(), me.text()
