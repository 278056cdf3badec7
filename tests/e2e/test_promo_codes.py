"""Promo codes end to end on Telegram, on SQLite and PostgreSQL: the owner makes one with
``/promo`` (amount, minimum order, days, total, uses per customer); a customer types it at the
quote and pays with it; a wrong code, a code used up, one the customer already used, or one
expired is answered and changes nothing; a coupon and the first-order discount do not stack —
the quote takes the better one and says which."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.e2e.helpers import RULES, TelegramUser, make_app, on_telegram
from tests.e2e.test_unpaid_orders import quote_three_hours

OWNER, SUPPORT = 660001, 660002


@pytest.fixture
async def shop(aiohttp_client, tmp_path, db_url, pii_key, fake_telegram, clock):
    app = make_app(
        tmp_path,
        db_url,
        pii_key,
        clock=clock,
        rules=RULES,  # the catalog's: a coupon or the first-order discount, the better
        **on_telegram(fake_telegram),
        admins=f"telegram:{OWNER}:owner,telegram:{SUPPORT}:support",
    )
    return app, await aiohttp_client(app)


def new_code() -> str:
    return f"SPRING{secrets.token_hex(3).upper()}"  # the session's database is shared


async def quote(customer: TelegramUser) -> None:
    await customer.say("/start")
    await quote_three_hours(customer)


async def type_code(customer: TelegramUser, code: str) -> str:
    await customer.choose("优惠券")
    await customer.say(code)
    return customer.text()


async def first_order_with(customer: TelegramUser, code: str) -> None:
    """Quote ¥120 (3 hours), type the promo code, give the phone (places), pay."""
    await quote(customer)
    await type_code(customer, code)
    assert "合计:¥60.00" in customer.text()
    await customer.say(customer.phone)
    assert "已提交" in customer.text()
    await customer.choose("确认支付")
    assert "支付成功 ¥60.00" in customer.text()


async def test_a_promo_code_typed_at_the_quote_within_its_limits(shop, fake_telegram, clock):
    app, client = shop
    code = new_code()
    support = TelegramUser(client, fake_telegram, SUPPORT)
    await support.say(f"/promo {code} 60 满100")
    assert "需要 老板 角色" in support.text()
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/promo {code} 60 满100 30天 2张")
    assert f"优惠码 {code} 已创建" in owner.text() and "共 2 张,每人限用 1 次" in owner.text()
    await owner.say(f"/promo {code} 10")
    assert "已存在" in owner.text()

    first = TelegramUser(client, fake_telegram, 660101)
    await quote(first)
    # the welcome coupon (满100减20) and the first-order ¥50 do not stack: ¥50 is better
    assert "合计:¥70.00" in first.text() and "新客首单立减" in first.text()
    assert "已为您选择更划算的新客首单立减" in first.text()
    assert "不能同时使用" in first.text()
    await type_code(first, "NOSUCH1")
    assert "没有找到这个优惠码" in first.text()
    await first.say(code.lower())  # any case; ¥60 off beats the first-order ¥50
    assert "合计:¥60.00" in first.text() and "已为您选择更划算的优惠券" in first.text()
    await first.say(first.phone)
    assert "已提交" in first.text()
    await first.choose("确认支付")
    assert "支付成功 ¥60.00" in first.text()

    await quote(first)  # used once: one use per customer
    assert "您已经用过了" in await type_code(first, code)
    assert "选择优惠券" in first.text() or "优惠码" in first.text()  # asked again

    await first_order_with(TelegramUser(client, fake_telegram, 660102), code)
    third = TelegramUser(client, fake_telegram, 660103)
    await quote(third)
    assert f"优惠码 {code} 已被领完" in await type_code(third, code)
    await third.choose("返回报价")
    assert "合计:¥70.00" in third.text()  # nothing changed

    late = new_code()
    await owner.say(f"/promo {late} 30 3天")
    clock.advance(days=4)
    fourth = TelegramUser(client, fake_telegram, 660104)
    await quote(fourth)
    assert f"优惠码 {late} 已过期" in await type_code(fourth, late)


async def test_a_promo_code_under_its_minimum_is_refused_by_the_code_typed(shop, fake_telegram):
    """Under its minimum: said in the customer's language, by the code they typed — never
    the internal code of their use of it (CODE-<customer>-<n>)."""
    app, client = shop
    code = new_code()
    owner = TelegramUser(client, fake_telegram, OWNER)
    await owner.say(f"/promo {code} 30 满200 7天")
    assert f"优惠码 {code} 已创建" in owner.text()
    customer = TelegramUser(client, fake_telegram, 660201)
    await quote(customer)  # ¥120
    said = await type_code(customer, code)
    assert f"优惠码 {code} 需满 ¥200.00 可用" in said
    assert f"{code}-" not in said and "coupon" not in said


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_owner_is_told_the_buttons_customers_really_press_for_a_promo_code(
    shop, fake_telegram, lang
):
    """The reply to ``/promo`` names the quote's coupon buttons as they read in the admin's
    language (选择优惠券 with coupons to choose, 输入优惠码 without), never a 「优惠券」 no
    quote shows."""
    app, client = shop
    code = new_code()
    owner = TelegramUser(client, fake_telegram, OWNER)
    if lang == "en":
        await owner.say("/lang en")
    await owner.say(f"/promo {code} 60 满100")
    told = re.findall(r"「(.+?)」|\"(.+?)\"", owner.text())
    named = {a or b for a, b in told}
    assert named == (
        {"输入优惠码", "选择优惠券"} if lang == "zh" else {"Enter a promo code", "Choose coupon"}
    ), owner.text()
    if lang == "en":  # the same two buttons, as an English quote labels them
        return
    customer = TelegramUser(client, fake_telegram, 660301)
    await quote(customer)
    shown = {b["text"] for b in customer.options()}
    assert named & shown, (named, shown)  # a new customer holds the welcome coupon
    await customer.choose(next(iter(named & shown)))
    await customer.say(code)
    assert "60.00" in customer.text()
