"""``/explain #order`` end to end on PostgreSQL, and expired credentials kept out of every
dispatch path: a Telegram customer books regular cleaning (here needing a health certificate),
an ops admin asks why nobody could take it — each worker's reason is named — or why the winner
won, with the parts of their score; push, grab and batch never offer the job to a worker whose
health certificate has expired."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.commands import BatchDispatch, ExpireOffers
from domain.people import (
    Certificate,
    Channel,
    GeoPoint,
    Identity,
    ServiceArea,
    Worker,
    WorkerStatus,
)
from tests.e2e.helpers import (
    CATALOG,
    DISPATCH_MODES,
    HOME,
    RULES,
    START,
    TelegramUser,
    book_and_pay,
    make_settings,
    on_telegram,
    rules_for_mode,
)
from webhooks.app import create_app
from webhooks.keys import DATABASE, SERVICES

pytestmark = pytest.mark.parametrize("own_db_url", ["postgres"], indirect=True)
OPS, OPS_EN = 720001, 720002
VALID = (Certificate("health", "", date(2027, 12, 31), True),)
EXPIRED = (Certificate("health", "", date(2020, 1, 1), True),)


def needing_health(catalog):
    """The demo catalog with regular cleaning needing a health certificate."""
    return catalog.__class__(
        tuple(
            replace(
                cat,
                items=tuple(
                    replace(i, certificates=("health",)) if i.id == "daily_cleaning" else i
                    for i in cat.items
                ),
            )
            for cat in catalog.categories
        ),
        catalog.bundles,
        catalog.currency,
    )


CATALOG_HEALTH = needing_health(CATALOG)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def app_with(tmp_path, url, pii_key, fake_telegram, clock, rules=RULES):
    admins = f"telegram:{OPS}:ops,telegram:{OPS_EN}:ops"
    settings = make_settings(tmp_path, url, pii_key, **on_telegram(fake_telegram), admins=admins)
    return create_app(settings, CATALOG_HEALTH, rules, clock=clock)


async def worker(
    app,
    uid: int,
    name: str,
    *,
    skills=("cleaning",),
    center=HOME,
    certificates=VALID,
    online=True,
    status=WorkerStatus.APPROVED,
    daily_cap=4,
) -> int:
    async with app[DATABASE].uow() as uow:
        w = await uow.workers.add(
            Worker(
                name=name,
                phone="13900000000",
                created_at=START,
                skills=tuple(skills),
                certificates=certificates,
                area=ServiceArea(GeoPoint(*center), 8000, ()),
                status=status,
                online=online,
                daily_cap=daily_cap,
            )
        )
        await uow.identities.put(Identity(Channel.TELEGRAM, str(uid), None, w.id))
        await uow.commit()
    return int(w.id)


async def take(app, number: int, worker_id: int) -> None:
    """``worker_id`` holds order ``number`` (arranged in the store)."""
    from domain.lifecycle import Action, ActorKind
    from domain.orders import Actor
    from webhooks.keys import CLOCK

    now = app[CLOCK]()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        if order.status.value == "paid":
            order.apply(Action.DISPATCH, Actor(ActorKind.SYSTEM, "test"), now)
        order.worker_id, order.accepted_at = worker_id, now
        order.apply(Action.ACCEPT, Actor(ActorKind.WORKER, str(worker_id)), now)
        await uow.orders.save(order, now)
        await uow.commit()


async def offered(app, number: int) -> set[int]:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        return {o.worker_id for o in await uow.offers.for_order(order.id)}


async def deadline(app, number: int, worker_id: int) -> datetime:
    """When ``worker_id``'s offer of order ``number`` runs out, in Shanghai time."""
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        offers = await uow.offers.for_order(order.id)
    [until] = [o.expires_at for o in offers if o.worker_id == worker_id]
    return until.astimezone(SHANGHAI)


async def test_explain_names_each_workers_reason_when_nobody_could_take_it(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    busy = await worker(app, 720101, "忙碌")
    other = await book_and_pay(TelegramUser(client, fake_telegram, 720201))
    await take(app, other, busy)
    reasons = {
        await worker(app, 720102, "离线", online=False): "不在线",
        await worker(app, 720103, "育儿", skills=("nanny",)): "没有该服务技能",
        await worker(app, 720104, "远方", center=(31.60, 121.47)): "不在服务范围(太远)",
        await worker(app, 720105, "暂停", status=WorkerStatus.SUSPENDED): "已暂停接单",
        await worker(app, 720106, "过期", certificates=EXPIRED): "证书已过期或服务期内到期",
        await worker(app, 720107, "无证", certificates=()): "缺少所需证书",
        await worker(app, 720108, "满单", daily_cap=0): "当天接单已满",
        busy: "时间与已接订单冲突",
    }
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720202))
    assert await offered(app, number) == set()
    notice = fake_telegram.sent(OPS)[-1]["text"]
    assert f"订单 #{number} 无可派师傅" in notice and "主要原因:" in notice
    assert f"/explain #{number}" in notice

    ops = TelegramUser(client, fake_telegram, OPS)
    clock.advance(minutes=6)  # stuck: past the offer timeout
    await ops.say("/orders stuck")
    assert f"#{number} 无可派师傅" in ops.text() and f"→ /explain #{number}" in ops.text()
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert f"#{number} 派单说明" in shown and "需要证书:健康证" in shown
    assert "现在没有师傅能接,主要原因:时间与已接订单冲突(1 人)" in shown
    for worker_id, reason in reasons.items():
        assert f"(师傅 {worker_id}):{reason}" in shown, (worker_id, reason, shown)
    assert len(shown.encode()) <= 2048
    for internal in ("certificate_expired", "daily_cap", "overlap", "skill", "health"):
        assert internal not in shown

    english = TelegramUser(client, fake_telegram, OPS_EN, lang="en")
    await english.say(f"/explain #{number}")
    shown = english.text()
    assert "Certificates needed: health certificate" in shown, shown
    assert f"(worker {busy}): clashes with a job already taken" in shown
    assert "certificate expired or expiring before the job ends" in shown
    for internal in ("certificate_expired", "daily_cap", "overlap", "not_approved"):
        assert internal not in shown


async def test_explain_shows_the_winners_score_parts(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    near = await worker(app, 720301, "近的")
    far = await worker(app, 720302, "远的", center=(HOME[0] + 0.05, HOME[1]))
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720401))
    assert await offered(app, number) == {near}  # push: the best first
    await TelegramUser(client, fake_telegram, 720301).say(f"接单 #{number}")
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert f"由 近的(师傅 {near}) 接单" in shown and "排第 1/2" in shown
    for part in ("基础分 +10000", "距离 -", "附近且空闲 +2000", "评分 +1000", "等级 +100"):
        assert part in shown, (part, shown)
    assert f"远的(师傅 {far})" in shown
    await ops.say("/explain #9999999")  # no such order
    assert "找不到" in ops.text()


async def test_a_worker_offered_the_order_is_awaited_not_declined(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    """Right after payment the best worker holds the offer: /explain names them as offered,
    their answer awaited until the offer's deadline — not as one who declined or timed out;
    once the offer has timed out they are, and the next one offered is awaited."""
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    near = await worker(app, 720701, "近的")
    far = await worker(app, 720702, "远的", center=(HOME[0] + 0.05, HOME[1]))
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720801))
    assert await offered(app, number) == {near}
    until = await deadline(app, number, near)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert f"已派单给 近的(师傅 {near}),等待答复(11月23日 周一 {until:%H:%M} 前)" in shown, shown
    assert "已拒绝或超时未接此单" not in shown and "现在最合适" not in shown
    assert f"近的(师傅 {near}):" in shown and f"远的(师傅 {far}):" in shown  # both ranked

    english = TelegramUser(client, fake_telegram, OPS_EN, lang="en")
    await english.say(f"/explain #{number}")
    shown = english.text()
    when = f"Mon 23 Nov {until:%H:%M}"
    assert f"Offered to 近的 (worker {near}), awaiting their answer (until {when})" in shown
    assert "declined" not in shown, shown

    clock.advance(minutes=6)  # the offer times out, the sweep not run yet: no longer awaited
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert "已派单给" not in shown and f"近的(师傅 {near}):已拒绝或超时未接此单" in shown, shown
    await app[SERVICES].run(ExpireOffers())  # the next best is offered the order
    assert await offered(app, number) == {near, far}
    until = await deadline(app, number, far)
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert f"已派单给 远的(师傅 {far}),等待答复(11月23日 周一 {until:%H:%M} 前)" in shown, shown
    assert f"近的(师傅 {near}):已拒绝或超时未接此单" in shown, shown


async def test_a_worker_whose_offer_was_withdrawn_is_named_so_not_as_declining(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    """The best worker holds the offer when an admin gives the order to another by hand
    (/assign): the offer is withdrawn, and /explain says so — not that they declined it or
    let it time out. Reassigned to a third (/reassign), the second took it and it went to
    another worker."""
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(app)
    near = await worker(app, 720901, "近的")
    far = await worker(app, 720902, "远的", center=(HOME[0] + 0.05, HOME[1]))
    third = await worker(app, 720903, "第三", center=(HOME[0] + 0.03, HOME[1]))
    number = await book_and_pay(TelegramUser(client, fake_telegram, 721001))
    assert await offered(app, number) == {near}
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {far}")
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert f"由 远的(师傅 {far}) 接单" in shown, shown
    assert f"近的(师傅 {near}):派单已撤回" in shown, shown
    assert "已拒绝或超时未接此单" not in shown and "派单已撤回:1 人" in shown, shown
    english = TelegramUser(client, fake_telegram, OPS_EN, lang="en")
    await english.say(f"/explain #{number}")
    shown = english.text()
    assert f"近的 (worker {near}): offer withdrawn" in shown, shown
    assert "declined" not in shown, shown

    await ops.say(f"/reassign #{number} {third}")
    await ops.say(f"/explain #{number}")
    shown = ops.text()
    assert f"由 第三(师傅 {third}) 接单" in shown, shown
    assert f"远的(师傅 {far}):接单后已转给其他师傅" in shown, shown
    assert f"近的(师傅 {near}):派单已撤回" in shown and "已拒绝或超时" not in shown, shown
    await english.say(f"/explain #{number}")
    shown = english.text()
    assert f"远的 (worker {far}): took it, then it went to another worker" in shown, shown


@pytest.mark.parametrize("mode", DISPATCH_MODES)
async def test_an_expired_credential_is_never_offered(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, mode
):
    app = app_with(tmp_path, own_db_url, pii_key, fake_telegram, clock, rules_for_mode(mode))
    client = await aiohttp_client(app)
    lapsed = await worker(app, 720501, "过期", certificates=EXPIRED)  # the nearest
    valid = await worker(app, 720502, "有效", center=(HOME[0] + 0.03, HOME[1]))
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720601))
    if mode == "batch":
        assert await offered(app, number) == set()
        await app[SERVICES].run(BatchDispatch())
    assert await offered(app, number) == {valid}
    assert not any(f"#{number}" in m.get("text", "") for m in fake_telegram.sent(720501))
    assert lapsed not in await offered(app, number)
