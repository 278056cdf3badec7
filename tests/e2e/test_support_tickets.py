"""Two-way support through the webhooks on PostgreSQL: a WeChat customer's "联系客服" opens a
ticket; support on Telegram lists (``/tickets``), takes, replies (the answer reaches the
customer on WeChat), and closes it (a 1–5 rating asked and stored); the customer's next
messages go to the ticket; an unanswered ticket re-alerts support once per SLA step."""

from __future__ import annotations

import secrets

import pytest
from sqlmodel import select

from domain.commands import TicketSweep
from tests.e2e.helpers import (
    Clock,
    TelegramUser,
    WeChatUser,
    make_app,
    on_telegram,
    on_wechat,
)
from tests.fakes.wechat import PNG, WeChatServer, image_xml
from webhooks.keys import CLOCK, DATABASE, SERVICES

SUPPORT_TG = 930001


@pytest.fixture
async def both(aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, fake_wechat):
    clock = Clock()
    app = make_app(
        tmp_path,
        own_postgres_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        admins=f"telegram:{SUPPORT_TG}:support",
    )
    return app, await aiohttp_client(app), clock


async def wechat_customer(app, client, fake_wechat, openid: str) -> WeChatUser:
    user = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))
    await user.say("/start")
    return user


async def ticket_of(app, ticket_id: int):
    async with app[DATABASE].uow() as uow:
        return await uow.tickets.get(ticket_id)


async def test_a_wechat_customer_and_support_on_telegram_talk_both_ways_then_rate(
    both, fake_telegram, fake_wechat
):
    app, client, clock = both
    customer = await wechat_customer(app, client, fake_wechat, "o-ticket-1")
    await customer.choose("联系客服")
    answer = await customer.say("师傅把花瓶打碎了")
    assert "T1" in answer and "已转给客服" in answer
    [alert] = fake_telegram.sent(SUPPORT_TG)
    assert "T1" in alert["text"] and "师傅把花瓶打碎了" in alert["text"]

    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    clock.advance(minutes=7)
    await support.say("/tickets")
    assert "T1" in support.text() and "7" in support.text()
    await support.say("/take T1")
    assert "已接下工单 T1" in support.text()
    await support.say("/reply T1 很抱歉,我们今天联系师傅核实")
    assert "已回复工单 T1" in support.text()
    assert any("很抱歉,我们今天联系师傅核实" in t for t in fake_wechat.texts("o-ticket-1"))

    await customer.say("好的,谢谢")  # the next message goes to the ticket, not the booking
    assert "已转给客服(T1)" in customer.last_text
    assert "好的,谢谢" in fake_telegram.sent(SUPPORT_TG)[-1]["text"]
    await customer.say("菜单")  # having left it, "回复客服" (the reply's button) returns to it
    assert "回复客服" in await customer.say("回复客服")
    await customer.say("明天下午三点可以吗")
    assert "已转给客服(T1)" in customer.last_text

    fake_wechat.media.update({"S1": (PNG, "image/png")})
    await customer.post_xml(image_xml(customer.openid, "S1"))  # a photo goes to it too
    assert "已转给客服(T1)" in customer.last_text
    assert "/media/" in str(fake_telegram.sent(SUPPORT_TG)[-1])

    await support.say("/close T1")
    assert "已关闭工单 T1" in support.text()
    assert any("客服评分 5" in t for t in fake_wechat.texts("o-ticket-1"))
    await customer.say("客服评分 4")
    assert "谢谢您的评分" in customer.last_text
    ticket = await ticket_of(app, 1)
    assert ticket is not None and ticket.status.value == "closed" and ticket.rating == 4
    assert ticket.taken_by == f"telegram:{SUPPORT_TG}" and ticket.first_response_at is not None
    assert [m.text for m in ticket.messages] == [
        "师傅把花瓶打碎了",
        "很抱歉,我们今天联系师傅核实",
        "好的,谢谢",
        "明天下午三点可以吗",
        "",
    ]
    assert ticket.messages[-1].photo.startswith("tickets/")
    async with app[DATABASE].uow() as uow:  # the text is encrypted at rest
        from store.tables import TicketMessageRow

        raw = (await uow.session.exec(select(TicketMessageRow.text_enc))).all()
    assert raw and all("花瓶".encode() not in blob for blob in raw)


async def test_the_customer_ends_it_and_rates_with_one_tap(both, fake_telegram, fake_wechat):
    app, client, _ = both
    customer = await wechat_customer(app, client, fake_wechat, "o-ticket-2")
    await customer.choose("联系客服")
    await customer.say("发票开错了")
    answer = await customer.say("结束咨询")
    assert "已结束" in answer and "5 分" in answer
    assert "已结束咨询" in fake_telegram.sent(SUPPORT_TG)[-1]["text"]
    assert "谢谢您的评分" in await customer.say("5 分")
    ticket = await ticket_of(app, 1)
    assert ticket is not None and ticket.rating == 5 and ticket.closed_by == "customer"


async def test_an_unanswered_ticket_re_alerts_support_once_per_sla_step(
    both, fake_telegram, fake_wechat
):
    app, client, clock = both
    customer = await wechat_customer(app, client, fake_wechat, "o-ticket-3")
    await customer.choose("联系客服")
    await customer.say("有人吗")
    sweep = app[SERVICES].run
    before = len(fake_telegram.sent(SUPPORT_TG))
    clock.advance(minutes=10)
    await sweep(TicketSweep())
    assert len(fake_telegram.sent(SUPPORT_TG)) == before
    clock.advance(minutes=6)  # 16 minutes: the first step
    await sweep(TicketSweep())
    await sweep(TicketSweep())  # claimed once
    waiting = [m["text"] for m in fake_telegram.sent(SUPPORT_TG)[before:]]
    assert len(waiting) == 1 and "T1" in waiting[0] and "16" in waiting[0]
    clock.advance(minutes=15)  # the second step
    await sweep(TicketSweep())
    await sweep(TicketSweep())
    assert len(fake_telegram.sent(SUPPORT_TG)) == before + 2
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    await support.say("/reply T1 在的")
    clock.advance(minutes=30)
    await sweep(TicketSweep())  # answered: no more alerts
    assert len(fake_telegram.sent(SUPPORT_TG)) == before + 3  # + the reply's confirmation


async def test_a_customer_cannot_reach_someone_else_s_ticket_nor_list_tickets(
    both, fake_telegram, fake_wechat
):
    app, client, _ = both
    first = await wechat_customer(app, client, fake_wechat, "o-ticket-4")
    await first.choose("联系客服")
    await first.say("我的订单有问题")
    other = await wechat_customer(app, client, fake_wechat, "o-ticket-5")
    await other.choose("联系客服")
    assert "T2" in await other.say("我也有问题")  # their own ticket, not the other's
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    await support.say("/close T1")
    answer = await other.say("客服评分 1")  # T1 is closed, but not theirs
    assert "谢谢您的评分" not in answer
    assert (await ticket_of(app, 1)).rating is None  # type: ignore[union-attr]
    assert "T1" not in await other.say("/tickets")
    stranger = TelegramUser(client, fake_telegram, 930099)
    await stranger.say("/tickets")
    assert "不认识的指令" in stranger.text() and "T1" not in stranger.text()
    ticket = await ticket_of(app, 1)
    assert ticket is not None and [m.text for m in ticket.messages] == ["我的订单有问题"]


async def test_a_telegram_customer_rates_with_the_closing_notice_s_button(
    both, fake_telegram, fake_wechat
):
    from tests.fakes.telegram import callback_update

    app, client, _ = both
    customer = TelegramUser(client, fake_telegram, 930201)
    await customer.say("/start")
    await customer.say("/support")
    await customer.say("空调还是不制冷")
    assert "T1" in customer.text()
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    await support.say("/close T1")
    closing = fake_telegram.sent(930201)[-1]
    buttons = [b for row in closing["reply_markup"]["inline_keyboard"] for b in row]
    [five] = [b for b in buttons if b["text"].endswith("5")]
    await customer.post(callback_update(930201, five["callback_data"], closing["message_id"]))
    assert "谢谢您的评分" in customer.text()
    assert (await ticket_of(app, 1)).rating == 5  # type: ignore[union-attr]


async def test_two_instances_alert_each_sla_step_once(
    aiohttp_client, tmp_path, own_postgres_url, redis_url, pii_key, fake_telegram, fake_wechat
):
    import asyncio

    clock = Clock()

    def app(name):
        return make_app(
            tmp_path / name,
            own_postgres_url,
            pii_key,
            clock=clock,
            redis_url=redis_url,
            **on_telegram(fake_telegram),
            **on_wechat(fake_wechat),
            admins=f"telegram:{SUPPORT_TG}:support",
        )

    one, two = app("one"), app("two")
    client = await aiohttp_client(one)
    await aiohttp_client(two)
    # Redis is shared by every run: an openid of this run's own
    customer = await wechat_customer(one, client, fake_wechat, f"o-ticket-{secrets.token_hex(4)}")
    await customer.choose("联系客服")
    await customer.say("在吗")
    before = len(fake_telegram.sent(SUPPORT_TG))
    clock.advance(minutes=16)
    for _ in range(2):
        await asyncio.gather(one[SERVICES].run(TicketSweep()), two[SERVICES].run(TicketSweep()))
    assert len(fake_telegram.sent(SUPPORT_TG)) == before + 1


async def test_support_reads_a_ticket_s_whole_conversation_audited_and_finance_may_not(
    aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, fake_wechat
):
    from store.tables import AuditRow

    clock = Clock()
    finance_tg = 930301
    app = make_app(
        tmp_path,
        own_postgres_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        admins=f"telegram:{SUPPORT_TG}:support,telegram:{finance_tg}:finance",
    )
    client = await aiohttp_client(app)
    customer = await wechat_customer(app, client, fake_wechat, "o-ticket-6")
    await customer.choose("联系客服")
    await customer.say("洗衣机洗完还有异味")
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    clock.advance(minutes=5)
    await support.say("/reply T1 请问是哪一天的订单?")
    clock.advance(minutes=2)
    await customer.say("昨天下午的")

    await support.say("/ticket T1")
    shown = support.text()
    lines = shown.splitlines()
    assert "工单 T1" in lines[0] and "处理中" in lines[0]
    said = [line for line in lines if "洗衣机" in line or "哪一天" in line or "昨天下午" in line]
    assert len(said) == 3 and "客户" in said[0] and "洗衣机洗完还有异味" in said[0]
    assert "客服(Telegram):" in said[1] and "请问是哪一天的订单?" in said[1]  # no raw account
    assert "客户" in said[2] and "昨天下午的" in said[2]
    times = [line.split()[2] for line in said]  # "12月6日 周日 10:00 客户:…"
    assert times == sorted(times) and times[0] != times[1]
    assert "/reply T1" in shown

    await support.say("查看工单 T9")
    assert "没有工单 T9" in support.text()
    finance = TelegramUser(client, fake_telegram, finance_tg)
    await finance.say("/ticket T1")
    assert "/ticket 需要" in finance.text() and "洗衣机" not in finance.text()
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.action == "view_ticket"))
        [read] = rows.all()
    assert read.actor == f"telegram:{SUPPORT_TG}" and read.target == "ticket:T1"
