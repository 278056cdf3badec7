"""Customer journeys beyond the first booking: cancel under the policy, reorder, support,
and a wrong answer at every step of the booking."""

from dataclasses import replace

import pytest

from tests.e2e.helpers import (
    RULES,
    STACKING,
    TelegramUser,
    WebUser,
    confirm_order,
    make_app,
    on_telegram,
    taken_by_a_worker,
)
from tests.fakes.telegram import message_update
from webhooks.keys import DATABASE

ADMIN_TG = 900900


@pytest.fixture
async def tg_app(aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram, clock):
    app = make_app(
        tmp_path,
        sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{ADMIN_TG}:support",
    )
    return await aiohttp_client(app)


async def signed_up(client, fake, uid: int) -> TelegramUser:
    user = TelegramUser(client, fake, uid)
    await user.say("/start")
    return user


async def book_daily_cleaning(user: TelegramUser, when: str = "明天 15:00") -> str:
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.say(when)
    await user.say("浦东新区世纪大道100号 5楼")
    await confirm_order(user)
    number = next(t for t in user.text().split() if t.startswith("#"))
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    return number


async def test_cancel_shows_the_fee_first_and_refunds_the_rest(tg_app, fake_telegram, clock):
    user = await signed_up(tg_app, fake_telegram, 100001)
    number = await book_daily_cleaning(user, "明天 15:00")  # ¥80 − ¥50 first order = ¥30
    await taken_by_a_worker(tg_app.app, int(number.lstrip("#")), "100901")
    clock.advance(hours=20)  # now 10 h before the start: 10% fee
    await user.say("/orders")
    await user.choose(number)
    await user.choose("取消订单")
    text = user.text()
    assert "收取 ¥3.00" in text and "退款 ¥27.00" in text and "确认取消" in text
    await user.choose("确认取消")
    assert "已取消" in user.text() and "¥27.00" in user.text()
    await user.say("/orders")
    assert "已取消" in user.text() and "已退款" not in user.text()  # ¥3 kept: not all back
    await user.choose(number)
    assert "已退 ¥27.00,扣除取消费 ¥3.00" in user.text(), user.text()


async def test_an_order_nobody_took_cancels_for_free_and_gives_the_coupon_back(
    tg_app, fake_telegram, clock
):
    user = await signed_up(tg_app, fake_telegram, 100012)
    await book_daily_cleaning(user, "明天 10:00")  # the first order (the phone given)
    admin = TelegramUser(tg_app, fake_telegram, ADMIN_TG)
    await admin.say(f"/coupon issue {user.phone} 20 7")
    number = await book_daily_cleaning(user, "明天 15:00")  # ¥80 − the ¥20 coupon
    async with tg_app.app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(int(number.lstrip("#")))
    assert order.coupon_code and order.paid_cents == 6_000
    clock.advance(hours=29)  # an hour before the start, and still no worker
    await user.say("/orders")
    await user.choose(number)
    await user.choose("取消订单")
    assert "还没有师傅接单,全额退款" in user.text() and "免费取消,退款 ¥60.00" in user.text()
    await user.choose("确认取消")
    assert "已取消" in user.text() and "¥60.00" in user.text()
    async with tg_app.app[DATABASE].uow() as uow:
        coupon = await uow.coupons.by_code(order.coupon_code)
    assert coupon.used_order_id is None  # to use again


async def test_keeping_the_order_after_seeing_the_fee_changes_nothing(
    tg_app, fake_telegram, clock
):
    user = await signed_up(tg_app, fake_telegram, 100002)
    number = await book_daily_cleaning(user, "明天 15:00")
    await user.say("/orders")
    await user.choose(number)
    await user.choose("取消订单")
    assert "免费取消,退款 ¥30.00" in user.text()  # nobody took it yet
    await user.choose("不取消")
    assert "订单保留" in user.text() and "派单中" in user.text()


async def test_reorder_is_three_taps_at_the_next_free_start_on_the_same_weekday_and_hour(
    tg_app, fake_telegram, clock
):
    user = await signed_up(tg_app, fake_telegram, 100003)
    await book_daily_cleaning(user)  # Tuesday 24 Nov 15:00
    await user.say("/reorder")  # 1
    quote = user.text()
    assert "日常保洁 2 小时" in quote and "合计:¥80.00" in quote  # no first-order discount now
    assert "12月1日 周二 15:00" in quote  # next Tuesday: this Tuesday's visit is the first order's
    await user.choose("确认下单")  # 2: the phone is known since the first order
    await user.choose("确认支付")  # 3
    assert "支付成功" in user.text()


async def test_a_new_booking_after_going_back_from_a_reorder_starts_afresh(
    tg_app, fake_telegram, clock
):
    # the bug report: after rejected dates in 再来一单, "返回" back to the menu, and a new
    # booking skipped the date and reused the old address
    user = await signed_up(tg_app, fake_telegram, 100005)
    await book_daily_cleaning(user)
    clock.advance(minutes=1)  # a new minute of the message rate limit
    await user.choose("再来一单")  # the menu follows the payment
    await user.choose("改时间")
    assert "什么时候上门" in user.text()
    await user.say("今天 9:30")  # 30 minutes from now: too soon
    assert "太早" in user.text()
    await user.say("12月30日 10:00")  # more than 30 days ahead: refused
    assert "最多可预约" in user.text() and "什么时候上门" in user.text()
    for _ in range(6):
        if "预约服务" in user.text():
            break
        await user.say("返回")
    clock.advance(minutes=1)
    await user.choose("预约服务")
    assert "请选择服务类别" in user.text()
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("3小时")
    assert "什么时候上门" in user.text()
    await user.say("后天 10:00")
    assert "服务地址" in user.text()
    await user.say("静安区南京西路1000号8楼")
    assert "日常保洁 3 小时" in user.text() and "确认下单" in user.text()


async def test_support_messages_reach_the_support_admins(tg_app, fake_telegram):
    user = await signed_up(tg_app, fake_telegram, 100004)
    await user.choose("联系客服")
    await user.say("师傅迟到了半小时")
    assert "已转给客服" in user.text()
    [to_admin] = fake_telegram.sent(ADMIN_TG)
    assert "师傅迟到了半小时" in to_admin["text"]


async def test_a_wrong_answer_at_every_step_is_asked_again(
    aiohttp_client, tmp_path, sqlite_url, pii_key
):
    # 33 messages at a clock that stands still: more than a minute's rate limit allows
    patient = replace(STACKING, risk=replace(RULES.risk, messages_per_minute=100))
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, rules=patient))
    user = WebUser(client)
    await user.open()

    async def wrong(text: str, still: str) -> None:
        before = user.text()
        await user.say(text)
        assert still in user.text(), (text, before, user.text())

    await user.say("/start")
    await wrong("做饭", "请选择")
    await user.choose("预约服务")
    await wrong("🙂", "请选择服务类别")
    await user.choose("保洁")
    await wrong("999", "请选择项目")
    await user.choose("深度保洁")
    await wrong("maybe", "需要加选")
    await user.choose("选好了")
    await wrong("10", "面积多少")  # below the 40 m² minimum
    await wrong("很大", "面积多少")
    await user.say("100")
    await wrong("下辈子", "什么时候上门")
    await wrong("2020-01-01", "什么时候上门")
    await user.choose("其他时间")
    await wrong("🙂", "哪天上门")
    await user.choose("明天")
    await wrong("午饭后", "几点开始")
    await user.choose("10:00")
    await wrong("家", "地址太短")
    await user.say("浦东新区世纪大道100号 5楼")
    resp = await client.post("/web/api/send", json={"type": "location", "lat": 200, "lon": 0})
    assert resp.status == 400  # impossible coordinates are refused, nothing changes
    await wrong("x" * 300, "备注最多")  # typed at the quote: a note for the worker
    await user.choose("选择优惠券")
    await wrong("随便", "选择优惠券")
    await user.choose("不使用优惠券")
    assert "合计:¥750.00" in user.text()  # 100 m² × ¥8 − ¥50 first order, no coupon
    await user.choose("确认下单")
    await wrong("12", "手机号格式不对")
    await user.say(user.phone)
    await wrong("付了", "请支付")
    await user.choose("稍后支付")
    assert "已保留" in user.text()


async def test_a_typed_choice_works_on_every_channel(
    aiohttp_client, tmp_path, sqlite_url, pii_key
):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key))
    user = WebUser(client)
    await user.open()
    await user.say("/start")
    await user.say("English")  # the label, typed
    await user.say("2")  # the second menu option by number: My orders
    assert "no orders yet" in user.text()


async def test_the_telegram_route_refuses_oversized_bodies(tg_app, fake_telegram):
    import io
    import json

    big = io.BytesIO(json.dumps(message_update(100005, "x" * 3_000_000)).encode())
    resp = await tg_app.post(
        "/telegram",
        data=big,
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret", "Content-Type": "application/json"},
    )
    assert resp.status == 413
    assert fake_telegram.sent(100005) == []


async def test_serve_registers_the_webhook_and_the_command_menu(
    aiohttp_client, tmp_path, sqlite_url, pii_key, fake_telegram
):
    from store.catalog_file import load_catalog
    from tests.e2e.helpers import make_settings
    from webhooks.app import create_app

    catalog, rules = load_catalog()
    settings = make_settings(
        tmp_path,
        sqlite_url,
        pii_key,
        **on_telegram(fake_telegram),
        public_url="https://daojia.example.com",
    )
    await aiohttp_client(create_app(settings, catalog, rules, register_webhooks=True))
    calls = dict(fake_telegram.calls)
    assert calls["setWebhook"]["url"] == "https://daojia.example.com/telegram"
    assert calls["setWebhook"]["secret_token"] == "s3cret"
    commands = [c for m, c in fake_telegram.calls if m == "setMyCommands"]
    assert len(commands) == 2  # Chinese by default, English for English clients
    assert {"command": "book", "description": "预约服务"} in commands[0]["commands"]
    assert commands[1]["language_code"] == "en"
    assert {"command": "book", "description": "Book a service"} in commands[1]["commands"]


async def test_an_order_with_nothing_left_to_pay_is_confirmed_at_once(tg_app, fake_telegram):
    user = TelegramUser(tg_app, fake_telegram, 100011)
    await user.say("/start")
    await user.say("明天 15:00 日常保洁 2小时 浦东新区世纪大道100号 5楼")
    await user.say(user.phone)  # the phone, at the first checkout: placed, to pay
    await user.choose("稍后支付")
    admin = TelegramUser(tg_app, fake_telegram, ADMIN_TG)
    await admin.say(f"/coupon issue {user.phone} 100 7")  # more than the order costs
    await user.choose("预约服务")
    await user.choose("保洁")
    await user.choose("日常保洁")
    await user.choose("2小时")
    await user.say("明天 15:00")
    await user.say("浦东新区世纪大道100号 5楼")
    assert "合计:¥0.00" in user.text()
    await user.choose("确认下单")
    # nothing was paid: it says so, not "paid ¥0.00"
    assert "无需支付," in user.text() and "请选择您需要的服务" in user.text()
    assert "支付成功" not in user.text()
