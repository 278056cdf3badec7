"""The customer flows by name (the engine's routing table)."""

from __future__ import annotations

from conversations import booking, checkout, menu, orders, start, support
from conversations.flow import Flow

CUSTOMER_FLOWS: dict[str, Flow] = {
    m.NAME: m for m in (start, menu, booking, checkout, orders, support)
}
