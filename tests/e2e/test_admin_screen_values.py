"""What the admin pane's probe found on the screens, end to end: no status value, role key,
chat account id (``admin:telegram:…``) or English word on a Chinese screen — withdrawals
name their worker and their status in words (``/withdrawals``, ``/payout``,
``/reject_withdrawal``), ``/suspend`` and ``/unsuspend`` say the status, ``/admin`` names
channels and roles (and takes an account as it shows it), ``/order``'s timeline says who by
side or role; ``/stats``' GMV is what was paid less what was refunded, and the ledger CSV
carries the order number every screen shows."""

import csv
import io
import re

import pytest

from tests.e2e.helpers import (
    HOME,
    TelegramUser,
    book_and_pay,
    order_of,
    seed_worker,
    telegram_app,
)
from tests.e2e.test_payouts import add_card, earned
from webhooks.keys import DATABASE

STAFF = {"owner": 993001, "ops": 993002, "finance": 993003}
ADMINS = ",".join(f"telegram:{uid}:{role}" for role, uid in STAFF.items())
RAW = re.compile(
    r"\b(requested|approved|rejected|paid|sending|failed|suspended|owner|ops|finance|support"
    r"|worker|customer|system|admin|telegram)\b|\b[a-z_]+:\w+"
)
"""A status value, a role key, an actor kind or a ``kind:id`` — none belongs on a Chinese
screen (an English one says ``worker 7``, ``paid`` in its own words)."""


@pytest.fixture
async def tg(aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock):
    return await telegram_app(
        aiohttp_client, tmp_path, own_db_url, pii_key, fake_telegram, clock=clock, admins=ADMINS
    )


def staff(client, fake, role: str) -> TelegramUser:
    return TelegramUser(client, fake, STAFF[role])


def raw(shown: str) -> list[str]:
    """The machine values on a Chinese screen (links and commands to type aside)."""
    words = re.sub(r"/\w+|https?://\S+", "", shown)
    return [m[0] for m in RAW.finditer(words)]


async def test_withdrawals_name_their_worker_and_their_status_in_words(tg, fake_telegram, clock):
    app, client = tg
    worker_id = await seed_worker(
        app, channel="telegram", user_id="793001", name="王师傅", center=HOME
    )
    await earned(app, worker_id, 500_000)
    worker = TelegramUser(client, fake_telegram, 793001)
    await add_card(worker, "王师傅")
    await worker.say("/withdraw 2000")  # above the threshold: finance decides
    await worker.say("/withdraw 1500")
    finance = staff(client, fake_telegram, "finance")
    await finance.say("/withdrawals")
    shown = finance.text()
    lines = re.findall(
        rf"^(\d+)\. 师傅 {worker_id} 王师傅 ¥(\S+) \[待审核\] 11月23日 周一 09:00$", shown, re.M
    )
    assert [amount for _, amount in lines] == ["2,000.00", "1,500.00"], shown
    assert raw(shown) == [], shown
    english = TelegramUser(client, fake_telegram, 793999, lang="en")  # finance, in English
    await staff(client, fake_telegram, "owner").say("/admin add telegram:793999 finance")
    await english.say("/withdrawals")
    assert f"worker {worker_id} 王师傅 ¥2,000.00 [waiting for review]" in english.text()
    assert "待审核" not in english.text()

    (first, _), (second, _) = lines
    await finance.say(f"/payout {first}")
    paid = finance.text()
    assert re.search(rf"提现 #{first} → (已支付,已通知师傅|已通过,将自动打款)", paid), paid
    assert raw(paid) == [], paid
    await finance.say(f"/reject_withdrawal {second} 账户信息不符")
    assert f"提现 #{second} → 未通过,已通知师傅。" in finance.text()
    assert raw(finance.text()) == []


async def test_suspending_and_resuming_a_worker_say_the_status_in_words(tg, fake_telegram):
    app, client = tg
    worker_id = await seed_worker(app, channel="telegram", user_id="793002", center=HOME)
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/suspend {worker_id} 连续迟到")
    assert f"师傅 {worker_id} → 已暂停接单,已通知本人。" in ops.text()
    assert raw(ops.text()) == []
    await ops.say(f"/unsuspend {worker_id}")
    assert f"师傅 {worker_id} → 已通过,已通知本人。" in ops.text()
    assert raw(ops.text()) == []


async def test_admins_are_named_by_channel_and_role_and_removed_as_shown(tg, fake_telegram):
    _, client = tg
    owner = staff(client, fake_telegram, "owner")
    await owner.say("/help")
    assert "管理员(老板)可用指令" in owner.text()
    await owner.say("/admin add telegram:793100 调度")  # a role by its name works too
    assert owner.text() == "Telegram 793100 现在是 调度 管理员(几秒内各处生效)。"
    await owner.say("/admin list")
    shown = owner.text()
    assert (
        f"Telegram {STAFF['owner']} · 老板" in shown and f"Telegram {STAFF['ops']} · 调度" in shown
    )
    assert "管理员(聊天中添加):\nTelegram 793100 · 调度" in shown
    assert raw(shown) == [], shown
    await owner.say("/admin remove Telegram 793100")  # typed as the list shows it
    assert owner.text() == "已移除管理员 Telegram 793100(调度)。"
    await owner.say("/admin remove Telegram 793100")
    assert owner.text() == "Telegram 793100 不是管理员"
    await owner.say(f"/admin remove Telegram {STAFF['ops']}")
    assert f"Telegram {STAFF['ops']} 配置在 DAOJIA_ADMINS 中" in owner.text()


async def test_an_orders_timeline_says_who_by_side_and_role(tg, fake_telegram):
    app, client = tg
    customer = TelegramUser(client, fake_telegram, 793201)
    number = await book_and_pay(customer)
    ops = staff(client, fake_telegram, "ops")
    await ops.say(f"/cancel #{number} 客户来电")
    order = await order_of(app, number)
    await ops.say(f"/order #{number}")
    shown = ops.text()
    timeline = shown.split("进度:\n", 1)[1].splitlines()
    assert timeline[0].endswith(f"已报价 — 客户 {order.customer_id}"), shown
    assert timeline[2].endswith("已支付 — 演示支付"), shown
    assert timeline[3].endswith("派单中 — 系统"), shown
    assert any(x.endswith(f"已取消 — Telegram {STAFF['ops']} (调度)") for x in timeline), shown
    assert "admin:" not in shown and raw(shown.split("进度:", 1)[1]) == [], shown


async def test_gmv_is_what_was_paid_less_refunds_on_orders_paid(tg, fake_telegram, clock):
    app, client = tg
    kept = await book_and_pay(TelegramUser(client, fake_telegram, 793301))  # ¥30
    part = await book_and_pay(TelegramUser(client, fake_telegram, 793302))  # ¥30, ¥5 back
    gone = await book_and_pay(TelegramUser(client, fake_telegram, 793303))  # refunded in full
    owing = await book_and_pay(TelegramUser(client, fake_telegram, 793304))  # ¥30 + a balance
    finance, ops = staff(client, fake_telegram, "finance"), staff(client, fake_telegram, "ops")
    await finance.say(f"/refund #{part} 5")
    await ops.say(f"/cancel #{gone} 客户来电")  # nobody took it yet: all of it back
    async with app[DATABASE].uow() as uow:
        order = await uow.orders.by_number(owing)
        order.total_cents += 10_000  # as a deposit item's balance, asked for at the end
        await uow.orders.save(order, clock.now)
        await uow.commit()
    assert (await order_of(app, gone)).refunded_cents == 3_000
    assert (await order_of(app, owing)).total_cents == 13_000 and kept
    await ops.say("/stats")
    assert "成交 4 单,GMV ¥85.00" in ops.text(), ops.text()  # 30 + 25 + 0 + 30


async def test_the_ledger_csv_carries_the_order_number_next_to_its_id(tg, fake_telegram):
    app, client = tg
    number = await book_and_pay(TelegramUser(client, fake_telegram, 793401))
    order = await order_of(app, number)
    finance = staff(client, fake_telegram, "finance")
    await finance.say("/ledger 2026-11-23 2026-11-23")
    url = next(b["url"] for b in finance.options() if "url" in b)
    resp = await client.get(url.split("8080", 1)[1])
    rows = list(csv.DictReader(io.StringIO(await resp.text())))
    assert list(rows[0]) == [
        "at",
        "journal",
        "account",
        "debit_fen",
        "credit_fen",
        "order_id",
        "order_number",
        "memo",
    ]
    mine = [r for r in rows if r["order_id"] == str(order.id)]
    assert mine and all(r["order_number"] == str(number) for r in mine)
    assert all(r["order_number"] == "" for r in rows if not r["order_id"])
