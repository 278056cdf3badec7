"""The flows by name (the engine's routing table)."""

from __future__ import annotations

from conversations import (
    admin,
    booking,
    checkout,
    feedback,
    menu,
    orders,
    payment,
    recurring,
    start,
    support,
    worker,
    worker_register,
)
from conversations.flow import Flow

FLOWS: dict[str, Flow] = {
    m.NAME: m
    for m in (
        start,
        menu,
        booking,
        checkout,
        orders,
        support,
        worker,
        worker_register,
        admin,
        payment,
        feedback,
        recurring,
    )
}
CUSTOMER_FLOWS = FLOWS  # every flow: one engine serves customers, workers and admins
