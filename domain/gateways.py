"""What the service layer needs from the outside world other than persistence: payment
providers, payout providers, where media is kept, the electronic invoice provider, the
mail server and where an address is (``bots`` and ``store`` implement these Protocols)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.geo import Located
from domain.insurance import Policy
from domain.invoices import InvoiceRequest
from domain.orders import Order
from domain.payments import Payment
from domain.payouts import PayoutAccount, TransferOutcome
from domain.withdrawals import Withdrawal


class MediaStore(Protocol):
    """Where photos and documents are kept (a local folder by default)."""

    def save(self, folder: str, data: bytes, ext: str, now: datetime) -> str: ...
    def discard(self, rel: str) -> bool:
        """Delete the file ``save`` returned ``rel`` for (False: none there)."""
        ...

    def saved_at(self, rel: str) -> datetime | None:
        """When ``save`` wrote ``rel`` (its ``now``), or None when no such file is kept."""
        ...

    def saved_before(self, folder: str, before: datetime, since: datetime) -> list[str]:
        """The files ``save`` wrote into ``folder`` or one of its subfolders (``workers``,
        ``orders/N``) before ``before``, in the months from ``since``'s on, and those directly
        in ``folder`` (the web chat's ``uploads``)."""
        ...


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

    async def start(
        self, payment: Payment, order: Order | None, title: str, payer: str
    ) -> Checkout:
        """Start paying ``payment``: of ``order``, or (None) of a prepaid card."""
        ...

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


@dataclass(frozen=True, slots=True)
class IssueOutcome:
    """What an invoicing provider answered: issued (its number and the PDF's address), or
    not (``note`` says why; the request is tried again later)."""

    done: bool
    pdf_url: str = ""
    number: str = ""
    note: str = ""


class InvoiceProvider(Protocol):
    """An electronic invoice (发票) provider. ``issue`` may be called again for a request it
    already issued (a process stopped before recording it): the request's id is the
    idempotency key, and the provider answers with the invoice it made the first time."""

    name: str

    async def issue(self, invoice: InvoiceRequest) -> IssueOutcome: ...


@dataclass(frozen=True, slots=True)
class PolicyOutcome:
    """What an insurer answered: done (the policy's number when issuing), or not (``note``
    says why; it is asked again later)."""

    done: bool
    policy_no: str = ""
    note: str = ""


class InsurerGateway(Protocol):
    """An insurer issuing an accident / liability policy per paid order. Idempotent by our
    policy id: asked again for a policy it already issued (a process stopped before recording
    it), it answers with the policy it made the first time; voiding twice voids once."""

    name: str

    async def issue(self, policy: Policy) -> PolicyOutcome: ...

    async def void(self, policy: Policy) -> PolicyOutcome: ...


class SmsGateway(Protocol):
    """An SMS provider: sends one text to a phone, idempotent by ``key`` (sent again with a
    key it has seen — an answer lost on the way — it sends nothing more); raises
    ``DeliveryFailed`` when it did not take it (``permanent`` when trying again cannot help,
    e.g. the number was refused)."""

    name: str

    async def send(self, phone: str, text: str, key: str) -> None: ...


class Mailer(Protocol):
    """Sends one plain-text email; raises ``DeliveryFailed`` when the server did not take it
    (``permanent`` when trying again cannot help, e.g. the address was refused)."""

    async def send(self, to: str, subject: str, body: str) -> None: ...


class PayoutGateway(Protocol):
    """A payout provider: transfers a withdrawal to the worker's account, idempotent by the
    withdrawal's id (a transfer sent twice for one withdrawal is paid once); ``query`` asks
    how a transfer ended when its answer was lost, before it is ever sent again."""

    name: str

    async def transfer(
        self, withdrawal: Withdrawal, account: PayoutAccount
    ) -> TransferOutcome: ...

    async def query(self, withdrawal: Withdrawal) -> TransferOutcome: ...


class Geocoder(Protocol):
    """Finds where a typed address is (a map service, else the offline district table)."""

    name: str

    async def locate(self, text: str, city_hint: str) -> Located | None:
        """The address's point, district and uncertainty, or None when it cannot be placed.
        Never raises: a map service that fails is answered for by the offline table."""
        ...
