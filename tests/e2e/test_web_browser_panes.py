"""The demo page's three roles in headless Chromium: each tab keeps its pane (history and all),
a hidden pane gets its notices and its tab counts them, and the page says how to play each
role in its own language."""

from store.catalog_file import load_catalog
from tests.e2e.helpers import HOME, Clock, make_app, make_settings, seed_worker
from tests.e2e.web_page import PANE, book_and_pay, click, newest_in_view, wait_for
from webhooks.app import create_app


async def web_user(page) -> str:
    """The browser's web user id (its signed cookie's first part)."""
    [cookie] = [c for c in await page.context.cookies() if c["name"] == "daojia_web"]
    return cookie["value"].split(".")[0]


def badge(page, role: str):
    return page.locator(f"#tab-{role} .unread")


async def test_each_tab_keeps_its_history_and_gets_its_notices_while_hidden(
    aiohttp_server, browser, tmp_path, fresh_sqlite_url, pii_key
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=Clock())
    server = await aiohttp_server(app)
    page = await browser.new_page(viewport={"width": 1100, "height": 860}, locale="zh-CN")
    await page.goto(str(server.make_url("/")))
    # the browser's worker pane is an approved worker next door, online
    uid = await web_user(page)
    await seed_worker(app, channel="web", user_id=f"{uid}-worker", center=HOME, name="周师傅")

    await book_and_pay(page)
    # the offer reached the worker's pane while it was hidden: its tab counts it
    await badge(page, "worker").wait_for(state="visible", timeout=5000)
    assert int(await badge(page, "worker").inner_text()) >= 1
    assert await badge(page, "customer").is_hidden()

    await page.click("#tab-worker")
    assert await badge(page, "worker").is_hidden()
    assert await page.locator("#pane-customer").is_hidden()
    await wait_for(page, "预计收入")  # the offer, drawn while the pane was hidden
    await click(page, "接单")
    await wait_for(page, "已接单")
    assert await newest_in_view(page)
    # the customer was told while their pane was hidden
    await badge(page, "customer").wait_for(state="visible", timeout=5000)

    await page.click("#tab-customer")
    assert await badge(page, "customer").is_hidden()
    customer = page.locator(PANE)
    for earlier in ("新人券", "费用明细", "支付成功"):  # all still there
        assert await customer.get_by_text(earlier).count() >= 1, earlier
    notice = customer.locator(".msg.bot", has_text="周师傅").last
    assert "已接单" in await notice.inner_text()
    assert await newest_in_view(page)
    # the way back to the worker shows the worker's pane as it was, without a new greeting
    await page.click("#tab-worker")
    worker = page.locator(PANE)
    assert await worker.get_by_text("预计收入").count() >= 1
    [tapped] = await worker.locator(".msg.me").all_inner_texts()
    assert tapped.startswith("接单 #")


async def test_the_demo_page_says_how_to_play_each_role_in_its_language(
    aiohttp_server, browser, tmp_path, fresh_sqlite_url, pii_key
):
    catalog, rules = load_catalog()
    settings = make_settings(tmp_path, fresh_sqlite_url, pii_key)
    demo = await aiohttp_server(create_app(settings, catalog, rules, clock=Clock(), demo=True))
    for locale, words in (
        ("zh-CN", ["顾客", "师傅", "管理", "/approve ID", "上线", "/assign #订单号 师傅ID"]),
        ("en-US", ["Customer", "Worker", "Admin", "/approve ID", "online", "/assign #ORDER"]),
    ):
        context = await browser.new_context(locale=locale)
        page = await context.new_page()
        await page.goto(str(demo.make_url("/")))
        guide = page.locator("#guide")
        await guide.wait_for(state="visible")
        text = await guide.inner_text()
        for word in words:
            assert word in text, (locale, word, text)
        assert ("虚拟" in text) == (locale == "zh-CN") and ("simulated" in text) == (
            locale == "en-US"
        )
        await context.close()
    # outside the demo the admin pane is a customer's: no guide to roles there are not
    plain = await aiohttp_server(make_app(tmp_path, fresh_sqlite_url, pii_key, clock=Clock()))
    page = await browser.new_page(locale="zh-CN")
    await page.goto(str(plain.make_url("/")))
    await page.locator(PANE).get_by_text("新人券").wait_for()
    assert await page.locator("#guide").is_hidden()
