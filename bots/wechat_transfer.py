"""Worker payouts through WeChat Pay (API v2, the merchant of ``bots.wechat_pay``): 企业付款到零钱
(``mmpaymkttransfers/promotion/transfers``, asked about with ``gettransferinfo``) for a WeChat
wallet, 企业付款到银行卡 (``mmpaysptrans/pay_bank``, ``query_bank``) for a bank card — the
classic API, signed by wechatpy's pay client as payments are (v2 MD5 with the merchant key; the
merchant certificate when configured). The v3 batch transfer (商家转账到零钱) needs the v3
key and platform certificates this merchant set-up does not have, and pays no bank card.

``partner_trade_no`` is the withdrawal's id: WeChat Pay pays a number once, so a transfer
sent again is never paid twice. An answer that is lost (a timeout, a 5xx, ``SYSTEMERROR``)
is ``unknown``: the payout sweep asks (``query``) before it ever sends again.

wechatpy's client is synchronous (requests): every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

from wechatpy.exceptions import WeChatPayException

from bots.wechat_pay import merchant_client
from domain.payouts import FailReason, PayoutAccount, PayoutKind, TransferOutcome, TransferStatus
from domain.withdrawals import Withdrawal

log = logging.getLogger(__name__)

PREFIX = "dj"
"""``partner_trade_no`` = this and the withdrawal's id, zero-padded (WeChat wants 8–32)."""
REFUSED: dict[str, FailReason] = {
    "NAME_MISMATCH": FailReason.NAME,
    "OPENID_ERROR": FailReason.ACCOUNT,
    "V2_ACCOUNT_SIMPLE_BAN": FailReason.ACCOUNT,
    "RECV_ACCOUNT_NOT_ALLOWED": FailReason.ACCOUNT,
    "PAYEE_ACCOUNT_ABNORMAL": FailReason.ACCOUNT,
    "INVALID_REQUEST": FailReason.ACCOUNT,
    "AMOUNT_LIMIT": FailReason.LIMIT,
    "MONEY_LIMIT": FailReason.LIMIT,
    "SENDNUM_LIMIT": FailReason.LIMIT,
}
"""Error codes that refuse a transfer for good (the money goes back to the worker); any other
error is an answer to ask about again (``SYSTEMERROR``, ``NOTENOUGH``, ``FREQ_LIMIT``…)."""
FRAUD_BASE = "https://fraud.mch.weixin.qq.com/"
"""Where WeChat Pay gives the RSA key bank-card numbers are encrypted with."""


def trade_no(withdrawal: Withdrawal) -> str:
    return f"{PREFIX}{withdrawal.id:010d}"


class WeChatTransferGateway:
    name = "wechat_pay"

    def __init__(
        self,
        *,
        appid: str,
        mch_id: str,
        api_key: str,
        api_base: str,
        cert: tuple[str, str] | None = None,
        title: str = "到家服务收入提现",
    ) -> None:
        self.client = merchant_client(appid, api_key, mch_id, api_base, cert)
        own = self.client.API_BASE_URL.startswith("https://api.mch.weixin.qq.com")
        self._fraud_base = FRAUD_BASE if own else self.client.API_BASE_URL
        self.title = title

    async def transfer(self, withdrawal: Withdrawal, account: PayoutAccount) -> TransferOutcome:
        if account.kind == PayoutKind.WECHAT:
            call: Callable[[], Any] = lambda: self.client.transfer.transfer(  # noqa: E731
                user_id=account.number,
                amount=withdrawal.amount_cents,
                desc=self.title,
                client_ip="127.0.0.1",
                check_name="FORCE_CHECK" if account.holder else "NO_CHECK",
                real_name=account.holder or None,
                out_trade_no=trade_no(withdrawal),
            )
        else:
            call = lambda: self._pay_bank(withdrawal, account)  # noqa: E731
        return await self._ask(withdrawal, call, sent=True)

    def _pay_bank(self, withdrawal: Withdrawal, account: PayoutAccount) -> Any:
        api = self.client.transfer
        if not getattr(api, "_rsa_public_key", None):
            answer = self.client.post(
                f"{self._fraud_base}risk/getpublickey", data={"sign_type": "MD5"}
            )
            api._rsa_public_key = answer["pub_key"]
        return api.transfer_bankcard(
            true_name=account.holder,
            bank_card_no=account.number,
            bank_code=account.bank_code,
            amount=withdrawal.amount_cents,
            desc=self.title,
            out_trade_no=trade_no(withdrawal),
        )

    async def query(self, withdrawal: Withdrawal) -> TransferOutcome:
        number = trade_no(withdrawal)
        if withdrawal.payout_kind == PayoutKind.WECHAT:
            call: Callable[[], Any] = lambda: self.client.transfer.query(number)  # noqa: E731
        else:
            call = lambda: self.client.transfer.query_bankcard(number)  # noqa: E731
        return await self._ask(withdrawal, call, sent=False)

    async def _ask(
        self, withdrawal: Withdrawal, call: Callable[[], Any], *, sent: bool
    ) -> TransferOutcome:
        try:
            answer = await asyncio.to_thread(call)
        except WeChatPayException as exc:
            return _refusal(exc, sent)
        except (OSError, KeyError, TypeError, ValueError) as exc:  # timeouts, a garbled answer
            log.warning("WeChat Pay transfer %s: %s", withdrawal.id, type(exc).__name__)
            return TransferOutcome(TransferStatus.UNKNOWN, detail=type(exc).__name__)
        if not isinstance(answer, Mapping):
            return TransferOutcome(TransferStatus.UNKNOWN, detail="not XML")
        return _answer(answer, withdrawal.payout_kind, sent)


def _refusal(exc: WeChatPayException, sent: bool) -> TransferOutcome:
    code = str(exc.errcode or "")
    detail = f"{code} {exc.errmsg or exc.return_msg or ''}".strip()[:150]
    if code == "NOT_FOUND" and not sent:
        return TransferOutcome(TransferStatus.ABSENT, detail=detail)
    if code in REFUSED and exc.return_code == "SUCCESS":
        return TransferOutcome(TransferStatus.FAILED, reason=REFUSED[code], detail=detail)
    log.warning("WeChat Pay transfer: no clear answer: %s", detail or exc.return_code)
    return TransferOutcome(TransferStatus.UNKNOWN, detail=detail)


def _answer(answer: Mapping[str, Any], kind: str, sent: bool) -> TransferOutcome:
    """A successful call's answer: a wallet transfer is paid when it is made; a bank
    transfer is accepted, then ``PROCESSING`` until the bank says ``SUCCESS`` or
    ``FAILED``/``BANK_FAIL``."""
    ref = str(answer.get("payment_no") or answer.get("detail_id") or "")
    if sent:
        paid = kind == PayoutKind.WECHAT or answer.get("status") == "SUCCESS"
        return TransferOutcome(TransferStatus.PAID if paid else TransferStatus.UNKNOWN, ref)
    status = str(answer.get("status", ""))
    reason = str(answer.get("reason", ""))[:150]
    if status == "SUCCESS":
        return TransferOutcome(TransferStatus.PAID, ref)
    if status in ("FAILED", "BANK_FAIL"):
        named = any(word in reason for word in ("姓名", "户名", "NAME"))
        why = FailReason.NAME if named else FailReason.ACCOUNT
        return TransferOutcome(TransferStatus.FAILED, ref, why, reason)
    return TransferOutcome(TransferStatus.UNKNOWN, ref, detail=status)
