"""WeChat Pay (API v2) through wechatpy's pay client: JSAPI orders for customers in WeChat,
Native (QR) otherwise; the notify callback is verified here; refunds go back the same way.

wechatpy's client is synchronous (requests): every call runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode
from xml.etree.ElementTree import ParseError, fromstring
from xml.parsers.expat import ExpatError

from wechatpy.exceptions import InvalidSignatureException, WeChatPayException
from wechatpy.pay import WeChatPay

from domain.errors import DomainError
from domain.gateways import Checkout, RefundOutcome
from domain.orders import Order
from domain.payments import Payment
from domain.text import N_

log = logging.getLogger(__name__)


def merchant_client(
    appid: str, api_key: str, mch_id: str, api_base: str, cert: tuple[str, str] | None
) -> WeChatPay:
    """wechatpy's merchant client (it signs and checks every call) at ``api_base`` — a
    configurable base, so tests talk to a fake; ``cert``: the merchant's certificate and key
    files, which refunds and transfers need."""
    client = WeChatPay(
        appid=appid,
        api_key=api_key,
        mch_id=mch_id,
        mch_cert=cert[0] if cert else None,
        mch_key=cert[1] if cert else None,
        timeout=10,
    )
    client.API_BASE_URL = api_base if api_base.endswith("/") else api_base + "/"
    return client


class WeChatPayGateway:
    name = "wechat_pay"

    def __init__(
        self,
        *,
        appid: str,
        mch_id: str,
        api_key: str,
        api_base: str,
        public_url: str,
        page_secret: bytes,
        cert: tuple[str, str] | None = None,
    ) -> None:
        self.client = merchant_client(appid, api_key, mch_id, api_base, cert)
        self.appid, self.mch_id = appid, mch_id
        self.public_url = public_url.rstrip("/")
        self._page_secret = page_secret

    async def start(
        self, payment: Payment, order: Order | None, title: str, payer: str
    ) -> Checkout:
        """Create the WeChat Pay order; the customer pays on our page: JSAPI for a follower of
        the official account (``payer`` ``wechat:OPENID``), else Native, a QR code to scan
        (the web chat)."""
        trade = "JSAPI" if payer.startswith("wechat:") else "NATIVE"
        try:
            result = await asyncio.to_thread(
                self.client.order.create,
                trade_type=trade,
                body=title[:120],
                total_fee=payment.amount_cents,
                notify_url=f"{self.public_url}/pay/wechat/notify",
                client_ip="127.0.0.1",
                user_id=payer.removeprefix("wechat:") if trade == "JSAPI" else None,
                out_trade_no=payment.reference,
                product_id=str(order.number) if order is not None else payment.reference,
            )
        except (WeChatPayException, OSError) as exc:
            log.warning("WeChat Pay order %s failed: %s", payment.reference, exc)
            raise DomainError(N_("微信支付暂时不可用,请稍后再试")) from None
        prepay = str(result.get("prepay_id", ""))
        code_url = str(result.get("code_url", ""))
        query = {"prepay": prepay, "code": code_url}
        query["sig"] = self._page_sig(payment.reference, prepay, code_url)
        return Checkout(
            self.name, url=f"{self.public_url}/pay/wechat/{payment.reference}?{urlencode(query)}"
        )

    def _page_sig(self, reference: str, prepay: str, code: str) -> str:
        message = f"{reference}\n{prepay}\n{code}".encode()
        return hmac.new(self._page_secret, message, hashlib.sha256).hexdigest()[:32]

    def page_params(self, reference: str, query: Mapping[str, str]) -> tuple[str, str] | None:
        """The (prepay id, Native code URL) of a pay page link that ``start`` made, or None
        for a link it did not make (nobody can show a code of their own on our page)."""
        prepay, code = query.get("prepay", ""), query.get("code", "")
        expected = self._page_sig(reference, prepay, code)
        if not hmac.compare_digest(query.get("sig", "").encode(), expected.encode()):
            return None
        return prepay, code

    def jsapi_params(self, prepay_id: str) -> dict[str, Any]:
        return dict(self.client.jsapi.get_jsapi_params(prepay_id))

    def parse_notification(self, body: bytes) -> dict[str, Any]:
        """The notification's fields, signature verified; ValueError when it is not valid:
        not UTF-8, a DTD, not flat ``<xml>`` (``notification_fields``), a bad signature."""
        try:
            text = body.decode()
            notification_fields(text)
            data = self.client.parse_payment_result(text)
        except (
            InvalidSignatureException,
            ExpatError,
            ParseError,
            ValueError,
            KeyError,
            TypeError,
        ) as exc:
            raise ValueError(f"bad notification: {type(exc).__name__}") from None
        if data.get("return_code") != "SUCCESS" or data.get("result_code") != "SUCCESS":
            raise ValueError("not a successful payment")
        if data.get("appid") != self.appid or data.get("mch_id") != self.mch_id:
            raise ValueError("another merchant's notification")
        return dict(data)

    async def query(self, payment: Payment) -> tuple[bool, str]:
        """Ask WeChat Pay whether a request was paid (a lost notification is found this way)."""
        try:
            result = await asyncio.to_thread(
                self.client.order.query, out_trade_no=payment.reference
            )
        except (WeChatPayException, OSError) as exc:
            log.info("WeChat Pay query %s: %s", payment.reference, exc)
            return False, ""
        paid = (
            result.get("trade_state") == "SUCCESS"
            and int(result.get("total_fee", -1)) == payment.amount_cents
        )
        return paid, str(result.get("transaction_id", ""))

    async def verify(self, payment: Payment, provider_ref: str) -> bool:
        """Ask WeChat Pay again (a signed notification is not enough to give money back):
        paid, the amount asked, and the transaction notified when one was."""
        paid, transaction = await self.query(payment)
        return paid and (not provider_ref or transaction == provider_ref)

    async def refund(self, refund: Payment, original: Payment) -> RefundOutcome:
        try:
            result = await asyncio.to_thread(
                self.client.refund.apply,
                total_fee=original.amount_cents,
                refund_fee=refund.amount_cents,
                out_refund_no=refund.reference,
                out_trade_no=original.reference,
            )
        except (WeChatPayException, OSError) as exc:
            log.warning("WeChat Pay refund %s failed: %s", refund.reference, exc)
            return RefundOutcome(False, note=str(exc)[:150])
        return RefundOutcome(True, str(result.get("refund_id", "")))


def notification_fields(text: str) -> dict[str, str]:
    """The fields of a WeChat Pay notification as WeChat Pay sends one: an ``<xml>`` root of
    leaf elements, each once (wechatpy reads any XML and fails on the rest — ``<xml/>``,
    text in the root, a field twice or nested — with errors it does not mean to raise).
    ValueError for a DTD or entity (refused unparsed) and for XML of another shape;
    ``ParseError`` for what is not XML."""
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ValueError("DTDs are not accepted")
    root = fromstring(text)
    if root.tag != "xml" or (root.text or "").strip():
        raise ValueError("not a notification")
    fields: dict[str, str] = {}
    for child in root:
        if len(child) or child.tag in fields:
            raise ValueError("not a flat notification")
        fields[child.tag] = (child.text or "").strip()
    if not fields:
        raise ValueError("an empty notification")
    return fields
