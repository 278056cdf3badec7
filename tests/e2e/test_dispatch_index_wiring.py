"""A large pool's dispatch goes through the process's index: the first paid order is offered
reading every worker online, which shows the pool is large (``dispatch.index_from_workers``)
and builds the index; later orders read only the workers it ranks first, afresh — a worker who
went offline since the snapshot is passed over for the next best."""

from __future__ import annotations

from dataclasses import replace

from store.workers_repo import WorkerRepository
from tests.e2e.helpers import (
    HOME,
    RULES,
    TelegramUser,
    book_and_pay,
    make_app,
    on_telegram,
    seed_worker,
)
from webhooks.keys import DATABASE, SERVICES

NEAR, MIDDLE, FAR = 640901, 640902, 640903


def offers(fake_telegram, worker: int) -> list[str]:
    return [m["text"] for m in fake_telegram.sent(worker) if "新订单" in m.get("text", "")]


async def test_orders_are_offered_through_the_index_with_fresh_workers(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock, monkeypatch
):
    reads: list[object] = []  # what each dispatch read: None for every worker online
    available = WorkerRepository.available

    async def spied(repo, among=None):
        reads.append(None if among is None else sorted(among))
        return await available(repo, among)

    monkeypatch.setattr(WorkerRepository, "available", spied)
    rules = replace(RULES, dispatch=replace(RULES.dispatch, index_from_workers=3))
    app = make_app(
        tmp_path, own_db_url, pii_key, clock=clock, rules=rules, **on_telegram(fake_telegram)
    )
    client = await aiohttp_client(app)
    lat, lon = HOME
    ids = {}
    for uid, north in ((NEAR, 0.005), (MIDDLE, 0.02), (FAR, 0.04)):
        ids[uid] = await seed_worker(
            app, channel="telegram", user_id=str(uid), center=(lat + north, lon), radius_m=9000
        )
    index = app[SERVICES].worker_index
    assert index.current() is None
    first = await book_and_pay(TelegramUser(client, fake_telegram, 640911), "明天 9:00")
    assert any(f"#{first}" in text for text in offers(fake_telegram, NEAR))
    await index.settled()  # three online seen: built in the background
    assert index.current() is not None and index.workers == 3
    assert reads == [None]

    async with app[DATABASE].uow() as uow:  # the nearest goes offline after the snapshot
        worker = await uow.workers.get(ids[NEAR])
        worker.online = False
        await uow.workers.save(worker)
        await uow.commit()
    second = await book_and_pay(TelegramUser(client, fake_telegram, 640912), "明天 15:00")
    assert not any(f"#{second}" in text for text in offers(fake_telegram, NEAR))
    assert any(f"#{second}" in text for text in offers(fake_telegram, MIDDLE))
    assert not offers(fake_telegram, FAR)
    assert len(reads) == 2 and reads[1] == sorted(ids.values())  # the index's first three
