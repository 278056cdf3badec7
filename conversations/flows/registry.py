"""The flows by name (the engine's routing table)."""

from __future__ import annotations

from conversations.flows import (
    admin_console,
    after_sales,
    booking,
    cards,
    checkout,
    emergency_contact,
    invoice,
    link,
    me,
    menu,
    my_orders,
    paid_in_chat,
    payout_account,
    recurring,
    relay,
    renewal,
    start,
    support,
    worker,
    worker_signup,
    worker_surcharge,
)
from conversations.flows.base import Flow

REGISTERED: tuple[Flow, ...] = (  # each module checked against the Flow protocol
    start,
    menu,
    booking,
    checkout,
    link,
    my_orders,
    support,
    worker,
    worker_signup,
    admin_console,
    paid_in_chat,
    after_sales,
    recurring,
    me,
    invoice,
    cards,
    renewal,
    payout_account,
    relay,
    worker_surcharge,
    emergency_contact,
)
FLOWS: dict[str, Flow] = {m.NAME: m for m in REGISTERED}
CUSTOMER_FLOWS = FLOWS  # every flow: one engine serves customers, workers and admins
