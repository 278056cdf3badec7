"""What the service desks share, built once by the bus (``conversations.services.bus``): the
unit of work, catalog, rules and clock, the postman, the payment providers, links — and the few
operations one desk needs of another (dispatch a paid order, carry out refunds, give back a late
payment, run a command), which the bus wires to the desk that owns them. A desk takes a
``Deps``, never the bus, so no desk imports another or the bus."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from conversations.events import Result
from conversations.results.booking import PaymentDue
from conversations.services import payment_requests
from conversations.services.notice_templates import NoticeTemplates
from conversations.services.notices import Notice
from conversations.services.postman import Postman, Sender
from conversations.services.staff import AdminDirectory, LivePrices
from conversations.services.worker_index import WorkerIndex
from domain import commands as c
from domain import gazetteer
from domain.catalog import Catalog
from domain.errors import DomainError
from domain.gateways import (
    Geocoder,
    InsurerGateway,
    InvoiceProvider,
    MediaFetcher,
    MediaStore,
    PaymentGateway,
    PayoutGateway,
)
from domain.geo import Located
from domain.media import BadPhoto, image_kind
from domain.orders import Order
from domain.outbox import OutboxMessage
from domain.payments import Payment
from domain.people import GeoPoint
from domain.ports import UnitOfWork
from domain.referrals import InviteLink
from domain.rules import Rules
from domain.text import N_
from domain.turns import AfterCommit

log = logging.getLogger(__name__)


class Deps:
    """The shared resources of the service desks (see the module docstring)."""

    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        reads: Callable[[], UnitOfWork] | None = None,
        catalog: Catalog,
        rules: Rules,
        clock: Callable[[], datetime],
        public_url: str,
        sender: Sender,
        templates: NoticeTemplates | None = None,
        admins: Sequence[tuple[str, str, str]] | AdminDirectory = (),
        media: MediaStore | None = None,
        fetch_media: MediaFetcher | None = None,
        media_url: Callable[[str], str] | None = None,
        gateways: Sequence[PaymentGateway] = (),
        channel_gateways: Mapping[str, str] | None = None,
        payouts: PayoutGateway | None = None,
        ledger_url: Callable[[date, date], str] | None = None,
        dashboard_url: Callable[[str, str], str] | None = None,
        after_commit: AfterCommit | None = None,
        channels: Sequence[str] = (),
        invite_link: Callable[[str, str], Awaitable[InviteLink | None]] | None = None,
        invoicing: InvoiceProvider | None = None,
        mail: bool = False,
        sms: bool = False,
        insurer: InsurerGateway | None = None,
        geocoder: Geocoder | None = None,
        city: str = gazetteer.DEFAULT_CITY,
    ) -> None:
        self.uow = uow
        self.reads = reads or uow
        """A unit of work that only reads (never committed; inside a chat turn it leaves the
        turn's transaction open for its writes)."""
        self.after_commit: AfterCommit = after_commit or (lambda action: False)
        """Queues work for after the current chat turn's commit (``TurnJournal``)."""
        self.catalog = catalog
        self.rules = rules
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.admins = (
            admins
            if isinstance(admins, AdminDirectory)
            else AdminDirectory(bootstrap=admins, uow=self.reads, clock=clock)
        )
        """DAOJIA_ADMINS and the admins added in chat (``/admin``), as every process sees them."""
        self.prices = LivePrices(catalog=catalog, uow=self.reads, clock=clock)
        """The catalog with admins' price changes, for showing prices (``/price``)."""
        self.worker_index = WorkerIndex(reads=self.reads, rules=rules, clock=clock)
        """This process's index of a large pool of workers, for dispatch (built when seen)."""
        self.postman = Postman(
            uow=uow,
            templates=templates or NoticeTemplates(ZoneInfo(rules.timezone), clock),
            sender=sender,
            admins=self.admins,
            clock=clock,
            rules=rules.notifications,
        )
        self.media = media
        self.fetch_media = fetch_media
        self.media_url = media_url or (lambda path: f"{self.public_url}/media/{path}")
        self.tz = ZoneInfo(rules.timezone)
        self.gateways: dict[str, PaymentGateway] = {g.name: g for g in gateways}
        """The payment providers that run (the sandbox only in the demo or a test mode)."""
        self.channel_gateways = dict(channel_gateways or {})
        """Which provider each channel's customers pay with; a channel missing has none."""
        self.payouts = payouts
        """The payout provider (WeChat Pay transfers; the sandbox in the demo), or None:
        finance pays withdrawals by hand and approving one marks it paid."""
        self.ledger_url = ledger_url or (lambda a, b: f"{self.public_url}/finance/ledger.csv")
        self.dashboard_url = dashboard_url
        self.channels = tuple(channels)
        """The registered channels' names (an admin's account names one of them)."""
        self.invite_link = invite_link
        """(channel, scene) → that channel's invitation (a deep link, a QR code), or None."""
        self.invoicing = invoicing
        """The electronic invoice provider (the sandbox where it runs), or None: requests
        wait until one is configured."""
        self.mail = mail
        """Whether email goes out (``DAOJIA_SMTP_URL``): else invoices come in chat only."""
        self.sms = sms
        """Whether SMS goes out (``DAOJIA_SMS_API_BASE``, the sandbox under demo): else an
        SOS's emergency contact is not texted (ops are told so)."""
        self.insurer = insurer
        """The insurer issuing a policy per paid order (the sandbox where it runs), or None:
        requested policies wait until one is configured."""
        self.geocoder = geocoder
        """Where a typed address is (a map service with the offline table behind it); None:
        the offline table alone."""
        self.city = city
        """The city the service runs in, assumed when an address names none."""
        self.wire()

    def wire(self) -> None:
        """Build what lies on these resources (the bus: its desks and handlers)."""

    async def post(self, uow: UnitOfWork, notices: Sequence[Notice]) -> list[OutboxMessage]:
        """Write notices to the outbox inside ``uow`` (sent only if it commits)."""
        return await self.postman.post(uow, notices) if notices else []

    async def flush(self, posted: Sequence[OutboxMessage]) -> None:
        """Deliver what ``post`` wrote once it is committed — at once, or inside a chat turn
        when the turn's transaction has committed; failures are retried by the outbox
        sweep."""
        if not posted:
            return
        if not self.after_commit(lambda: self.postman.flush(posted)):
            await self.postman.flush(posted)

    async def locate(self, b: c.Booking) -> Located | None:
        """Where the booking's new address is, found before the order's transaction opens:
        the map pin as sent (its district from the text or the pin), else the geocoder's
        answer for the text (one map request at most, remembered), else None."""
        if b.address_id is not None or not b.address_text:
            return None
        if b.location:
            return gazetteer.at_pin(GeoPoint(*b.location), b.address_text, self.city)
        if self.geocoder is not None:
            try:
                return await self.geocoder.locate(b.address_text, self.city)
            except Exception as exc:  # the adapters answer offline on failure; in case not
                log.warning("geocoding failed: %s", type(exc).__name__)
        return gazetteer.locate(b.address_text, self.city)

    def gateway_for(self, channel: str) -> PaymentGateway | None:
        """The provider a channel's customers pay with (Telegram Payments in Telegram, WeChat
        Pay in WeChat and the web chat, the sandbox where it runs), or None: nobody takes
        money there, so no order is placed to be paid."""
        return self.gateways.get(self.channel_gateways.get(channel, ""))

    async def fetch_photo(self, channel: str, ref: str) -> tuple[bytes, str, str]:
        """A photo a person sent: (bytes, content type, extension), checked for kind and
        size; a platform that cannot give it is a ``DomainError`` to show."""
        try:
            assert self.fetch_media is not None, "no media fetcher configured"
            data = await self.fetch_media(channel, ref)
        except DomainError:
            raise
        except Exception as exc:  # the platform could not give us the file
            log.warning("media %s on %s: %s", ref, channel, exc)
            raise BadPhoto(N_("图片下载失败,请重新发送")) from None
        content_type, ext = image_kind(data, self.rules.execution.max_photo_bytes)
        return data, content_type, ext

    # -- what one desk asks of another (wired by the bus) -----------------------------------

    async def run(self, command: c.Command) -> list[Result]:
        """Run another command, as the bus does."""
        raise NotImplementedError

    async def checkout(
        self, order: Order, payment: Payment, gateway: PaymentGateway
    ) -> PaymentDue:
        """How the customer pays ``payment`` of ``order`` with ``gateway`` (its checkout)."""
        raise NotImplementedError

    async def dispatch_paid(self, number: int, tell_customer: bool = False) -> bool:
        """Find a worker for a paid order; True when nobody could be offered it."""
        raise NotImplementedError

    async def confirm_card(self, cmd: c.ConfirmPayment, payment: Payment) -> list[Result]:
        """Credit a prepaid card's payment (``CardDesk``)."""
        raise NotImplementedError

    async def execute_refunds(self, cmd: c.ExecuteRefunds) -> list[Result]:
        """Ask the providers for the refunds planned (after the turn commits, inside one)."""
        raise NotImplementedError

    async def return_late(
        self, cmd: c.ConfirmPayment, late: payment_requests.Uncreditable
    ) -> list[Result]:
        """Give back money that came for an order no longer payable."""
        raise NotImplementedError
