"""``/assign`` on an order that cannot be given a worker says why in the admin's terms (not
yet paid; its status), never the worker's "cannot accept"; on the order's trail (``/audit``)
the status it moved and the action name the admin by the same role."""

import pytest

from tests.e2e.helpers import TelegramUser, book, book_and_pay, seed_worker, telegram_app

OPS = 993101
BOSS = 993102
HOME = (31.2304, 121.4737)


@pytest.fixture
async def tg(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client,
        tmp_path,
        db_url,
        pii_key,
        fake_telegram,
        clock=clock,
        admins=f"telegram:{OPS}:ops,telegram:{BOSS}:owner",
    )


async def test_assigning_an_unpaid_order_says_it_is_not_paid(tg, fake_telegram):
    app, client = tg
    number = await book(TelegramUser(client, fake_telegram, 731101))  # quoted, not paid
    assert number is not None
    worker = await seed_worker(app, channel="telegram", user_id="731001", center=HOME)
    ops = TelegramUser(client, fake_telegram, OPS)
    await ops.say(f"/assign #{number} {worker}")
    assert f"订单 #{number} 尚未支付,不能指派师傅。" in ops.text(), ops.text()
    assert "接单" not in ops.text()


async def test_the_trail_names_the_admin_by_one_role_on_moves_and_actions(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 731102))
    worker = await seed_worker(app, channel="telegram", user_id="731002", center=HOME)
    boss = TelegramUser(client, fake_telegram, BOSS)
    await boss.say(f"/assign #{number} {worker}")
    await boss.say(f"/audit #{number}")
    rows = [r for r in boss.text().splitlines() if "Telegram" in r]
    moved = [r for r in rows if "→已接单 — " in r]
    acted = [r for r in rows if " 指派 — " in r]
    assert moved and acted, rows
    assert all("老板" in r for r in moved + acted), rows  # the same role on both
    assert "管理员" not in boss.text(), boss.text()
