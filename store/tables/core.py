"""The tables' Core ``Table`` objects, declared once for the statements built against them
(``store.prepared``, ``store.order_queries``, the repositories' own): SQLModel sets
``__table__`` on a table class without declaring it to type checkers."""

from __future__ import annotations

from sqlalchemy import Table

from store.tables import (
    AddressRow,
    CampaignRecipientRow,
    CertificateRow,
    CheckpointRow,
    CouponRow,
    CustomerRow,
    IdentityRow,
    LedgerEntryRow,
    OfferRow,
    OrderEventRow,
    OrderRow,
    OutboxRow,
    PaymentRow,
    PolicyRow,
    PrepaidCardRow,
    PriceChangeRow,
    PromoCodeRow,
    QuoteLineRow,
    WorkerRow,
)


def core(row: type) -> Table:
    """The Core table of a SQLModel table class."""
    table: Table = row.__table__  # type: ignore[attr-defined]
    return table


ADDRESSES = core(AddressRow)
CAMPAIGN_RECIPIENTS = core(CampaignRecipientRow)
CARDS = core(PrepaidCardRow)
CERTIFICATES = core(CertificateRow)
CHECKPOINTS = core(CheckpointRow)
COUPONS = core(CouponRow)
CUSTOMERS = core(CustomerRow)
IDENTITIES = core(IdentityRow)
LEDGER_ENTRIES = core(LedgerEntryRow)
OFFERS = core(OfferRow)
ORDER_EVENTS = core(OrderEventRow)
ORDERS = core(OrderRow)
OUTBOX = core(OutboxRow)
PAYMENTS = core(PaymentRow)
POLICIES = core(PolicyRow)
PRICE_CHANGES = core(PriceChangeRow)
PROMOS = core(PromoCodeRow)
QUOTE_LINES = core(QuoteLineRow)
WORKERS = core(WorkerRow)
