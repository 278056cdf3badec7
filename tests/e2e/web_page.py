"""Driving the web chat page in headless Chromium (Debian's, via Playwright): the browser
fixture's arguments and the steps a person takes in the phone on the page."""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

from tests import random_refs
from tests.conftest import unavailable

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PANE = ".log:not([hidden])"
"""The pane of the open tab."""
LIVE = f"{PANE} .options:not(.spent) button"
"""The buttons of the open pane's questions that may still be answered."""


async def launch(pw: Any) -> Any:
    chromium = shutil.which("chromium")
    if chromium is None:
        unavailable("Debian's chromium", "not installed")
    return await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)


async def click(page, label: str) -> None:
    """Tap the open pane's live button whose label (after its number, if it has one) starts
    with ``label``."""
    pattern = re.compile(r"^(\d+\. )?" + re.escape(label))
    button = page.locator(LIVE, has_text=pattern).last
    try:
        await button.click(timeout=5000)
    except Exception:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # one file per worker
        artifacts = os.environ.get("DAOJIA_TEST_ARTIFACTS", "test-artifacts")
        name = f"web-chat-failure{'-' + worker if worker else ''}.png"
        await page.screenshot(path=os.path.join(artifacts, name))
        raise


async def say(page, text: str) -> None:
    await page.fill("#input", text)
    await page.press("#input", "Enter")


async def wait_for(page, text: str) -> None:
    """Until ``text`` shows in the open pane."""
    await page.locator(PANE).get_by_text(text).last.wait_for(timeout=5000)


async def last_bot_text(page) -> str:
    return await page.locator(f"{PANE} .msg.bot").last.inner_text()


NEWEST_IN_VIEW = """() => {
  const log = document.querySelector(".log:not([hidden])");
  const newest = log.lastElementChild;
  const buttons = newest.querySelectorAll(".options:not(.spent) button");
  const target = buttons.length ? buttons[buttons.length - 1] : newest;
  const pane = log.getBoundingClientRect(), box = target.getBoundingClientRect();
  return box.top >= pane.top - 1 && box.bottom <= pane.bottom + 1
    && box.bottom <= window.innerHeight;
}"""


async def newest_in_view(page) -> bool:
    """The open pane's newest message — its last live button when it has buttons — lies
    within the pane's visible part and the window."""
    return bool(await page.evaluate(NEWEST_IN_VIEW))


async def overflows(page) -> bool:
    """The open pane holds more than it shows (so scrolling matters)."""
    return bool(
        await page.evaluate(
            '() => { const l = document.querySelector(".log:not([hidden])");'
            " return l.scrollHeight > l.clientHeight + 10; }"
        )
    )


async def book_and_pay(page) -> None:
    """A new customer signs up and books three hours of regular cleaning tomorrow at 15:00 at
    the location dialog's default place (People's Square), then pays in the sandbox."""
    await wait_for(page, "新人券")
    await click(page, "预约服务")
    await click(page, "保洁")
    await click(page, "日常保洁")
    await click(page, "3小时")
    await click(page, "其他时间")
    await click(page, "明天")
    await click(page, "15:00")
    await wait_for(page, "服务地址?")
    await page.click("#share-location")
    await page.click("#location-send")
    await wait_for(page, "请补充楼栋门牌号")
    await say(page, "8楼801")
    await wait_for(page, "费用明细")
    await click(page, "确认下单")
    await wait_for(page, "留下手机号即确认下单")
    await say(page, random_refs.phone())
    await wait_for(page, "已提交")
    await click(page, "确认支付")
    await wait_for(page, "支付成功")
