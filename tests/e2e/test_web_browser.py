"""The demo home page booked end to end in headless Chromium (Debian's, via Playwright)."""

import re
import shutil

import pytest

from tests.conftest import unavailable
from tests.e2e.helpers import Clock, make_app

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
async def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        unavailable("Debian's chromium", "not installed")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


async def click(page, label: str) -> None:
    button = page.locator(
        ".options:not(.spent) button", has_text=re.compile("^" + re.escape(label))
    ).last
    try:
        await button.click(timeout=5000)
    except Exception:
        await page.screenshot(path="test-artifacts/web-chat-failure.png")
        raise


async def last_bot_text(page) -> str:
    return await page.locator(".msg.bot").last.inner_text()


async def test_the_web_chat_books_and_pays_in_a_browser(
    aiohttp_server, browser, tmp_path, sqlite_url, pii_key, artifacts
):
    server = await aiohttp_server(make_app(tmp_path, sqlite_url, pii_key, clock=Clock()))
    page = await browser.new_page(viewport={"width": 1100, "height": 860}, locale="zh-CN")
    await page.goto(str(server.make_url("/")))
    await page.get_by_text("新人券").wait_for()  # no language or phone question first
    await click(page, "预约服务")
    await click(page, "保洁")
    await click(page, "日常保洁")
    await click(page, "师傅自带")
    await click(page, "3小时")
    await page.get_by_text("什么时候上门").wait_for()
    await click(page, "其他时间")
    await click(page, "明天")
    await click(page, "15:00")
    await page.get_by_text("服务地址?").wait_for()
    await page.click("#share-location")
    await page.fill("#place", "上海市静安区南京西路1266号")
    await page.click("#location-send")
    await page.get_by_text("请补充楼栋门牌号").wait_for()
    await page.fill("#input", "恒隆广场 2 座 3201")
    await page.press("#input", "Enter")
    await page.get_by_text("按 80 ㎡ 计").wait_for()  # the typical area, one tap to change
    await click(page, "改面积")
    await page.fill("#input", "95")
    await page.press("#input", "Enter")
    await page.get_by_text("按 95 ㎡ 计").wait_for()
    quote = await page.locator(".msg.bot", has_text="费用明细").last.inner_text()
    # 3 h ¥120 + supplies ¥15 + 95 m² (2 blocks over 80) ¥20 = ¥155; −¥20 coupon, −¥50 first
    assert "合计:¥85.00" in quote
    await page.screenshot(path=str(artifacts / "web-chat-quote.png"))
    await click(page, "确认下单")
    await page.get_by_text("留下手机号即确认下单").last.wait_for()
    await page.fill("#input", "13812345678")
    await page.press("#input", "Enter")
    await page.get_by_text("已提交").wait_for()
    await click(page, "确认支付")
    await page.get_by_text("支付成功").wait_for()
    await page.screenshot(path=str(artifacts / "web-chat-paid.png"))
    await click(page, "我的订单")
    await page.get_by_text("派单中").last.wait_for()
