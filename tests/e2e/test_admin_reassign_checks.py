"""``/reassign`` checked as a tester drove it: to the worker who already has the job (accepted,
or already on the way) it answers so and changes and tells nothing; to a worker who may not
work (pending, suspended, left) it says why and changes nothing; an order no longer waiting
or accepted (on its way elsewhere, finished, cancelled) is not reassigned, and the answer
does not send the admin to ``/assign``, which would refuse it too."""

import pytest

from domain.people import WorkerStatus
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, order_of, seed_worker, telegram_app
from tests.e2e.test_job_rules import photo, to_in_service
from webhooks.keys import DATABASE

OPS = 992101
ADMINS = f"telegram:{OPS}:ops"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=ADMINS,
    )


def told(fake, *chats: int) -> int:
    """How many messages ``chats`` have been sent so far."""
    return sum(len(fake.sent(chat)) for chat in chats)


async def reassigns(app, number: int) -> int:
    async with app[DATABASE].uow() as uow:
        return sum(a.action == "reassign" for a in await uow.audit.for_target(f"order:{number}"))


@pytest.mark.parametrize("on_the_way", [False, True])
async def test_reassigning_to_the_worker_who_has_it_changes_nothing_and_tells_nobody(
    tg, fake_telegram, clock, on_the_way
):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 740101))
    worker = await seed_worker(app, channel="telegram", user_id="740001", center=HOME)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {worker}")
    if on_the_way:
        clock.now = clock.now.replace(hour=7)  # 15:00 Shanghai, the next day: time to go
        clock.advance(days=1)
        setting_off = TelegramUser(client, fake_telegram, 740001)
        await setting_off.say(f"/onway #{number}")
        await setting_off.say("30")  # minutes until they arrive
    first = await order_of(app, number)
    assert first.status.value == ("on_the_way" if on_the_way else "accepted"), first.status
    sent = told(fake_telegram, 740101, 740001)

    await ops.say(f"/reassign #{number} {worker}")
    assert ops.text() == f"#{number} 已经是这位师傅", ops.text()
    again = await order_of(app, number)
    assert (again.status, again.worker_id, again.accepted_at) == (
        first.status,
        worker,
        first.accepted_at,
    )
    assert [e.note for e in again.timeline] == [e.note for e in first.timeline]
    assert told(fake_telegram, 740101, 740001) == sent  # no second "assigned" to anyone
    assert await reassigns(app, number) == 0


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (WorkerStatus.PENDING, "待审核"),
        (WorkerStatus.SUSPENDED, "已暂停接单"),
        (WorkerStatus.LEFT, "已离职"),
    ],
)
async def test_reassigning_to_a_worker_who_may_not_work_says_why_and_changes_nothing(
    tg, fake_telegram, status, shown
):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 740102))
    holder = await seed_worker(app, channel="telegram", user_id="740002", center=HOME)
    other = await seed_worker(app, channel="telegram", user_id="740003", center=HOME)
    async with app[DATABASE].uow() as uow:
        w = await uow.workers.get(other)
        w.status = status
        await uow.workers.save(w)
        await uow.commit()
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {holder}")
    first = await order_of(app, number)
    sent = told(fake_telegram, 740102, 740002, 740003)

    await ops.say(f"/reassign #{number} {other}")
    assert ops.text() == f"未指派 #{number}:师傅 {other} 当前状态为「{shown}」,不能接单。"
    after = await order_of(app, number)
    assert after.worker_id == holder and len(after.timeline) == len(first.timeline)
    assert told(fake_telegram, 740102, 740002, 740003) == sent
    assert await reassigns(app, number) == 0


@pytest.mark.parametrize("end", ["cancelled", "finished"])
async def test_an_order_done_or_cancelled_is_not_reassigned_nor_sent_to_assign(
    tg, fake_telegram, clock, end
):
    app, client = tg
    holder = await seed_worker(app, channel="telegram", user_id="740004", center=HOME)
    other = await seed_worker(app, channel="telegram", user_id="740005", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 740104))
    ops = TelegramUser(client, fake_telegram, OPS)
    if end == "cancelled":
        await ops.say(f"/assign #{number} {holder}")
        await ops.say(f"/cancel #{number} 顾客改主意")
        shown = "已退款"  # paid in full a day ahead: all of it back
    else:
        worker = TelegramUser(client, fake_telegram, 740004)
        await to_in_service(worker, fake_telegram, number, clock)
        await worker.say(f"/photo #{number} after")
        await photo(worker, fake_telegram, f"after{number}")
        await worker.say(f"/finish #{number}")
        shown = "服务完成,待确认"
    first = await order_of(app, number)
    assert first.worker_id == holder
    sent = told(fake_telegram, 740104, 740004, 740005)

    for to in (other, holder):
        await ops.say(f"/reassign #{number} {to}")
        assert ops.text() == f"订单 #{number} 现在是「{shown}」,不能改派。", ops.text()
    after = await order_of(app, number)
    assert (after.status, after.worker_id) == (first.status, holder)
    assert len(after.timeline) == len(first.timeline)
    assert told(fake_telegram, 740104, 740004, 740005) == sent
    assert await reassigns(app, number) == 0


async def test_an_order_still_waiting_for_a_worker_is_sent_to_assign(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 740105))  # nobody near
    other = await seed_worker(app, channel="telegram", user_id="740006", center=HOME)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/reassign #{number} {other}")
    assert "只有已接单的订单可以改派(未接单用 /assign)" in ops.text(), ops.text()
    assert (await order_of(app, number)).worker_id is None
