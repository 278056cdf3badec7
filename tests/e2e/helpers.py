"""Helpers to drive the app like a person would."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from store.catalog_file import load_catalog
from tests.e2e.users import IDS
from tests.e2e.users import TelegramUser as TelegramUser
from tests.e2e.users import WebUser as WebUser
from tests.e2e.users import WeChatUser as WeChatUser
from tests.fakes.wechat import APPID, SECRET, TOKEN
from webhooks.app import create_app
from webhooks.settings import Settings

CATALOG, RULES = load_catalog()
STACKING = replace(RULES, coupons=replace(RULES.coupons, stacks_with_first_order=True))
"""The rules most journeys are priced with: a coupon *and* the first-order discount (their
totals were worked out so); the catalog's own rules (``RULES``: the better of the two) are
tested by passing ``rules=RULES`` (tests/e2e/test_promo_codes.py)."""
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai


class Clock:
    """A controllable clock for the app."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


HOME = (31.2304, 121.4737)  # the customers' home in the e2e tests (People's Square)


async def order_of(app: Any, number: int) -> Any:
    """The order numbered ``number`` as the store holds it now."""
    from webhooks.keys import DATABASE

    async with app[DATABASE].uow() as uow:
        return await uow.orders.by_number(number)


def last(fake: Any, chat: int) -> str:
    """The text of the last message the fake platform got for ``chat``."""
    text: str = fake.sent(chat)[-1]["text"]
    return text


async def taken_by_a_worker(app: Any, number: int, user_id: str) -> int:
    """A worker of this test has taken the order (arranged in the store: what a cancellation
    costs depends on it); their id."""
    from domain.lifecycle import Action, ActorKind
    from domain.orders import Actor
    from webhooks.keys import CLOCK, DATABASE

    # offline: in a database other tests share, it is offered nobody else's order
    worker_id = await seed_worker(
        app, channel="telegram", user_id=user_id, center=HOME, online=False
    )
    now = app[CLOCK]()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert order is not None, number
        if order.status.value == "paid":
            order.apply(Action.DISPATCH, Actor(ActorKind.SYSTEM, "test"), now)
        order.worker_id, order.accepted_at = worker_id, now
        order.apply(Action.ACCEPT, Actor(ActorKind.WORKER, str(worker_id)), now)
        await uow.orders.save(order, now)
        await uow.commit()
    return worker_id


async def visit_code(app: Any, number: int) -> str:
    """The digits the customer of order ``number`` tells the worker at the door."""
    from webhooks.keys import DATABASE

    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order is not None and order.visit_code, number
    return order.visit_code


async def near_the_start(app: Any, number: int, minutes_before: int = 30) -> None:
    """Move the app's clock on to ``minutes_before`` the order's start (never back): a worker
    may set off and check in only so long before it (``ExecutionRules``)."""
    from webhooks.keys import CLOCK, DATABASE

    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order is not None, number
    clock = app[CLOCK]
    clock.now = max(clock.now, order.start_at - timedelta(minutes=minutes_before))


DISPATCH_MODES = ["push", "grab", "batch"]
"""The ways an order finds its worker: one at a time, the top five at once, the batch."""


def rules_for_mode(mode: str) -> Any:
    """The catalog's rules dispatching by ``mode`` (one of ``DISPATCH_MODES``)."""
    from domain.rules import DispatchMode

    dispatch = RULES.dispatch
    if mode == "grab":
        dispatch = replace(dispatch, mode=DispatchMode.GRAB, grab_top_k=5)
    if mode == "batch":
        dispatch = replace(dispatch, batch_ahead_hours=12)
    return replace(RULES, dispatch=dispatch)


def on_telegram(fake: Any) -> dict[str, str]:
    """Settings that point the Telegram bot at a fake Bot API server."""
    return {
        "telegram_token": "123:ABC",
        "telegram_secret": "s3cret",
        "telegram_api_base": fake.base_url,
        "telegram_file_base": fake.file_url,
    }


def on_wechat(fake: Any) -> dict[str, str]:
    """Settings that point the WeChat official account at a fake WeChat API server."""
    return {
        "wechat_appid": APPID,
        "wechat_secret": SECRET,
        "wechat_token": TOKEN,
        "wechat_api_base": fake.base_url,
        "wechat_qr_base": fake.base_url,
    }


TEST_MODE = {"sandbox_payments": True, "web_chat": True}
"""What most tests run with: the sandbox pays (the test mode ``DAOJIA_SANDBOX_PAYMENTS``) and
the web chat is on; ``daojia serve`` has neither unless configured (pass ``None`` for its
defaults)."""


def make_settings(tmp_path, db_url, pii_key, **kw) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db_url,
        pii_key=pii_key,
        data_dir=tmp_path / "data",
        media_dir=tmp_path / "media",
        **{**TEST_MODE, **kw},
    )


def make_app(tmp_path, db_url, pii_key, clock=None, rules=None, **kw):
    return create_app(
        make_settings(tmp_path, db_url, pii_key, **kw),
        CATALOG,
        rules or STACKING,
        clock=clock or Clock(),
    )


async def telegram_app(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock=None, **kw):
    """A daojia app on the fake Bot API (``make_app``'s arguments) and a test client for it."""
    app = make_app(tmp_path, db_url, pii_key, clock=clock, **on_telegram(fake_telegram), **kw)
    return app, await aiohttp_client(app)


async def seed_worker(
    app,
    *,
    channel: str,
    user_id: str,
    skills=("cleaning",),
    center=(31.2304, 121.4737),
    radius_m: int = 8000,
    districts=(),
    name: str = "测试师傅",
    level: str = "B",
    online: bool = True,
) -> int:
    """An approved worker linked to a chat account, written straight to the database."""
    from domain.people import (
        Certificate,
        Channel,
        GeoPoint,
        Identity,
        ServiceArea,
        Worker,
        WorkerStatus,
    )
    from domain.rules import WorkerLevel
    from webhooks.keys import DATABASE

    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.add(
            Worker(
                name=name,
                phone="13900000000",
                created_at=START,
                skills=tuple(skills),
                certificates=(Certificate("health", "", None, True),),
                area=ServiceArea(GeoPoint(*center), radius_m, tuple(districts)),
                status=WorkerStatus.APPROVED,
                online=online,
                level=WorkerLevel(level),
            )
        )
        await uow.identities.put(Identity(Channel(channel), user_id, None, worker.id))
        await uow.commit()
    return int(worker.id)


async def grant_points(app, customer_id: int, points: int, key: str = "") -> None:
    """Give a customer points as the platform does (a lot, its journal), straight away."""
    from conversations.services.points import award
    from domain.points import PointsKind
    from webhooks.keys import CLOCK, DATABASE

    async with app[DATABASE].uow() as uow:
        key = key or f"test:{customer_id}:{next(IDS)}"
        await award(uow, RULES, customer_id, PointsKind.GRANTED, points, key, app[CLOCK]())
        await uow.commit()


async def confirm_order(customer: Any, phone: str | None = None) -> None:
    """Confirm the quote shown; a first order is then asked for the phone number, and
    giving it places the order."""
    await customer.choose("确认下单")
    if _asks_phone(customer):
        await customer.say(phone or customer.phone)
        if "价格有变化" in _text(customer):  # another account's number: quoted anew
            await customer.choose("确认下单")


def _text(customer: Any) -> str:
    return str(customer.last_text if isinstance(customer, WeChatUser) else customer.text())


def _asks_phone(customer: Any) -> bool:
    text = _text(customer)
    return "手机号" in text or "mobile number" in text


async def book_and_pay(
    customer: TelegramUser,
    when: str = "明天 15:00",
    home=HOME,
    address: str = "8楼801",
    phone: str | None = None,
) -> int:
    """Sign up, book two hours of regular cleaning at ``when`` and pay in the sandbox;
    returns the order number."""
    number = await book(customer, when, home, address, phone)
    assert number is not None, customer.text()
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    return number


async def book(
    customer: TelegramUser,
    when: str = "明天 15:00",
    home=HOME,
    address: str = "8楼801",
    phone: str | None = None,
) -> int | None:
    """Sign up, book two hours of regular cleaning at ``when`` and confirm the quote; returns
    the order number (None when no order was placed)."""
    await customer.say("/start")
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    await customer.choose("2小时")
    await customer.say(when)
    await customer.share(location=telegram_gps(home))
    await customer.say(address)
    await confirm_order(customer, phone)
    placed = re.search(r"#(\d{6,8})", customer.text())
    return int(placed.group(1)) if placed else None


async def book_on_web(customer: WebUser, home=HOME, datum: str | None = None) -> int:
    """Sign up in the web chat, book two hours of regular cleaning tomorrow at 15:00 at
    ``home`` (typed, GCJ-02; ``datum="wgs84"``: the browser's own position) and pay in the
    sandbox; returns the order number."""
    await customer.say("/start")
    for option in ("预约服务", "保洁", "日常保洁", "2小时"):
        await customer.choose(option)
    await customer.say("明天 15:00")
    where = {"datum": datum} if datum else {}
    await customer.send(type="location", lat=home[0], lon=home[1], label="人民广场", **where)
    await customer.say("8楼801")
    await customer.choose("确认下单")
    await customer.send(type="contact", phone=customer.phone)
    placed = re.search(r"#(\d{6,8})", customer.text())
    assert placed is not None, customer.text()
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    return int(placed.group(1))


def telegram_gps(point: tuple[float, float]) -> dict[str, float]:
    """Telegram's location (WGS-84, a phone's GPS) of a place whose map point is ``point``
    (GCJ-02, as WeChat, the web chat and the map services give it)."""
    from domain.geo import gcj02_to_wgs84
    from domain.people import GeoPoint

    gps = gcj02_to_wgs84(GeoPoint(*point))
    return {"latitude": gps.lat, "longitude": gps.lon}


async def broadcast(owner: Any, text: str) -> str:
    """``/broadcast text``, then its confirmation (``/broadcast send ID``); the answer to it."""
    await owner.say(f"/broadcast {text}")
    found = re.search(r"群发 #(\d+) 预览", owner.text())
    assert found is not None, owner.text()
    await owner.say(f"/broadcast send {found.group(1)}")
    return str(owner.text())
