"""Internal ids (a worker's status, a skill, a document kind, a complaint's resolution) are
shown to a person in their language, never as the id."""

import re

from domain.people import WorkerStatus
from tests.e2e.helpers import seed_worker
from tests.e2e.test_admin_commands import staff, tg  # noqa: F401 - the fixture

RAW = re.compile(r"\b(pending|approved|suspended|rejected|cleaning|id_card|health)\b")


async def test_an_admin_reads_a_worker_in_chinese_without_ids(tg, fake_telegram):  # noqa: F811
    app, client = tg
    worker_id = await seed_worker(app, channel="telegram", user_id="631001", online=False)
    from webhooks.keys import DATABASE

    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(worker_id)
        worker.status = WorkerStatus.PENDING
        await uow.workers.save(worker)
        await uow.commit()
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/worker {worker_id}")
    text = ops.text()
    assert "待审核" in text and "日常保洁" in text, text
    assert not RAW.search(text), text
    await ops.say(f"/approve {worker_id}")
    assert "已通过" in ops.text() and not RAW.search(ops.text()), ops.text()
    await ops.say(f"/worker {worker_id}")
    assert "已通过" in ops.text() and not RAW.search(ops.text())
    await ops.say(f"/approve {worker_id}")  # again: the status it already has, by its name
    assert "现在是「已通过」" in ops.text() and not RAW.search(ops.text()), ops.text()
