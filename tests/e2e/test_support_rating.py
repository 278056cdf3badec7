"""The rating a support ticket asks for when it ends, through the webhooks on PostgreSQL: after
support's ``/close`` the customer still in the ticket's chat answers 1–5 (anything else is asked
again and opens no ticket); after "结束咨询" the question has a skip button, and the menu's
buttons, a request and the global words leave it (unrated) and do what they say. Both
languages."""

from __future__ import annotations

from tests.e2e.helpers import TelegramUser
from tests.e2e.test_support_tickets import (  # noqa: F401 - the fixture
    SUPPORT_TG,
    both,
    ticket_of,
    wechat_customer,
)


async def no_ticket(app, ticket_id: int) -> bool:
    return await ticket_of(app, ticket_id) is None


async def test_after_support_closes_it_the_customer_s_1_to_5_is_the_rating_not_a_new_ticket(
    both,  # noqa: F811 - the fixture
    fake_telegram,
    fake_wechat,
):
    app, client, _ = both
    customer = await wechat_customer(app, client, fake_wechat, "o-rating-1")
    await customer.choose("联系客服")
    assert "T1" in await customer.say("空调不制冷")
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    await support.say("/close T1")
    alerts = len(fake_telegram.sent(SUPPORT_TG))

    answer = await customer.say("6")
    assert "已转给客服" not in answer and "T2" not in answer
    assert "1–5" in answer and "跳过" in answer
    answer = await customer.say("好的")
    assert "已转给客服" not in answer and "1–5" in answer
    assert "谢谢您的评分" in await customer.say("5")
    assert (await ticket_of(app, 1)).rating == 5  # type: ignore[union-attr]
    assert await no_ticket(app, 2)
    assert len(fake_telegram.sent(SUPPORT_TG)) == alerts  # support heard of no new ticket


async def test_back_via_reply_to_support_the_message_after_close_is_the_rating_too(
    both,  # noqa: F811 - the fixture
    fake_telegram,
    fake_wechat,
):
    app, client, _ = both
    customer = await wechat_customer(app, client, fake_wechat, "o-rating-4")
    await customer.choose("联系客服")
    assert "T1" in await customer.say("洗衣机漏水")
    await customer.say("菜单")  # left the chat, back through the reply's button
    assert "回复客服" in await customer.say("回复客服")
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    await support.say("/close T1")
    alerts = len(fake_telegram.sent(SUPPORT_TG))

    answer = await customer.say("还有一个问题")
    assert "已转给客服" not in answer and "T2" not in answer
    assert "T1" in answer and "没有发出" in answer and "1–5" in answer
    assert "谢谢您的评分" in await customer.say("4")
    assert (await ticket_of(app, 1)).rating == 4  # type: ignore[union-attr]
    assert await no_ticket(app, 2)
    assert len(fake_telegram.sent(SUPPORT_TG)) == alerts  # support heard of no new ticket


async def test_in_english_too_a_5_after_close_rates_the_ticket(
    both,  # noqa: F811 - the fixture
    fake_telegram,
):
    app, client, _ = both
    customer = TelegramUser(client, fake_telegram, 930401, lang="en")
    await customer.say("/start")
    await customer.say("/support")
    await customer.say("the fridge is noisy")
    assert "T1" in customer.text()
    support = TelegramUser(client, fake_telegram, SUPPORT_TG)
    await support.say("/close T1")

    await customer.say("7")
    assert "Skip" in customer.text() and "T2" not in customer.text()
    await customer.say("5")
    assert "Thank you for your rating" in customer.text()
    assert (await ticket_of(app, 1)).rating == 5  # type: ignore[union-attr]
    assert await no_ticket(app, 2)


async def test_after_the_customer_ends_it_the_rating_can_be_skipped(
    both,  # noqa: F811 - the fixture
    fake_wechat,
):
    app, client, _ = both
    customer = await wechat_customer(app, client, fake_wechat, "o-rating-2")
    await customer.choose("联系客服")
    await customer.say("发票抬头写错了")
    answer = await customer.say("结束咨询")
    assert "点「跳过」" in answer and "1 分 / 跳过" in answer  # says how, and offers it
    answer = await customer.say("跳过")
    assert "跳过" in answer and "请选择您需要的服务" in answer  # said, and back at the menu
    assert (await ticket_of(app, 1)).rating is None  # type: ignore[union-attr]


async def test_the_menu_and_a_request_leave_the_rating_and_do_what_they_say(
    both,  # noqa: F811 - the fixture
    fake_wechat,
):
    app, client, _ = both
    customer = await wechat_customer(app, client, fake_wechat, "o-rating-3")
    await customer.choose("联系客服")
    await customer.say("第一个问题")
    await customer.say("结束咨询")
    answer = await customer.say("联系客服")
    assert "打分" not in answer and "请直接输入您的问题" in answer
    assert "T2" in await customer.say("第二个问题")  # a new ticket, as 联系客服 does
    await customer.say("结束咨询")
    answer = await customer.say("明天下午3点 日常保洁 3小时")
    assert "打分" not in answer and "地址" in answer  # the booking goes on from what it named
    await customer.say("菜单")
    await customer.choose("联系客服")
    await customer.say("第三个问题")
    await customer.say("结束咨询")
    answer = await customer.say("我的订单")
    assert "打分" not in answer and "您还没有订单" in answer
    ratings = [(await ticket_of(app, n)).rating for n in (1, 2, 3)]  # type: ignore[union-attr]
    assert ratings == [None, None, None]


async def test_in_english_the_rating_offers_skip_and_my_orders_leaves_it(
    both,  # noqa: F811 - the fixture
    fake_telegram,
):
    app, client, _ = both
    customer = TelegramUser(client, fake_telegram, 930402, lang="en")
    await customer.say("/start")
    await customer.say("/support")
    await customer.say("wrong invoice")
    await customer.say("end")
    assert "Skip" in customer.text()
    await customer.say("My orders")
    assert "You have no orders yet" in customer.text() and "Skip" not in customer.text()
    await customer.say("/support")
    await customer.say("another question")
    await customer.say("end")
    await customer.choose("Skip")
    assert "What can we do for you" in customer.text() and "Skip" not in customer.text()
    assert (await ticket_of(app, 1)).rating is None  # type: ignore[union-attr]
    assert (await ticket_of(app, 2)).rating is None  # type: ignore[union-attr]
