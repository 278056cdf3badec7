"""The order aggregate: its quote, its status and the timeline of every transition."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NewType

from domain.errors import DomainError
from domain.lifecycle import Action, ActorKind, OrderStatus, next_status
from domain.people import GeoPoint
from domain.pricing import Quote, QuoteLine, Selection
from domain.text import bilingual

OrderId = NewType("OrderId", int)
OrderNumber = NewType("OrderNumber", int)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a customer or worker id, an admin identity, or a system job."""

    kind: ActorKind
    id: str = ""

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}" if self.id else self.kind.value


SYSTEM = Actor(ActorKind.SYSTEM, "daojia")


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One line of the order's timeline."""

    from_status: OrderStatus | None
    to_status: OrderStatus
    action: Action | None
    actor: Actor
    at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """Domain event: an order moved (handlers notify people, settle money, …)."""

    order_number: int
    from_status: OrderStatus
    to_status: OrderStatus
    action: Action
    actor: Actor
    at: datetime


@dataclass
class Order:
    number: OrderNumber
    customer_id: int
    selections: tuple[Selection, ...]
    start_at: datetime
    lines: tuple[QuoteLine, ...]
    total_cents: int
    deposit_cents: int
    created_at: datetime
    channel: str
    lang: str = "zh"
    address_id: int | None = None
    asap: bool = False
    notes: str = ""
    bundle_id: str | None = None
    coupon_code: str | None = None
    points_used: int = 0
    duration_minutes: int = 0
    status: OrderStatus = OrderStatus.QUOTED
    paid_cents: int = 0
    refunded_cents: int = 0
    worker_id: int | None = None
    preferred_worker_id: int | None = None
    dispatch_mode: str = ""
    dispatch_round: int = 0
    dispatch_note: str = ""
    accepted_at: datetime | None = None
    departed_at: datetime | None = None
    arrived_at: datetime | None = None
    finished_at: datetime | None = None
    auto_confirm_at: datetime | None = None
    late_minutes: int = 0
    eta_minutes: int | None = None
    checkin: GeoPoint | None = None
    visit_code: str = ""
    """The digits the customer tells the worker at the door (empty: none was asked)."""
    visit_code_misses: int = 0
    visit_code_ok_at: datetime | None = None
    stage: int = 0
    """The part of the job under way (1-based, ``Item.stages``); 0: none marked yet."""
    """When the worker entered the right code (check-in needs it when there is a code)."""
    transfer_from_worker_id: int | None = None
    transfer_compensation_cents: int = 0
    hold_reason: str = ""
    """Set by a risk rule: the order is not dispatched until an admin releases it."""
    rework_of: int | None = None
    """The order this one redoes for free (a complaint's resolution)."""
    subscription_id: int | None = None
    """The recurring booking this order is a visit of."""
    renewal_of: int | None = None
    """The long placement this order renews (its contract again from its end)."""
    reminded_day_at: datetime | None = None
    reminded_hour_at: datetime | None = None
    confirm_reminded_at: datetime | None = None
    """When each reminder went out; written only by ``Orders.claim_reminder`` (the claim that
    makes a reminder go out once), never by ``save``."""
    id: OrderId | None = None
    version: int = 0
    timeline: list[OrderEvent] = field(default_factory=list)
    events: list[StatusChanged] = field(default_factory=list, repr=False)
    stored_events: int = field(default=0, repr=False, compare=False)
    """How many timeline entries the store already holds (the rest are new)."""

    @classmethod
    def from_quote(
        cls,
        *,
        number: int,
        customer_id: int,
        selections: tuple[Selection, ...],
        quote: Quote,
        start_at: datetime,
        created_at: datetime,
        channel: str,
        actor: Actor,
        **details: object,
    ) -> Order:
        """A new order in status ``quoted``, its timeline opened by ``actor``."""
        if start_at.tzinfo is None or created_at.tzinfo is None:
            raise DomainError("order times must carry a timezone")
        order = cls(
            number=OrderNumber(number),
            customer_id=customer_id,
            selections=selections,
            start_at=start_at,
            lines=tuple(
                QuoteLine(x.kind, bilingual(x.label), x.amount_cents, x.item_id)
                for x in quote.lines
            ),
            total_cents=quote.total_cents,
            deposit_cents=quote.deposit_cents,
            created_at=created_at,
            channel=channel,
            coupon_code=quote.coupon_code,
            points_used=quote.points_used,
            duration_minutes=quote.duration_minutes,
            **details,  # type: ignore[arg-type]
        )
        order.timeline.append(OrderEvent(None, OrderStatus.QUOTED, None, actor, created_at))
        return order

    def renumber(self, number: int) -> None:
        """Give a new order, not yet stored, another number (another order took this one
        first), in the events it has raised too."""
        if self.id is not None:
            raise DomainError("a stored order keeps its number")
        old, self.number = self.number, OrderNumber(number)
        self.events = [
            replace(e, order_number=number) if e.order_number == old else e for e in self.events
        ]

    @property
    def label(self) -> str:
        """The short number people see and type: ``#240117``."""
        return f"#{self.number}"

    @property
    def item_id(self) -> str:
        return self.selections[0].item_id

    @property
    def end_at(self) -> datetime:
        """When the job should be done (start plus the estimated duration)."""
        return self.start_at + timedelta(minutes=self.duration_minutes)

    def note_event(self, action: Action, actor: Actor, at: datetime, note: str = "") -> OrderEvent:
        """A timeline line that does not move the order (a complaint filed, resolved)."""
        if at.tzinfo is None:
            raise DomainError("event time must carry a timezone")
        event = OrderEvent(self.status, self.status, action, actor, at, note)
        self.timeline.append(event)
        return event

    def apply(self, action: Action, actor: Actor, at: datetime, note: str = "") -> OrderEvent:
        """Move the order by ``action``; refuses illegal moves and records the timeline."""
        if at.tzinfo is None:
            raise DomainError("event time must carry a timezone")
        target = next_status(self.status, action, actor.kind, self.number)
        event = OrderEvent(self.status, target, action, actor, at, note)
        self.timeline.append(event)
        self.events.append(StatusChanged(self.number, self.status, target, action, actor, at))
        self.status = target
        return event
