"""``/levels`` on SQLite and PostgreSQL, as the demo's 赵师傅 met it: a worker at level C
with a perfect score over too few jobs keeps their level and is neither suspended nor
reported (C→C is no change); a worker at C whose jobs earn S moves up; one who falls to C by
their score is suspended once, with a note in the screen's language — and running it again
reports nothing."""

from __future__ import annotations

import re

from domain.people import WorkerStatus, level_c_note
from domain.rules import WorkerLevel
from tests.e2e.helpers import Clock, TelegramUser, seed_worker, telegram_app
from tests.integration.test_quality import complaint, job
from tests.integration.test_repositories import NOW, RULES
from webhooks.keys import DATABASE

OPS = 784900


async def worker(app, worker_id: int):
    async with app[DATABASE].uow() as uow:
        found = await uow.workers.get(worker_id)
    assert found is not None
    return found


async def test_a_perfect_score_over_too_few_jobs_neither_demotes_nor_suspends(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram
):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock=Clock(NOW),
        admins=f"telegram:{OPS}:ops",
    )
    new = await seed_worker(
        app, channel="telegram", user_id="784001", name="赵师傅", level="C", online=False
    )
    rising = await seed_worker(
        app, channel="telegram", user_id="784002", name="钱师傅", level="C", online=False
    )
    falling = await seed_worker(
        app, channel="telegram", user_id="784003", name="孙师傅", level="B", online=False
    )
    assert RULES.credit.min_jobs > 0
    for i in range(RULES.credit.min_jobs):
        await job(app[DATABASE], await worker(app, rising), days_ago=i + 1)
        order = await job(app[DATABASE], await worker(app, falling), days_ago=i + 1, stars=1)
        await complaint(app[DATABASE], order)

    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say("/levels")
    answer = ops.text()
    assert "等级变化 2 人" in answer, answer
    assert "钱师傅" in answer and "C→S" in answer
    assert re.search(r"孙师傅\(ID \d+\)B→C \d+ 已暂停", answer), answer
    assert "赵师傅" not in answer and "C→C" not in answer

    zhao = await worker(app, new)
    assert zhao.status == WorkerStatus.APPROVED and zhao.level == WorkerLevel.C
    assert zhao.credit_score == 100 and zhao.review_note == ""
    assert (await worker(app, rising)).status == WorkerStatus.APPROVED
    sun = await worker(app, falling)
    assert sun.status == WorkerStatus.SUSPENDED and sun.level == WorkerLevel.C
    assert sun.review_note == level_c_note(sun.credit_score)  # an id, read in any language

    await ops.say(f"/worker {new}")
    assert "retraining" not in ops.text() and "状态:" in ops.text()
    await ops.say(f"/worker {falling}")
    shown = ops.text()
    assert f"C 级(信用分 {sun.credit_score}),需重新培训" in shown, shown
    assert not re.search(r"[A-Za-z]{4,}", shown.replace("ID", "")), shown  # no English words

    await ops.say("/levels")  # nothing moved since
    assert "没有等级变化" in ops.text(), ops.text()
    await ops.say(f"/levels {new}")
    assert "没有等级变化" in ops.text(), ops.text()
    assert (await worker(app, new)).status == WorkerStatus.APPROVED
