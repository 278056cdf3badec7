"""The SMS adapters (``bots.sms``) against the fake provider on loopback: a signed request,
idempotent by its key; refusals are permanent, outages retried; the demo's sandbox never
logs the number. And the outbox's recipient names the SOS, never the number."""

from __future__ import annotations

import json
import logging

import pytest

from bots.sms import HttpSms, SandboxSms, signature
from domain.emergency import Holder, read_recipient, sms_key, sms_recipient
from domain.errors import DeliveryFailed
from tests.fakes.sms import KEY, FakeSms


@pytest.fixture
async def sms():
    fake = FakeSms()
    await fake.start()
    yield fake
    await fake.stop()


async def test_a_signed_request_sends_once_per_key(sms):
    client = HttpSms(sms.root, KEY, now=lambda: 1_765_000_000)
    await client.send("13812345678", "有紧急情况", "daojia-sos-1-customer-2")
    await client.send("13812345678", "有紧急情况", "daojia-sos-1-customer-2")
    assert sms.sent == {"daojia-sos-1-customer-2": {"to": "13812345678", "text": "有紧急情况"}}
    headers, body = sms.requests[0]["headers"], sms.requests[0]["body"]
    assert headers["X-Daojia-Timestamp"] == "1765000000"
    assert headers["X-Daojia-Signature"] == signature(KEY, "1765000000", body)
    assert json.loads(body)["key"] == headers["Idempotency-Key"] == "daojia-sos-1-customer-2"


async def test_a_wrong_key_or_an_outage_is_retried_and_nothing_is_sent(sms):
    with pytest.raises(DeliveryFailed) as refused:
        await HttpSms(sms.root, "not-the-key").send("13812345678", "x", "k1")
    assert not refused.value.permanent and not sms.sent
    sms.fail = 1
    with pytest.raises(DeliveryFailed) as down:
        await HttpSms(sms.root, KEY).send("13812345678", "x", "k2")
    assert not down.value.permanent and not sms.sent


async def test_a_refused_number_is_not_retried_and_its_error_names_it_masked(sms):
    sms.invalid = {"13812345678"}
    with pytest.raises(DeliveryFailed) as refused:
        await HttpSms(sms.root, KEY).send("13812345678", "x", "k3")
    assert refused.value.permanent and not sms.sent
    assert refused.value.reason == "sms provider 422: invalid number 138****5678"


async def test_nobody_listening_is_an_outage():
    with pytest.raises(DeliveryFailed) as down:
        await HttpSms("http://127.0.0.1:9", KEY, timeout_s=2).send("13812345678", "x", "k")
    assert not down.value.permanent


async def test_the_sandbox_logs_without_the_number(caplog):
    sandbox = SandboxSms()
    with caplog.at_level(logging.INFO, logger="bots.sms"):
        await sandbox.send("13812345678", "有紧急情况", "daojia-sos-3-worker-4")
        await sandbox.send("13812345678", "有紧急情况", "daojia-sos-3-worker-4")
    assert sandbox.sent == ["daojia-sos-3-worker-4"]
    assert "13812345678" not in caplog.text and "daojia-sos-3-worker-4" in caplog.text


def test_the_outbox_names_the_sos_and_the_person_never_the_number():
    to = sms_recipient(12, Holder.WORKER, 34, "a1b2c3")
    assert to == "sos:12:worker:34:a1b2c3"
    assert read_recipient(to) == (12, Holder.WORKER, 34, "a1b2c3")
    assert sms_key(12, Holder.WORKER, 34, "a1b2c3") == "daojia-sos-12-worker-34-a1b2c3"
    # a row queued before the token: read as it was, its key as it was
    assert read_recipient("sos:12:worker:34") == (12, Holder.WORKER, 34, "")
    assert sms_key(12, Holder.WORKER, 34) == "daojia-sos-12-worker-34"
    assert read_recipient("sos:12:boss:34") is None and read_recipient("13812345678") is None
