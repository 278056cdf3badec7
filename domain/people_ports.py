"""The store's side of customers, workers, their chat accounts and addresses
(``domain.people``), as services see it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.cards import Card
from domain.coupons import Coupon
from domain.lifecycle import OrderStatus
from domain.oversight import OrderBrief
from domain.people import Address, Channel, Customer, Identity, Worker, WorkerStatus
from domain.preferred import Served
from domain.risk import LinkWindow
from domain.rule_keys import MemberLevel


@dataclass(frozen=True, slots=True)
class CheckoutFacts:
    """What a quote and a new order read of the customer (``Customers.for_checkout``)."""

    customer: Customer
    orders_counted: int
    """Their orders in the statuses asked for (the paid ones: a first order has none)."""
    spend: int
    """Paid minus refunded since the date asked for (the membership window)."""
    others_with_phone: int
    """Other customers with the phone number (another account of the same person)."""
    cancelled: int
    """Orders they cancelled themselves since the date asked for (the risk rule's count)."""
    price_changes: int
    """How many price changes the admins made so far (``Prices.current``'s version)."""
    coupons: tuple[Coupon, ...]
    """The coupons they hold, used or not, as ``Coupons.for_customer`` orders them."""
    cards: tuple[Card, ...]
    """Their prepaid cards, as ``Cards.for_customer`` orders them."""
    addresses: tuple[Address, ...] = ()
    """Their saved addresses, newest first (``Addresses.for_customer``)."""
    served: tuple[Served, ...] = ()
    """The workers who completed a job for them (``domain.preferred``), whatever their
    status now, with their documents."""


@dataclass(frozen=True, slots=True)
class CustomerCard:
    """What an admin reads of one customer (``Customers.card``): their orders counted, their
    chat channels and their latest orders."""

    customer: Customer
    orders: int
    """Every order they placed (a quote is none), whatever became of it."""
    served: int
    """Of those, the ones whose service was done (refunded since or not), as ``/stats``."""
    cancelled: int
    """Of those, the ones cancelled or refunded without service."""
    spend: int
    """Their member level's spend since the date asked for (``domain.membership``)."""
    complaints_open: int
    others_with_phone: int
    """Other customers with their phone number (another account of the same person)."""
    channels: tuple[str, ...]
    """The channels of their chat accounts, each once, the first they wrote on first."""
    latest: tuple[OrderBrief, ...]
    """Their latest orders, newest first (by when they were placed)."""


class Customers(Protocol):
    async def add(self, customer: Customer) -> Customer: ...
    async def save(self, customer: Customer) -> None: ...
    async def get(self, customer_id: int) -> Customer | None: ...
    async def by_identity(self, channel: Channel, channel_user_id: str) -> Customer | None: ...
    async def add_if_code_free(self, customer: Customer) -> bool: ...
    async def sign_up(
        self, customer: Customer, account: Identity, noted_at: datetime, coupon: Coupon
    ) -> bool: ...
    async def with_order_stats(
        self, customer_id: int, counted: Sequence[OrderStatus], since: datetime
    ) -> tuple[Customer, int, int] | None: ...
    async def for_checkout(
        self,
        customer_id: int,
        counted: Sequence[OrderStatus],
        since: datetime,
        phone: str,
        cancelled_since: datetime,
    ) -> CheckoutFacts | None: ...
    async def by_referral_code(self, code: str) -> Customer | None: ...
    async def by_phone(self, phone: str) -> Customer | None:
        """The customer with the phone number ``phone`` (the first, when several have it)."""
        ...

    async def card(self, customer: Customer, since: datetime, shown: int) -> CustomerCard:
        """The customer's ``CustomerCard`` with their latest ``shown`` orders and their spend
        since ``since``, in one query."""
        ...

    async def others_with_phone(self, customer_id: int, phone: str) -> int: ...
    async def born_on(self, month_days: Sequence[str]) -> list[int]: ...
    async def with_phone(self, phone: str) -> list[int]: ...
    async def claim_referral_reward(self, customer_id: int, now: datetime) -> bool: ...


class Workers(Protocol):
    async def add(self, worker: Worker) -> Worker: ...
    async def save(self, worker: Worker) -> None: ...
    async def get(self, worker_id: int) -> Worker | None: ...
    async def with_status(
        self, statuses: Sequence[WorkerStatus], among: Sequence[int] | None = None
    ) -> list[Worker]: ...
    async def available(self, among: Sequence[int] | None = None) -> list[Worker]: ...
    async def approved_after(self, after: int, limit: int) -> list[Worker]: ...
    async def deposits_due(self, left_before: datetime) -> list[Worker]: ...
    async def claim_deposit_release(self, worker_id: int, at: datetime) -> bool: ...
    async def documents_named(self, paths: Sequence[str]) -> set[str]:
        """Those of ``paths`` a worker's document is — approved, waiting for approval,
        expired, a rejected applicant's (its file must stay)."""
        ...


class Identities(Protocol):
    async def get(self, channel: Channel, channel_user_id: str) -> Identity | None: ...
    async def account(
        self, channel: Channel, channel_user_id: str
    ) -> tuple[int | None, int | None, str] | None:
        """Who is behind a chat account — (customer id, worker id, the language they chat
        in: the customer's, else the worker's, else Chinese) — or None when it is unknown;
        one query."""
        ...

    async def add(self, identity: Identity) -> None: ...
    async def put(self, identity: Identity) -> None: ...
    async def of_customer(self, customer_id: int) -> list[Identity]: ...
    async def of_worker(self, worker_id: int) -> list[Identity]: ...


class Addresses(Protocol):
    async def add(self, address: Address) -> Address: ...
    async def get(self, address_id: int) -> Address | None: ...
    async def for_customer(self, customer_id: int) -> list[Address]: ...
    async def for_dispatch(
        self, address_id: int | None, customer_id: int
    ) -> tuple[Address | None, set[int], MemberLevel]:
        """The order's address (None for none), with what a dispatch reads of its customer:
        the workers who completed a job for them, and their member level as last settled
        (``Membership.level``) — one query."""
        ...


class LinkLimits(Protocol):
    """The shared caps on codes to join a chat account and the lockouts (``domain.risk``)."""

    def target(self, phone: str) -> str: ...
    async def take(self, window: LinkWindow) -> bool:
        """Count one code in ``window`` if it has room (True), else count nothing (False)."""
        ...

    async def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None: ...
    async def lock(self, keys: Sequence[str], until: datetime) -> None: ...
    async def forget_before(self, now: datetime) -> int: ...
