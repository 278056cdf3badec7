"""Every business number of DESIGN §4, with its default.

Operators override them in the ``rules:`` section of the catalog file; nothing in the code
hard-codes a rule number. Amounts are fen, rates basis points (10000 = 100%).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

# re-exported: the rules are keyed by them, and every module reads them from here
from domain.deposit_rules import DepositRules as DepositRules
from domain.dispatch_rules import DispatchMode as DispatchMode
from domain.dispatch_rules import DispatchRules as DispatchRules
from domain.placements import PlacementRules
from domain.rule_keys import ComplaintCategory as ComplaintCategory
from domain.rule_keys import MemberLevel as MemberLevel
from domain.rule_keys import WorkerLevel as WorkerLevel


@dataclass(frozen=True)
class PricingRules:
    over_area_block_sqm: int = 10
    over_area_block_cents: int = 1_000
    high_altitude_cents: int = 5_000
    night_start: time = time(22, 0)
    night_end: time = time(6, 0)
    night_surcharge_bp: int = 3_000
    transport_free_km: int = 5
    transport_cents_per_km: int = 200
    member_price_bp: dict[MemberLevel, int] = field(
        default_factory=lambda: {
            MemberLevel.REGULAR: 10_000,
            MemberLevel.SILVER: 9_500,
            MemberLevel.GOLD: 9_000,
            MemberLevel.DIAMOND: 8_500,
        }
    )
    first_order_discount_cents: int = 5_000
    points_per_yuan: int = 100
    points_per_free_hour: int = 500
    free_hour_skills: tuple[str, ...] = ("cleaning",)
    unit_price_max_cents: int = 10_000_000
    """The most an admin may set an item's unit price to (``/price``): ¥100,000."""


@dataclass(frozen=True)
class CancellationRules:
    free_before_hours: int = 24
    late_before_hours: int = 2
    fee_bp: int = 1_000
    late_fee_bp: int = 3_000
    keep_deposit_after_arrival: bool = True
    free_until_accepted: bool = True
    """Nothing is kept while no worker has taken the order (paid, still being dispatched)."""


@dataclass(frozen=True)
class RescheduleRules:
    """Moving a placed order to another time: free at least ``free_before_hours`` before the
    start, then ``fee_bp`` of what was paid; never once the worker has set off."""

    free_before_hours: int = 24
    fee_bp: int = 1_000


@dataclass(frozen=True)
class LatenessRules:
    grace_minutes: int = 30
    deduction_bp: int = 2_000
    suspend_after: int = 3
    window_days: int = 30


@dataclass(frozen=True)
class SettlementRules:
    commission_bp: dict[WorkerLevel, int] = field(
        default_factory=lambda: {
            WorkerLevel.S: 1_000,
            WorkerLevel.A: 1_200,
            WorkerLevel.B: 1_500,
            WorkerLevel.C: 2_000,
        }
    )
    default_commission_bp: int = 1_500
    withdraw_after_days: int = 1
    withdrawal_approval_above_cents: int = 100_000
    withdrawal_min_cents: int = 100
    auto_confirm_hours: int = 24
    payout_query_after_minutes: int = 10
    """A transfer whose answer was lost (or still processing) is asked about this long after
    it was sent, and sent again only when the provider has no record of it."""
    deposit: DepositRules = field(default_factory=DepositRules)


@dataclass(frozen=True)
class MembershipRules:
    spend_window_days: int = 365
    level_keep_days: int = 365
    """A level reached is kept this many days after the spend last reached it, whatever the
    spend does meanwhile (a refund, orders leaving the window); then, at the review when an
    order settles, it falls to what the spend reaches. 0: it follows the spend at once."""
    level_min_spend_cents: dict[MemberLevel, int] = field(
        default_factory=lambda: {
            MemberLevel.SILVER: 200_000,
            MemberLevel.GOLD: 500_000,
            MemberLevel.DIAMOND: 1_000_000,
        }
    )
    points_per_yuan_paid: int = 1
    review_points: int = 10
    """Points for rating an order (once per order)."""
    review_photo_points: int = 30
    """Points for rating an order with at least one photo (instead of ``review_points``)."""
    points_expire_months: int = 12
    """Points expire this many calendar months after they were earned (0: never); the
    oldest are spent first, so what expires is what is left of them."""
    welcome_coupon_cents: int = 2_000
    welcome_coupon_threshold_cents: int = 10_000
    welcome_coupon_days: int = 30
    referral_coupon_cents: int = 5_000
    """What the inviter and the invitee each get when the invitee's first order completes."""
    referral_coupon_threshold_cents: int = 0
    referral_coupon_days: int = 30
    campaign_coupon_cents: int = 2_000
    """A campaign's coupon when the admin names no amount (``/campaign``)."""
    campaign_coupon_threshold_cents: int = 10_000
    campaign_coupon_days: int = 14
    campaign_batch: int = 200
    """Customers a campaign enrols, or gives a coupon and a message, per transaction."""
    card_expiry_notice_days: int = 7
    """A prepaid card's holder is told this many days before it expires (0: only at expiry)."""


@dataclass(frozen=True)
class CouponRules:
    """One coupon per order; what it stacks with; shared promo codes; the birthday coupon."""

    stacks_with_first_order: bool = False
    """False: a coupon and the first-order discount are never both applied — the quote takes
    whichever leaves the customer less to pay (and says so)."""
    stacks_with_points: bool = True
    """False: likewise for a coupon and points as cash."""
    promo_per_customer: int = 1
    """How many times one customer may use a promo code unless its admin said otherwise."""
    promo_days: int = 30
    """How long a new promo code is good for unless its admin said otherwise."""
    birthday_coupon_cents: int = 2_000
    birthday_coupon_threshold_cents: int = 5_000
    birthday_coupon_days: int = 14
    """How long a birthday coupon is good for, from the day it is given."""
    birthday_days_before: int = 0
    """The birthday coupon is given this many days before the birthday (0: on the day)."""
    birthday_change_days: int = 365
    """A birthday once given may be changed again only after this many days."""
    birthday_oldest_years: int = 120
    """A birthday typed with its year is refused when that year is more than this many years
    ago (a mistyped year, not a customer's)."""
    issue_max_cents: int = 50_000
    """The most one coupon an admin gives by hand (``/coupon issue``) may be worth."""


@dataclass(frozen=True)
class BookingRules:
    slots: tuple[time, ...] = (time(8), time(10), time(13), time(15), time(18))
    min_lead_minutes: int = 60
    asap_lead_minutes: int = 90
    max_days_ahead: int = 30
    days_offered: int = 5
    recurring_ahead_days: int = 7
    """Recurring bookings become orders this many days before the visit."""
    recurring_retry_minutes: int = 60
    """A visit whose order failed unexpectedly (an error such as the database going away, not
    a rule's refusal) is tried again by the sweeps for this long after its first failure, and
    only then skipped with the customer and ops told (0: skipped at the first failure)."""


@dataclass(frozen=True)
class ExecutionRules:
    checkin_radius_m: int = 300
    depart_before_minutes: int = 180
    """A worker may set off at most this long before the booked start."""
    checkin_before_minutes: int = 60
    """A worker may check in (or send the door photo) at most this long before the start."""
    visit_code_digits: int = 4
    """The customer's order shows a code of this many digits that the worker enters at
    check-in (0: no code)."""
    visit_code_alert_after: int = 3
    """Wrong codes for one order before ops are alerted."""
    relay_open_hours_after_end: int = 24
    """Customer and worker may still message each other through the bot this long after the
    order ends (finished, confirmed, cancelled or refunded)."""
    relay_reply_minutes: int = 60
    """A worker's plain text at their menu goes to the customer who wrote to them through the
    relay within this many minutes (asked which, when several did; 0: never)."""
    travel_speed_kmh: int = 20
    """The speed a worker is taken to cross the city at, as the crow flies, when their arrival
    is estimated from a location they shared on setting off (出发)."""
    eta_min_minutes: int = 5
    """The least an arrival estimated from a location is: a worker around the corner still
    parks, climbs and finds the door."""
    eta_location_fresh_minutes: int = 30
    """A location the worker shared this recently (at the jobs menu, a check-in) sets the
    estimate on 出发 without asking; older, they are asked (a location, or minutes)."""
    eta_max_minutes: int = 240
    """The most minutes a worker may type as their time to arrive (more is asked again)."""
    eta_choices: tuple[int, ...] = (15, 30, 45, 60)
    """The minutes offered as buttons when a worker setting off is asked when they arrive;
    none above ``eta_max_minutes`` (the catalog file is refused: the button would do nothing)."""
    max_photo_bytes: int = 8 * 1024 * 1024
    photos_per_kind: int = 9
    surcharge_answer_minutes: int = 15
    """An on-site extra the customer has not answered in this long lapses."""
    surcharge_max_cents: int = 100_000
    """The most one on-site extra request may ask for."""
    unsent_photo_hours: int = 24
    """Photos kept for something never sent — an on-site extra request, a worker's sign-up
    or document renewal, a complaint, each left mid-way — are deleted this long after they
    were uploaded (``ForgetUnsentUploads``); what is sent later goes without them (a sign-up
    or renewal asks for them again)."""


@dataclass(frozen=True)
class NotificationRules:
    """The outbox retries a failed send after ``retry_base_s`` × 2^attempt (capped), and gives
    up after ``max_attempts`` (the message stays in the table, marked dead, for an admin)."""

    max_attempts: int = 20
    retry_base_s: int = 10
    retry_cap_s: int = 1800
    lease_s: int = 60
    batch: int = 100
    reminder_day_before_hours: int = 24
    reminder_hour_before_minutes: int = 60
    confirm_reminder_hours: int = 12
    """Hours after ``finished`` to remind an unconfirmed customer (before auto-confirm)."""
    wechat_window_hours: int = 48
    """WeChat takes customer-service messages only this long after the follower last wrote;
    after it, only template messages (campaigns check it before writing to the outbox)."""
    certificate_reminder_days: tuple[int, ...] = (7, 30)
    """A worker is reminded this many days before each of their documents expires."""
    keep_days: int = 30
    """Sent and dead messages are dropped from the outbox this many days after they were
    written (``ForgetConversations``): they hold what was said to people."""


@dataclass(frozen=True)
class AfterSalesRules:
    complaint_window_hours: int = 72
    first_response_minutes: int = 30
    """Support must answer within this; then ops is reminded, and after as long again the
    owner."""
    compensation_after_hours: int = 24
    compensation_coupon_cents: int = 2_000
    compensation_coupon_days: int = 30
    refund_bp: dict[ComplaintCategory, int] = field(
        default_factory=lambda: {
            ComplaintCategory.LATE: 1_000,
            ComplaintCategory.INCOMPLETE: 3_000,
            ComplaintCategory.DAMAGE: 5_000,
            ComplaintCategory.ATTITUDE: 1_000,
            ComplaintCategory.OTHER: 0,
        }
    )
    """Partial refund by category, in basis points of what was paid."""
    auto_resolve: frozenset[ComplaintCategory] = frozenset(
        {ComplaintCategory.LATE, ComplaintCategory.INCOMPLETE}
    )
    """Categories a complaint with a photo is resolved in by the rule table, without a human
    (only when the partial refund is at most ``auto_resolve_max_cents``)."""
    auto_resolve_max_cents: int = 10_000
    review_below_stars: int = 4
    ticket_first_response_minutes: int = 15
    """A support ticket unanswered this long re-alerts support, once per this many minutes."""
    ticket_alerts: int = 3
    """At most this many re-alerts for one unanswered ticket."""


@dataclass(frozen=True)
class CreditRules:
    """Worker credit 0–100 from the last ``window_days``: ratings, completion, complaints and
    lateness, weighted; levels by score; a worker with fewer than ``min_jobs`` keeps level."""

    window_days: int = 90
    min_jobs: int = 5
    rating_weight: int = 50
    completion_weight: int = 20
    complaint_weight: int = 20
    punctuality_weight: int = 10
    level_min_score: dict[WorkerLevel, int] = field(
        default_factory=lambda: {WorkerLevel.S: 90, WorkerLevel.A: 80, WorkerLevel.B: 60}
    )
    suspend_level_c: bool = True
    """Level C: suspended until retrained (``False``: only told to retrain)."""
    complaint_rate_cap_bp: int = 500
    lowered_daily_cap: int = 2
    spot_check_bp: int = 500


@dataclass(frozen=True)
class PaymentRules:
    unpaid_expire_minutes: int = 30
    """An order not paid this long after it was placed is cancelled: its coupon and points
    come back and its payment requests are closed."""
    recurring_pay_before_hours: int = 24
    """A recurring visit's order (made days ahead) may be paid until this long before the
    visit — never less than ``unpaid_expire_minutes`` after it was made."""
    renewal_pay_before_hours: int = 48
    """A placement's renewal (placed from the renewal offer, days before the contract ends)
    may be paid until this long before the new contract starts — never less than
    ``unpaid_expire_minutes`` after it was placed; time enough for the worker's next weeks to
    be found elsewhere when it lapses."""
    late_check_hours: int = 24
    """Payment requests of cancelled orders are still checked with their provider this long
    after they were closed: money that lands on them is refunded."""
    invoice_max_attempts: int = 8
    """An electronic invoice the provider refused or could not be reached for is tried again
    (after ``invoice_retry_base_s`` × 2^attempt, capped) this many times, then finance sees it
    failed (``/invoices``) and may try it again."""
    invoice_retry_base_s: int = 60
    invoice_retry_cap_s: int = 3600
    invoice_lease_s: int = 120
    """How long one process holds an invoice it is issuing; a crash frees it after that."""
    insurance_max_attempts: int = 6
    """A policy the insurer refused or could not be reached for is asked again (after
    ``insurance_retry_base_s`` × 2^attempt, capped) this many times, then ops are told once."""
    insurance_retry_base_s: int = 60
    insurance_retry_cap_s: int = 3600
    insurance_lease_s: int = 120
    """How long one process holds a policy it is issuing or voiding."""
    insured_amount_cents: int = 50_000_000
    """The sum each order's accident / liability policy insures (fen)."""


@dataclass(frozen=True)
class RiskRules:
    cancellations_to_hold: int = 3
    cancellation_window_hours: int = 24
    confirm_code_above_cents: int = 200_000
    messages_per_minute: int = 30
    web_messages_per_address_per_minute: int = 60
    """The web chat also counts messages per client address: a new cookie is no new limit."""
    web_chats_per_address_per_hour: int = 10
    """New web chat users (cookies) one client address may start in an hour."""
    broadcast_every_minutes: int = 60
    """An owner's broadcast to every customer goes out at most this often."""
    link_code_minutes: int = 10
    """How long a code to join another chat account to one's account stays good."""
    link_code_tries: int = 5
    """Wrong codes before the request is void: the asking chat account and the phone number
    are then both refused new codes for ``link_lockout_minutes``."""
    link_lockout_minutes: int = 60
    link_codes_per_target_per_hour: int = 3
    """Codes asked for one phone number in a clock hour, whoever asks (so many chat accounts
    cannot flood its holder's chats); counted whether or not anyone holds the number."""
    link_codes_per_target_per_day: int = 6
    """… and in a day (the business time zone's)."""
    link_codes_per_asker_per_hour: int = 5
    """Codes one chat account may ask for in a clock hour, whatever numbers it types."""
    sos_sms_every_minutes: int = 30
    """A person's emergency contact is texted at most this often: a repeated SOS alerts ops."""


@dataclass(frozen=True)
class Rules:
    """All rule sections together; ``Rules()`` is the documented default set."""

    timezone: str = "Asia/Shanghai"
    pricing: PricingRules = field(default_factory=PricingRules)
    cancellation: CancellationRules = field(default_factory=CancellationRules)
    reschedule: RescheduleRules = field(default_factory=RescheduleRules)
    lateness: LatenessRules = field(default_factory=LatenessRules)
    settlement: SettlementRules = field(default_factory=SettlementRules)
    membership: MembershipRules = field(default_factory=MembershipRules)
    coupons: CouponRules = field(default_factory=CouponRules)
    booking: BookingRules = field(default_factory=BookingRules)
    dispatch: DispatchRules = field(default_factory=DispatchRules)
    execution: ExecutionRules = field(default_factory=ExecutionRules)
    notifications: NotificationRules = field(default_factory=NotificationRules)
    after_sales: AfterSalesRules = field(default_factory=AfterSalesRules)
    credit: CreditRules = field(default_factory=CreditRules)
    risk: RiskRules = field(default_factory=RiskRules)
    payments: PaymentRules = field(default_factory=PaymentRules)
    placements: PlacementRules = field(default_factory=PlacementRules)
