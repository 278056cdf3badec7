"""Notifications through the outbox against the fake platforms: a Telegram outage delays an
offer and it arrives once; a blocked bot is given up; WeChat template messages with the
customer-service fallback; the 48-hour window waits; a campaign-style text (``post_routes``)
whose window closed goes as its fallback template, also from rows queued under the old key."""

from __future__ import annotations

import pytest

from conversations.services.notices import to_worker
from domain.commands import DrainOutbox
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    make_app,
    on_wechat,
    seed_worker,
    telegram_app,
)
from webhooks.keys import DATABASE, SERVICES


@pytest.fixture
async def tg(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock):
    app, client = await telegram_app(
        aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock=clock
    )
    return app, client


def offers(fake, chat: int) -> list[str]:
    return [m["text"] for m in fake.sent(chat) if "预计收入" in m.get("text", "")]


async def outbox(app) -> dict[str, int]:
    async with app[DATABASE].uow() as uow:
        return await uow.outbox.counts()


async def test_a_telegram_outage_delays_an_offer_and_it_arrives_once(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600001", center=HOME)
    fake_telegram.fail_chat[600001] = [(502, "Bad Gateway")] * 3
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600101))
    assert offers(fake_telegram, 600001) == [] and len(fake_telegram.refused) == 1
    await app[SERVICES].run(DrainOutbox())  # backing off: not due yet
    assert len(fake_telegram.refused) == 1
    for seconds in (10, 20, 40):  # 10 s, then doubling
        clock.advance(seconds=seconds)
        await app[SERVICES].run(DrainOutbox())
    [offer] = offers(fake_telegram, 600001)
    assert f"#{number}" in offer
    for _ in range(3):  # later sweeps find nothing to send
        clock.advance(minutes=5)
        await app[SERVICES].run(DrainOutbox())
    assert len(offers(fake_telegram, 600001)) == 1
    assert (await outbox(app)).get("pending", 0) == 0


async def test_a_worker_who_blocked_the_bot_is_not_retried(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600002", center=HOME)
    fake_telegram.fail_chat[600002] = [(403, "Forbidden: bot was blocked by the user")] * 9
    await book_and_pay(TelegramUser(client, fake_telegram, 600102))
    for _ in range(3):
        clock.advance(minutes=1)
        await app[SERVICES].run(DrainOutbox())
    assert len(fake_telegram.refused) == 1
    assert (await outbox(app))["dead"] == 1


@pytest.fixture
def templates_file(tmp_path):
    path = tmp_path / "wechat-templates.yaml"
    path.write_text(
        "worker_approved:\n"
        "  template_id: TPL-APPROVED\n"
        "  fields:\n"
        "    first: 审核通过\n"
        "    remark: 发送「上线」开始接单\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def wx(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_wechat, clock, templates_file
):
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_wechat(fake_wechat),
        wechat_templates=templates_file,
    )
    await aiohttp_client(app)
    return app


async def notify(app, *notices) -> None:
    services = app[SERVICES]
    async with app[DATABASE].uow() as uow:
        posted = await services.post(uow, list(notices))
        await uow.commit()
    await services.flush(posted)


async def test_wechat_sends_the_configured_template_message(wx, fake_wechat):
    worker = await seed_worker(wx, channel="wechat", user_id="o-w1")
    await notify(wx, to_worker(worker, "worker_approved"))
    [message] = fake_wechat.templates("o-w1")
    assert message["template_id"] == "TPL-APPROVED"
    assert message["data"]["first"] == {"value": "审核通过"}
    assert fake_wechat.texts("o-w1") == []  # the template said it: no text as well


async def test_a_refused_template_falls_back_to_a_customer_service_text(wx, fake_wechat):
    worker = await seed_worker(wx, channel="wechat", user_id="o-w2")
    fake_wechat.fail_path["message/template/send"] = [40037]  # invalid template id
    await notify(wx, to_worker(worker, "worker_approved"), to_worker(worker, "job_lost", number=7))
    assert fake_wechat.templates("o-w2") == []
    assert fake_wechat.texts("o-w2") == [
        "审核通过!发送「上线」开始接单。",
        "订单 #7 已被其他师傅接走。",
    ]


async def test_outside_the_48_hour_window_a_text_waits_for_the_person(wx, fake_wechat, clock):
    worker = await seed_worker(wx, channel="wechat", user_id="o-w3")
    fake_wechat.fail_path["message/custom/send"] = [45015]
    await notify(wx, to_worker(worker, "job_lost", number=8))
    assert fake_wechat.texts("o-w3") == []
    clock.advance(minutes=10)
    await wx[SERVICES].run(DrainOutbox())
    assert fake_wechat.texts("o-w3") == []  # still waiting (30 min)
    clock.advance(minutes=25)
    await wx[SERVICES].run(DrainOutbox())
    assert fake_wechat.texts("o-w3") == ["订单 #8 已被其他师傅接走。"]


async def test_a_closed_window_sends_the_fallback_also_of_rows_queued_under_the_old_key(
    wx, fake_wechat
):
    fresh = await seed_worker(wx, channel="wechat", user_id="o-w4")
    queued = await seed_worker(wx, channel="wechat", user_id="o-w5")
    postman = wx[SERVICES].postman
    async with wx[DATABASE].uow() as uow:
        [new] = await postman.post_routes(
            uow, to_worker(fresh, "worker_approved"), [("wechat", "o-w4", "zh", False)]
        )
        [old] = await postman.post_routes(
            uow, to_worker(queued, "worker_approved"), [("wechat", "o-w5", "zh", False)]
        )
        assert new.replies and new.template == {"fallback": new.template["fallback"]}
        old.template = {"window_fallback": old.template["fallback"]}  # as written before
        await uow.outbox.save(old)
        await uow.commit()
    fake_wechat.fail_path["message/custom/send"] = [45015, 45015]  # both windows closed
    await wx[SERVICES].run(DrainOutbox())
    for openid in ("o-w4", "o-w5"):
        assert fake_wechat.texts(openid) == []
        [message] = fake_wechat.templates(openid)
        assert message["template_id"] == "TPL-APPROVED"
        assert message["data"]["first"] == {"value": "审核通过"}
        assert "fallback" not in message and "window_fallback" not in message
    assert len(fake_wechat.refused) == 2  # one closed window each, then the template went
    await wx[SERVICES].run(DrainOutbox())  # delivered: nothing goes twice
    assert len(fake_wechat.templates()) == 2 and await outbox(wx) == {"sent": 2}
