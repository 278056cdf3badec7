"""SQLModel tables (``*Row``). Repositories map them to domain objects; nothing else uses them.

Money columns are BIGINT fen; times are UTC (``UtcDateTime``); personal data (phones,
addresses, locations, contact names) is AES-GCM ciphertext in ``*_enc`` columns, with keyed
hashes in ``*_hash`` where a lookup needs them.

One module per area; every table is importable from here."""

from store.tables.after_sales import ComplaintRow, RatingRow, SpotCheckRow
from store.tables.cards import CardVisitRow, PrepaidCardRow
from store.tables.emergency import EmergencyContactRow
from store.tables.invoices import InvoiceRow
from store.tables.marketing import CampaignRecipientRow, CampaignRow
from store.tables.membership import PointsMovementRow, PointsUseRow
from store.tables.money import (
    CouponRow,
    LedgerEntryRow,
    PaymentRow,
    PayoutAccountRow,
    PromoCodeRow,
    SettlementRunRow,
    WithdrawalRow,
)
from store.tables.operations import CheckpointRow, JobRunRow, OutboxRow
from store.tables.orders import (
    OfferRow,
    OrderEventRow,
    OrderRow,
    PhotoRow,
    QuoteLineRow,
    SubscriptionRow,
)
from store.tables.people import AddressRow, CertificateRow, CustomerRow, IdentityRow, WorkerRow
from store.tables.placements import PlacementHandoverRow, PlacementPeriodRow, PlacementRow
from store.tables.policies import PolicyRow
from store.tables.relay import RelayMessageRow
from store.tables.staff import AdminRow, AuditRow, LinkLimitRow, PriceChangeRow, ThrottleRow
from store.tables.support import SupportTicketRow, TicketMessageRow
from store.tables.surcharges import SurchargeRow

__all__ = [
    "RelayMessageRow",
    "SurchargeRow",
    "EmergencyContactRow",
    "PlacementRow",
    "PlacementPeriodRow",
    "PlacementHandoverRow",
    "SupportTicketRow",
    "TicketMessageRow",
    "PrepaidCardRow",
    "CardVisitRow",
    "CustomerRow",
    "WorkerRow",
    "CertificateRow",
    "IdentityRow",
    "AddressRow",
    "OrderRow",
    "QuoteLineRow",
    "OrderEventRow",
    "OfferRow",
    "PhotoRow",
    "SubscriptionRow",
    "PaymentRow",
    "LedgerEntryRow",
    "CouponRow",
    "PromoCodeRow",
    "WithdrawalRow",
    "PayoutAccountRow",
    "SettlementRunRow",
    "AuditRow",
    "AdminRow",
    "PriceChangeRow",
    "ThrottleRow",
    "LinkLimitRow",
    "ComplaintRow",
    "RatingRow",
    "SpotCheckRow",
    "OutboxRow",
    "JobRunRow",
    "CheckpointRow",
    "PointsMovementRow",
    "PointsUseRow",
    "InvoiceRow",
    "PolicyRow",
    "CampaignRow",
    "CampaignRecipientRow",
]
