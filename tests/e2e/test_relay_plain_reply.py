"""A worker answers a customer's relayed message by just typing — no "#N", no 回复顾客 pressed:
with one job whose customer wrote lately, the text goes to that customer by the relay's own
rules (phones masked, kept for ``/relay``) and the worker is told to whom, by the name the
order was booked under; with several, the worker picks (a button each) and nothing is sent
before; with none — nobody wrote, or too long ago — the words are the menu's as before.
Telegram through the webhooks, SQLite."""

from __future__ import annotations

from domain.relay import Side
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, seed_worker
from tests.e2e.test_job_rules import tg as tg  # the app on Telegram, an owner among admins
from webhooks.keys import DATABASE

WORKER = 600803


def from_worker(fake_telegram, customer: int, number: int) -> list[str]:
    """What reached the customer from the worker of ``number`` through the relay."""
    return [
        m.get("text", "")
        for m in fake_telegram.sent(customer)
        if m.get("text", "").startswith(f"#{number} 师傅")
    ]


def buttons(user: TelegramUser) -> list[str]:
    return [b["text"] for b in user.options()]


async def kept(app, number: int) -> list:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        return await uow.relay.for_order(order.id)


async def test_a_plain_reply_goes_to_the_one_customer_who_wrote(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, 600891)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")

    # nobody wrote yet: plain words are the menu's, and go nowhere
    await worker.say("你好")
    assert "请点选下面的按钮" in worker.text()
    assert from_worker(fake_telegram, customer.uid, number) == []

    await customer.say(f"#{number} 师傅您好,门口有保安")
    assert any(m.get("text", "").startswith(f"#{number} 顾客") for m in worker.fake.sent(WORKER))
    mine = "13912345678"
    await worker.say(f"好的,我15:00到,有事打我 {mine}")
    told = worker.text()
    name = f"Test {customer.uid}"  # the fake Telegram's first and last name, booked under
    said = worker.last[0]["text"].split("\n")[0]  # exactly this: whom, no id of ours
    assert said == f"已转发给 #{number} 的顾客 {name}。", told
    [relayed] = from_worker(fake_telegram, customer.uid, number)
    assert relayed.startswith(f"#{number} 师傅:好的,我15:00到,有事打我 139****5678"), relayed
    assert mine not in str(fake_telegram.sent(customer.uid))
    messages = await kept(app, number)  # kept for /relay, masked
    assert [(m.sender, m.text) for m in messages][-1] == (
        Side.WORKER,
        "好的,我15:00到,有事打我 139****5678",
    )
    assert "在线接单中" in told and f"出发 #{number}" in buttons(worker)  # the menu again

    # a second plain text goes the same way
    await worker.say("到了给您发消息")
    assert len(from_worker(fake_telegram, customer.uid, number)) == 2

    # "结束" at the menu is no message; a text over the relay's limit is refused
    await worker.say("结束")
    await worker.say("长" * 1001)
    assert "1000" in worker.text(), worker.text()
    assert len(from_worker(fake_telegram, customer.uid, number)) == 2

    # an hour after the customer's message, plain words are the menu's again
    clock.advance(minutes=61)
    await worker.say("还在吗")
    assert "请点选下面的按钮" in worker.text()
    assert len(from_worker(fake_telegram, customer.uid, number)) == 2


async def test_with_several_customers_waiting_the_worker_picks_whom(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER + 1), center=HOME)
    worker = TelegramUser(client, fake_telegram, WORKER + 1)
    first = TelegramUser(client, fake_telegram, 600892)
    second = TelegramUser(client, fake_telegram, 600893)
    one = await book_and_pay(first, when="明天 09:00")
    await worker.say(f"/accept #{one}")
    two = await book_and_pay(second, when="后天 15:00")
    await worker.say(f"/accept #{two}")
    await first.say(f"#{one} 几点到?")
    await second.say(f"#{two} 需要带梯子")

    await worker.say("好的")
    asked = worker.text()
    assert "这条回复发给谁" in asked, asked
    assert buttons(worker) == [  # the latest first
        f"#{two} Test {second.uid}",
        f"#{one} Test {first.uid}",
        "不发了",
    ]
    assert from_worker(fake_telegram, first.uid, one) == []
    assert from_worker(fake_telegram, second.uid, two) == []

    await worker.choose(f"#{two}")
    assert f"已转发给 #{two} 的顾客 Test {second.uid}。" in worker.text()
    assert from_worker(fake_telegram, second.uid, two)[0].startswith(f"#{two} 师傅:好的")
    assert from_worker(fake_telegram, first.uid, one) == []

    await worker.say("稍等")
    assert "这条回复发给谁" in worker.text()
    await worker.choose("不发了")
    assert "没有发送" in worker.text()
    assert len(from_worker(fake_telegram, second.uid, two)) == 1
    assert from_worker(fake_telegram, first.uid, one) == []
