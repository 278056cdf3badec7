"""The admin dashboard: opened by a signed link, kept by a signed cookie, cut to the admin's
role; in headless Chromium (Debian's, via Playwright) on a desktop and a phone screen."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from datetime import date, timedelta

import pytest
from yarl import URL

from domain.lifecycle import OrderStatus
from domain.money import format_yuan
from domain.people import Worker, WorkerStatus
from tests.conftest import unavailable
from tests.dashboard_seed import NOW, TZ, Seeded, local, seed
from tests.e2e.helpers import Clock, make_app
from webhooks.dashboard import COOKIE, LINK_TTL, SESSION_TTL, dashboard_link
from webhooks.keys import DATABASE, LINKS

ADMINS = {
    "owner": "telegram:9001",
    "ops": "telegram:9002",
    "finance": "wechat:o-finance-9003",
    "support": "telegram:9004",
}
SETTING = ",".join(f"{admin}:{role}" for role, admin in ADMINS.items())
SECTIONS = ("board", "trend", "heat", "workers", "complaints", "settlement", "loyalty")
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
def clock():
    return Clock(NOW)


@pytest.fixture
async def dash(aiohttp_client, tmp_path, fresh_sqlite_url, pii_key, clock):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=clock, admins=SETTING)
    client = await aiohttp_client(app)
    return app, client, await seed(app[DATABASE], NOW)


def link_path(app, role: str, admin: str | None = None) -> str:
    return URL(dashboard_link(app[LINKS], admin or ADMINS[role], role)).path_qs


async def open_as(app, client, role: str) -> str:
    """Open a fresh link for ``role``; the dashboard's HTML."""
    resp = await client.get(link_path(app, role))
    assert resp.status == 200 and resp.url.path == "/dashboard", resp.status
    return await resp.text()


def figure(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)<', html, re.S)
    assert m, f"no #{element_id}"
    return m.group(1).strip()


def shown(html: str) -> set[str]:
    return {s for s in SECTIONS if f'<section id="{s}">' in html}


def expected_trend(seeded: Seeded) -> tuple[list[int], list[int]]:
    """Orders and GMV (fen: paid less refunded, as in ``/stats``) per business day over the last
    14 days, from what was seeded."""
    today = NOW.astimezone(TZ).date()
    days = [today - timedelta(days=13 - i) for i in range(14)]
    orders: Counter[date] = Counter()
    gmv: Counter[date] = Counter()
    for order in seeded.orders.values():
        day = order.created_at.astimezone(TZ).date()
        if order.paid_cents:
            orders[day] += 1
            gmv[day] += order.paid_cents - order.refunded_cents
    return [orders[d] for d in days], [gmv[d] for d in days]


async def test_a_link_opens_a_session_cookie_and_redirects_to_the_dashboard(dash):
    app, client, _ = dash
    resp = await client.get(link_path(app, "owner"), allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/dashboard"
    cookie = resp.headers["Set-Cookie"]
    for part in ("HttpOnly", "SameSite=Lax", "Path=/dashboard", f"Max-Age={SESSION_TTL}"):
        assert part in cookie
    page = await client.get("/dashboard")
    assert page.status == 200
    html = await page.text()
    assert shown(html) == set(SECTIONS)
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


async def test_nothing_is_shown_without_a_valid_cookie(dash):
    app, client, _ = dash
    resp = await client.get("/dashboard")
    assert resp.status == 403
    assert "链接无效或已过期" in await resp.text() and "¥" not in await resp.text()


async def test_an_expired_link_is_refused(dash, clock):
    app, client, _ = dash
    path = link_path(app, "owner")
    clock.advance(seconds=LINK_TTL + 1)
    resp = await client.get(path)
    assert resp.status == 403 and "已过期" in await resp.text()
    assert COOKIE not in {c.key for c in client.session.cookie_jar}
    english = await client.get(path + "&lang=en")  # the link of an admin chatting in English
    assert english.status == 403 and "has expired" in await english.text()


async def test_the_session_ends_after_its_time_on_the_server_clock(dash, clock):
    app, client, _ = dash
    await open_as(app, client, "ops")
    clock.advance(seconds=SESSION_TTL - 5)
    assert (await client.get("/dashboard")).status == 200
    clock.advance(seconds=10)  # the browser would still send the cookie: the server refuses it
    assert (await client.get("/dashboard")).status == 403


async def test_a_refused_link_leaves_a_valid_session_alone_and_a_bad_cookie_is_dropped(dash):
    app, client, _ = dash
    await open_as(app, client, "ops")
    tampered = URL(dashboard_link(app[LINKS], ADMINS["ops"], "ops")).update_query(s="f" * 32)
    assert (await client.get(tampered.path_qs)).status == 403
    assert (await client.get("/dashboard")).status == 200
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({COOKIE: "ops.x.1.2"}, URL(str(client.make_url("/"))))
    resp = await client.get("/dashboard")
    assert resp.status == 403 and resp.cookies[COOKIE].value == ""  # told to forget it


async def test_forged_links_and_cookies_are_refused(dash):
    app, client, _ = dash
    support = URL(dashboard_link(app[LINKS], ADMINS["support"], "support"))
    as_owner = support.with_path(support.path.replace("/support/", "/owner/"))
    tampered = support.update_query(s="0" * 32)
    later = support.update_query(e=str(int(support.query["e"]) + 3600))
    unknown = link_path(app, "owner", admin="telegram:123456")  # signed, but not an admin
    wrong_role = link_path(app, "owner", admin=ADMINS["support"])  # support is not owner
    for path in (as_owner.path_qs, tampered.path_qs, later.path_qs, unknown, wrong_role):
        assert (await client.get(path)).status == 403, path
    assert (await client.get("/dashboard/open/owner/telegram:9001")).status == 403

    await open_as(app, client, "support")
    value = next(c.value for c in client.session.cookie_jar if c.key == COOKIE)
    head, expires, sig = value.rsplit(".", 2)
    forged = {
        "role raised": value.replace("support.", "owner.", 1),
        "another admin": value.replace("9004", "9001"),
        "longer life": f"{head}.{int(expires) + 3600}.{sig}",
        "the link's signature": f"support.{ADMINS['support']}.{support.query['e']}."
        f"{support.query['s']}",
        "garbage": "owner",
    }
    for what, cookie in forged.items():
        client.session.cookie_jar.clear()
        client.session.cookie_jar.update_cookies({COOKIE: cookie}, URL(str(client.make_url("/"))))
        resp = await client.get("/dashboard")
        assert resp.status == 403, what
    with pytest.raises(ValueError):
        dashboard_link(app[LINKS], ADMINS["owner"], "root")


async def test_support_sees_orders_and_complaints_and_no_money(dash):
    app, client, seeded = dash
    html = await open_as(app, client, "support")
    assert shown(html) == {"board", "complaints"}
    assert "¥" not in html and "GMV" not in html and "金额" not in html
    assert f"#{seeded.orders['t_unaccepted'].number}" in html
    assert f"#{seeded.orders['d3'].number}" in html  # the overdue complaint
    assert "/explain" not in html  # support may not ask dispatch why


async def test_finance_sees_the_money_and_the_settlement_summary(dash):
    app, client, seeded = dash
    html = await open_as(app, client, "finance")
    assert shown(html) == {"trend", "workers", "settlement", "loyalty"}
    start = local(0, "00:00")
    cash_today = sum(a for at, a in seeded.payments if at >= start)
    assert f'<td class="num">{format_yuan(cash_today)}</td>' in figure_row(html, "cash_in")
    owed = sum(s.worker for _, _, s in seeded.shares) - sum(seeded.held.values())
    assert figure(html, "owed") == format_yuan(owed)
    assert figure(html, "awaiting") == f"1 · {format_yuan(seeded.awaiting_approval)}"
    assert "累计收入" in html and "投诉率" not in html  # earnings, not worker quality


def figure_row(html: str, key: str) -> str:
    m = re.search(rf'<tr id="settle-{key}">(.*?)</tr>', html, re.S)
    assert m, key
    return m.group(1)


async def test_ops_sees_orders_workers_complaints_and_gmv_but_not_settlement(dash):
    app, client, seeded = dash
    html = await open_as(app, client, "ops")
    assert shown(html) == {"board", "trend", "heat", "workers", "complaints", "loyalty"}
    _, gmv = expected_trend(seeded)
    assert figure(html, "trend-gmv") == format_yuan(sum(gmv))
    assert "投诉率" in html and "累计收入" not in html and "应付师傅" not in html
    # 1 complaint, 1 job done: 100%, not the 8% the last /levels stored
    zhao = re.search(r"<tr[^>]*><td>赵师傅 .*?</tr>", html, re.S)
    assert zhao and re.findall(r'<td class="num">([^<]*)</td>', zhao[0]) == [
        "4.30",
        "100%",
        "1",
        "1",
    ], zhao
    unaccepted = seeded.orders["t_unaccepted"].number
    assert f"<code>/explain #{unaccepted}</code>" in html  # the stuck order: ask why in chat
    assert f"/explain #{seeded.orders['t_late'].number}" not in html  # late: not dispatch's


async def test_the_loyalty_section_shows_repeat_buyers_and_what_customers_are_owed(dash):
    app, client, seeded = dash
    html = await open_as(app, client, "owner")
    month = NOW - timedelta(days=30)
    paid = [o for o in seeded.orders.values() if o.paid_cents and o.created_at >= month]
    assert len(paid) > 1  # one seeded customer, who came back
    assert figure(html, "repeat-rate") == "100%"
    assert figure(html, "points-liability") == format_yuan(0)
    assert figure(html, "prepaid-outstanding") == format_yuan(0)
    assert figure(html, "referrals") == "0 / 0"


async def test_the_chart_library_is_served_from_the_package(dash):
    _, client, _ = dash
    resp = await client.get("/dashboard/static/vendor/chart.umd.min.js")
    assert resp.status == 200
    assert (await resp.text()).startswith("/*!\n * Chart.js v4")


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


CANVAS = """(id) => {
  const c = document.getElementById(id);
  const blank = document.createElement("canvas");
  blank.width = c.width; blank.height = c.height;
  const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let painted = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
  return {
    painted, pixels: px.length / 4,
    png: c.toDataURL().length, blank: blank.toDataURL().length,
    data: Chart.getChart(c).data.datasets.map(d => d.data),
  };
}"""
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth, viewport: window.innerWidth,
  widest: Math.max(...[...document.querySelectorAll("section, header")]
    .map(e => e.getBoundingClientRect().right)),
})"""


async def look(browser, server, app, role: str, viewport: dict[str, int], **device):
    """A new browser (no cookies) opening a fresh link for ``role``; the page and the errors
    it logged."""
    context = await browser.new_context(viewport=viewport, locale="zh-CN", **device)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(str(server.make_url(link_path(app, role))))
    assert page.url.endswith("/dashboard")
    return context, page, errors


async def drawn(page, canvas_id: str) -> dict:
    info = await page.evaluate(CANVAS, canvas_id)
    assert info["painted"] > info["pixels"] * 0.01, info["painted"]  # not a blank canvas
    assert info["png"] > info["blank"] * 3
    return info


@pytest.mark.browser
async def test_the_owner_dashboard_in_a_browser_on_a_desktop_and_a_phone(
    aiohttp_server, browser, tmp_path, fresh_sqlite_url, pii_key, artifacts
):
    app = make_app(tmp_path, fresh_sqlite_url, pii_key, clock=Clock(NOW), admins=SETTING)
    server = await aiohttp_server(app)
    seeded = await seed(app[DATABASE], NOW)
    per_day, gmv = expected_trend(seeded)

    context, page, errors = await look(
        browser, server, app, "owner", {"width": 1280, "height": 900}
    )
    cookie = next(c for c in await context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/dashboard"
    today = NOW.astimezone(TZ).date()
    starting_today = [
        o
        for o in seeded.orders.values()
        if o.start_at.astimezone(TZ).date() == today and o.status != OrderStatus.QUOTED
    ]
    assert await page.locator("#board-total").inner_text() == str(len(starting_today))
    assert await page.locator("#board-stuck").inner_text() == "2"
    stuck = await page.locator("#stuck").inner_text()
    assert f"#{seeded.orders['t_unaccepted'].number}" in stuck and "超时未接单" in stuck
    assert f"#{seeded.orders['t_late'].number}" in stuck and "迟到" in stuck
    assert await page.locator("tr.stuck-row").count() == 2 + 1  # two orders, one complaint
    assert await page.locator("#trend-gmv").inner_text() == format_yuan(sum(gmv))
    assert await page.locator("#trend-orders").inner_text() == str(sum(per_day))
    assert "王阿姨" in await page.locator("#worker-table").inner_text()
    assert await page.locator("#complaint-table tbody tr").count() == 3
    assert (await drawn(page, "trend-chart"))["data"] == [per_day, gmv]
    heat = await drawn(page, "heat-chart")
    assert sum(c["orders"] for c in heat["data"][0]) == sum(per_day)
    shot = artifacts / "dashboard-owner-desktop.png"
    await page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot.resolve()}")  # noqa: T201 - where to look (pytest -s / -rP)
    assert errors == []
    await context.close()

    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
    for role in ("owner", "support"):
        context, page, errors = await look(
            browser, server, app, role, {"width": 390, "height": 844}, **phone
        )
        width = await page.evaluate(OVERFLOW)
        assert width["page"] <= width["viewport"] == 390, width
        assert width["widest"] <= 390, width
        if role == "owner":
            await drawn(page, "trend-chart")
            await drawn(page, "heat-chart")
        else:
            assert await page.locator("canvas").count() == 0
            assert "¥" not in await page.content()
        shot = artifacts / f"dashboard-{role}-phone.png"
        await page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot.resolve()}")  # noqa: T201 - where to look (pytest -s / -rP)
        assert errors == []
        await context.close()


async def test_the_dashboard_speaks_the_language_its_link_asked_for(dash):
    app, client, _ = dash
    chinese = await open_as(app, client, "owner")
    assert "今日看板" in chinese and "Today's orders" not in chinese
    client.session.cookie_jar.clear()
    resp = await client.get(link_path(app, "owner") + "&lang=en")
    assert resp.status == 200 and resp.url.path == "/dashboard"
    english = await resp.text()
    assert '<html lang="en">' in english
    assert "Today&#39;s orders" in english and "Settlement" in english
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", english)
    assert headings and not any(re.search(r"[\u4e00-\u9fff]", h) for h in headings), headings
    again = await (await client.get("/dashboard")).text()  # the session keeps the language
    assert "Settlement" in again and "结算" not in again


async def test_the_english_dashboard_names_its_columns_and_rows_as_labels(dash):
    """A column's or a row's name is a label ("Complaints", "Refunds"), not the word an
    English sentence uses in its middle ("complaint", "refund")."""
    app, client, _ = dash
    resp = await client.get(link_path(app, "owner") + "&lang=en")
    english = await resp.text()
    headers = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", english)
    rows = re.findall(r'<tr id="settle-[^"]*"><td>(.*?)</td>', english)
    assert headers and rows
    for name in headers + rows:
        assert not re.search(r"[\u4e00-\u9fff]", name), name
        assert not name[:1].islower(), (name, headers, rows)


@pytest.mark.parametrize(
    ("role", "lang", "name"),
    [
        ("owner", "zh", "老板 · Telegram"),
        ("finance", "zh", "财务 · 微信"),
        ("support", "en", "support · Telegram"),
    ],
)
async def test_the_header_names_the_role_in_the_page_language_and_no_account_id(
    dash, role, lang, name
):
    """The header says who is looking as a person would (the role and the channel by name),
    never the role's id (``owner``) or the chat account's (``telegram:9001``); the charts'
    labels for screen readers speak the page's language too."""
    app, client, _ = dash
    resp = await client.get(link_path(app, role) + ("&lang=en" if lang == "en" else ""))
    html = await resp.text()
    header = re.search(r'<header class="top">(.*?)</header>', html, re.S)
    assert header, html[:500]
    assert name in header.group(1), header.group(1)
    assert ADMINS[role] not in html and ADMINS[role].partition(":")[2] not in html
    assert lang == "en" or f">{role}<" not in html  # in English the name is the id
    labels = re.findall(r'aria-label="([^"]*)"', html)
    for label in labels:
        chinese = re.search(r"[\u4e00-\u9fff]", label) is not None
        assert chinese == (lang == "zh"), labels


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_worker_nobody_has_rated_shows_no_reviews_yet_not_five_stars(dash, lang):
    """As customers are told 新师傅,暂无评价: the 5.00 a new worker starts from is dispatch's,
    not a rating."""
    app, client, _ = dash
    async with app[DATABASE].uow() as uow:
        await uow.workers.add(
            Worker("周师傅", "13800000000", NOW - timedelta(days=3), status=WorkerStatus.APPROVED)
        )
        await uow.commit()
    resp = await client.get(link_path(app, "ops") + ("&lang=en" if lang == "en" else ""))
    assert resp.status == 200
    html = await resp.text()
    zhou = re.search(r"<tr[^>]*><td>周师傅 .*?</tr>", html, re.S)
    assert zhou, html
    cells = re.findall(r'<td class="num">([^<]*)</td>', zhou[0])
    assert cells[0] == ("暂无评价" if lang == "zh" else "No reviews yet"), cells
    assert "5.00" not in zhou[0]
    zhao = re.search(r"<tr[^>]*><td>赵师傅 .*?</tr>", html, re.S)
    assert zhao and re.findall(r'<td class="num">([^<]*)</td>', zhao[0])[0] == "4.30"
