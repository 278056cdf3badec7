"""The unit of work: one database transaction, rolled back unless ``commit()`` is called."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.orders import StatusChanged
from store.admin_repo import AdminReports, AdminRepository, PriceRepository, ThrottleRepository
from store.aftersales_repo import (
    ComplaintRepository,
    CreditRepository,
    JobRuns,
    RatingRepository,
    SpotCheckRepository,
)
from store.audit_repo import AuditRepository
from store.crypto import PiiCipher
from store.dispatch_repo import OfferRepository, PhotoRepository
from store.money_repo import (
    CouponRepository,
    LedgerRepository,
    PaymentRepository,
    SettlementRuns,
    WithdrawalRepository,
)
from store.orders_repo import ConcurrentUpdate, OrderRepository
from store.outbox_repo import OutboxRepository
from store.people_repo import (
    AddressRepository,
    CustomerRepository,
    IdentityRepository,
    WorkerRepository,
)
from store.subscriptions_repo import SubscriptionRepository

_REPOSITORIES: dict[str, tuple[Any, bool]] = {
    # attribute: (repository class, takes the PII cipher)
    "orders": (OrderRepository, True),
    "customers": (CustomerRepository, True),
    "workers": (WorkerRepository, True),
    "identities": (IdentityRepository, False),
    "addresses": (AddressRepository, True),
    "payments": (PaymentRepository, False),
    "ledger": (LedgerRepository, False),
    "coupons": (CouponRepository, False),
    "audit": (AuditRepository, False),
    "offers": (OfferRepository, False),
    "photos": (PhotoRepository, False),
    "withdrawals": (WithdrawalRepository, False),
    "settlement_runs": (SettlementRuns, False),
    "outbox": (OutboxRepository, False),
    "complaints": (ComplaintRepository, False),
    "ratings": (RatingRepository, False),
    "spot_checks": (SpotCheckRepository, False),
    "job_runs": (JobRuns, False),
    "credit": (CreditRepository, False),
    "subscriptions": (SubscriptionRepository, True),
    "admins": (AdminRepository, False),
    "prices": (PriceRepository, False),
    "throttles": (ThrottleRepository, False),
    "admin_reports": (AdminReports, False),
}


class SqlUnitOfWork:
    """``async with uow: ...; await uow.commit()`` — everything or nothing."""

    session: AsyncSession
    orders: OrderRepository
    customers: CustomerRepository
    workers: WorkerRepository
    identities: IdentityRepository
    addresses: AddressRepository
    payments: PaymentRepository
    ledger: LedgerRepository
    coupons: CouponRepository
    audit: AuditRepository
    offers: OfferRepository
    photos: PhotoRepository
    withdrawals: WithdrawalRepository
    settlement_runs: SettlementRuns
    outbox: OutboxRepository
    complaints: ComplaintRepository
    ratings: RatingRepository
    spot_checks: SpotCheckRepository
    job_runs: JobRuns
    credit: CreditRepository
    subscriptions: SubscriptionRepository
    admins: AdminRepository
    prices: PriceRepository
    throttles: ThrottleRepository
    admin_reports: AdminReports

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        cipher: PiiCipher,
        open_in: set[asyncio.Task[Any]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._committed = False
        self._open_in = open_in
        self._task: asyncio.Task[Any] | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._open_in is not None:
            self._enter_task(self._open_in)
        self.session = self._sessions()
        self._committed = False
        for name in _REPOSITORIES:  # a reused unit of work gets repositories on its new session
            self.__dict__.pop(name, None)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.close()  # rolls back whatever was not committed
            else:  # committed, or never used: nothing to roll back, no driver call to await
                self.session.sync_session.close()
        finally:
            self._leave_task()
        if isinstance(exc, OperationalError) and "locked" in str(exc):
            # SQLite refused a second concurrent writer: the same answer as a lost update
            raise ConcurrentUpdate(0) from exc

    async def commit(self) -> None:
        try:
            await self.session.commit()
        except OperationalError as exc:
            if "locked" in str(exc):
                raise ConcurrentUpdate(0) from exc
            raise
        self._committed = True

    def __getattr__(self, name: str) -> Any:
        """Repositories are made on first use: most units of work need two or three."""
        spec = _REPOSITORIES.get(name)
        if spec is None or "session" not in self.__dict__:
            raise AttributeError(name)
        cls, encrypted = spec
        repository = cls(self.session, self._cipher) if encrypted else cls(self.session)
        setattr(self, name, repository)
        return repository

    def _enter_task(self, open_in: set[asyncio.Task[Any]]) -> None:
        task = asyncio.current_task()
        if task is None:
            return
        if task in open_in:
            raise NestedUnitOfWork(
                "a unit of work is already open in this task; on SQLite (one connection) "
                "a second one would wait for the first forever"
            )
        open_in.add(task)
        self._task = task

    def _leave_task(self) -> None:
        if self._open_in is not None and self._task is not None:
            self._open_in.discard(self._task)
            self._task = None

    def collect_new_events(self) -> list[StatusChanged]:
        """Domain events raised by the orders this unit of work touched, oldest first."""
        events: list[StatusChanged] = []
        for order in self.orders.seen:
            events.extend(order.events)
            order.events.clear()
        return events


class NestedUnitOfWork(RuntimeError):
    """A task opened a unit of work inside another one on a one-connection engine."""


class Database:
    """Hands out units of work over one engine's sessions.

    On SQLite the engine has one connection (``store.db``): a task that opened a unit of work
    inside another would wait for its own connection, so that raises ``NestedUnitOfWork`` at
    once instead.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: PiiCipher) -> None:
        self.sessions = sessions
        self.cipher = cipher
        bind = sessions.kw.get("bind")
        single = bind is not None and bind.dialect.name == "sqlite"
        self._open_in: set[asyncio.Task[Any]] | None = set() if single else None

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, self.cipher, self._open_in)
