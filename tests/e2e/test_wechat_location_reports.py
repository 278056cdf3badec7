"""WeChat reports a follower's location by itself (the LOCATION event, once they allowed it,
on entering the chat): a registered worker's is kept as their recent location, as one they
shared, so 出发 soon after sets the arrival from it without asking; nothing is answered, and
the conversation stays at its step with its choices. Anyone else's is not kept at all."""

import pytest
from sqlmodel import select

from conversations.state import Conversation
from domain.geo import distance_m, gcj02_to_wgs84
from domain.people import GeoPoint
from store.tables import IdentityRow
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    on_wechat,
    order_of,
    seed_worker,
)
from tests.fakes.wechat import WeChatServer, location_event_xml
from webhooks.keys import CLOCK, CONVERSATIONS, DATABASE

NEARBY = (HOME[0] + 0.027, HOME[1])  # about 3 km north of the customers' home (GCJ-02)


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
    )
    return app, await aiohttp_client(app)


async def report(app, user: WeChatUser, place: tuple[float, float]) -> str:
    """WeChat's signed LOCATION event for ``user`` at ``place``, as the phone's GPS reads it;
    the body of the answer (WeChat allows no reply to it)."""
    gps = gcj02_to_wgs84(GeoPoint(*place))
    at = int(app[CLOCK]().timestamp())
    body = await user.post_xml(location_event_xml(user.openid, gps.lat, gps.lon, at))
    assert user.status == 200
    return body


async def state(app, openid: str) -> Conversation | None:
    return Conversation.loads(await app[CONVERSATIONS].get("wechat", openid))


async def wrote_at(app, openid: str):
    """When the person last wrote (WeChat's 48-hour window), as noted on their account."""
    async with app[DATABASE].uow() as uow:
        query = select(IdentityRow).where(IdentityRow.channel_user_id == openid)
        [identity] = (await uow.session.exec(query)).all()
        return identity.last_inbound_at


async def taken(app, client, fake_telegram, fake_wechat, openid: str, customer_uid: int):
    """A WeChat worker took tomorrow's 15:00 order; an hour before it, at their jobs menu."""
    await seed_worker(app, channel="wechat", user_id=openid, center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, customer_uid))
    worker = WeChatUser(client, fake_wechat, openid, WeChatServer(clock=app[CLOCK]))
    await worker.say(f"接单 #{number}")
    await near_the_start(app, number, minutes_before=60)  # 14:00 in Shanghai
    await worker.say("任务")
    assert f"出发 #{number}" in worker.last_text, worker.last_text
    return worker, number


async def test_a_workers_reported_location_sets_off_without_asking_and_says_nothing(
    both, fake_telegram, fake_wechat
):
    app, client = both
    worker, number = await taken(app, client, fake_telegram, fake_wechat, "o-eta-1", 630101)
    before = await state(app, "o-eta-1")
    assert before is not None and before.options and "recent_location" not in before.data
    sent, wrote = len(fake_wechat.texts("o-eta-1")), await wrote_at(app, "o-eta-1")
    app[CLOCK].advance(minutes=11)  # a message now would be noted again (engine.NOTE_EVERY)
    assert await report(app, worker, NEARBY) == "success"  # no passive reply
    assert await wrote_at(app, "o-eta-1") == wrote  # no message: WeChat's window stays shut
    after = await state(app, "o-eta-1")
    assert after is not None
    assert (after.flow, after.step, after.options) == (before.flow, before.step, before.options)
    assert after.data["worker"] == before.data["worker"]  # the flow's data untouched
    lat, lon, _ = after.data["recent_location"]
    assert distance_m(GeoPoint(lat, lon), GeoPoint(*NEARBY)) < 5  # as a map point (GCJ-02)
    app[CLOCK].advance(minutes=29)  # within eta_location_fresh_minutes (30)
    await worker.say(f"出发 #{number}")
    said = worker.last_text
    assert "预计多久到达" not in said and f"已通知客户您已出发(#{number})" in said, said
    minutes = -(-distance_m(GeoPoint(*NEARBY), GeoPoint(*HOME)) * 60 // 20_000)  # 20 km/h
    order = await order_of(app, number)
    assert order.eta_minutes == minutes and order.timeline[-1].note == f"eta:{minutes}:location"
    assert len(fake_wechat.texts("o-eta-1")) == sent  # nothing was sent for the report


async def test_a_report_older_than_the_freshness_window_leaves_the_arrival_asked(
    both, fake_telegram, fake_wechat
):
    app, client = both
    worker, number = await taken(app, client, fake_telegram, fake_wechat, "o-eta-2", 630102)
    await report(app, worker, NEARBY)
    app[CLOCK].advance(minutes=31)
    await worker.say(f"出发 #{number}")
    assert f"#{number} 预计多久到达" in worker.last_text, worker.last_text
    await report(app, worker, NEARBY)  # reported while asked: the question stays
    await worker.say("20")
    assert "预计 20 分钟后" in worker.last_text, worker.last_text
    assert (await order_of(app, number)).timeline[-1].note == "eta:20:worker"


async def test_a_customers_reported_location_is_not_kept_nor_written(both, fake_wechat):
    app, client = both
    customer = WeChatUser(client, fake_wechat, "o-cust-1", WeChatServer(clock=app[CLOCK]))
    assert await report(app, customer, NEARBY) == "success"
    assert await app[CONVERSATIONS].get("wechat", "o-cust-1") is None  # a stranger: nothing
    await customer.say("菜单")
    stored = await app[CONVERSATIONS].get("wechat", "o-cust-1")
    app[CLOCK].advance(minutes=1)  # another report (one a second is the same one again)
    assert await report(app, customer, NEARBY) == "success"
    assert await app[CONVERSATIONS].get("wechat", "o-cust-1") == stored  # not even a version


async def test_reports_every_few_seconds_never_count_against_the_workers_own_messages(
    both, fake_telegram, fake_wechat
):
    app, client = both
    worker, number = await taken(app, client, fake_telegram, fake_wechat, "o-eta-3", 630103)
    gps = gcj02_to_wgs84(GeoPoint(*NEARBY))
    start = int(app[CLOCK]().timestamp())
    for second in range(1, 32):  # more than messages_per_minute (30), in the same minute
        xml = location_event_xml(worker.openid, gps.lat, gps.lon, start + second)
        assert await worker.post_xml(xml) == "success" and worker.status == 200
    await worker.say(f"出发 #{number}")
    assert f"已通知客户您已出发(#{number})" in worker.last_text, worker.last_text
