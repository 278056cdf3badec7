"""The masked relay chat through the webhooks: a customer on WeChat and the worker on Telegram
exchange text, photos and locations about an order, each in their own channel, every message
tagged with the order number; phone numbers typed are masked and neither side ever gets the
other's phone or account id. Refused before a worker accepts and after the close window;
``/relay #N`` shows the conversation to support (audited) and is refused to finance."""

from __future__ import annotations

import random
import re

from sqlmodel import select

from store.tables import AuditRow
from tests import random_refs
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    on_telegram,
    on_wechat,
    seed_worker,
    taken_by_a_worker,
    telegram_gps,
)
from tests.e2e.test_job_rules import photo
from tests.e2e.test_media_links import book_on_wechat
from tests.fakes.wechat import PNG, WeChatServer, image_xml, location_xml
from webhooks.keys import CLOCK, DATABASE


def uid() -> int:
    return 8 * 10**9 + random.randrange(10**9)


def relayed_to_worker(fake_telegram, worker: int, number: int) -> list[str]:
    return [
        m.get("text", "")
        for m in fake_telegram.sent(worker)
        if m.get("text", "").startswith(f"#{number} 顾客")
    ]


async def test_a_wechat_customer_and_a_telegram_worker_talk_through_the_bot_masked(
    aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, fake_wechat, clock
):
    support, finance, ops = uid(), uid(), uid()
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        admins=f"telegram:{support}:support,telegram:{finance}:finance,telegram:{ops}:ops",
    )
    client = await aiohttp_client(app)
    openid = f"o-relay-{random_refs.user_id()}"
    customer = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))
    number = await book_on_wechat(customer)

    # before a worker accepts there is nobody to talk to
    refused = await customer.say(f"联系师傅 #{number}")
    assert "还没有师傅接单" in refused

    worker_uid = uid()
    await taken_by_a_worker(app, number, str(worker_uid))
    worker = TelegramUser(client, fake_telegram, worker_uid)

    # the customer opens the relay and writes; a phone typed in the text is masked
    assert f"已接通订单 #{number} 的师傅" in await customer.say(f"联系师傅 #{number}")
    mine = random_refs.phone()
    answer = await customer.say(f"师傅您好,门口有保安,打我电话 {mine}")
    assert f"已转发给师傅(#{number})" in answer
    [first] = relayed_to_worker(fake_telegram, worker_uid, number)
    assert first.startswith(f"#{number} 顾客:师傅您好,门口有保安,打我电话 {mine[:3]}****")
    assert mine not in first

    # the worker answers from the button under it, then sends a photo and a location
    worker.last = fake_telegram.sent(worker_uid)[-1:]
    await worker.choose(f"回复顾客 #{number}")
    assert f"已接通订单 #{number} 的顾客" in worker.text()
    await worker.say("好的,我15:00到,麻烦跟保安说一声")
    assert f"已转发给顾客(#{number})" in worker.text()
    await photo(worker, fake_telegram, f"relay{number}")
    assert f"已转发给顾客(#{number})" in worker.text()
    await worker.share(location=telegram_gps(HOME))  # the GPS position of HOME
    assert f"已转发给顾客(#{number})" in worker.text()
    to_customer = [t for t in fake_wechat.texts(openid) if t.startswith(f"#{number} 师傅")]
    assert len(to_customer) == 3
    assert to_customer[0].startswith(f"#{number} 师傅:好的,我15:00到")
    assert "(照片)" in to_customer[1] and "/media/relay/" in to_customer[1]
    assert f"(位置){HOME[0]:.5f},{HOME[1]:.5f}" in to_customer[2]
    assert all(f"回复师傅 #{number}" in t for t in to_customer)  # the word to answer with

    # the customer, in the relay still, sends a location and a photo back
    await customer.post_xml(location_xml(openid, 31.2310, 121.4740, "小区东门"))
    assert f"已转发给师傅(#{number})" in customer.last_text
    fake_wechat.media.update({"R0": (b"%PDF-1.4 not a photo", "application/pdf")})
    await customer.post_xml(image_xml(openid, "R0"))  # refused, and still in the relay
    assert "请发送照片(JPG/PNG/WebP)" in customer.last_text
    fake_wechat.media.update({"R1": (PNG, "image/png")})
    await customer.post_xml(image_xml(openid, "R1"))
    assert f"已转发给师傅(#{number})" in customer.last_text

    # from anywhere, "#N text" goes through; leaving with 结束
    await worker.say("结束")
    assert "已结束联系" in worker.text()
    await worker.say(f"#{number} 我到楼下了")
    assert f"已转发给顾客(#{number})" in worker.text()
    assert any(t.startswith(f"#{number} 师傅:我到楼下了") for t in fake_wechat.texts(openid))

    to_worker = relayed_to_worker(fake_telegram, worker_uid, number)
    assert len(to_worker) == 3
    assert "(位置)31.23100,121.47400 小区东门" in to_worker[1]
    assert "(照片)" in to_worker[2]
    photo_buttons = [
        b
        for m in fake_telegram.sent(worker_uid)
        if m.get("text", "").startswith(f"#{number} 顾客")
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ]
    assert any(
        b.get("url", "").startswith("http") and "/media/relay/" in b["url"] for b in photo_buttons
    )

    # neither side got the other's phone or account id, anywhere
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        worker_row = await uow.workers.get(order.worker_id)
    everything_to_worker = str(fake_telegram.sent(worker_uid))
    assert customer.phone not in everything_to_worker and mine not in everything_to_worker
    assert openid not in everything_to_worker
    everything_to_customer = "\n".join(fake_wechat.texts(openid))
    assert worker_row.phone not in everything_to_customer
    assert str(worker_uid) not in everything_to_customer

    # support reads the conversation (audited); finance may not
    admin = TelegramUser(client, fake_telegram, support)
    await admin.say(f"/relay #{number}")
    shown = admin.text()
    assert f"订单 #{number} 顾客与师傅的聊天记录" in shown
    assert "顾客:师傅您好,门口有保安" in shown and "师傅:好的,我15:00到" in shown
    assert "[位置] 31.23100,121.47400 小区东门" in shown and "[照片 1]" in shown
    assert mine not in shown
    async with app[DATABASE].uow() as uow:
        rows = await uow.session.exec(select(AuditRow).where(AuditRow.action == "relay_read"))
        [logged] = [r for r in rows.all() if r.target == f"order:{number}"]
    assert logged.actor == f"telegram:{support}" and logged.role == "support"
    outsider = TelegramUser(client, fake_telegram, finance)
    await outsider.say(f"/relay #{number}")
    assert "/relay 需要" in outsider.text() and "师傅您好" not in outsider.text()

    # the order ends (ops cancel it); the relay stays open the rules' 24 hours, then closes
    boss = TelegramUser(client, fake_telegram, ops)
    await boss.say(f"/cancel #{number} 客户改期")
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).status.value in ("cancelled", "refunded")
    clock.advance(hours=23)
    await worker.say(f"#{number} 还有问题请随时说")
    assert f"已转发给顾客(#{number})" in worker.text()
    clock.advance(hours=2)
    closed = await customer.say(f"#{number} 还在吗")
    assert "已结束超过 24 小时" in closed and "联系客服" in closed
    assert not any("还在吗" in t for t in relayed_to_worker(fake_telegram, worker_uid, number))


async def test_the_worker_sees_the_customer_s_phone_masked_and_the_way_to_the_relay(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    worker_uid = uid()
    await seed_worker(app, channel="telegram", user_id=str(worker_uid), center=HOME)
    customer = TelegramUser(client, fake_telegram, uid())
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, worker_uid)

    await worker.say(f"/accept #{number}")
    accepted = worker.text()
    assert "接单成功" in accepted and "8楼801" in accepted  # the address, as before
    assert f"{customer.phone[:3]}****{customer.phone[-4:]}" in accepted
    assert f"联系顾客 #{number}" in accepted
    await worker.say("任务")
    assert f"联系顾客 #{number}" in [b["text"] for b in worker.options()]
    assert customer.phone not in str(fake_telegram.sent(worker_uid))

    # the customer's order shows "联系师傅", which opens the relay
    accepted_notice = [
        m for m in fake_telegram.sent(customer.uid) if "已接单" in m.get("text", "")
    ]
    assert accepted_notice and "联系师傅" in accepted_notice[-1]["text"]
    await customer.say("我的订单")
    await customer.choose(f"#{number}")
    await customer.choose("联系师傅")
    assert f"已接通订单 #{number} 的师傅" in customer.text()
    await customer.say("我家狗很凶,到了先打招呼")
    assert any(
        re.match(rf"#{number} 顾客:我家狗很凶", t)
        for t in relayed_to_worker(fake_telegram, worker_uid, number)
    )


async def test_in_the_web_chat_the_customer_and_worker_panes_talk_through_the_relay(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, clock
):
    from domain.lifecycle import Action, ActorKind
    from domain.orders import Actor
    from tests.e2e.helpers import WebUser, book_on_web

    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock)
    client = await aiohttp_client(app)
    customer = WebUser(client)
    await customer.open()
    number = await book_on_web(customer)
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["daojia_web"]
    browser = cookie.value.split(".")[0]
    worker_id = await seed_worker(
        app, channel="web", user_id=f"{browser}-worker", center=HOME, online=False
    )
    async with app[DATABASE].uow() as uow:  # the worker of this pane has the order
        order = await uow.orders.by_number(number)
        if order.status.value == "paid":
            order.apply(Action.DISPATCH, Actor(ActorKind.SYSTEM, "test"), clock())
        order.worker_id, order.accepted_at = worker_id, clock()
        order.apply(Action.ACCEPT, Actor(ActorKind.WORKER, str(worker_id)), clock())
        await uow.orders.save(order, clock())
        await uow.commit()

    await customer.say(f"联系师傅 #{number}")
    assert f"已接通订单 #{number} 的师傅" in customer.text()
    await customer.say("门铃坏了,到了请敲门")
    pushed = await (await client.get("/web/api/poll?role=worker")).json()
    texts = [r.get("text", "") for r in pushed["replies"]]
    assert any(t.startswith(f"#{number} 顾客:门铃坏了,到了请敲门") for t in texts), texts

    worker = WebUser(client, role="worker")
    await worker.say(f"#{number} 好的,我会敲门")
    assert f"已转发给顾客(#{number})" in worker.text()
    pushed = await (await client.get("/web/api/poll?role=customer")).json()
    texts = [r.get("text", "") for r in pushed["replies"]]
    assert any(t.startswith(f"#{number} 师傅:好的,我会敲门") for t in texts), texts
    assert customer.phone not in str(texts) and customer.phone not in worker.text()
