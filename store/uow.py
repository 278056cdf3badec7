"""The unit of work: one database transaction, rolled back unless ``commit()`` is called.

On SQLite a ``Database`` keeps the engine's one connection checked out for as long as it is
open, and units of work take turns on it (``store.sqlite.connection``). Their sessions are
bound to that connection, and the statements built once (``store.prepared``) run straight on
it (``store.sqlite.direct``): a unit of work that only runs those never begins a session
transaction at all, and commits or rolls back the connection's own.
"""

from __future__ import annotations

from contextvars import ContextVar
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSessionTransaction, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.orders import StatusChanged
from store.addresses_repo import AddressRepository
from store.admin_repo import (
    AdminReports,
    AdminRepository,
    PriceMemory,
    PriceRepository,
    ThrottleRepository,
)
from store.aftersales_repo import (
    ComplaintRepository,
    CreditRepository,
    JobRuns,
    RatingRepository,
    SpotCheckRepository,
)
from store.audit_repo import AuditRepository
from store.cards_repo import CardRepository
from store.checkpoints_repo import CheckpointRepository
from store.coupons_repo import CouponRepository
from store.crypto import PiiCipher
from store.dispatch_repo import OfferRepository, PhotoRepository
from store.emergency_repo import EmergencyContactRepository
from store.invoices_repo import InvoiceRepository
from store.link_limits_repo import LinkLimitRepository
from store.marketing_repo import MarketingRepository
from store.membership_repo import MembershipRepository
from store.money_repo import (
    LedgerRepository,
    PaymentRepository,
    SettlementRuns,
)
from store.orders_repo import ConcurrentUpdate, OrderRepository
from store.outbox_repo import OutboxRepository
from store.payouts_repo import PayoutAccountRepository, PayoutClaims, WithdrawalRepository
from store.people_repo import CustomerRepository, IdentityRepository
from store.placements_repo import PlacementRepository
from store.policies_repo import PolicyRepository
from store.prepared import pending_changes
from store.promo_repo import PromoRepository
from store.relay_repo import RelayRepository
from store.sqlite import direct
from store.sqlite.connection import SharedConnection, Turn
from store.subscriptions_repo import SubscriptionRepository
from store.support_repo import TicketRepository
from store.surcharges_repo import SurchargeRepository
from store.workers_repo import WorkerRepository

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
    "promos": (PromoRepository, False),
    "audit": (AuditRepository, False),
    "offers": (OfferRepository, False),
    "photos": (PhotoRepository, False),
    "withdrawals": (WithdrawalRepository, False),
    "payout_accounts": (PayoutAccountRepository, True),
    "payout_claims": (PayoutClaims, False),
    "settlement_runs": (SettlementRuns, False),
    "outbox": (OutboxRepository, True),
    "complaints": (ComplaintRepository, False),
    "ratings": (RatingRepository, False),
    "spot_checks": (SpotCheckRepository, False),
    "job_runs": (JobRuns, False),
    "credit": (CreditRepository, False),
    "subscriptions": (SubscriptionRepository, True),
    "admins": (AdminRepository, False),
    "prices": (PriceRepository, False),
    "throttles": (ThrottleRepository, False),
    "link_limits": (LinkLimitRepository, True),
    "admin_reports": (AdminReports, False),
    "checkpoints": (CheckpointRepository, True),
    "membership": (MembershipRepository, False),
    "invoices": (InvoiceRepository, True),
    "policies": (PolicyRepository, False),
    "marketing": (MarketingRepository, True),
    "cards": (CardRepository, False),
    "tickets": (TicketRepository, True),
    "relay": (RelayRepository, True),
    "surcharges": (SurchargeRepository, False),
    "emergency_contacts": (EmergencyContactRepository, True),
    "placements": (PlacementRepository, False),
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
    promos: PromoRepository
    audit: AuditRepository
    offers: OfferRepository
    photos: PhotoRepository
    withdrawals: WithdrawalRepository
    payout_accounts: PayoutAccountRepository
    payout_claims: PayoutClaims
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
    link_limits: LinkLimitRepository
    admin_reports: AdminReports
    checkpoints: CheckpointRepository
    membership: MembershipRepository
    invoices: InvoiceRepository
    policies: PolicyRepository
    marketing: MarketingRepository
    cards: CardRepository
    tickets: TicketRepository
    relay: RelayRepository
    surcharges: SurchargeRepository
    emergency_contacts: EmergencyContactRepository
    placements: PlacementRepository

    def __init__(self, database: Database) -> None:
        self._database = database
        self._shared = database.shared
        self._turn: Turn | None = None
        self._savepoints = 0

    async def __aenter__(self) -> SqlUnitOfWork:
        # SQLite: wait for the connection (store.sqlite.connection); end_turn gives it back
        self._turn = None if self._shared is None else await self._shared.take_turn()
        self.session = self._database.session()
        if self._turn is not None:
            direct.hold(self.session, self._turn.direct)
        self.forget()  # a reused unit of work gets repositories on its new session
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
            if self._turn is not None and self._turn.direct.in_transaction:
                await self._turn.direct.rollback()  # plans' writes that were not committed
        finally:
            if self._turn is not None and self._shared is not None:
                self._shared.end_turn(self._turn)
                self._turn = None
        if isinstance(exc, OperationalError) and "locked" in str(exc):
            # SQLite refused a second concurrent writer: the same answer as a lost update
            raise ConcurrentUpdate(0) from exc

    async def savepoint(self) -> Savepoint:
        """A SAVEPOINT in this unit of work's transaction (after flushing pending changes),
        to roll back to without losing what came before it."""
        if self._turn is None:
            return Savepoint(await self.session.begin_nested(), None, "")
        # SQLite: on the held connection, where the plans' writes are too (SQLAlchemy's
        # nested transaction would not let the session commit that connection afterwards)
        if pending_changes(self.session):
            await self.session.flush()
        self._savepoints += 1
        name = f"daojia_{self._savepoints}"
        await self._turn.direct.savepoint(name)
        return Savepoint(None, self, name)

    async def rollback(self) -> None:
        """Roll back everything so far and go on with a fresh transaction (and repositories
        that remember nothing of what was rolled back)."""
        if self.session.in_transaction():
            await self.session.rollback()
        if self._turn is not None and self._turn.direct.in_transaction:
            await self._turn.direct.rollback()
        self.forget()

    def forget(self) -> None:
        """Drop the repositories (and what they remember of rows read or written)."""
        for name in self.__dict__.keys() & _REPOSITORIES.keys():  # the ones made
            del self.__dict__[name]

    async def commit(self) -> None:
        try:
            if self._turn is None or _session_has_work(self.session):
                await self.session.commit()  # on SQLite this commits the plans' writes too
            else:
                await self._turn.direct.commit()
        except OperationalError as exc:
            if "locked" in str(exc):
                raise ConcurrentUpdate(0) from exc
            raise

    def __getattr__(self, name: str) -> Any:
        """Repositories are made on first use: most units of work need two or three."""
        spec = _REPOSITORIES.get(name)
        if spec is None or "session" not in self.__dict__:
            raise AttributeError(name)
        cls, encrypted = spec
        if cls is PriceRepository:  # with the prices this database was last seen to hold
            repository = PriceRepository(self.session, self._database.prices)
        else:
            cipher = self._database.cipher
            repository = cls(self.session, cipher) if encrypted else cls(self.session)
        setattr(self, name, repository)
        return repository

    def collect_new_events(self) -> list[StatusChanged]:
        """Domain events raised by the orders this unit of work touched, oldest first."""
        events: list[StatusChanged] = []
        for order in self.orders.seen:
            events.extend(order.events)
            order.events.clear()
        return events


class Savepoint:
    """A SAVEPOINT of ``SqlUnitOfWork.savepoint``: SQLAlchemy's nested transaction, or (on
    SQLite's held connection) one of the unit of work's own."""

    def __init__(
        self, nested: AsyncSessionTransaction | None, uow: SqlUnitOfWork | None, name: str
    ) -> None:
        self._nested, self._uow, self._name = nested, uow, name
        self.is_active = True

    async def commit(self) -> None:
        self.is_active = False
        if self._nested is not None:
            await self._nested.commit()
        elif self._uow is not None and self._uow._turn is not None:
            if pending_changes(self._uow.session):
                await self._uow.session.flush()
            await self._uow._turn.direct.release(self._name)

    async def rollback(self) -> None:
        self.is_active = False
        if self._nested is not None:
            await self._nested.rollback()
        elif self._uow is not None and self._uow._turn is not None:
            session = self._uow.session
            await self._uow._turn.direct.rollback_to(self._name)
            session.expunge_all()  # its objects may hold what was rolled back


def _session_has_work(session: AsyncSession) -> bool:
    """Whether the session began a transaction or holds ORM changes to flush."""
    return session.in_transaction() or pending_changes(session)


class TurnScope(Protocol):
    """A chat turn's shared transaction (``store.turns``), as ``Database.uow`` sees it."""

    def member(self, reads: bool = False) -> Any:
        """A unit of work inside the turn's transaction, or None when the caller is not the
        turn's own task (then it gets a unit of work of its own); ``reads``: one that only
        reads (``Database.reads``)."""
        ...


CURRENT_TURN: ContextVar[TurnScope | None] = ContextVar("daojia_turn", default=None)
"""The turn whose transaction units of work opened in this context join (``store.turns``)."""


class Database:
    """Hands out units of work over one engine.

    On SQLite the engine's one connection (``store.db``) is kept checked out and the units of
    work take turns on it (``store.sqlite.connection.SharedConnection``), in order of arrival,
    for at most ``turn_timeout_s`` of waiting (then SQLAlchemy's pool ``TimeoutError``). A task
    that opened a unit of work inside another would wait for its own turn forever, so that
    raises ``NestedUnitOfWork`` at once instead. ``dispose()`` gives the connection back and
    disposes of the engine.
    """

    def __init__(self, engine: AsyncEngine, cipher: PiiCipher, turn_timeout_s: float = 60) -> None:
        self.engine = engine
        self.cipher = cipher
        self.turn_timeout_s = turn_timeout_s
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self.shared = (
            SharedConnection(engine, turn_timeout_s) if engine.dialect.name == "sqlite" else None
        )
        """SQLite: the one connection that units of work take turns on (None elsewhere)."""
        self.prices = PriceMemory()
        """The current prices as last read here (``store.admin_repo.PriceMemory``)."""

    def uow(self) -> Any:
        """A unit of work: its own transaction, or — inside a chat turn's transaction
        (``store.turns``), in the turn's task — a member of that one."""
        turn = CURRENT_TURN.get()
        if turn is not None:
            member = turn.member()
            if member is not None:
                return member
        return SqlUnitOfWork(self)

    def reads(self) -> Any:
        """A unit of work that only reads (never committed): inside a chat turn's transaction
        it joins it without a SAVEPOINT and leaves it open for the turn's writes, so reads
        before the first write cost no transaction of their own (``store.turns``)."""
        turn = CURRENT_TURN.get()
        if turn is not None:
            member = turn.member(reads=True)
            if member is not None:
                return member
        return SqlUnitOfWork(self)

    def session(self) -> AsyncSession:
        """A new session: on SQLite bound to the held connection (during a turn)."""
        shared = self.shared
        if shared is not None and shared.sessions is not None:
            return shared.sessions()
        return self._sessions()

    async def ping(self) -> None:
        """Raise if the database does not answer."""
        async with self.uow() as uow:
            await uow.session.exec(text("SELECT 1"))

    async def dispose(self) -> None:
        """Give the held connection back, after the unit of work using it (waiting at most
        ``turn_timeout_s``), and dispose of the engine."""
        if self.shared is not None:
            await self.shared.close()
        await self.engine.dispose()
