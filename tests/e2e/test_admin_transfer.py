"""An admin's transfer end to end on Telegram and PostgreSQL: ``/transfer #N`` offers an
accepted job to the best nearby idle worker, ``/transfer #N WORKER_ID`` to that worker; the
first worker keeps it until someone accepts and then earns the rules' 10%; nobody free tells
ops; every transfer is audited. And a customer's 改约 onto another job of the worker is
offered on too."""

import pytest

from conversations.results.sweeps import OffersExpired
from domain.commands import ExpireOffers
from domain.lifecycle import OrderStatus
from domain.timeline_notes import transferred_note
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    last,
    near_the_start,
    order_of,
    seed_worker,
    telegram_app,
)
from webhooks.keys import DATABASE, SERVICES

OPS, SUPPORT = 994002, 994004
ADMINS = f"telegram:{OPS}:ops,telegram:{SUPPORT}:support"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client,
        tmp_path,
        own_postgres_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=ADMINS,
    )
    return app, client


async def audited(app, number: int) -> list:
    async with app[DATABASE].uow() as uow:
        return [a for a in await uow.audit.for_target(f"order:{number}") if a.action == "transfer"]


async def test_ops_transfer_a_job_to_an_idle_worker_who_takes_it_with_compensation(
    tg, fake_telegram
):
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 664101))
    first = await seed_worker(app, channel="telegram", user_id="664001", center=HOME, online=False)
    await ops.say(f"/assign #{number} {first}")
    second = await seed_worker(app, channel="telegram", user_id="664002", center=HOME)

    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/transfer #{number}")
    assert "/transfer 需要" in support.text()  # ops and owners only
    await ops.say(f"/transfer #{number}")
    assert f"已将 #{number} 转单给师傅 {second}" in ops.text()
    assert f"#{number}" in last(fake_telegram, 664002)  # the offer
    assert "调度已将订单" in last(fake_telegram, 664001)
    assert (await order_of(app, number)).worker_id == first  # until someone accepts
    [entry] = await audited(app, number)
    assert entry.before == {"worker_id": first} and entry.after == {"offered_to": second}

    await TelegramUser(client, fake_telegram, 664002).say(f"/accept #{number}")
    taken = await order_of(app, number)
    assert taken.status == OrderStatus.ACCEPTED and taken.worker_id == second
    assert taken.transfer_from_worker_id == first
    assert transferred_note(first) in [e.note for e in taken.timeline]
    assert taken.transfer_compensation_cents == taken.total_cents // 10
    assert "补偿" in last(fake_telegram, 664001)
    # the customer hears that their worker changed, not a second "accepted"
    told = last(fake_telegram, 664101)
    assert f"您的订单 #{number} 改由 测试师傅" in told and "好消息" not in told, told


async def test_ops_transfer_to_a_named_worker_or_are_told_nobody_can(tg, fake_telegram):
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 665101))
    first = await seed_worker(app, channel="telegram", user_id="665001", center=HOME, online=False)
    away = await seed_worker(app, channel="telegram", user_id="665002", center=HOME, online=False)
    await ops.say(f"/transfer #{number}")
    assert "只有" in ops.text() or "不能转单" in ops.text()  # not accepted yet
    await ops.say(f"/assign #{number} {first}")

    await ops.say(f"/transfer #{number} {away}")  # offline
    assert f"师傅 {away} 现在不能接 #{number}" in ops.text()
    told_before = len(fake_telegram.sent(665001))
    await ops.say(f"/transfer #{number}")  # nobody idle nearby
    assert f"#{number} 附近暂无空闲师傅可接,仍由师傅 {first} 负责" in ops.text()
    assert any("需要转单" in m["text"] for m in fake_telegram.sent(OPS))
    # the worker, told of no transfer, is not told that nobody could take it either (they
    # were: "附近暂无空闲师傅可接 #N,请按时服务或联系客服", about a transfer never asked for)
    assert len(fake_telegram.sent(665001)) == told_before, fake_telegram.sent(665001)[-1]
    assert (await order_of(app, number)).worker_id == first

    named = await seed_worker(app, channel="telegram", user_id="665003", center=HOME)
    await ops.say(f"/transfer #{number} {named}")
    assert f"已将 #{number} 转单给师傅 {named}" in ops.text()
    await TelegramUser(client, fake_telegram, 665003).say(f"/accept #{number}")
    assert (await order_of(app, number)).worker_id == named
    assert len(await audited(app, number)) == 2  # the two transfers that were made or tried


async def test_a_customers_move_onto_another_job_of_the_worker_is_offered_on(tg, fake_telegram):
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    customer = TelegramUser(client, fake_telegram, 666101)
    first = await book_and_pay(customer, when="明天 15:00")
    second = await book_and_pay(TelegramUser(client, fake_telegram, 666102), when="后天 15:00")
    busy = await seed_worker(app, channel="telegram", user_id="666001", center=HOME, online=False)
    for number in (first, second):
        await ops.say(f"/assign #{number} {busy}")
    await seed_worker(app, channel="telegram", user_id="666002", center=HOME)

    await customer.say("/orders")
    await customer.choose(f"#{first}")
    await customer.choose("改约时间")
    await customer.say("后天下午三点")
    await customer.choose("确认改约")
    assert "我们正在为新时间安排师傅" in customer.text()
    assert f"与您的订单 #{second} 冲突" in last(fake_telegram, 666001)
    assert f"#{first}" in last(fake_telegram, 666002)
    assert (await order_of(app, first)).worker_id == busy


async def test_a_transfer_offer_ends_when_the_job_moves_back_or_the_first_worker_sets_off(
    tg, fake_telegram, clock
):
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    first = await book_and_pay(TelegramUser(client, fake_telegram, 667101), when="明天 15:00")
    second = await book_and_pay(TelegramUser(client, fake_telegram, 667102), when="后天 10:00")
    busy = await seed_worker(app, channel="telegram", user_id="667001", center=HOME, online=False)
    for number in (first, second):
        await ops.say(f"/assign #{number} {busy}")
    idle = TelegramUser(client, fake_telegram, 667002)
    await seed_worker(app, channel="telegram", user_id="667002", center=HOME)

    await ops.say(f"/reschedule #{first} 后天 10:30")  # onto #second: offered on
    assert f"#{first}" in last(fake_telegram, 667002)
    await ops.say(f"/reschedule #{first} 明天 15:00")  # back: the offer is withdrawn
    assert "原师傅继续服务" in ops.text()
    await idle.say(f"/accept #{first}")
    assert (await order_of(app, first)).worker_id == busy

    await ops.say(f"/transfer #{second}")
    assert f"已将 #{second} 转单给师傅" in ops.text()
    await near_the_start(app, second, minutes_before=60)
    second_worker = TelegramUser(client, fake_telegram, 667001)
    await second_worker.say(f"/onway #{second}")
    await second_worker.say("30")  # the minutes to arrive, asked on 出发
    assert (await order_of(app, second)).status == OrderStatus.ON_THE_WAY
    assert f"#{second} 的转单已取消" in second_worker.text()  # setting off took it back
    assert f"#{second} 的转单已撤回" in last(fake_telegram, 667002)  # the offered worker told
    clock.advance(minutes=10)  # nothing left open to run out
    [expired] = await app[SERVICES].run(ExpireOffers())
    assert expired == OffersExpired(0)
    assert (await order_of(app, second)).worker_id == busy


async def test_a_transferred_job_offers_what_it_is_worth_not_what_a_discount_left_paid(
    tg, fake_telegram
):
    """The first order's discount is the platform's: the worker offered the job on transfer
    earns on the job's worth, as the first worker was offered and as settlement pays."""
    app, client = tg
    ops = TelegramUser(client, fake_telegram, OPS)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 664301))
    first = await seed_worker(app, channel="telegram", user_id="664301", center=HOME, online=False)
    await ops.say(f"/assign #{number} {first}")
    await seed_worker(app, channel="telegram", user_id="664302", center=HOME)
    await ops.say(f"/transfer #{number}")
    order = await order_of(app, number)
    assert order.total_cents < 8000  # the first order's discount
    async with app[DATABASE].uow() as uow:
        offers = await uow.offers.for_order(order.id)
    assert {o.earn_cents for o in offers} == {6800}  # ¥80 of cleaning, level B keeps 85%
    assert "¥68.00" in last(fake_telegram, 664302)
