"""A worker at the door just sends their location from the jobs menu, without tapping 打卡
first: it checks them in to the job due now, by the same rules as 打卡 #N (its time, its
distance), on Telegram (a location message) and WeChat (a location event); with several jobs
due they pick one; with none due they are told the next one and when its check-in opens."""

import re

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    WeChatUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    on_wechat,
    order_of,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.fakes.wechat import PNG, WeChatServer, location_xml
from webhooks.keys import CLOCK


@pytest.fixture
async def both(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, fake_wechat, clock
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        **on_wechat(fake_wechat),
    )
    return app, await aiohttp_client(app)


async def door_photo(user: TelegramUser, fake, file_id: str) -> None:
    fake.files[f"photos/{file_id}.jpg"] = PNG
    size = len(PNG)
    photo = {"file_id": file_id, "file_unique_id": file_id, "width": 90, "height": 90}
    await user.share(photo=[{**photo, "file_size": size}])


async def test_a_location_sent_at_the_jobs_menu_checks_in_to_the_job_due_now(both, fake_telegram):
    app, client = both
    await seed_worker(app, channel="telegram", user_id="620001", center=HOME)
    customer = TelegramUser(client, fake_telegram, 620101)
    number = await book_and_pay(customer)
    worker = TelegramUser(client, fake_telegram, 620001)
    await worker.say(f"/accept #{number}")
    await near_the_start(app, number, minutes_before=45)
    await worker.say("任务")  # the jobs menu; no 打卡 tapped
    await worker.share(location=telegram_gps(HOME))
    said = worker.text()
    assert "没太明白" not in said and "请点选" not in said, said
    assert f"位置已确认。请向客户索取订单 #{number} 的上门验证码" in said, said
    order = await order_of(app, number)
    assert order.status.value == "on_the_way" and order.checkin is not None  # set off too
    await worker.say(await visit_code(app, number))
    assert "验证码正确" in worker.text() and "门口照片" in worker.text()
    await door_photo(worker, fake_telegram, f"door{number}")
    assert f"已到达 #{number}" in worker.text()
    assert (await order_of(app, number)).status.value == "arrived"
    assert "已到达" in fake_telegram.sent(620101)[-1]["text"]  # the customer is told


async def test_on_wechat_a_location_event_at_the_menu_checks_in_and_too_far_is_refused(
    both, fake_telegram, fake_wechat
):
    app, client = both
    await seed_worker(app, channel="wechat", user_id="o-door", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 620102))
    wx = WeChatUser(client, fake_wechat, "o-door", WeChatServer(clock=app[CLOCK]))
    await wx.say(f"接单 #{number}")
    await near_the_start(app, number)
    await wx.post_xml(location_xml("o-door", 31.2500, 121.4737, "别处"))  # 2 km away
    said = wx.last_text
    assert "需在 300 m 以内" in said and "2.1 km" in said, said  # 打卡's own distance check
    assert f"到达 #{number} 门口后,请发送您的实时位置打卡" in said, said
    assert (await order_of(app, number)).checkin is None
    await wx.post_xml(location_xml("o-door", 31.2305, 121.4738, "门口"))
    assert f"订单 #{number} 的上门验证码" in wx.last_text, wx.last_text
    assert (await order_of(app, number)).checkin is not None


async def test_a_location_with_no_job_due_names_the_next_job_and_when_it_opens(
    both, fake_telegram
):
    app, client = both
    await seed_worker(app, channel="telegram", user_id="620003", center=HOME)
    worker = TelegramUser(client, fake_telegram, 620003)
    await worker.say("任务")
    await worker.share(location=telegram_gps(HOME))  # no job at all
    assert worker.text().startswith("您现在没有需要打卡的任务。"), worker.text()
    number = await book_and_pay(TelegramUser(client, fake_telegram, 620103))  # tomorrow 15:00
    await worker.say(f"/accept #{number}")
    await worker.share(location=telegram_gps(HOME))
    said = worker.text()
    assert said.startswith(
        f"现在没有可以打卡的任务。下一单 #{number} 日常保洁 11月24日 周二 15:00,"
        "最早 11月24日 周二 14:00 可以打卡。"
    ), said
    assert "在线接单中" in said and f"出发 #{number}" in said  # and the menu again
    order = await order_of(app, number)
    assert order.status.value == "accepted" and order.checkin is None  # nothing changed

    await worker.say("English")
    await worker.share(location=telegram_gps(HOME))
    said = worker.text()
    assert said.startswith(f"No job can be checked in to yet. Next: #{number} "), said
    told = said.split("\n")[0]  # the menu after it shows the address as the customer wrote it
    assert "check-in opens at" in told and not re.search(r"[\u4e00-\u9fff]", told), said


async def test_with_several_jobs_due_the_worker_picks_the_one_the_location_is_for(
    both, fake_telegram, clock
):
    app, client = both
    await seed_worker(app, channel="telegram", user_id="620004", center=HOME)
    worker = TelegramUser(client, fake_telegram, 620004)
    first = await book_and_pay(TelegramUser(client, fake_telegram, 620104), "明天 15:00")
    second = await book_and_pay(TelegramUser(client, fake_telegram, 620105), "明天 17:30")
    await worker.say(f"/accept #{first}")
    await worker.say(f"/accept #{second}")
    assert "接单成功" in worker.text(), worker.text()
    await near_the_start(app, second, minutes_before=50)  # 16:40: both open (one late)
    await worker.say("任务")
    await worker.share(location=telegram_gps(HOME))
    said = worker.text()
    assert "这几单现在都可以打卡,您在哪一单的门口?" in said, said
    labels = [b["text"] for b in worker.options()]
    assert labels == [f"打卡 #{first}", f"打卡 #{second}"], labels
    for number in (first, second):
        assert (await order_of(app, number)).checkin is None  # nothing until one is picked
    await worker.choose(f"打卡 #{second}")
    assert f"订单 #{second} 的上门验证码" in worker.text(), worker.text()
    picked, other = await order_of(app, second), await order_of(app, first)
    assert picked.status.value == "on_the_way" and picked.checkin is not None
    assert other.status.value == "accepted" and other.checkin is None
