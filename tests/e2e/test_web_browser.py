"""The demo home page booked end to end in headless Chromium (Debian's, via Playwright): the
newest message and its buttons are always in view, buttons carry the numbers a person may type
instead, and an answered question's buttons are greyed out and send nothing."""

import re

from tests import random_refs
from tests.e2e.helpers import Clock, make_app
from tests.e2e.web_page import (
    LIVE,
    PANE,
    click,
    last_bot_text,
    newest_in_view,
    overflows,
    say,
    wait_for,
)


async def step(page, label: str, expect: str) -> None:
    """Tap ``label``, wait for ``expect``: the reply's last button is within view."""
    await click(page, label)
    await wait_for(page, expect)
    assert await newest_in_view(page), f"the reply to {label!r} is below the fold"


async def newest_options(page):
    """The open pane's newest question's buttons, held by position (``.last`` would move on
    to the next question)."""
    boxes = page.locator(f"{PANE} .options")
    return boxes.nth(await boxes.count() - 1)


async def sends(page) -> list[str]:
    """The messages the page will POST from now on (filled in as they go)."""
    posted: list[str] = []
    page.on(
        "request",
        lambda r: posted.append(r.post_data or "") if r.url.endswith("/web/api/send") else None,
    )
    return posted


async def test_the_web_chat_books_and_pays_in_a_browser(
    aiohttp_server, browser, tmp_path, sqlite_url, pii_key, artifacts
):
    server = await aiohttp_server(make_app(tmp_path, sqlite_url, pii_key, clock=Clock()))
    # a laptop's window: the phone is shorter than a booking, the pane must scroll
    page = await browser.new_page(viewport={"width": 1100, "height": 720}, locale="zh-CN")
    await page.goto(str(server.make_url("/")))
    await wait_for(page, "新人券")  # no language or phone question first
    assert await newest_in_view(page)
    await step(page, "预约服务", "请选择服务类别")
    await step(page, "保洁", "请选择项目")
    # a typed number answers as the button with that number does
    [item] = await page.locator(LIVE, has_text="日常保洁").all_inner_texts()
    number = re.match(r"^(\d+)\. 日常保洁 ¥", item)
    assert number, item
    await say(page, number.group(1))
    await wait_for(page, "验收标准")
    assert await newest_in_view(page)
    await step(page, "师傅自带", "✓ 师傅自带")
    hours = await page.locator(LIVE).all_inner_texts()
    assert any(h.startswith("3小时") for h in hours), hours  # hours are not numbered: "3" is 3 h
    await step(page, "3小时", "什么时候上门")
    await step(page, "其他时间", "哪天")
    await step(page, "明天", "几点")
    await step(page, "15:00", "服务地址?")
    await page.click("#share-location")
    await page.fill("#place", "上海市静安区南京西路1266号")
    await page.click("#location-send")
    await wait_for(page, "请补充楼栋门牌号")
    await say(page, "恒隆广场 2 座 3201")
    await wait_for(page, "按 80 ㎡ 计")  # the typical area, one tap to change
    await step(page, "改面积", "房屋面积大约")
    await say(page, "95")
    await wait_for(page, "按 95 ㎡ 计")
    assert await overflows(page)  # the booking outgrew the pane: it scrolled to the quote
    quote = await page.locator(f"{PANE} .msg.bot", has_text="费用明细").last.inner_text()
    # 3 h ¥120 + supplies ¥15 + 95 m² (2 blocks over 80) ¥20 = ¥155; −¥20 coupon, −¥50 first
    assert "合计:¥85.00" in quote
    await page.screenshot(path=str(artifacts / "web-chat-quote.png"))
    await step(page, "确认下单", "留下手机号即确认下单")
    await say(page, random_refs.phone())
    await wait_for(page, "已提交")
    await step(page, "确认支付", "支付成功")
    await page.screenshot(path=str(artifacts / "web-chat-paid.png"))
    await step(page, "我的订单", "派单中")
    assert "派单中" in await last_bot_text(page)


async def test_an_answered_question_is_greyed_out_and_a_stale_tap_sends_nothing(
    aiohttp_server, browser, tmp_path, sqlite_url, pii_key
):
    server = await aiohttp_server(make_app(tmp_path, sqlite_url, pii_key, clock=Clock()))
    page = await browser.new_page(viewport={"width": 1100, "height": 860}, locale="zh-CN")
    await page.goto(str(server.make_url("/")))
    await wait_for(page, "新人券")
    menu = await newest_options(page)
    posted = await sends(page)
    await click(page, "预约服务")
    await wait_for(page, "请选择服务类别")
    # the tapped question: greyed out, its buttons disabled
    assert "spent" in (await menu.get_attribute("class") or "")
    assert all([await b.is_disabled() for b in await menu.locator("button").all()])
    categories = await newest_options(page)
    await click(page, "保洁")
    await wait_for(page, "请选择项目")
    items = await newest_options(page)
    assert await items.locator("button:enabled").count() > 0
    # a later message answers the open question too: typed, it greys the buttons out
    await say(page, "菜单")
    await wait_for(page, "请选择您需要的服务")
    assert await items.locator("button:enabled").count() == 0
    assert len(posted) == 3  # 预约服务, 保洁, 菜单
    # a tap on an answered question's button (forced past its disabled state) sends nothing
    for stale in (menu, categories, items):
        await stale.locator("button").first.dispatch_event("click")
        await stale.locator("button").first.click(force=True)
    await page.wait_for_timeout(300)
    assert len(posted) == 3, posted
    assert await page.locator(f"{PANE} .msg.me").count() == 3  # and echoes nothing
