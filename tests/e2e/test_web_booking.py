"""A whole customer journey in the local web chat, through the HTTP routes."""

import pytest

from tests.e2e.helpers import Clock, WebUser, confirm_order, make_app


@pytest.fixture
async def customer(aiohttp_client, tmp_path, sqlite_url, pii_key):
    client = await aiohttp_client(make_app(tmp_path, sqlite_url, pii_key, clock=Clock()))
    user = WebUser(client)
    await user.open()
    return user


async def sign_up(user: WebUser) -> None:
    await user.say("/start")
    assert "欢迎来到到家" in user.text()  # a browser with no language hint: Chinese
    assert "新人券" in user.text() and "手机号" not in user.text()  # asked at checkout


async def test_book_pay_and_see_the_order(customer):
    await sign_up(customer)
    await customer.choose("预约服务")
    await customer.choose("保洁")
    await customer.choose("日常保洁")
    assert "验收标准" in customer.text()
    await customer.choose("冰箱")
    assert any(
        "✓" in o["label"] for r in customer.last if r["type"] == "ask" for o in r["options"]
    )
    assert "几小时" in customer.text()  # on the same screen as the extras
    await customer.say("3")
    assert "什么时候上门" in customer.text()
    await customer.say("明天 下午3点")
    assert "服务地址" in customer.text()
    await customer.say("上海市徐汇区漕溪北路88号12楼1203")
    assert "告诉师傅" in customer.text() and "按 80 ㎡ 计" in customer.text()
    await customer.choose("改面积")
    await customer.say("100")
    quote = customer.text()
    assert "费用明细" in quote and "¥120.00" in quote and "超面积" in quote
    # 3 h ¥120 + fridge ¥30 + 2 over-area blocks ¥20 = ¥170; welcome coupon -¥20;
    # first order -¥50 → ¥100.00
    assert "合计:¥100.00" in quote, quote
    await customer.choose("确认下单")
    assert "手机号" in customer.text()
    await customer.send(type="contact", phone="138 1234 5678")
    assert "已提交" in customer.text()
    links = [r for r in customer.last if r["type"] == "link"]
    assert links and "/pay/sandbox/SBX" in links[0]["url"]
    await customer.choose("确认支付")
    assert "支付成功" in customer.text()
    await customer.say("我的订单")  # the menu option label, typed
    assert "派单中" in customer.text()
    await customer.choose("#")
    detail = customer.text()
    assert (
        "日常保洁" in detail
        and "进度" in detail
        and "待支付" in detail
        and "已支付" in detail
        and "派单中" in detail
    )


async def test_the_sandbox_pay_page_confirms_once_and_tells_the_chat(customer):
    await sign_up(customer)
    await customer.choose("预约服务")
    await customer.choose("家电")
    await customer.choose("油烟机")
    await customer.say("1")
    await customer.say("明天 10:00")
    await customer.say("上海市徐汇区漕溪北路88号12楼1203")
    await confirm_order(customer)
    url = next(r["url"] for r in customer.last if r["type"] == "link")
    path = url.split("8080", 1)[1]
    page = await customer.client.get(path)
    assert page.status == 200 and "确认支付" in await page.text()
    paid = await customer.client.post(path)
    assert paid.status == 200 and "支付成功" in await paid.text()
    again = await customer.client.post(path)
    assert again.status == 200  # the same confirmation twice credits once
    pushed = await (await customer.client.get("/web/api/poll?role=customer")).json()
    texts = [r["text"] for r in pushed["replies"]]
    assert sum("已收到付款 ¥80.00" in t for t in texts) == 1  # ¥150 − ¥20 coupon − ¥50 first order
    await customer.choose("稍后支付")
    await customer.say("/orders")
    assert "派单中" in customer.text()
    assert (await customer.client.get("/pay/sandbox/SBXNOPE")).status == 404
