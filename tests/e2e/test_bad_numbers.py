"""Numbers that are no number, or too big for the database, wherever one is read: "²" and "⑤"
(digits to ``str.isdigit``, a ValueError to ``int``), a 23-digit id (beyond PostgreSQL's
INTEGER and BIGINT, and SQLite's 64 bits). A link answers 4xx; a chat gets a clear reply (the
command's usage, "not found", the question again) and nothing changes; full-width digits,
which people do type, still count in chat (``domain.digits``)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from domain.people import WorkerStatus
from store.tables import AuditRow, CouponRow
from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    make_app,
    order_of,
    seed_worker,
    telegram_app,
    telegram_gps,
    visit_code,
)
from tests.e2e.test_job_rules import photo
from tests.fakes.telegram import callback_update
from webhooks.keys import DATABASE

OWNER, CUSTOMER, WORKER = 870001, 870201, 870101
HUGE = "9" * 23
NO_NUMBERS = ("²", "⑤")
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
"""Digits as a Chinese keyboard's full-width mode types them."""


async def press(user: TelegramUser, data: str) -> None:
    """A button with ``data`` pressed (the bot's own buttons never carry such numbers)."""
    assert await user.post(callback_update(user.uid, data)) == 200


async def changes(app) -> tuple[list, list]:
    """Everything an admin command writes: the audit log and the coupons."""
    async with app[DATABASE].uow() as uow:
        audit = (await uow.session.exec(select(AuditRow.id))).all()
        coupons = (await uow.session.exec(select(CouponRow.id))).all()
    return list(audit), list(coupons)


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        own_db_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OWNER}:owner",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/media/x.png?e=%C2%B2&s=0",  # ²
        "/media/x.png?e=%E2%91%A4&s=0",  # ⑤
        "/media/x.png?e=%EF%BC%95&s=0",  # full-width ５: only our own code writes a link
        "/media/x.png?e=" + "9" * 5000 + "&s=0",  # more digits than int reads
        "/finance/x.csv?e=%C2%B2&s=x",
        "/dashboard/open/owner/1?e=%C2%B2&s=x",
        "/invoices/sandbox/%C2%B2/a.pdf",
        f"/invoices/sandbox/{HUGE}/a.pdf",
        "/media/x.png?e=9999999999&s=%C3%A9",  # a signature that is not ASCII
        "/dashboard/open/owner/1?e=9999999999&s=%C3%A9",
        "/invoices/sandbox/1/%C3%A9.pdf",
    ],
)
async def test_a_link_with_no_number_or_a_huge_one_is_refused_not_a_server_error(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, path
):
    client = await aiohttp_client(make_app(tmp_path, fresh_sqlite_url, pii_key))
    resp = await client.get(path)
    assert 400 <= resp.status < 500, (path, resp.status)


async def test_a_customer_typing_or_pressing_no_number_or_a_huge_one_is_answered(
    tg, fake_telegram
):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_and_pay(customer)
    before = await order_of(app, number)
    for bad in NO_NUMBERS:
        await customer.say(f"/surcharge_yes #{number} {bad}")
        assert f"#{number}" in customer.text()
        await press(customer, f"act:pay:{bad}")
        assert "订单号" in customer.text()
        await customer.say(f"客服评分 {bad}")
        assert "打分" in customer.text()
    for action in ("pay", "confirm", "complain", "contact_worker"):
        await press(customer, f"act:{action}:{HUGE}")
        assert customer.text(), action
    for key in (f"o:{HUGE}", "o:abc", "o:²"):  # an order of the list, forged
        await customer.say("/orders")
        await press(customer, key)
        assert f"#{number}" in customer.text(), key  # the list again
    after = await order_of(app, number)
    assert (after.status, after.worker_id, after.paid_cents) == (
        before.status,
        before.worker_id,
        before.paid_cents,
    )


async def test_a_worker_typing_no_number_is_answered_and_full_width_digits_count(
    tg, fake_telegram, clock
):
    app, client = tg
    await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    number = await book_and_pay(TelegramUser(client, fake_telegram, CUSTOMER))
    worker = TelegramUser(client, fake_telegram, WORKER)
    await worker.say(f"/accept #{number}")
    clock.now = clock.now.replace(hour=7)  # 15:00 in Shanghai
    clock.advance(days=1)
    await worker.say(f"/onway #{number}")
    await worker.say("30")  # the minutes to arrive, asked on 出发
    await worker.say(f"/checkin #{number}")
    await worker.share(location=telegram_gps(HOME))
    code = await visit_code(app, number)
    await worker.say(code[:-1] + "²")
    assert "验证码正确" not in worker.text() and worker.text()
    await worker.say(code.translate(WIDE))
    assert "验证码正确" in worker.text()
    await photo(worker, fake_telegram, f"door{number}")
    await worker.say(f"/photo #{number} before")
    await photo(worker, fake_telegram, f"before{number}")
    for bad in NO_NUMBERS:
        await worker.say(f"/stage #{number} {bad}")
        assert "没有这一步" in worker.text()
    assert not (await order_of(app, number)).stage
    await worker.say(f"/stage #{number} " + "1".translate(WIDE))
    assert (await order_of(app, number)).stage == 1


async def test_an_id_beyond_the_database_in_an_admin_command_is_answered_and_changes_nothing(
    tg, fake_telegram
):
    app, client = tg
    worker = await seed_worker(app, channel="telegram", user_id=str(WORKER), center=HOME)
    customer = TelegramUser(client, fake_telegram, CUSTOMER)
    number = await book_and_pay(customer)
    before, written = await order_of(app, number), await changes(app)
    owner = TelegramUser(client, fake_telegram, OWNER)
    for bad in (HUGE, *NO_NUMBERS):
        for typed in (
            f"/assign #{number} {bad}",
            f"/reassign #{number} {bad}",
            f"/worker {bad}",
            f"/approve {bad}",
            f"/suspend {bad} 迟到",
            f"/leave {bad} 搬家",
            f"/payout {bad}",
            f"/reject_withdrawal {bad} 不符",
            f"/refund_card {bad}",
            f"/complaint {bad}",
            f"/reply {bad} 马上处理",
            f"/resolve {bad} reject 不成立",
            f"/checked {bad} 合格",
            f"/levels {bad}",
            f"/invoices retry {bad}",
            f"/campaign send {bad}",
            f"/coupon issue {before.customer_id} {bad}",
            f"/coupon issue {before.customer_id} 20 {bad}天",
            f"/promo SPRING{len(bad)} 20 满{bad}",
            f"/campaign 沉睡={bad} 金额=20",
        ):
            await owner.say(typed)
            assert "用法" in owner.text(), (typed, owner.text())
    await owner.say(f"/coupon issue {HUGE} 20")
    assert f"找不到客户 {HUGE}" in owner.text()
    await owner.say(f"/price daily_cleaning {HUGE}")
    assert "价格最多 100000 元" in owner.text()
    await owner.say("/price daily_cleaning 100000.01")
    assert "价格最多 100000 元" in owner.text()
    after = await order_of(app, number)
    assert (after.status, after.worker_id) == (before.status, before.worker_id)
    assert await changes(app) == written
    async with app[DATABASE].uow() as uow:
        assert (await uow.workers.get(worker)).status == WorkerStatus.APPROVED
        assert await uow.prices.current() == {}
    await owner.say("/worker " + str(worker).translate(WIDE))  # typed in full width
    assert "测试师傅" in owner.text()


async def test_a_coupon_over_the_cap_or_a_price_that_is_no_amount_is_refused_saying_why(
    tg, fake_telegram
):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, CUSTOMER))
    customer_id = (await order_of(app, number)).customer_id
    written = await changes(app)
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/coupon issue {customer_id} 100000")
    assert "手工发放的优惠券最多 ¥500.00" in owner.text()  # rules.coupons.issue_max
    await owner.say(f"/coupon issue {customer_id} 500.01")
    assert "手工发放的优惠券最多 ¥500.00" in owner.text()
    for bad in ("0", "-1", "abc", "1e2", "20.001", "NaN"):
        await owner.say(f"/coupon issue {customer_id} {bad}")
        assert "用法" in owner.text(), bad
    for bad in ("0", "-1", "abc", "1e2", "45.001"):
        await owner.say(f"/price 日常保洁 {bad}")
        assert f"价格 {bad} 无效:须为大于 0、最多 100000 元的金额" in owner.text(), bad
    await owner.say("/price 没有的项目 0")
    assert "没有服务项目 没有的项目 0" in owner.text()
    assert await changes(app) == written
    async with app[DATABASE].uow() as uow:
        assert await uow.prices.current() == {}
    await owner.say(f"/coupon issue {customer_id} ¥500")
    assert "¥500.00" in owner.text() and "最多" not in owner.text()
    assert len((await changes(app))[1]) == len(written[1]) + 1
