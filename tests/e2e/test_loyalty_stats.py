"""``/stats`` tells the owner whether customers come back and what keeping them costs: the
repeat-purchase rate, coupons issued and used by where they came from, points, prepaid money
not yet used and invitations — on a database of this test alone, so every figure is known."""

from __future__ import annotations

import random

from tests.e2e.helpers import TelegramUser, book_and_pay, make_app, on_telegram


def uid() -> int:
    return 8 * 10**9 + random.randrange(10**9)


async def test_stats_show_the_repeat_rate_coupons_points_and_invitations(
    aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, fake_telegram, clock
):
    owner = uid()
    app = make_app(
        tmp_path,
        fresh_sqlite_url,
        pii_key,
        clock=clock,
        **on_telegram(fake_telegram),
        admins=f"telegram:{owner}:owner",
    )
    client = await aiohttp_client(app)
    back_again, once = (TelegramUser(client, fake_telegram, uid()) for _ in range(2))
    await book_and_pay(back_again, "明天 15:00")
    await book_and_pay(back_again, "后天 15:00")
    await book_and_pay(once, "明天 10:00")

    admin = TelegramUser(client, fake_telegram, owner)
    await admin.say("/stats")
    text = admin.text()
    assert "【会员与营销】" in text
    assert "复购率 50%(回头客 1 / 下单客户 2)" in text
    assert "发券 2(新人券 2)" in text  # each new customer's welcome coupon
    assert "积分:获得 0 · 使用 0 · 过期 0" in text  # nothing settled yet
    assert "次卡未消费余额 ¥0.00" in text
    assert "邀请注册 0 · 邀请成单 0" in text
    assert "welcome" not in text
