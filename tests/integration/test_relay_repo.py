"""The masked relay chat's messages on SQLite and PostgreSQL: kept per order in the order
they were sent, the text and the location encrypted at rest."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from domain.relay import RelayMessage, Side
from tests.integration.test_repositories import new_customer, new_order

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def test_relay_messages_are_kept_per_order_in_order_and_sealed(database):
    customer = await new_customer(database)
    order = await new_order(database, customer)
    other = await new_order(database, customer)
    sent = [
        RelayMessage(order.id, NOW, Side.CUSTOMER, "师傅您好,门口有保安"),
        RelayMessage(order.id, NOW + timedelta(minutes=1), Side.WORKER, photo="relay/1/a.jpg"),
        RelayMessage(
            order.id,
            NOW + timedelta(minutes=2),
            Side.WORKER,
            lat=31.188,
            lon=121.437,
            label="小区东门",
        ),
        RelayMessage(other.id, NOW, Side.CUSTOMER, "别的订单"),
    ]
    async with database.uow() as uow:
        added = [await uow.relay.add(m) for m in sent]
        await uow.commit()
    assert all(m.id is not None for m in added)
    async with database.uow() as uow:
        kept = await uow.relay.for_order(order.id)
        last = await uow.relay.for_order(order.id, limit=1)
        conn = await uow.session.connection()
        raw = (
            await conn.execute(
                text("SELECT text_enc, location_enc FROM relay_messages WHERE order_id = :o"),
                {"o": order.id},
            )
        ).all()
    assert [(m.sender, m.text, m.photo, m.lat, m.lon, m.label) for m in kept] == [
        (Side.CUSTOMER, "师傅您好,门口有保安", "", None, None, ""),
        (Side.WORKER, "", "relay/1/a.jpg", None, None, ""),
        (Side.WORKER, "", "", 31.188, 121.437, "小区东门"),
    ]
    assert [m.at for m in kept] == [NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=2)]
    assert [m.label for m in last] == ["小区东门"]
    assert all("保安".encode() not in bytes(t) and b"121.437" not in bytes(loc) for t, loc in raw)


async def test_the_orders_whose_customer_wrote_to_a_worker_lately_latest_first(database):
    """``wrote_to``: the worker's orders only, the customers' messages only (not the worker's
    own), none older than asked, each order once with its last message's time."""
    from domain.people import GeoPoint, ServiceArea, Worker
    from tests import random_refs

    customer = await new_customer(database)
    mine, also_mine, elsewhere = [await new_order(database, customer) for _ in range(3)]
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker(
                name="李阿姨",
                phone=random_refs.phone(),
                created_at=NOW,
                area=ServiceArea(GeoPoint(31.2, 121.44), 8000),
            )
        )
        for order in (mine, also_mine):
            loaded = await uow.orders.get(order.id)
            loaded.worker_id = worker.id
            await uow.orders.save(loaded, NOW)
        late = NOW + timedelta(minutes=30)
        for message in (
            RelayMessage(mine.id, NOW - timedelta(hours=2), Side.CUSTOMER, "too long ago"),
            RelayMessage(mine.id, NOW + timedelta(minutes=5), Side.CUSTOMER, "几点到"),
            RelayMessage(mine.id, late, Side.WORKER, "the worker's own"),
            RelayMessage(also_mine.id, NOW + timedelta(minutes=20), Side.CUSTOMER, "带梯子"),
            RelayMessage(also_mine.id, NOW + timedelta(minutes=10), Side.CUSTOMER, "earlier"),
            RelayMessage(elsewhere.id, late, Side.CUSTOMER, "another worker's"),
        ):
            await uow.relay.add(message)
        await uow.commit()
    async with database.uow() as uow:
        wrote = await uow.relay.wrote_to(worker.id, NOW)
        nobody = await uow.relay.wrote_to(worker.id, late)
    assert wrote == [
        (also_mine.id, NOW + timedelta(minutes=20)),
        (mine.id, NOW + timedelta(minutes=5)),
    ]
    assert nobody == []
