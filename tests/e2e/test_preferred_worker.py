"""A customer's preferred worker (DESIGN §3): at the quote they may choose one of the workers
who completed a job for them (by name and rating; one suspended, or without the service's
skill, is not offered), the quote shows the choice and the order keeps it, and dispatch
offers that worker the job first. "Book again" prefers the repeated order's worker,
changeably."""

from __future__ import annotations

import re

from domain.lifecycle import Action, ActorKind, OrderStatus
from domain.orders import Actor
from domain.people import WorkerStatus
from tests.e2e.helpers import (
    TelegramUser,
    book_and_pay,
    confirm_order,
    make_app,
    on_telegram,
    order_of,
    seed_worker,
    telegram_gps,
)
from tests.e2e.test_points import customer_id
from tests.integration.test_new_orders import an_order
from webhooks.keys import CLOCK, DATABASE

CHOSEN = "指定师傅:王阿姨(优先派单;没空时由其他师傅服务)"


async def served_before(app, customer: int, worker_id: int) -> None:
    """A job the worker completed for the customer (arranged in the store)."""
    async with app[DATABASE].uow() as uow:
        order = an_order(await uow.orders.next_number(), customer)
        order.worker_id, order.status = worker_id, OrderStatus.CONFIRMED
        await uow.orders.add(order)
        await uow.commit()


async def done_by(app, number: int, worker_id: int) -> None:
    """The customer's paid order taken, done and confirmed with ``worker_id`` (in the store)."""
    now = app[CLOCK]()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        order.worker_id, order.accepted_at = worker_id, now
        worker = Actor(ActorKind.WORKER, str(worker_id))
        for action in (Action.ACCEPT, Action.DEPART, Action.ARRIVE, Action.START, Action.FINISH):
            order.apply(action, worker, now)
        order.apply(Action.CONFIRM, Actor(ActorKind.CUSTOMER, str(order.customer_id)), now)
        await uow.orders.save(order, now)
        await uow.commit()


async def set_status(app, worker_id: int, status: WorkerStatus) -> None:
    async with app[DATABASE].uow() as uow:
        worker = await uow.workers.get(worker_id)
        worker.status = status
        await uow.workers.save(worker)
        await uow.commit()


async def first_offer(app, number: int) -> int:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        offers = await uow.offers.for_order(order.id)
    assert offers, number
    return offers[0].worker_id


def placed(user: TelegramUser) -> int:
    found = re.search(r"#(\d{6,8})", user.text())
    assert found is not None, user.text()
    return int(found.group(1))


async def at_the_quote(user: TelegramUser, english: bool = False) -> None:
    """Two hours of daily cleaning tomorrow at 15:00 at the test's home, up to its quote."""
    words = (
        ("Book", "Cleaning", "Daily", "2 h")
        if english
        else ("预约服务", "保洁", "日常保洁", "2小时")
    )
    for option in words:
        await user.choose(option)
    await user.say("tomorrow 15:00" if english else "明天 15:00")
    await user.share(location=telegram_gps((31.2304, 121.4737)))
    await user.say("Flat 801" if english else "8楼801")
    assert "合计" in user.text() or "Total" in user.text(), user.text()


async def workers_who_served(
    app, client, fake_telegram, lang: str = "zh-hans"
) -> tuple[TelegramUser, dict[str, int]]:
    """A customer whom 王阿姨 (level B), 李师傅 (level S: dispatch's first otherwise), 赵师傅
    (suspended since) and 钱师傅 (an appliance cleaner only) served; all online nearby."""
    user = TelegramUser(client, fake_telegram, 640101, lang=lang)
    await user.say("/start")
    me = await customer_id(app, user)
    workers = {
        "王阿姨": await seed_worker(app, channel="telegram", user_id="640201", name="王阿姨"),
        "李师傅": await seed_worker(
            app, channel="telegram", user_id="640202", name="李师傅", level="S"
        ),
        "赵师傅": await seed_worker(app, channel="telegram", user_id="640203", name="赵师傅"),
        "钱师傅": await seed_worker(
            app,
            channel="telegram",
            user_id="640204",
            name="钱师傅",
            skills=("appliance_cleaning",),
        ),
    }
    for worker_id in workers.values():
        await served_before(app, me, worker_id)
    await set_status(app, workers["赵师傅"], WorkerStatus.SUSPENDED)
    return user, workers


async def test_a_worker_who_served_the_customer_is_chosen_kept_and_offered_the_job_first(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    user, workers = await workers_who_served(app, client, fake_telegram)
    await at_the_quote(user)
    assert "指定师傅" in user.text() and "指定师傅:" not in user.text()
    await user.choose("指定师傅")
    asked = user.text()
    assert "王阿姨(暂无评价)" in asked and "李师傅(暂无评价)" in asked and "不指定" in asked
    assert "赵师傅" not in asked and "钱师傅" not in asked  # suspended; another skill
    await user.say("随便吧")  # no worker's name: said so, asked again
    assert "请点选一位师傅" in user.text() and "王阿姨(暂无评价)" in user.text()
    await user.choose("王阿姨")
    assert CHOSEN in user.text() and "合计" in user.text()
    await confirm_order(user)
    number = placed(user)
    assert (await order_of(app, number)).preferred_worker_id == workers["王阿姨"]
    await user.choose("确认支付")
    assert "支付成功" in user.text()
    assert await first_offer(app, number) == workers["王阿姨"]  # before 李师傅, level S


async def test_without_a_choice_the_order_prefers_nobody_and_dispatch_ranks_as_before(
    aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, own_db_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    user, workers = await workers_who_served(app, client, fake_telegram)
    await at_the_quote(user)
    await user.choose("指定师傅")
    await user.choose("李师傅")
    assert "指定师傅:李师傅" in user.text()
    await user.choose("指定师傅")  # changed: none in particular after all
    await user.choose("不指定")
    assert "指定师傅:" not in user.text() and "合计" in user.text()
    await confirm_order(user)
    number = placed(user)
    assert (await order_of(app, number)).preferred_worker_id is None
    await user.choose("确认支付")
    assert await first_offer(app, number) == workers["李师傅"]


async def test_the_preferred_worker_step_goes_back_and_asks_again_in_english(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    user, _ = await workers_who_served(app, client, fake_telegram, lang="en")
    await at_the_quote(user, english=True)
    await user.choose("Choose your worker")
    asked = user.text()
    assert "王阿姨 (no reviews yet)" in asked and "Any worker" in asked
    assert "Back to the quote" in asked
    await user.say("back")  # the quote again, nothing chosen
    assert "Total" in user.text() and "Your worker" not in user.text()
    await user.choose("Choose your worker")
    await user.say("nobody")
    assert "Please tap one of the workers" in user.text() and "Any worker" in user.text()
    await user.say("王阿姨")  # the name typed chooses too
    shown = user.text()
    assert "Your worker: 王阿姨 (offered the job first; if they are busy" in shown, shown
    assert "指定" not in shown and "评分" not in shown
    await user.say("cancel")
    assert "Your worker" not in user.text()


async def test_book_again_prefers_the_repeated_orders_worker_unless_they_are_suspended(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    client = await aiohttp_client(app)
    wang = await seed_worker(
        app, channel="telegram", user_id="640301", name="王阿姨", online=False
    )
    user = TelegramUser(client, fake_telegram, 640311)
    first = await book_and_pay(user)
    await done_by(app, first, wang)
    clock.advance(minutes=1)  # a new minute of the message rate limit
    await user.say("/reorder")
    assert CHOSEN in user.text() and "合计" in user.text()  # its worker, by default
    await user.choose("指定师傅")  # and changeable
    await user.choose("不指定")
    assert "指定师傅:" not in user.text()
    await user.choose("指定师傅")
    await user.choose("王阿姨")
    await user.choose("确认下单")
    again = placed(user)
    assert again != first and (await order_of(app, again)).preferred_worker_id == wang

    await set_status(app, wang, WorkerStatus.SUSPENDED)
    await user.choose("稍后支付")
    clock.advance(minutes=1)
    await user.say("/orders")
    await user.choose(f"#{first}")
    await user.choose("再来一单")
    assert "合计" in user.text() and "指定师傅" not in user.text()  # nobody to choose
    await user.choose("确认下单")
    later = placed(user)
    assert (await order_of(app, later)).preferred_worker_id is None
