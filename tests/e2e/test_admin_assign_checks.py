"""The admin console's order commands checked as a tester drove them: ``/assign`` refuses whom
dispatch would never offer the order for who they are (no skill, suspended) and overrides
only where and when (far away, offline); a repeated ``/assign`` changes nothing and tells
nobody again; ``/cancel`` without an order number answers its usage; ``/orders live`` names
the statuses it lists; ``/worker ID`` shows a worker's districts without a made-up radius."""

import pytest

from domain.people import WorkerStatus
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, order_of, seed_worker, telegram_app
from webhooks.keys import DATABASE

OPS = 992001
ADMINS = f"telegram:{OPS}:ops"
APPLIANCES = ("appliance_cleaning", "appliance_repair")
"""A worker's skills that do not cover 日常保洁 (空调清洗、油烟机清洗 and 家电维修)."""


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


async def test_assign_refuses_a_worker_without_the_skill_and_nothing_happens(tg, fake_telegram):
    app, client = tg
    fixer = await seed_worker(app, channel="telegram", user_id="720001", skills=APPLIANCES)
    customer = TelegramUser(client, fake_telegram, 720101)
    number = await book_and_pay(customer)
    before = await order_of(app, number)
    sent = told(fake_telegram, 720101, 720001)
    ops = TelegramUser(client, fake_telegram, OPS)

    await ops.say(f"/assign #{number} {fixer}")
    assert ops.text() == (
        f"未指派 #{number}:师傅 {fixer} 没有「日常保洁」的服务技能,不能接这单。"
    ), ops.text()
    after = await order_of(app, number)
    assert after.worker_id is None and after.status == before.status
    assert len(after.timeline) == len(before.timeline)
    assert told(fake_telegram, 720101, 720001) == sent  # neither customer nor worker told


async def test_assign_refuses_a_suspended_worker_by_their_status(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720102))
    resting = await seed_worker(app, channel="telegram", user_id="720002", center=HOME)
    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(resting)
        worker.status = WorkerStatus.SUSPENDED
        await uow.workers.save(worker)
        await uow.commit()
    ops = TelegramUser(client, fake_telegram, OPS)

    await ops.say(f"/assign #{number} {resting}")
    assert f"未指派 #{number}:师傅 {resting} 当前状态为「已暂停接单」,不能接单。" == ops.text()
    assert (await order_of(app, number)).worker_id is None
    assert not fake_telegram.sent(720002)


async def test_assign_overrides_distance_and_being_offline(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720103))
    away = await seed_worker(
        app, channel="telegram", user_id="720003", center=(39.9042, 116.4074), online=False
    )  # in Beijing, offline: ops called them
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {away}")
    assert f"已将 #{number} 指派给师傅 {away}(测试师傅)。" in ops.text(), ops.text()
    assert (await order_of(app, number)).worker_id == away


async def test_assigning_the_same_worker_again_changes_nothing_and_tells_nobody(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720104))
    worker = await seed_worker(app, channel="telegram", user_id="720004", center=HOME)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {worker}")
    assert f"已将 #{number} 指派给师傅 {worker}" in ops.text()
    first = await order_of(app, number)
    sent = told(fake_telegram, 720104, 720004)

    await ops.say(f"/assign #{number} {worker}")
    assert ops.text() == f"订单 #{number} 已指派给师傅 {worker},无需再次指派。", ops.text()
    again = await order_of(app, number)
    assert again.status == first.status and again.worker_id == worker
    assert again.accepted_at == first.accepted_at
    assert [e.to_status for e in again.timeline] == [e.to_status for e in first.timeline]
    assert told(fake_telegram, 720104, 720004) == sent


@pytest.mark.parametrize(
    "typed", ["/cancel", "/cancel #abc", "取消订单 abc", "/order", "/explain #12"]
)
async def test_an_order_command_without_an_order_number_answers_its_usage(
    tg, fake_telegram, typed
):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720105))
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say("/help")  # at the console
    await ops.say(typed)
    shown = ops.text()
    assert shown.startswith("用法:/"), shown
    assert "已取消" not in shown and "可用指令" not in shown, shown
    assert (await order_of(app, number)).status.value != "cancelled"


async def test_live_orders_and_a_district_workers_area_read_properly(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720106))
    worker = await seed_worker(
        app, channel="telegram", user_id="720006", radius_m=0, districts=("静安区",)
    )
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {worker}")
    await ops.say("/orders live")
    assert ops.text().splitlines()[0] == "订单(进行中):共 1 单", ops.text()
    await ops.say("/orders waiting")
    assert ops.text().splitlines()[0] == "订单(待接单):共 0 单", ops.text()
    await ops.say(f"/worker {worker}")
    assert "\n范围:静安区\n" in ops.text(), ops.text()


async def test_reassign_refuses_a_worker_without_the_skill_too(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 720107))
    holder = await seed_worker(app, channel="telegram", user_id="720007", center=HOME)
    fixer = await seed_worker(app, channel="telegram", user_id="720008", skills=APPLIANCES)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {holder}")
    sent = told(fake_telegram, 720107, 720007, 720008)
    await ops.say(f"/reassign #{number} {fixer}")
    assert f"师傅 {fixer} 没有「日常保洁」的服务技能" in ops.text(), ops.text()
    assert (await order_of(app, number)).worker_id == holder
    assert told(fake_telegram, 720107, 720007, 720008) == sent
