"""The rules around a job: auto-confirmation, lateness, transfer, photo checks, restarts."""

import pytest

from domain.commands import AutoConfirm, ExpireOffers
from domain.people import late_arrivals_note
from tests.e2e.helpers import (
    HOME,
    Clock,
    TelegramUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.fakes.wechat import PNG
from webhooks.keys import DATABASE, SERVICES


def tg_app(tmp_path, db_url, pii_key, fake_telegram, clock):
    return make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins="telegram:990099:owner",
    )


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    return app, await aiohttp_client(app)


async def photo(user: TelegramUser, fake, file_id: str, data: bytes = PNG) -> None:
    fake.files[f"photos/{file_id}.jpg"] = data
    await user.share(
        photo=[
            {
                "file_id": file_id,
                "file_unique_id": file_id,
                "width": 90,
                "height": 90,
                "file_size": len(data),
            }
        ]
    )


async def arrived(
    worker: TelegramUser, fake, number: int, clock: Clock, arrive_after_start_min: int = 0
) -> None:
    """The worker accepted, came and checked in (location, visit code, door photo)."""
    await worker.say(f"/accept #{number}")
    clock.now = clock.now.replace(hour=7, minute=arrive_after_start_min)  # 15:xx Shanghai
    clock.advance(days=1)
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(worker.client.app, number))
    await photo(worker, fake, f"door{number}")


async def to_in_service(
    worker: TelegramUser, fake, number: int, clock: Clock, arrive_after_start_min: int = 0
) -> None:
    await arrived(worker, fake, number, clock, arrive_after_start_min)
    await worker.say(f"/photo #{number} before")
    await photo(worker, fake, f"before{number}")


async def test_unconfirmed_jobs_confirm_themselves_after_24_hours(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 600101)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, 600001)
    await to_in_service(worker, fake_telegram, number, clock)
    await worker.say(f"/photo #{number} after")
    await photo(worker, fake_telegram, f"after{number}")
    await worker.say(f"/finish #{number}")
    await worker.say(f"/finish #{number}")  # again: it is done, not "not started"
    assert f"订单 #{number} 已完工" in worker.text(), worker.text()
    clock.advance(hours=23)
    await app[SERVICES].run(AutoConfirm())
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).status.value == "finished"
    clock.advance(hours=2)
    await app[SERVICES].run(AutoConfirm())
    await app[SERVICES].run(AutoConfirm())
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.status.value == "settled"  # confirmed, then settled at once
    await worker.say(f"/finish #{number}")
    assert f"订单 #{number} 已完工" in worker.text(), worker.text()
    assert [e.to_status.value for e in order.timeline[-2:]] == ["confirmed", "settled"]
    assert order.timeline[-2].actor.kind.value == "system"
    assert sum("已自动确认完成" in m.get("text", "") for m in fake_telegram.sent(600101)) == 1


async def test_late_arrival_is_recorded_and_the_third_in_30_days_suspends(
    tg, fake_telegram, clock
):
    app, client = tg
    worker_id = await seed_worker(app, channel="telegram", user_id="600002", center=HOME)
    worker = TelegramUser(client, fake_telegram, 600002)
    for i in range(3):
        customer = TelegramUser(client, fake_telegram, 600200 + i)
        number = await book_and_pay(customer)
        await to_in_service(worker, fake_telegram, number, clock, arrive_after_start_min=45)
        late = [m["text"] for m in fake_telegram.sent(600002) if "扣除" in m.get("text", "")]
        assert len(late) == i + 1 and "迟到 45 分钟" in late[-1] and "20%" in late[-1]
        async with app[DATABASE].uow() as uow:
            assert (await uow.orders.by_number(number)).late_minutes == 45
        clock.advance(days=2)
    assert any("账号已暂停接单" in m.get("text", "") for m in fake_telegram.sent(600002))
    assert any("已暂停,请审核" in m.get("text", "") for m in fake_telegram.sent(990099))
    await worker.say("/online")
    assert "账号已暂停" in worker.text()
    owner = TelegramUser(client, fake_telegram, 990099)
    await owner.say(f"/worker {worker_id}")
    assert owner.text().endswith("\n30 天内迟到 3 次"), owner.text()  # not in English
    async with app[DATABASE].uow() as uow:  # stored as an id, read in any language
        assert (await uow.workers.get(worker_id)).review_note == late_arrivals_note(3, 30)


async def test_a_busy_worker_can_transfer_and_earns_ten_percent(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600003", center=HOME, level="S")
    await seed_worker(app, channel="telegram", user_id="600004", center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600301))
    first, second = (TelegramUser(client, fake_telegram, u) for u in (600003, 600004))
    await first.say(f"/accept #{number}")
    await first.say(f"/transfer #{number}")
    await first.choose("确定")  # asked first (tests/e2e/test_transfer_confirmation.py)
    assert "寻找附近空闲师傅" in first.text()
    assert any("转单" in m.get("text", "") for m in fake_telegram.sent(600004))
    await second.say(f"/accept #{number}")
    assert "接单成功" in second.text()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.worker_id != order.transfer_from_worker_id
    assert order.transfer_compensation_cents == order.total_cents // 10
    assert any("补偿" in m.get("text", "") for m in fake_telegram.sent(600003))


async def test_asking_to_transfer_again_while_someone_is_offered_it_starts_no_second_search(
    tg, fake_telegram, clock
):
    """Two searches at once would each end with "nobody can take it": told twice."""
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600013", center=HOME, level="S")
    await seed_worker(app, channel="telegram", user_id="600014", center=HOME, level="C")
    await seed_worker(app, channel="telegram", user_id="600015", center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600311))
    first = TelegramUser(client, fake_telegram, 600013)
    await first.say(f"/accept #{number}")
    await first.say(f"/transfer #{number}")
    await first.choose("确定")
    await first.say(f"/transfer #{number}")  # a second tap of the same button
    assert "正在转单" in first.text()  # told it is under way, not asked again
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        offers = await uow.offers.for_order(order.id)
    assert len([o for o in offers if o.mode.value == "transfer"]) == 1


async def test_photos_are_checked_for_type_and_size(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600005", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600401))
    worker = TelegramUser(client, fake_telegram, 600005)
    await worker.say(f"/accept #{number}")
    await near_the_start(app, number)
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    await worker.say(await visit_code(app, number))
    await photo(worker, fake_telegram, "notanimage", b"%PDF-1.7 not a photo")
    assert "请发送照片" in worker.text()
    await photo(worker, fake_telegram, "huge", PNG + b"\x00" * (9 * 1024 * 1024))
    assert "太大" in worker.text()
    await photo(worker, fake_telegram, "good")
    assert "已到达" in worker.text()


async def test_finishing_without_an_after_photo_is_refused(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600006", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600501))
    worker = TelegramUser(client, fake_telegram, 600006)
    await to_in_service(worker, fake_telegram, number, clock)
    await worker.say(f"/finish #{number}")
    assert "至少上传一张服务后照片" in worker.text()
    async with app[DATABASE].uow() as uow:
        assert (await uow.orders.by_number(number)).status.value == "in_service"


async def test_an_offer_deadline_survives_a_restart(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    first_app = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    client = await aiohttp_client(first_app)
    await seed_worker(first_app, channel="telegram", user_id="600007", center=HOME, level="S")
    await seed_worker(first_app, channel="telegram", user_id="600008", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600601))
    await client.close()
    clock.advance(minutes=6)
    restarted = tg_app(tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock)
    await aiohttp_client(restarted)
    await restarted[SERVICES].run(ExpireOffers())
    assert any(f"#{number}" in m.get("text", "") for m in fake_telegram.sent(600008))


async def test_scheduled_orders_wait_and_are_assigned_together_with_least_travel(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    from dataclasses import replace

    from domain.commands import BatchDispatch
    from tests.e2e.helpers import RULES, STACKING

    rules = replace(STACKING, dispatch=replace(RULES.dispatch, batch_ahead_hours=12))
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        rules=rules,
        **on_telegram(fake_telegram),
    )
    client = await aiohttp_client(app)
    west, east = (31.2304, 121.40), (31.2304, 121.50)
    # one worker near each home: the optimum sends each to the home next to them
    await seed_worker(app, channel="telegram", user_id="610001", center=west, radius_m=15000)
    await seed_worker(app, channel="telegram", user_id="610002", center=east, radius_m=15000)
    numbers = {}
    for uid, home in ((610101, east), (610102, west)):
        numbers[home] = await book_and_pay(TelegramUser(client, fake_telegram, uid), home=home)
    assert not any(
        "#" in m.get("text", "") for u in (610001, 610002) for m in fake_telegram.sent(u)
    )  # nothing offered before the batch
    await app[SERVICES].run(BatchDispatch())
    await app[SERVICES].run(BatchDispatch())  # nothing waits any more: no second offers
    west_offers = [m["text"] for m in fake_telegram.sent(610001) if "新订单" in m["text"]]
    east_offers = [m["text"] for m in fake_telegram.sent(610002) if "新订单" in m["text"]]
    assert len(west_offers) == len(east_offers) == 1
    assert f"#{numbers[west]}" in west_offers[0] and f"#{numbers[east]}" in east_offers[0]


async def test_a_worker_cannot_set_off_or_check_in_long_before_the_start(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600006", center=HOME)
    customer = TelegramUser(client, fake_telegram, 600501)
    number = await book_and_pay(customer)  # tomorrow 15:00
    worker = TelegramUser(client, fake_telegram, 600006)
    await worker.say(f"/accept #{number}")
    told = len(fake_telegram.sent(600501))
    await worker.say(f"/onway #{number}")
    assert "还没到出发时间:最早 11月24日 周二 12:00 可以出发" in worker.text()
    await worker.say(f"/checkin #{number}")  # told before any location is asked for
    assert "还没到打卡时间:最早 11月24日 周二 14:00 可以打卡" in worker.text()
    assert "实时位置" not in worker.text()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.status.value == "accepted" and order.checkin is None
    assert len(fake_telegram.sent(600501)) == told  # the customer was told nothing

    await near_the_start(app, number, minutes_before=90)
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    assert "已通知客户" in worker.text()
    await worker.say(f"/checkin #{number}")
    assert "还没到打卡时间:最早 14:00 可以打卡" in worker.text()  # the same day: the hour
    await near_the_start(app, number, minutes_before=50)
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    assert "位置已确认" in worker.text()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.status.value == "on_the_way" and order.checkin is not None


async def test_three_wrong_visit_codes_alert_ops_once_and_the_right_one_still_opens_the_door(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600007", center=HOME)
    customer = TelegramUser(client, fake_telegram, 600601)
    number = await book_and_pay(customer)
    code = await visit_code(app, number)
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert f"上门验证码:{code}(师傅到门口时请告知)" in customer.text()  # not 告诉他: 阿姨 too
    worker = TelegramUser(client, fake_telegram, 600007)
    await worker.say(f"/accept #{number}")
    assert code not in worker.text()  # the worker learns it only from the customer
    await near_the_start(app, number)
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    for no_code in ("abcd", "12", "12345", "12³4"):  # no code at all: asked again, no miss
        await worker.say(no_code)
        assert worker.text().startswith("请输入 4 位数字验证码"), no_code
        assert "验证码不对" not in worker.text(), no_code
    wrong = "1111" if code != "1111" else "2222"
    for _ in range(4):
        await worker.say(wrong)
    alerts = [m for m in fake_telegram.sent(990099) if "上门验证码" in m.get("text", "")]
    assert len(alerts) == 1 and f"#{number}" in alerts[0]["text"] and "3 次" in alerts[0]["text"]
    assert code not in alerts[0]["text"]
    await worker.say(f"验证码是 {code}")  # as the customer said it
    assert "验证码正确" in worker.text()
    await photo(worker, fake_telegram, f"door{number}")
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.status.value == "arrived" and order.visit_code_misses == 4
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "上门验证码" not in customer.text()  # used: no longer shown


async def test_the_worker_marks_the_part_of_the_job_under_way_and_the_customer_sees_it(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600008", center=HOME)
    customer = TelegramUser(client, fake_telegram, 600701)
    number = await book_and_pay(customer)  # daily cleaning: kitchen, bathroom, living, bedrooms
    worker = TelegramUser(client, fake_telegram, 600008)
    await worker.say(f"/accept #{number}")
    await worker.say(f"进度 #{number} 1")
    assert "开始服务后才能更新进度" in worker.text()  # not before the job started
    await to_in_service(worker, fake_telegram, number, clock)
    told = len(fake_telegram.sent(600701))
    await worker.say("任务")
    await worker.choose("进行中:厨房")
    assert "已告诉客户:正在进行「厨房」" in worker.text()
    [news] = fake_telegram.sent(600701)[told:]
    assert "进度:师傅正在清洁厨房(1/4)" in news["text"] and news["disable_notification"]
    await worker.choose("进行中:卫生间")  # the next part is the one offered now
    await customer.say("/orders")
    await customer.choose(f"#{number}")
    assert "进度:卫生间(2/4)" in customer.text()
    await worker.say(f"进度 #{number} 9")
    assert "没有这一步" in worker.text()


async def test_setting_off_twice_says_so_and_offers_only_the_workers_own_steps(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600008", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600801))
    worker = TelegramUser(client, fake_telegram, 600008)
    await worker.say(f"/accept #{number}")
    await near_the_start(app, number, minutes_before=45)
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/onway #{number}")  # a second press of 出发
    said = worker.text()
    assert f"订单 #{number} 现在是「师傅在路上」,无需再出发。您可以:打卡。" in said, said
    assert "取消" not in said  # the customer's and the admins' action, not the worker's


async def test_after_photos_before_any_before_photo_are_refused_with_why_before_the_ask(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600009", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600901))
    worker = TelegramUser(client, fake_telegram, 600009)
    await arrived(worker, fake_telegram, number, clock)
    await worker.say(f"/photo #{number} after")  # checked in, no before photo yet
    said = worker.text()
    assert f"订单 #{number} 还没有服务前照片,请先上传服务前照片。" in said, said
    assert "请先打卡" not in said and "服务后照片(可多张)" not in said  # not asked for
    await photo(worker, fake_telegram, f"after{number}")  # sent anyway: not kept as "after"
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        assert order.status.value == "arrived"
        assert await uow.photos.for_order(order.id, ["after"]) == []
    await worker.say(f"/photo #{number} before")  # the right order goes on as before
    assert "服务前照片(可多张)" in worker.text()
