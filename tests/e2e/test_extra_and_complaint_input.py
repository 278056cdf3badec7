"""Bad input at the on-site extra and after-sales steps, on Telegram and PostgreSQL: each is
answered with what the step expects and changes nothing — an amount that is not plain yuan,
digits that are no number, a photo of a cancelled extra, a file that is no image in a
complaint (also one a draft saved before photos were checked holds), a rework of an order
that has none to book, a time button that names no time."""

from __future__ import annotations

import pytest

from conversations.state import Conversation
from domain.commands import ResolveComplaint
from domain.media import PhotoKind
from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, seed_worker, telegram_app
from tests.e2e.test_after_sales import complain, complaints, finished_job, order
from tests.e2e.test_job_rules import photo
from tests.e2e.test_surcharges import at_work
from tests.fakes.telegram import callback_update
from webhooks.keys import CONVERSATIONS, DATABASE, SERVICES

OPS = 996902
WORKER = 600001  # the worker ``finished_job`` sends
USAGE = "请写金额和原因,例如「80 厨房重油污」"
NO_IMAGE = b"<!DOCTYPE html><html><body>Not Found</body></html>"


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_postgres_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        own_postgres_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OPS}:ops",
    )


async def surcharges_and_photos(app, number: int):
    async with app[DATABASE].uow() as uow:
        o = await uow.orders.by_number(number)
        kind = [PhotoKind.SURCHARGE.value]
        return await uow.surcharges.for_order(o.id), await uow.photos.for_order(o.id, kind)


async def press(user: TelegramUser, data: str) -> None:
    """A button press with ``data`` under the last message (as a crafted update may be)."""
    assert await user.post(callback_update(user.uid, data, user.last[-1]["message_id"])) == 200


async def test_an_amount_that_is_not_plain_yuan_is_refused_and_nothing_is_asked(
    tg, fake_telegram, clock
):
    app, client = tg
    _, worker, _, number = await at_work(app, client, fake_telegram, clock, 688001, 688011)
    await worker.say(f"加价 #{number}")
    await worker.choose("其他")
    for typed in ("99999999999999999999999 厨房", "1e30 厨房", "80.001 厨房", "²⁰ 厨房"):
        await worker.say(typed)
        assert USAGE in worker.text(), typed
        assert "已选" not in worker.text() and "¥" not in worker.text(), typed
    await worker.say("1000.01 厨房")  # above the rules' ceiling (¥1,000)
    assert "单次加价最多 1000 元" in worker.text() and "已选" not in worker.text()
    await worker.say("80.5 厨房重油污")
    assert "已选:厨房重油污 ¥80.50" in worker.text()
    await photo(worker, fake_telegram, f"grease{number}")
    await worker.choose("提交申请")
    assert "加价 ¥80.50 已发给客户确认" in worker.text()
    [s], _ = await surcharges_and_photos(app, number)
    assert s.amount_cents == 8050 and [x.label.get("zh") for x in s.lines] == [
        "现场加价:厨房重油污"
    ]


async def test_digits_that_are_no_number_are_asked_again_at_the_quantity(tg, fake_telegram, clock):
    app, client = tg
    _, worker, _, number = await at_work(app, client, fake_telegram, clock, 688101, 688111)
    await worker.say(f"加价 #{number}")
    await worker.choose("加小时")
    await worker.say("²")
    assert "请输入 1–99 的数量" in worker.text()
    await worker.say("⑤")
    assert "请输入 1–99 的数量" in worker.text()
    for data in ("q:²", "q:99999999999999999999999", "q:0"):
        await press(worker, data)
        assert "加多少" in worker.text() and "已选" not in worker.text(), data
    await worker.say("2")
    assert "已选:日常保洁 +2 小时" in worker.text()


async def test_the_photos_of_a_cancelled_extra_are_not_sent_with_the_next(
    tg, fake_telegram, clock
):
    app, client = tg
    _, worker, customer, number = await at_work(app, client, fake_telegram, clock, 688201, 688211)
    await worker.say(f"加价 #{number}")
    await photo(worker, fake_telegram, f"dropped{number}")
    assert "照片已保存" in worker.text()
    await worker.choose("不加了")
    assert "已取消加价申请" in worker.text()
    assert await surcharges_and_photos(app, number) == ([], [])  # nothing left behind

    await worker.say(f"加价 #{number}")
    await worker.choose("其他")
    await worker.say("80 厨房重油污")
    await worker.choose("提交申请")
    assert "至少一张" in worker.text()  # the cancelled request's photo is not this one's
    await photo(worker, fake_telegram, f"kept{number}")
    await worker.choose("提交申请")
    assert "加价 ¥80.00 已发给客户确认" in worker.text()
    [s], photos = await surcharges_and_photos(app, number)
    assert len(s.photos) == 1 and [p.path for p in photos] == list(s.photos)
    told = [m for m in fake_telegram.sent(688211) if "师傅现场申请加价" in m.get("text", "")]
    assert len(told) == 1


async def test_a_file_that_is_no_image_is_refused_as_it_arrives_and_the_complaint_files(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer, number = await finished_job(app, client, fake_telegram, clock, 688301)
    await complain(customer, number, "没做完", "厨房没有打扫")
    await photo(customer, fake_telegram, f"html{number}", NO_IMAGE)
    assert "请发送照片(JPG/PNG/WebP)" in customer.text()
    assert "已收到 0 张" in customer.text()  # not kept
    await photo(customer, fake_telegram, f"kitchen{number}")
    assert "已收到 1 张" in customer.text()
    await customer.choose("提交投诉")
    assert "已按规则处理" in customer.text()  # with a photo: refunded by the rule table
    [c] = await complaints(app, (await order(app, number)).id)
    assert len(c.photos) == 1 and c.photos[0].startswith(f"complaints/{number}/")


async def rewrite_state(app, uid: int, change) -> None:
    """Change the person's saved conversation between turns, as a draft saved by an older
    release would be found."""
    store = app[CONVERSATIONS]
    claim = await store.begin("telegram", str(uid), "rewrite")
    assert claim.status == "ok" and claim.state is not None
    conv = Conversation.loads(claim.state)
    assert conv is not None
    change(conv)
    assert await store.commit("telegram", str(uid), "rewrite", claim.token, conv.dumps(), b"[]")


async def test_a_saved_draft_holding_a_file_that_is_no_image_is_not_stuck(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer, number = await finished_job(app, client, fake_telegram, clock, 688401)
    await complain(customer, number, "服务态度", "师傅态度很差")
    fake_telegram.files[f"photos/old{number}.jpg"] = NO_IMAGE

    def unchecked_photo(conv: Conversation) -> None:
        assert conv.step == "photos"
        conv.data["feedback"]["photos"] = [f"old{number}"]  # a platform reference, unchecked

    await rewrite_state(app, 688401, unchecked_photo)
    await customer.choose("提交投诉")
    assert "请发送照片(JPG/PNG/WebP)" in customer.text()
    assert "已收到 0 张" in customer.text()
    await customer.choose("提交投诉")
    assert "已提交" in customer.text() and "30 分钟" in customer.text()
    [c] = await complaints(app, (await order(app, number)).id)
    assert c.photos == []


async def test_a_rework_is_checked_before_any_question(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer, number = await finished_job(app, client, fake_telegram, clock, 688501)
    other = TelegramUser(client, fake_telegram, 688502)
    own = await book_and_pay(other)
    for asked, refused in (
        (number, "找不到订单"),  # someone else's
        (number + 100000, "找不到订单"),  # nobody's
        (own, "没有返工安排"),  # theirs, no rework granted
    ):
        await other.say(f"/rework #{asked}")
        assert refused in other.text(), asked
        assert "预约订单" not in other.text() and not [
            b for b in other.options() if "明天" in b["text"]
        ], asked

    await complain(customer, number, "没做完", "阳台没擦")
    await customer.choose("提交投诉")
    [c] = await complaints(app, (await order(app, number)).id)
    await app[SERVICES].run(
        ResolveComplaint(f"telegram:{OPS}", "ops", c.id, "rework", reason="same")
    )
    await customer.say(f"/rework #{number}")
    assert f"预约订单 #{number} 的免费返工" in customer.text()
    await customer.choose("明天")
    await press(customer, "at:25:00")
    assert "请选择时间" in customer.text()
    assert "新订单" not in customer.text()
    await customer.choose("10:00")
    assert "免费返工" in customer.text() and "无需付款" in customer.text()


async def test_digits_that_are_no_number_are_no_stars(tg, fake_telegram, clock):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer, number = await finished_job(app, client, fake_telegram, clock, 688601)
    await customer.say(f"确认完成 #{number}")
    await customer.choose("评价本次服务")
    assert "(1/4)" in customer.text()
    for typed in ("²", "⑤", "99999999999999999999999"):
        await customer.say(typed)
        assert "请选 1–5 星" in customer.text() and "(1/4)" in customer.text(), typed
    await press(customer, "s:²")
    assert "请选 1–5 星" in customer.text()
    await customer.say("5")
    assert "(2/4)" in customer.text()
