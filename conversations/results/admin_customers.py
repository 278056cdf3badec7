"""What an admin reads of one customer: ``/customer PHONE|ID`` (their card) and ``/orders PHONE``
(their orders). What a role may not see is left out by the service (the phone comes masked
for finance, ``money`` is False for support), never by the screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from conversations.results.admin_orders import OrderLine
from domain.rule_keys import MemberLevel


@dataclass(frozen=True, slots=True)
class CustomerShown(Result):
    """``/customer``: who the customer is, what became of their orders, their latest ones."""

    id: int
    name: str
    phone: str
    """In full for the roles that see phones, else masked ("" when they gave none)."""
    channels: tuple[str, ...]
    level: MemberLevel
    """Their level as pricing reads it now (the spend's, or one still kept)."""
    points: int
    registered_at: datetime
    orders: int
    served: int
    cancelled: int
    complaints_open: int
    others_with_phone: int
    """Other customers with the same phone number."""
    money: bool
    """The asker's role sees amounts."""
    latest: tuple[OrderLine, ...]
    """Their latest orders, newest first."""


@dataclass(frozen=True, slots=True)
class CustomerOrdersListed(Result):
    """``/orders PHONE``: one customer's orders, newest first (``total`` in all)."""

    id: int
    name: str
    total: int
    money: bool
    orders: tuple[OrderLine, ...]
