"""Which payment providers run, and which one each channel's customers pay with.

Money comes only from real providers (Telegram Payments, WeChat Pay) unless the sandbox runs:
always in ``daojia demo``, under ``daojia serve`` only with ``DAOJIA_SANDBOX_PAYMENTS`` (a test
mode, logged at start and reported by ``/healthz``). A channel no provider serves takes no
payment: its customers are told so at checkout, and no order is placed to be paid.

Workers' withdrawals are paid the same way: WeChat Pay transfers with the merchant settings
(``DAOJIA_WECHAT_PAY_TRANSFER_API_BASE``), else the sandbox where it runs (no money moves),
else by finance by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bots.payments import TelegramGateway
from bots.payout_sandbox import SandboxPayouts
from bots.wechat_pay import WeChatPayGateway
from bots.wechat_transfer import WeChatTransferGateway
from conversations.services.payment_requests import SandboxGateway
from domain.gateways import PaymentGateway, PayoutGateway
from webhooks.channels import Channels
from webhooks.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Payments:
    gateways: tuple[PaymentGateway, ...]
    channels: Mapping[str, str]
    """Channel → the name of the provider its customers pay with."""
    test_mode: bool
    """The sandbox runs under ``serve`` (``DAOJIA_SANDBOX_PAYMENTS``): orders can be paid
    without money."""
    demo: bool
    payouts: PayoutGateway | None = None
    """Who pays workers' withdrawals: WeChat Pay transfers with the merchant settings, else
    the sandbox where it runs, else nobody (finance pays by hand)."""

    def describe(self) -> str:
        """For ``/healthz``: the providers that run, the sandbox marked as what it is."""
        mark = " (demo)" if self.demo else " (test mode)"
        names = [g.name + (mark if g.name == "sandbox" else "") for g in self.gateways]
        return ", ".join(names) or "none"


def _cert(settings: Settings) -> tuple[str, str] | None:
    if settings.wechat_pay_cert and settings.wechat_pay_cert_key:
        return str(settings.wechat_pay_cert), str(settings.wechat_pay_cert_key)
    return None


def wechat_transfers(settings: Settings) -> WeChatTransferGateway:
    """Worker payouts through WeChat Pay's transfer API (``settings.wechat_pay_enabled``)."""
    assert settings.wechat_appid and settings.wechat_pay_mch_id and settings.wechat_pay_key
    if _cert(settings) is None:
        log.warning(
            "WeChat Pay without DAOJIA_WECHAT_PAY_CERT / _CERT_KEY: WeChat Pay refuses "
            "transfers without the merchant certificate, so workers' withdrawals stay unpaid"
        )
    return WeChatTransferGateway(
        appid=settings.wechat_appid,
        mch_id=settings.wechat_pay_mch_id,
        api_key=settings.wechat_pay_key.get_secret_value(),
        api_base=settings.wechat_pay_transfer_api_base,
        cert=_cert(settings),
    )


def wechat_pay(settings: Settings, page_secret: bytes) -> WeChatPayGateway:
    """The WeChat Pay gateway of the merchant settings (``settings.wechat_pay_enabled``);
    ``page_secret`` signs its pay page links."""
    assert settings.wechat_appid and settings.wechat_pay_mch_id and settings.wechat_pay_key
    cert = _cert(settings)
    return WeChatPayGateway(
        appid=settings.wechat_appid,
        mch_id=settings.wechat_pay_mch_id,
        api_key=settings.wechat_pay_key.get_secret_value(),
        api_base=settings.wechat_pay_api_base,
        public_url=settings.public_url,
        page_secret=page_secret,
        cert=cert,
    )


def payments(
    settings: Settings,
    *,
    channels: Channels,
    wechat: WeChatPayGateway | None,
    sandbox: bool,
    demo: bool,
) -> Payments:
    """The providers and each channel's: the provider its capabilities name when that
    provider runs (Telegram Payments in Telegram; WeChat Pay in WeChat, and as a Native QR
    code in the web chat), else the sandbox where it runs; a channel left out has none."""
    gateways: list[PaymentGateway] = []
    if settings.telegram_payment_token is not None:
        gateways.append(TelegramGateway())
    if wechat is not None:
        gateways.append(wechat)
    if sandbox:
        gateways.append(SandboxGateway(settings.public_url))
        if not demo:
            log.warning(
                "DAOJIA_SANDBOX_PAYMENTS is on: TEST MODE. The sandbox marks orders paid "
                "without any money; never run it for real customers"
            )
    running = {g.name for g in gateways}
    by_channel: dict[str, str] = {}
    for channel, provider in channels.payment_providers().items():
        if provider is not None and provider in running:
            by_channel[channel] = provider
        elif sandbox:
            by_channel[channel] = "sandbox"
    payouts: PayoutGateway | None = None
    if wechat is not None:
        payouts = wechat_transfers(settings)
    elif sandbox:
        payouts = SandboxPayouts()
    return Payments(
        tuple(gateways), by_channel, test_mode=sandbox and not demo, demo=demo, payouts=payouts
    )
