"""High-altitude work is charged once per order: a worker cannot ask for it on a booking that
has it, nor twice (Telegram, sandbox, SQLite)."""

import re

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    confirm_order,
    seed_worker,
    telegram_app,
    telegram_gps,
)
from tests.e2e.test_job_rules import photo, to_in_service
from tests.e2e.test_surcharges import notice_to, order_and_ledger


async def book_deep_cleaning(customer: TelegramUser, altitude: bool) -> int:
    await customer.say("/start")
    for option in ("预约服务", "保洁", "深度保洁") + (("高空作业",) if altitude else ()):
        await customer.choose(option)
    await customer.choose("选好了")
    await customer.say("120")
    await customer.say("明天 15:00")
    await customer.share(location=telegram_gps(HOME))
    await customer.say("8楼801")
    await confirm_order(customer)
    number = int(re.search(r"#(\d{6,8})", customer.text()).group(1))
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    return number


async def ask_altitude(worker: TelegramUser, fake, number: int) -> str:
    await worker.say(f"加价 #{number}")
    await worker.choose("高空作业")
    await photo(worker, fake, f"high{number}{len(fake.calls)}")
    await worker.choose("提交申请")
    return worker.text()


async def test_high_altitude_is_asked_for_once_and_never_when_booked(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock=clock
    )
    skills = ("cleaning", "deep_cleaning")
    await seed_worker(app, channel="telegram", user_id="683001", center=HOME, skills=skills)
    worker = TelegramUser(client, fake_telegram, 683001)

    booked = await book_deep_cleaning(TelegramUser(client, fake_telegram, 683101), True)
    await to_in_service(worker, fake_telegram, booked, clock)
    assert "高空作业已计费" in await ask_altitude(worker, fake_telegram, booked)

    customer = TelegramUser(client, fake_telegram, 683102)
    number = await book_deep_cleaning(customer, False)
    await to_in_service(worker, fake_telegram, number, clock)
    assert "已发给客户确认" in await ask_altitude(worker, fake_telegram, number)
    notice_to(fake_telegram, 683102, customer, "师傅现场申请加价")
    await customer.choose("同意加价")
    assert "高空作业已计费" in await ask_altitude(worker, fake_telegram, number)  # again
    order, _, _ = await order_and_ledger(app, number)
    assert [line.label.get("zh") for line in order.lines if line.kind.value == "surcharge"] == [
        "现场加价:高空作业"
    ]
