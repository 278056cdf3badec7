"""转单 asks first: "确定要转单吗?…" with 确定 / 取消 (in the worker's language), the job checked
before the question; 取消 changes nothing; 确定 offers the job to a nearby idle worker and the
worker's jobs show it as being handed over (no second 转单 button) until someone accepts it.
Telegram through the webhooks, SQLite."""

from __future__ import annotations

from domain.offers import OfferMode
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, seed_worker
from tests.e2e.test_job_rules import tg as tg  # the app on Telegram, an owner among admins
from webhooks.keys import DATABASE


async def transfer_offers(app, number: int) -> list:
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
        return [o for o in await uow.offers.for_order(order.id) if o.mode == OfferMode.TRANSFER]


def buttons(user: TelegramUser) -> list[str]:
    return [b["text"] for b in user.options()]


async def test_transfer_is_confirmed_first_and_the_job_shows_it_is_being_handed_over(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600703", center=HOME, level="S")
    await seed_worker(app, channel="telegram", user_id="600704", center=HOME, level="C")
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600791))
    first, second = (TelegramUser(client, fake_telegram, u) for u in (600703, 600704))
    await first.say(f"/accept #{number}")
    async with app[DATABASE].uow() as uow:
        total = (await uow.orders.by_number(number)).total_cents
    before = len(fake_telegram.sent(600704))

    # asked, with what it means; nothing offered yet
    await first.say(f"转单 #{number}")
    asked = first.text()
    assert asked.startswith("确定要转单吗?"), asked
    assert f"#{number}" in asked and "有人接单前仍由您负责" in asked
    assert f"¥{total // 10 // 100}." in asked and "10%" in asked  # what they earn for it
    assert buttons(first) == ["确定", "取消"]
    assert await transfer_offers(app, number) == []

    # 取消: nothing changes, the job is theirs as before
    await first.choose("取消")
    assert f"没有转单,#{number} 仍由您负责" in first.text()
    assert "转单中" not in first.text() and f"转单 #{number}" in buttons(first)
    assert await transfer_offers(app, number) == []
    assert len(fake_telegram.sent(600704)) == before  # the other worker heard nothing

    # the job's button asks again; 确定 hands it over
    await first.choose(f"转单 #{number}")
    assert first.text().startswith("确定要转单吗?")
    await first.choose("确定")
    done = first.text()
    assert f"已为 #{number} 寻找附近空闲师傅" in done and "仍由您负责" in done
    assert "转单中" in done and f"转单 #{number}" not in buttons(first)
    assert f"出发 #{number}" in buttons(first)  # still theirs until someone accepts
    assert len(await transfer_offers(app, number)) == 1
    assert any("转单" in m.get("text", "") for m in fake_telegram.sent(600704)[before:])

    # the jobs list says so too; asking again says it is under way, asks nothing
    await first.say("任务")
    assert f"#{number}" in first.text() and "转单中" in first.text(), first.text()
    assert f"转单 #{number}" not in buttons(first)
    await first.say(f"转单 #{number}")
    assert f"#{number} 正在转单" in first.text() and "确定要转单吗" not in first.text()
    assert len(await transfer_offers(app, number)) == 1

    # taken over: gone from the first worker's jobs, compensated
    await second.say(f"/accept #{number}")
    assert "接单成功" in second.text()
    await first.say("任务")
    assert f"#{number}" not in first.text()
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(number)
    assert order.transfer_compensation_cents == order.total_cents // 10


async def test_an_english_worker_is_asked_in_english(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600713", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600792))
    worker = TelegramUser(client, fake_telegram, 600713, lang="en")
    await worker.say("English")
    await worker.say(f"/accept #{number}")
    await worker.say(f"/transfer #{number}")
    asked = worker.text()
    assert asked.startswith("Hand over"), asked
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in asked), asked  # one language
    assert buttons(worker) == ["Confirm", "Cancel"]
    await worker.choose("Cancel")
    assert await transfer_offers(app, number) == []


async def test_with_nobody_free_nearby_the_worker_is_told_once_that_the_job_stays_theirs(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600723", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600793))
    worker = TelegramUser(client, fake_telegram, 600723)
    await worker.say(f"/accept #{number}")
    await worker.say(f"/transfer #{number}")
    await worker.choose("确定")
    told = worker.text()
    assert f"附近暂时没有空闲师傅可以接 #{number}" in told and "仍由您负责" in told
    assert "寻找附近空闲师傅" not in told and "转单中" not in told
    assert f"转单 #{number}" in buttons(worker)  # may ask again later
    everything = [m.get("text", "") for m in fake_telegram.sent(600723)]
    assert not any("附近暂无空闲师傅" in t for t in everything)  # not told twice
    assert any("需要转单" in m.get("text", "") for m in fake_telegram.sent(990099))  # ops


async def test_a_job_set_off_for_is_not_asked_about(tg, fake_telegram, clock):
    """出发 done: 转单 is refused at once, before any question."""
    from tests.e2e.helpers import near_the_start

    app, client = tg
    await seed_worker(app, channel="telegram", user_id="600733", center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, 600794))
    worker = TelegramUser(client, fake_telegram, 600733)
    await worker.say(f"/accept #{number}")
    await near_the_start(app, number)
    await worker.say(f"/onway #{number}")
    await worker.say("30")
    await worker.say(f"/transfer #{number}")
    assert f"订单 #{number} 现在不能转单" in worker.text()
    assert "确定要转单吗" not in worker.text()
    await worker.say(f"/transfer #{number + 1}")  # not theirs: the one answer
    assert f"订单 #{number + 1} 不是您的任务" in worker.text()
