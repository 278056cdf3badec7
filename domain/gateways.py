"""What the service layer needs from the outside world other than persistence: payment
providers, where media is kept and where an address is (``bots`` and ``store`` implement
these Protocols)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.geo import Located
from domain.orders import Order
from domain.payments import Payment


class MediaStore(Protocol):
    """Where photos and documents are kept (a local folder by default)."""

    def save(self, folder: str, data: bytes, ext: str, now: datetime) -> str: ...


class MediaFetcher(Protocol):
    """Downloads a photo a person sent, by the platform's reference."""

    async def __call__(self, channel: str, ref: str) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Checkout:
    """How the customer pays a payment request: a page to open, or a Telegram invoice."""

    provider: str
    url: str = ""
    invoice: tuple[tuple[str, int], ...] = ()
    """Telegram invoice lines (label, fen); empty for page-based providers."""


@dataclass(frozen=True, slots=True)
class RefundOutcome:
    done: bool
    provider_ref: str = ""
    note: str = ""


class PaymentGateway(Protocol):
    """A payment provider: start paying a request, give money back."""

    name: str

    async def start(self, payment: Payment, order: Order, title: str, payer: str) -> Checkout: ...

    async def refund(self, refund: Payment, original: Payment) -> RefundOutcome: ...

    async def query(self, payment: Payment) -> tuple[bool, str]:
        """(paid?, provider reference) — for providers that can be asked; others say no."""
        ...

    async def verify(self, payment: Payment, provider_ref: str) -> bool:
        """Whether the provider really holds this payment (``provider_ref`` as notified),
        before money that landed on a cancelled order is given back: asked again where the
        provider can be asked; a provider that cannot be asked answers from its own
        authenticated message."""
        ...


class Geocoder(Protocol):
    """Finds where a typed address is (a map service, else the offline district table)."""

    name: str

    async def locate(self, text: str, city_hint: str) -> Located | None:
        """The address's point, district and uncertainty, or None when it cannot be placed.
        Never raises: a map service that fails is answered for by the offline table."""
        ...
