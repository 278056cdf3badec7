"""Money only from real providers under ``daojia serve``: the sandbox and the web chat are the
demo's (or an explicit test mode), a channel without a provider says so instead of taking the
order, the web chat pays with WeChat Pay Native, and its limits survive a dropped cookie."""

import logging
import re
from dataclasses import replace

import pytest
from pydantic import ValidationError

from conversations.engine import TOO_MANY
from conversations.results.booking import PaymentUnavailable
from conversations.services import money
from domain.commands import ConfirmSandboxPayment
from domain.lifecycle import OrderStatus
from store.crypto import new_key
from tests.e2e.helpers import (
    CATALOG,
    RULES,
    STACKING,
    Clock,
    TelegramUser,
    WebUser,
    book,
    confirm_order,
    make_settings,
    on_telegram,
    on_wechat,
)
from webhooks.app import create_app
from webhooks.keys import DATABASE, SERVICES
from webhooks.settings import Settings, settings_error

SERVE = {"sandbox_payments": None, "web_chat": None}
"""Settings as ``daojia serve`` has them when neither variable is set."""


def serve_app(tmp_path, db_url, pii_key, clock=None, rules=STACKING, demo=False, **kw):
    settings = make_settings(tmp_path, db_url, pii_key, **{**SERVE, **kw})
    return create_app(settings, CATALOG, rules, clock=clock or Clock(), demo=demo)


async def orders_in(app) -> list:
    async with app[DATABASE].uow() as uow:
        numbers = [o.number for o in await uow.orders.for_customer(1, limit=50)]
        return [await uow.orders.by_number(n) for n in numbers]


async def sign_up(user: WebUser, lang: str = "中文") -> None:
    await user.say("/start")
    if lang == "English":
        await user.choose("English")


async def book_range_hood(user: WebUser) -> None:
    """Book a range-hood clean (¥150 − ¥20 welcome coupon − ¥50 first order = ¥80)."""
    await user.choose("预约服务")
    await user.choose("家电")
    await user.choose("油烟机")
    await user.say("1")
    await user.choose("其他时间")
    await user.choose("明天")
    await user.choose("10:00")
    await user.say("上海市徐汇区漕溪北路88号12楼1203")
    await confirm_order(user)


def pay_link(user: WebUser) -> str:
    links = [r["url"] for r in user.last if r["type"] == "link"]
    assert links, user.text()
    return links[0]


def test_the_two_settings_are_bools_or_unset_and_unset_follows_the_command():
    assert Settings(_env_file=None).sandbox_payments is None
    blank = Settings(_env_file=None, sandbox_payments=" ", web_chat="")
    assert blank.sandbox_payments is None and blank.web_chat is None
    assert not blank.sandbox_on(demo=False) and blank.sandbox_on(demo=True)
    assert not blank.web_chat_on(demo=False) and blank.web_chat_on(demo=True)
    on = Settings(_env_file=None, sandbox_payments="true", web_chat="1")
    assert on.sandbox_on(demo=False) and on.web_chat_on(demo=False)
    off = Settings(_env_file=None, sandbox_payments="false", web_chat="0")
    assert not off.sandbox_on(demo=True) and not off.web_chat_on(demo=True)
    with pytest.raises(ValidationError) as bad:
        Settings(_env_file=None, sandbox_payments="perhaps")
    assert settings_error(bad.value).startswith("DAOJIA_SANDBOX_PAYMENTS: ")


async def test_under_serve_the_sandbox_and_the_web_chat_are_not_there(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    client = await aiohttp_client(serve_app(tmp_path, fresh_sqlite_url, pii_key))
    for method, path in [
        ("GET", "/pay/sandbox/SBX0123456789ABCDEF"),
        ("POST", "/pay/sandbox/SBX0123456789ABCDEF"),
        ("GET", "/"),
        ("GET", "/web/api/poll"),
        ("POST", "/web/api/send"),
        ("POST", "/web/api/photo"),
    ]:
        resp = await client.request(method, path)
        assert resp.status == 404, (method, path)
    health = await (await client.get("/healthz")).json()
    assert health["payments"] == "none" and health["test_mode"] is False


async def test_an_order_from_a_test_mode_run_cannot_be_paid_in_the_sandbox_under_serve(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram
):
    telegram = on_telegram(fake_telegram)
    test_mode = serve_app(tmp_path, fresh_sqlite_url, pii_key, sandbox_payments=True, **telegram)
    first = await aiohttp_client(test_mode)
    customer = TelegramUser(first, fake_telegram, 810001)
    number = await book(customer)
    assert number is not None and "确认支付" in customer.text()
    reference = re.search(r"/pay/sandbox/(SBX\w+)", str(customer.last)).group(1)
    await first.close()

    app = serve_app(tmp_path, fresh_sqlite_url, pii_key, **telegram)
    client = await aiohttp_client(app)
    customer.client = client
    assert (await client.post(f"/pay/sandbox/{reference}")).status == 404
    assert (await client.get(f"/pay/sandbox/{reference}")).status == 404
    await customer.choose("确认支付")  # the button of the test-mode run
    assert "本渠道暂未开通在线支付,请联系客服" in customer.text()
    assert "支付成功" not in customer.text() and "确认支付" not in customer.text()
    [refused] = await app[SERVICES].run(ConfirmSandboxPayment(reference, notify_customer=True))
    assert isinstance(refused, PaymentUnavailable)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    await customer.choose("去支付")
    assert "本渠道暂未开通在线支付,请联系客服" in customer.text()
    [order] = await orders_in(app)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_cents == 0


async def test_telegram_without_a_payment_token_under_serve_says_payment_is_unavailable(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram
):
    app = serve_app(tmp_path, fresh_sqlite_url, pii_key, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    customer = TelegramUser(client, fake_telegram, 810002)
    assert await book(customer) is None
    text = customer.text()
    assert "本渠道暂未开通在线支付" in text and "订单没有提交" in text
    assert "确认支付" not in text and "支付成功" not in text
    assert "预约服务" in text  # back at the menu
    assert await orders_in(app) == []
    # the welcome coupon was not spent on an order that could not be paid
    async with app[DATABASE].uow() as uow:
        [coupon] = await uow.coupons.for_customer(1)
    assert coupon.used_order_id is None


async def test_the_demo_serves_the_sandbox_and_the_web_chat(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key
):
    app = serve_app(tmp_path, fresh_sqlite_url, pii_key, demo=True)
    client = await aiohttp_client(app)
    user = WebUser(client)
    await user.open()
    await sign_up(user)
    await book_range_hood(user)
    url = pay_link(user)
    assert "/pay/sandbox/SBX" in url
    path = url[url.index("/pay/sandbox/") :]
    assert (await client.get(path)).status == 200
    resp = await client.post(path)
    assert resp.status == 200 and "#" in await resp.text()
    [order] = await orders_in(app)
    assert order.paid_cents == 8000
    health = await (await client.get("/healthz")).json()
    assert health["payments"] == "sandbox (demo)" and health["test_mode"] is False


async def test_the_sandbox_under_serve_is_a_test_mode_that_is_logged_and_reported(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, caplog
):
    with caplog.at_level(logging.WARNING, logger="webhooks.payments"):
        app = serve_app(tmp_path, fresh_sqlite_url, pii_key, sandbox_payments=True)
    assert any("TEST MODE" in r.getMessage() for r in caplog.records)
    client = await aiohttp_client(app)
    health = await (await client.get("/healthz")).json()
    assert health["payments"] == "sandbox (test mode)" and health["test_mode"] is True
    assert health["status"] == "ok"
    unknown = await client.get("/pay/sandbox/SBX0123456789ABCDEF")
    assert unknown.status == 404 and "unknown payment" in await unknown.text()  # mounted
    assert (await client.get("/")).status == 404  # the web chat stays off


async def test_the_web_chat_without_a_provider_says_payment_is_unavailable_in_english(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, caplog
):
    with caplog.at_level(logging.WARNING, logger="webhooks.payments"):
        app = serve_app(tmp_path, fresh_sqlite_url, pii_key, web_chat=True)
    assert any("DAOJIA_WEB_CHAT" in r.getMessage() for r in caplog.records)
    client = await aiohttp_client(app)
    user = WebUser(client)
    await user.open()
    await sign_up(user, "English")
    await user.choose("Book")
    await user.choose("Appliance")
    await user.choose("Range-hood")
    await user.say("1")
    await user.choose("Another time")
    await user.choose("Tomorrow")
    await user.choose("10:00")
    await user.say("上海市徐汇区漕溪北路88号12楼1203")
    await user.choose("Confirm")
    await user.send(type="contact", phone="138 1234 5678")
    text = user.text()
    assert "Online payment is not available here yet" in text, text
    assert "not placed" in text and "本渠道" not in text
    assert await orders_in(app) == []


@pytest.fixture
async def web_shop(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_wechat, fake_wechat_pay
):
    app = serve_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        web_chat=True,
        **on_wechat(fake_wechat),
        **fake_wechat_pay.settings(),
    )
    return app, await aiohttp_client(app)


async def test_the_web_chat_under_serve_pays_with_wechat_pay_native_and_only_the_notify_pays(
    web_shop, fake_wechat_pay
):
    app, client = web_shop
    user = WebUser(client)
    await user.open()
    await sign_up(user)
    await book_range_hood(user)
    assert "微信支付" in user.text() and "确认支付" not in user.text()
    [(reference, sent)] = fake_wechat_pay.orders.items()
    assert sent["trade_type"] == "NATIVE" and "openid" not in sent
    assert sent["total_fee"] == "8000" and reference.startswith("WXP")
    url = pay_link(user)
    page = await client.get(url[url.index("/pay/wechat/") :])
    html = await page.text()
    assert page.status == 200 and f"weixin://wxpay/bizpayurl?pr={reference}" in html
    assert "<svg" in html  # the QR code to scan

    await user.send(type="choice", key="pay")  # a forged sandbox "pay" press
    assert (await client.post(f"/pay/sandbox/{reference}")).status == 404
    forged = await client.post(
        "/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 8000, key="0" * 32)
    )
    assert forged.status == 400
    [order] = await orders_in(app)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_cents == 0

    signed = await client.post(
        "/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 8000)
    )
    assert signed.status == 200 and "SUCCESS" in await signed.text()
    [order] = await orders_in(app)
    assert order.paid_cents == 8000 and order.status != OrderStatus.AWAITING_PAYMENT
    polled = await (await client.get("/web/api/poll?role=customer")).json()
    assert any(f"#{order.number}" in r.get("text", "") for r in polled["replies"])
    health = await (await client.get("/healthz")).json()
    assert health["payments"] == "wechat_pay" and health["test_mode"] is False


async def test_a_payment_and_its_offer_to_a_worker_are_one_transaction_retried_whole(
    web_shop, fake_wechat_pay, monkeypatch
):
    """A notification outside any chat turn credits the payment and offers the order in
    one transaction: when the offer fails (a crash, say) the payment is not credited either,
    and the provider's retry credits it once and offers it — never paid and left unoffered."""
    app, client = web_shop
    user = WebUser(client)
    await user.open()
    await sign_up(user)
    await book_range_hood(user)
    [(reference, _)] = fake_wechat_pay.orders.items()
    offer = money.dispatch.dispatch

    async def crash(*args, **kwargs):
        raise RuntimeError("the process died while offering the order")

    monkeypatch.setattr(money.dispatch, "dispatch", crash)
    failed = await client.post(
        "/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 8000)
    )
    assert failed.status != 200 or "SUCCESS" not in await failed.text()
    [order] = await orders_in(app)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_cents == 0

    monkeypatch.setattr(money.dispatch, "dispatch", offer)
    for _ in range(2):  # the provider's retry, and a duplicate of it
        retried = await client.post(
            "/pay/wechat/notify", data=fake_wechat_pay.notification(reference, 8000)
        )
        assert retried.status == 200 and "SUCCESS" in await retried.text()
    [order] = await orders_in(app)
    assert order.paid_cents == 8000 and order.status == OrderStatus.DISPATCHING


@pytest.fixture(params=["local", "redis"])
def state(request):
    if request.param == "redis":
        return {"redis_url": request.getfixturevalue("redis_url")}
    return {}


TIGHT = replace(
    RULES,
    risk=replace(
        RULES.risk,
        messages_per_minute=3,
        web_messages_per_address_per_minute=4,
        web_chats_per_address_per_hour=2,
    ),
)


async def test_dropping_the_web_cookie_resets_neither_the_rate_limit_nor_the_new_chat_limit(
    aiohttp_client, tmp_path, fresh_sqlite_url, state
):
    clock = Clock()
    # a key of its own: the address counters are keyed by it, and the clock starts at the
    # same instant in every test (Redis is shared)
    app = serve_app(
        tmp_path, fresh_sqlite_url, new_key(), clock=clock, rules=TIGHT, web_chat=True, **state
    )
    client = await aiohttp_client(app)
    alice = WebUser(client)
    await alice.open()
    for _ in range(3):
        await alice.say("/start")
        assert "欢迎" in alice.text()  # a browser with no language hint: Chinese
    await alice.say("/start")  # her own limit
    assert alice.last == []

    client.session.cookie_jar.clear()  # the same browser without its cookie: a new web user
    again = WebUser(client)
    await again.open()
    assert await again.say("/start") == []  # the address's limit: 5 > 4 this minute
    polled = await (await client.get("/web/api/poll?role=customer")).json()
    assert [r["text"] for r in polled["replies"]] == [TOO_MANY.get("zh")]
    clock.advance(minutes=1)
    await again.say("/start")
    assert "欢迎来到到家" in again.text()  # a browser with no language hint: Chinese

    client.session.cookie_jar.clear()  # a third web user from the address this hour
    refused = await client.get("/", headers={"Accept-Language": "en-GB,en"})
    assert refused.status == 429 and "Too many new chats" in await refused.text()
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "daojia_web" not in refused.cookies
    assert (await client.post("/web/api/send", json={"type": "text", "text": "hi"})).status == 401
    metrics = await (await client.get("/metrics")).text()
    assert 'daojia_messages_total{channel="web",result="rejected"} 2.0' in metrics

    clock.advance(hours=1)
    late = WebUser(client)
    await late.open()
    await late.say("/start")
    assert "欢迎来到到家" in late.text()  # a browser with no language hint: Chinese
