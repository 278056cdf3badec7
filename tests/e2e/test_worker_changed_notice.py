"""A customer whose order gets another worker is told their worker changed (the visit code
stays), not a second "accepted" — in Chinese and in English; a worker nobody has rated yet
as new, not with the 5.0 dispatch starts them at."""

import pytest

from tests.e2e.helpers import HOME, TelegramUser, book_and_pay, order_of, seed_worker
from tests.e2e.test_admin_commands import staff, tg  # noqa: F401 - the fixture


def texts(fake, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat)]


@pytest.mark.parametrize(
    ("lang", "changed", "still"),
    [
        ("zh", "您的订单 #{n} 改由 孙师傅(新师傅,暂无评价)服务", "上门验证码不变,仍是 {code}"),
        (
            "en",
            "Order #{n}: your worker is now 孙师傅 (new, no reviews yet);",
            "visit code stays {code}",
        ),
    ],
)
async def test_a_reassigned_order_tells_the_customer_their_worker_changed(
    tg,  # noqa: F811
    fake_telegram,
    lang,
    changed,
    still,
):
    app, client = tg
    uid = 795_100 if lang == "en" else 795_200
    first = await seed_worker(
        app, channel="telegram", user_id=str(uid + 1), center=HOME, name="王阿姨"
    )
    second = await seed_worker(
        app, channel="telegram", user_id=str(uid + 2), center=HOME, name="孙师傅"
    )
    customer = TelegramUser(client, fake_telegram, uid)
    number = await book_and_pay(customer)  # booked in Chinese
    await TelegramUser(client, fake_telegram, uid + 1).say(f"/accept #{number}")
    code = (await order_of(app, number)).visit_code
    told = texts(fake_telegram, uid)
    assert sum(f"已接单 #{number}" in t for t in told) == 1, told
    if lang == "en":
        await customer.say("English")
        told = texts(fake_telegram, uid)

    await staff(client, fake_telegram, "ops").say(f"/reassign #{number} {second}")
    assert (await order_of(app, number)).worker_id == second != first
    new = texts(fake_telegram, uid)[len(told) :]
    assert len(new) == 1, new
    assert changed.format(n=number) in new[0], new[0]
    assert still.format(code=code) in new[0], new[0]
    assert "已接单" not in new[0] and "accepted" not in new[0] and "好消息" not in new[0]
    assert ("Order" in new[0]) == (lang == "en") and ("订单" in new[0]) == (lang != "en")
