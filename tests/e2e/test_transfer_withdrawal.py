"""A 转单 waiting for another worker is taken back: by 取消转单 (the job's button, or typed, in
either language), or by the worker setting off for the job. The offered worker's offer is
withdrawn and they are told; accepting it afterwards is refused as no longer available, and
the job stays the first worker's. Telegram through the webhooks, SQLite."""

from __future__ import annotations

from domain.lifecycle import OrderStatus
from domain.offers import OfferStatus
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    near_the_start,
    seed_worker,
    telegram_gps,
    visit_code,
)
from tests.e2e.test_job_rules import tg as tg  # the app on Telegram, an owner among admins
from tests.e2e.test_transfer_confirmation import buttons, transfer_offers
from webhooks.keys import DATABASE


async def handing_over(app, fake_telegram, client, first_id: int, second_id: int, customer: int):
    """Two workers nearby; the first accepted a job and confirmed its 转单, offered to the
    second: (first, second, number)."""
    await seed_worker(app, channel="telegram", user_id=str(first_id), center=HOME, level="S")
    await seed_worker(app, channel="telegram", user_id=str(second_id), center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, customer))
    first, second = (TelegramUser(client, fake_telegram, u) for u in (first_id, second_id))
    await first.say(f"/accept #{number}")
    await near_the_start(app, number)  # 出发 opens; the hand-over offered from here on
    await first.say(f"转单 #{number}")
    await first.choose("确定")
    [offer] = await transfer_offers(app, number)
    assert offer.status == OfferStatus.OPEN
    return first, second, number


async def order_of(app, number: int):
    async with app[DATABASE].uow() as uow:
        return await uow.orders.by_number(number)


def told(fake_telegram, uid: int, since: int) -> list[str]:
    return [m.get("text", "") for m in fake_telegram.sent(uid)[since:]]


async def test_a_pending_transfer_is_taken_back_with_its_button_and_the_offer_closes(
    tg, fake_telegram, clock
):
    app, client = tg
    first, second, number = await handing_over(app, fake_telegram, client, 600801, 600802, 600891)
    assert f"取消转单 #{number}" in buttons(first) and f"出发 #{number}" in buttons(first)
    heard = len(fake_telegram.sent(600802))

    await first.choose(f"取消转单 #{number}")
    said = first.text()
    assert f"已取消 #{number} 的转单" in said and "仍由您负责" in said, said
    assert "转单中" not in said and f"转单 #{number}" in buttons(first)  # may hand it over again
    assert [o.status for o in await transfer_offers(app, number)] == [OfferStatus.WITHDRAWN]
    assert any(f"#{number} 的转单已撤回" in t for t in told(fake_telegram, 600802, heard))

    # the offered worker presses 接单 afterwards: no longer available; the job stays put
    await second.say(f"/accept #{number}")
    assert f"订单 #{number} 已不能接:这个邀请已撤回" in second.text(), second.text()
    order = await order_of(app, number)
    assert order.status == OrderStatus.ACCEPTED and order.worker_id is not None
    await first.say("任务")
    assert f"#{number}" in first.text() and "转单中" not in first.text()

    # nothing to take back any more
    await first.say(f"取消转单 #{number}")
    assert f"#{number} 没有进行中的转单" in first.text(), first.text()


async def test_an_english_worker_takes_a_transfer_back_by_typing(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600813", center=HOME, level="S")
    await seed_worker(app, channel="telegram", user_id="600814", center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600892))
    worker = TelegramUser(client, fake_telegram, 600813, lang="en")
    await worker.say("English")
    await worker.say(f"/accept #{number}")
    await worker.say(f"/transfer #{number}")
    await worker.choose("Confirm")
    assert f"Cancel hand-over #{number}" in buttons(worker), buttons(worker)
    await worker.say(f"cancel transfer #{number}")
    said = worker.text().split("\n\n")[0]  # (the jobs menu after it shows the address typed)
    assert said.startswith(f"Hand-over of #{number} cancelled"), said
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in said), said  # one language
    assert [o.status for o in await transfer_offers(app, number)] == [OfferStatus.WITHDRAWN]
    await worker.say(f"/cancel_transfer #{number}")
    assert f"#{number} has no hand-over under way" in worker.text(), worker.text()


async def test_setting_off_takes_a_pending_transfer_back_and_says_so(tg, fake_telegram, clock):
    app, client = tg
    first, second, number = await handing_over(app, fake_telegram, client, 600821, 600822, 600893)
    heard = len(fake_telegram.sent(600822))

    await first.choose(f"出发 #{number}")
    await first.say("30")  # minutes to the door
    said = first.text()
    assert f"您已出发,#{number} 的转单已取消" in said, said
    assert f"已通知客户您已出发(#{number})" in said
    assert [o.status for o in await transfer_offers(app, number)] == [OfferStatus.WITHDRAWN]
    assert any(f"#{number} 的转单已撤回" in t for t in told(fake_telegram, 600822, heard))

    await second.say(f"/accept #{number}")
    assert f"订单 #{number} 已不能接:这个邀请已撤回" in second.text(), second.text()
    order = await order_of(app, number)
    assert order.status == OrderStatus.ON_THE_WAY
    assert order.transfer_from_worker_id is None and order.transfer_compensation_cents == 0


async def test_setting_off_without_a_transfer_says_nothing_of_one(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600833", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600894))
    worker = TelegramUser(client, fake_telegram, 600833)
    await worker.say(f"/accept #{number}")
    await near_the_start(app, number)
    await worker.say(f"/onway #{number}")
    await worker.say("30")
    assert f"已通知客户您已出发(#{number})" in worker.text()
    assert "转单" not in worker.text()


async def test_taking_back_someone_elses_transfer_is_the_one_answer(tg, fake_telegram, clock):
    app, client = tg
    first, second, number = await handing_over(app, fake_telegram, client, 600841, 600842, 600895)
    await second.say(f"取消转单 #{number}")
    assert f"订单 #{number} 不是您的任务" in second.text(), second.text()
    assert [o.status for o in await transfer_offers(app, number)] == [OfferStatus.OPEN]

    # taken over: the first worker can no longer take it back, and is told why
    await second.say(f"/accept #{number}")
    assert "接单成功" in second.text()
    await first.say(f"取消转单 #{number}")
    assert f"#{number} 已由其他师傅接单,转单已完成" in first.text(), first.text()


async def test_checking_in_straight_from_accepted_takes_a_pending_transfer_back(
    tg, fake_telegram, clock
):
    """A check-in without 出发 first sets off too: the hand-over is cancelled as by 出发."""
    app, client = tg
    first, second, number = await handing_over(app, fake_telegram, client, 600851, 600852, 600896)
    await first.say(f"/checkin #{number}")
    await first.share(location=telegram_gps(HOME))
    said = first.text()
    assert f"您已出发,#{number} 的转单已取消" in said, said
    assert "验证码" in said  # the check-in goes on: the visit code next
    assert [o.status for o in await transfer_offers(app, number)] == [OfferStatus.WITHDRAWN]
    await first.say(await visit_code(app, number))
    await second.say(f"/accept #{number}")
    assert f"订单 #{number} 已不能接:这个邀请已撤回" in second.text(), second.text()
