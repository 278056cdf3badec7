"""Workers end to end: registration with documents, approval, dispatch, the job itself, and
the customer's confirmation — through the webhooks, with fake Telegram and WeChat servers."""

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    on_wechat,
    seed_worker,
    visit_code,
)
from tests.fakes.wechat import (
    AES_KEY,  # noqa: F401
    PNG,
    WeChatServer,
    image_xml,
    location_xml,
)
from webhooks.keys import CLOCK

ADMIN = 880088


@pytest.fixture
async def both(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
        admins=f"telegram:{ADMIN}:ops",
    )
    client = await aiohttp_client(app)
    return app, client


async def test_register_on_wechat_approve_on_telegram_then_do_a_job_end_to_end(
    both, fake_telegram, fake_wechat, clock
):
    app, client = both
    fake_wechat.media.update(
        {
            "ID1": (PNG, "image/png"),
            "HC1": (PNG, "image/png"),
            "DOOR": (PNG, "image/png"),
            "B1": (PNG, "image/png"),
            "A1": (PNG, "image/png"),
        }
    )
    wx = WeChatUser(client, fake_wechat, "o-worker-li", WeChatServer(clock=app[CLOCK]))
    await wx.say("注册师傅")
    assert "真实姓名" in wx.last_text
    await wx.say("李阿姨")
    await wx.say("13911112222")
    await wx.choose("日常保洁")
    await wx.choose("选好了")
    assert "接单" in wx.last_text
    await wx.post_xml(location_xml("o-worker-li", 31.2280, 121.4700, "人民广场"))
    await wx.choose("5 km")
    assert "身份证" in wx.last_text
    await wx.post_xml(image_xml("o-worker-li", "ID1"))
    assert "健康证照片" in wx.last_text
    await wx.post_xml(image_xml("o-worker-li", "HC1"))
    await wx.say("2027-06-30")
    assert "请确认" in wx.last_text and "李阿姨" in wx.last_text
    await wx.choose("提交审核")
    assert "已提交" in wx.last_text and "审核中" in wx.last_text
    assert wx.last_text.count("通知您") == 1, wx.last_text  # one message, not two in a row
    await wx.say("上线")  # too soon: said once that it is under review, and when it may
    assert wx.last_text.count("审核中") == 1 and "审核通过后才能上线" in wx.last_text, wx.last_text

    admin = TelegramUser(client, fake_telegram, ADMIN)
    new_worker_note = fake_telegram.sent(ADMIN)[-1]["text"]
    assert "李阿姨" in new_worker_note
    worker_id = int(new_worker_note.split("ID ")[1].split(")")[0])
    await admin.say(f"/worker {worker_id}")
    photos = [m for m in admin.last if "photo" in m]
    assert len(photos) == 2 and all("/media/workers/" in p["photo"] for p in photos)
    await admin.say(f"/approve {worker_id}")
    assert "approved" in admin.text() or "已处理" in admin.text()
    assert any("审核通过" in t for t in fake_wechat.texts("o-worker-li"))
    await wx.say("上线")
    assert "已上线" in wx.last_text

    customer = TelegramUser(client, fake_telegram, 770077)
    number = await book_and_pay(customer)
    offer = fake_wechat.texts("o-worker-li")[-1]
    assert f"#{number}" in offer and "预计收入" in offer and "漕溪" not in offer
    assert f"接单 #{number}" in offer  # the WeChat rendering names the reply to send
    await wx.say(f"接单 #{number}")
    assert "接单成功" in wx.last_text and "8楼801" in wx.last_text
    masked = f"{customer.phone[:3]}****{customer.phone[-4:]}"  # the relay chat, not the number
    assert masked in wx.last_text and customer.phone not in wx.last_text
    accepted = fake_telegram.sent(770077)[-1]["text"]
    assert "已接单" in accepted

    await near_the_start(app, number, minutes_before=45)
    await wx.say(f"出发 #{number}")
    await wx.say("30分钟")  # when they will be there
    assert "已通知客户" in wx.last_text
    assert "已出发" in fake_telegram.sent(770077)[-1]["text"]
    await wx.say(f"打卡 #{number}")
    assert "发送您的实时位置" in wx.last_text
    await wx.post_xml(location_xml("o-worker-li", 31.2305, 121.4738, "门口"))
    assert "上门验证码" in wx.last_text
    code = await visit_code(app, number)
    assert f"验证码 {code}" in accepted  # the customer was told it when the worker took the job
    await wx.post_xml(image_xml("o-worker-li", "DOOR"))  # no photo before the code
    assert "请先输入客户告诉您的上门验证码" in wx.last_text
    await wx.say("0000" if code != "0000" else "1111")
    assert "验证码不对" in wx.last_text and "再错 2 次将通知客服" in wx.last_text
    await wx.say(" ".join(code))  # as read out, digit by digit
    assert "验证码正确" in wx.last_text and "门口照片" in wx.last_text
    await wx.post_xml(image_xml("o-worker-li", "DOOR"))
    assert "已到达" in wx.last_text
    assert "已到达" in fake_telegram.sent(770077)[-1]["text"]
    await wx.say(f"拍照 #{number} 服务前")
    await wx.post_xml(image_xml("o-worker-li", "B1"))
    assert "照片已保存" in wx.last_text
    await wx.say(f"完工 #{number}")
    assert "服务后照片" in wx.last_text  # finishing needs an after photo
    await wx.say(f"拍照 #{number} 服务后")
    await wx.post_xml(image_xml("o-worker-li", "A1"))
    await wx.say(f"完工 #{number}")
    assert "已完工" in wx.last_text

    sent = fake_telegram.sent(770077)
    links = [
        b
        for m in sent
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
        if "url" in b
    ]
    assert any("/media/orders/" in b["url"] and b["text"] == "查看照片" for b in links)
    customer.last = sent[-1:]
    await customer.choose("确认完成")
    assert "已确认完成" in customer.text()
    assert any("已结算" in t for t in fake_wechat.texts("o-worker-li"))
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    timeline = customer.text()
    for status in ("已接单", "师傅在路上", "师傅已到达", "服务中", "服务完成", "已确认"):
        assert status in timeline


async def test_check_in_too_far_is_refused_with_the_distance(both, fake_telegram, fake_wechat):
    app, client = both
    await seed_worker(app, channel="wechat", user_id="o-far", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 770078))
    wx = WeChatUser(client, fake_wechat, "o-far", WeChatServer(clock=app[CLOCK]))
    await wx.say(f"接单 #{number}")
    await near_the_start(app, number)
    await wx.say(f"打卡 #{number}")
    await wx.post_xml(location_xml("o-far", 31.2500, 121.4737, "别处"))
    assert "需在 300 m 以内" in wx.last_text and "2.1 km" in wx.last_text
    assert "实时位置" in wx.last_text  # asked again


async def test_push_offers_expire_and_move_to_the_next_worker(
    both, fake_telegram, fake_wechat, clock
):
    from domain.commands import ExpireOffers
    from webhooks.keys import SERVICES

    app, client = both
    first = await seed_worker(app, channel="wechat", user_id="o-first", center=HOME, level="S")
    await seed_worker(app, channel="wechat", user_id="o-second", center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 770079))
    assert any(f"#{number}" in t for t in fake_wechat.texts("o-first"))
    assert not any(f"#{number}" in t for t in fake_wechat.texts("o-second"))
    clock.advance(minutes=4)
    await app[SERVICES].run(ExpireOffers())
    assert not any(f"#{number}" in t for t in fake_wechat.texts("o-second"))
    clock.advance(minutes=2)
    await app[SERVICES].run(ExpireOffers())
    await app[SERVICES].run(ExpireOffers())  # idempotent: nothing more happens
    assert any("已过期" in t for t in fake_wechat.texts("o-first"))
    offers_to_second = [t for t in fake_wechat.texts("o-second") if f"#{number}" in t]
    assert len(offers_to_second) == 1
    wx = WeChatUser(client, fake_wechat, "o-first", WeChatServer(clock=app[CLOCK]))
    await wx.say(f"接单 #{number}")
    assert "已被其他师傅接走" in wx.last_text or "失效" in wx.last_text
    assert first


async def test_declining_offers_the_job_to_the_next_worker(both, fake_telegram, fake_wechat):
    app, client = both
    await seed_worker(app, channel="wechat", user_id="o-d1", center=HOME, level="S")
    await seed_worker(app, channel="wechat", user_id="o-d2", center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 770080))
    wx = WeChatUser(client, fake_wechat, "o-d1", WeChatServer(clock=app[CLOCK]))
    await wx.say(f"拒单 #{number}")
    assert "已拒绝" in wx.last_text
    assert any(f"#{number}" in t for t in fake_wechat.texts("o-d2"))
    await wx.say(f"接单 #{number}")  # a change of mind: the decline is final, nobody took it
    assert f"您已拒绝订单 #{number},这个邀请已关闭。" in wx.last_text, wx.last_text
    assert "其他师傅" not in wx.last_text


async def test_no_eligible_worker_tells_the_customer_and_alerts_admins(both, fake_telegram):
    app, client = both
    number = await book_and_pay(TelegramUser(client, fake_telegram, 770081))
    assert "暂时没有合适的师傅" in fake_telegram.sent(770081)[-1]["text"]
    assert sum("暂时没有合适的师傅" in m["text"] for m in fake_telegram.sent(770081)) == 1
    assert f"#{number}" in fake_telegram.sent(ADMIN)[-1]["text"]
    admin = TelegramUser(client, fake_telegram, ADMIN)
    worker = await seed_worker(app, channel="wechat", user_id="o-manual", center=HOME)
    await admin.say(f"/assign #{number} {worker}")
    assert "已将" in admin.text() or "Assigned" in admin.text()


async def test_workers_cannot_act_on_other_workers_jobs(both, fake_telegram, fake_wechat):
    app, client = both
    await seed_worker(app, channel="wechat", user_id="o-mine", center=HOME)
    await seed_worker(
        app, channel="wechat", user_id="o-other", center=(31.5, 121.9), radius_m=1000
    )
    number = await book_and_pay(TelegramUser(client, fake_telegram, 770082))
    mine = WeChatUser(client, fake_wechat, "o-mine", WeChatServer(clock=app[CLOCK]))
    other = WeChatUser(client, fake_wechat, "o-other", WeChatServer(clock=app[CLOCK]))
    await other.say(f"接单 #{number}")  # never offered to them: nothing of it is told
    assert f"订单 #{number} 不是您的任务" in other.last_text
    assert "已被其他师傅接走" not in other.last_text
    await mine.say(f"接单 #{number}")
    await other.say(f"出发 #{number}")
    assert "不是您的任务" in other.last_text


async def test_a_customer_cannot_use_worker_or_admin_commands(both, fake_telegram):
    app, client = both
    customer = TelegramUser(client, fake_telegram, 770083)
    await customer.say("/start")
    await customer.say("/approve 1")
    assert "不认识的指令" in customer.text() and "approve" not in customer.text().split("/")[0]
    await customer.say("接单 #123456")
    assert "还不是我们的师傅" in customer.text()
