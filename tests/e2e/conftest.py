"""Fixtures for end-to-end tests: the fake platform servers on loopback."""

import pytest

from tests.e2e.databases import own_db_url, own_postgres_url  # noqa: F401 (fixtures)
from tests.e2e.helpers import Clock
from tests.fakes.telegram import FakeTelegram
from tests.fakes.wechat import FakeWeChat


@pytest.fixture
def clock():
    """The app's clock, moved by the test: Monday 23 Nov 2026, 09:00 in Shanghai."""
    return Clock()


@pytest.fixture
async def fake_telegram():
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_wechat_pay():
    from tests.fakes.wechat import FakeWeChatPay

    fake = FakeWeChatPay()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_wechat_transfers():
    from tests.fakes.wechat_transfers import FakeWeChatTransfers

    fake = FakeWeChatTransfers()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_wechat():
    fake = FakeWeChat()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def browser():
    """Debian's headless Chromium through Playwright (skipped where it is not installed)."""
    from playwright.async_api import async_playwright

    from tests.e2e.web_page import launch

    async with async_playwright() as pw:
        browser = await launch(pw)
        yield browser
        await browser.close()
