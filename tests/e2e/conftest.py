"""Fixtures for end-to-end tests: the fake platform servers on loopback."""

import pytest

from tests.fakes.telegram import FakeTelegram
from tests.fakes.wechat import FakeWeChat


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
async def fake_wechat():
    fake = FakeWeChat()
    await fake.start()
    yield fake
    await fake.stop()
