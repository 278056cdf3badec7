"""On-site extras' persistence on SQLite and PostgreSQL: a request keeps its lines and photos,
is answered once (a conditional update), is found when its answer time passes, and an
approved one's lines join the order's quote after its own."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.people import GeoPoint, ServiceArea, Worker
from domain.pricing import LineKind, QuoteLine
from domain.surcharge import Surcharge, SurchargeStatus
from domain.text import Bilingual
from tests import random_refs
from tests.integration.test_repositories import NOW, new_customer, new_order


async def a_request(database) -> tuple[Surcharge, int]:
    customer = await new_customer(database)
    order = await new_order(database, customer)
    async with database.uow() as uow:
        worker = await uow.workers.add(
            Worker(
                name="李阿姨",
                phone=random_refs.phone(),
                created_at=NOW,
                skills=("cleaning",),
                area=ServiceArea(GeoPoint(31.2, 121.44), 8000, ()),
            )
        )
        lines = (
            QuoteLine(LineKind.SURCHARGE, Bilingual("现场加价:重油污", "Extra: grease"), 8000),
            QuoteLine(LineKind.SURCHARGE, Bilingual("现场加价:高空作业", "Extra: high"), 5000),
        )
        s = await uow.surcharges.add(
            Surcharge(
                order.id,
                order.number,
                worker.id,
                lines,
                NOW,
                NOW + timedelta(minutes=15),
                ("orders/1/a.png",),
            )
        )
        await uow.commit()
    return s, order.id


async def test_a_request_round_trips_and_is_answered_once(database):
    s, order_id = await a_request(database)
    async with database.uow() as uow:
        [kept] = await uow.surcharges.for_order(order_id)
        assert kept.lines == s.lines and kept.photos == ("orders/1/a.png",)
        assert kept.amount_cents == 13_000 and kept.what.get("en").startswith("Extra: grease")
        assert (await uow.surcharges.open_for_order(order_id)).id == s.id
        assert s.id in await uow.surcharges.due(NOW + timedelta(minutes=15), 100)
        assert s.id not in await uow.surcharges.due(NOW + timedelta(minutes=14), 100)

    async def answer(status: SurchargeStatus) -> bool:
        async with database.uow() as uow:
            mine = await uow.surcharges.get(s.id)
            done = await uow.surcharges.answer(mine, status, NOW, "REF1")
            await uow.commit()
            return done

    results = await asyncio.gather(
        answer(SurchargeStatus.APPROVED), answer(SurchargeStatus.LAPSED)
    )
    assert sorted(results) == [False, True]
    async with database.uow() as uow:
        assert await uow.surcharges.open_for_order(order_id) is None
        assert s.id not in await uow.surcharges.due(NOW + timedelta(hours=1), 100)
        assert (await uow.surcharges.get(s.id)).status in (
            SurchargeStatus.APPROVED,
            SurchargeStatus.LAPSED,
        )


async def test_approved_lines_join_the_order_after_its_own(database):
    s, order_id = await a_request(database)
    async with database.uow() as uow:
        order = await uow.orders.get(order_id)
        own = order.lines
        await uow.surcharges.add_lines(order, s.lines)
        await uow.commit()
    async with database.uow() as uow:
        order = await uow.orders.get(order_id)
    assert order.lines == (*own, *s.lines)
