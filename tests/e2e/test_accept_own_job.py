"""A worker who taps 接单 again on a job of theirs (an offer's button still in the chat) is
told it is theirs — once they had set off, they were told "已被其他师傅接走,下次早点哦"."""

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    make_app,
    near_the_start,
    on_telegram,
    seed_worker,
)


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, **on_telegram(fake_telegram))
    return app, await aiohttp_client(app)


async def test_accepting_a_job_of_ones_own_again_says_it_is_theirs_at_every_step(
    tg, fake_telegram
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="641001", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 641101))
    worker = TelegramUser(client, fake_telegram, 641001)
    await worker.say(f"/accept #{number}")
    await worker.say(f"/accept #{number}")
    assert f"订单 #{number} 已经是您的了" in worker.text()
    await near_the_start(app, number, minutes_before=90)
    await worker.say(f"/onway #{number}")
    await worker.say("30")
    assert "已通知客户" in worker.text()
    await worker.say(f"/accept #{number}")
    assert f"订单 #{number} 已经是您的了" in worker.text(), worker.text()
    assert "其他师傅" not in worker.text()
