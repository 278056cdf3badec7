"""How the WeChat Pay transfer adapter reads an answer: paid, refused for good (the money goes
back), or not known (asked about later) — never a resend on an unclear answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from wechatpy.exceptions import WeChatPayException

from bots.wechat_transfer import _answer, _refusal, trade_no
from domain.payouts import FailReason, PayoutKind, TransferStatus
from domain.withdrawals import Withdrawal

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def error(code: str | None, return_code: str | None = "SUCCESS") -> WeChatPayException:
    return WeChatPayException(return_code, "FAIL", "", code, "")


def test_partner_trade_no_is_the_withdrawal_id():
    assert trade_no(Withdrawal(1, 100, NOW, id=42)) == "dj0000000042"


@pytest.mark.parametrize(
    "code, status, reason",
    [
        ("NAME_MISMATCH", TransferStatus.FAILED, FailReason.NAME),
        ("OPENID_ERROR", TransferStatus.FAILED, FailReason.ACCOUNT),
        ("V2_ACCOUNT_SIMPLE_BAN", TransferStatus.FAILED, FailReason.ACCOUNT),
        ("MONEY_LIMIT", TransferStatus.FAILED, FailReason.LIMIT),
        ("SYSTEMERROR", TransferStatus.UNKNOWN, None),
        ("NOTENOUGH", TransferStatus.UNKNOWN, None),  # the merchant's balance: retried
        ("FREQ_LIMIT", TransferStatus.UNKNOWN, None),
        ("SEND_FAILED", TransferStatus.UNKNOWN, None),
        (None, TransferStatus.UNKNOWN, None),  # a 5xx
    ],
)
def test_a_sent_transfer_refused(code, status, reason):
    outcome = _refusal(error(code, "SUCCESS" if code else None), sent=True)
    assert (outcome.status, outcome.reason) == (status, reason)


def test_a_query_without_a_record_may_be_sent_again_but_a_transfer_never_is():
    assert _refusal(error("NOT_FOUND"), sent=False).status == TransferStatus.ABSENT
    assert _refusal(error("NOT_FOUND"), sent=True).status == TransferStatus.UNKNOWN


def test_successful_answers():
    wallet = _answer({"payment_no": "1000x"}, PayoutKind.WECHAT, sent=True)
    assert (wallet.status, wallet.provider_ref) == (TransferStatus.PAID, "1000x")
    bank = _answer({"payment_no": "2000x"}, PayoutKind.BANK, sent=True)
    assert bank.status == TransferStatus.UNKNOWN  # accepted; the bank has not paid yet
    for status, expected in [
        ("SUCCESS", TransferStatus.PAID),
        ("PROCESSING", TransferStatus.UNKNOWN),
        ("FAILED", TransferStatus.FAILED),
        ("BANK_FAIL", TransferStatus.FAILED),
    ]:
        assert _answer({"status": status}, PayoutKind.BANK, sent=False).status == expected
    named = _answer({"status": "BANK_FAIL", "reason": "户名不符"}, PayoutKind.BANK, sent=False)
    closed = _answer({"status": "FAILED", "reason": "账户已销户"}, PayoutKind.BANK, sent=False)
    assert (named.reason, closed.reason) == (FailReason.NAME, FailReason.ACCOUNT)
