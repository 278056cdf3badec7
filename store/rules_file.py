"""The ``rules:`` section of the catalog file: every business number, with the defaults of
``domain.rules`` (already in fen and basis points), each checked and named on error. Here the
money side (pricing, cancellation, reschedule, settlement, membership, booking, payments) and
the whole section; the work's numbers in ``rules_operations``, coupons' in ``rules_coupons``."""

from __future__ import annotations

from datetime import time

from pydantic import Field

from domain.rules import (
    BookingRules,
    CancellationRules,
    ComplaintCategory,
    DepositRules,
    MemberLevel,
    MembershipRules,
    PaymentRules,
    PricingRules,
    RescheduleRules,
    Rules,
    SettlementRules,
    WorkerLevel,
)
from store.file_types import Percent, Slug, Strict, Yuan
from store.rules_coupons import CouponSpec
from store.rules_operations import (
    AfterSalesSpec,
    CreditSpec,
    DispatchSpec,
    ExecutionSpec,
    LatenessSpec,
    NotificationSpec,
    RiskSpec,
)
from store.rules_placements import PlacementSpec

# Defaults come from domain.rules (already in fen / basis points: validators only run on input).
_DEFAULT = Rules()
_PAY, _RS = _DEFAULT.payments, _DEFAULT.reschedule
_P, _C, _S, _M, _B = (
    _DEFAULT.pricing,
    _DEFAULT.cancellation,
    _DEFAULT.settlement,
    _DEFAULT.membership,
    _DEFAULT.booking,
)


class PricingSpec(Strict):
    over_area_block_sqm: int = Field(default=_P.over_area_block_sqm, ge=1)
    over_area_block_price: Yuan = _P.over_area_block_cents
    high_altitude_price: Yuan = _P.high_altitude_cents
    night_start: time = _P.night_start
    night_end: time = _P.night_end
    night_surcharge_percent: Percent = _P.night_surcharge_bp
    transport_free_km: int = Field(default=_P.transport_free_km, ge=0)
    transport_price_per_km: Yuan = _P.transport_cents_per_km
    member_price_percent: dict[MemberLevel, Percent] = {
        k: v for k, v in _P.member_price_bp.items() if k != MemberLevel.REGULAR
    }
    first_order_discount: Yuan = _P.first_order_discount_cents
    points_per_yuan: int = Field(default=_P.points_per_yuan, ge=1)
    points_per_free_hour: int = Field(default=_P.points_per_free_hour, ge=1)
    free_hour_skills: list[Slug] = list(_P.free_hour_skills)
    unit_price_max: Yuan = _P.unit_price_max_cents

    def build(self) -> PricingRules:
        return PricingRules(
            over_area_block_sqm=self.over_area_block_sqm,
            over_area_block_cents=self.over_area_block_price,
            high_altitude_cents=self.high_altitude_price,
            night_start=self.night_start,
            night_end=self.night_end,
            night_surcharge_bp=self.night_surcharge_percent,
            transport_free_km=self.transport_free_km,
            transport_cents_per_km=self.transport_price_per_km,
            member_price_bp={MemberLevel.REGULAR: 10_000, **self.member_price_percent},
            first_order_discount_cents=self.first_order_discount,
            points_per_yuan=self.points_per_yuan,
            points_per_free_hour=self.points_per_free_hour,
            free_hour_skills=tuple(self.free_hour_skills),
            unit_price_max_cents=self.unit_price_max,
        )


class CancellationSpec(Strict):
    free_before_hours: int = Field(default=_C.free_before_hours, ge=0)
    late_before_hours: int = Field(default=_C.late_before_hours, ge=0)
    fee_percent: Percent = _C.fee_bp
    late_fee_percent: Percent = _C.late_fee_bp
    keep_deposit_after_arrival: bool = _C.keep_deposit_after_arrival
    free_until_accepted: bool = _C.free_until_accepted

    def build(self) -> CancellationRules:
        return CancellationRules(
            free_before_hours=self.free_before_hours,
            late_before_hours=self.late_before_hours,
            fee_bp=self.fee_percent,
            late_fee_bp=self.late_fee_percent,
            keep_deposit_after_arrival=self.keep_deposit_after_arrival,
            free_until_accepted=self.free_until_accepted,
        )


_DEP = _S.deposit


class DepositSpec(Strict):
    amount: dict[WorkerLevel, Yuan] = dict(_DEP.amount_cents)
    hold_percent: Percent = _DEP.hold_bp
    complaint_rate_above_percent: Percent = _DEP.complaint_rate_above_bp
    raised_percent: int = Field(default=_DEP.raised_bp // 100, ge=100)
    covers: list[ComplaintCategory] = sorted(_DEP.covers)
    release_after_days: int = Field(default=_DEP.release_after_days, ge=0)

    def build(self) -> DepositRules:
        return DepositRules(
            amount_cents=dict(self.amount),
            hold_bp=self.hold_percent,
            complaint_rate_above_bp=self.complaint_rate_above_percent,
            raised_bp=self.raised_percent * 100,
            covers=frozenset(self.covers),
            release_after_days=self.release_after_days,
        )


class SettlementSpec(Strict):
    commission_percent: dict[WorkerLevel, Percent] = dict(_S.commission_bp)
    default_commission_percent: Percent = _S.default_commission_bp
    withdraw_after_days: int = Field(default=_S.withdraw_after_days, ge=0)
    withdrawal_approval_above: Yuan = _S.withdrawal_approval_above_cents
    withdrawal_minimum: Yuan = _S.withdrawal_min_cents
    auto_confirm_hours: int = Field(default=_S.auto_confirm_hours, ge=1)
    payout_query_after_minutes: int = Field(default=_S.payout_query_after_minutes, ge=1)
    deposit: DepositSpec = DepositSpec()

    def build(self) -> SettlementRules:
        return SettlementRules(
            commission_bp=dict(self.commission_percent),
            default_commission_bp=self.default_commission_percent,
            withdraw_after_days=self.withdraw_after_days,
            withdrawal_approval_above_cents=self.withdrawal_approval_above,
            withdrawal_min_cents=self.withdrawal_minimum,
            auto_confirm_hours=self.auto_confirm_hours,
            payout_query_after_minutes=self.payout_query_after_minutes,
            deposit=self.deposit.build(),
        )


class MembershipSpec(Strict):
    spend_window_days: int = Field(default=_M.spend_window_days, ge=1)
    level_keep_days: int = Field(default=_M.level_keep_days, ge=0, le=3650)
    level_min_spend: dict[MemberLevel, Yuan] = dict(_M.level_min_spend_cents)
    points_per_yuan_paid: int = Field(default=_M.points_per_yuan_paid, ge=0)
    review_points: int = Field(default=_M.review_points, ge=0)
    review_photo_points: int = Field(default=_M.review_photo_points, ge=0)
    points_expire_months: int = Field(default=_M.points_expire_months, ge=0)
    welcome_coupon: Yuan = _M.welcome_coupon_cents
    welcome_coupon_threshold: Yuan = _M.welcome_coupon_threshold_cents
    welcome_coupon_days: int = Field(default=_M.welcome_coupon_days, ge=1)
    referral_coupon: Yuan = _M.referral_coupon_cents
    referral_coupon_threshold: Yuan = _M.referral_coupon_threshold_cents
    referral_coupon_days: int = Field(default=_M.referral_coupon_days, ge=1)
    campaign_coupon: Yuan = _M.campaign_coupon_cents
    campaign_coupon_threshold: Yuan = _M.campaign_coupon_threshold_cents
    campaign_coupon_days: int = Field(default=_M.campaign_coupon_days, ge=1, le=365)
    campaign_batch: int = Field(default=_M.campaign_batch, ge=1, le=2000)
    card_expiry_notice_days: int = Field(default=_M.card_expiry_notice_days, ge=0, le=365)

    def build(self) -> MembershipRules:
        return MembershipRules(
            spend_window_days=self.spend_window_days,
            level_keep_days=self.level_keep_days,
            level_min_spend_cents=dict(self.level_min_spend),
            points_per_yuan_paid=self.points_per_yuan_paid,
            review_points=self.review_points,
            review_photo_points=self.review_photo_points,
            points_expire_months=self.points_expire_months,
            welcome_coupon_cents=self.welcome_coupon,
            welcome_coupon_threshold_cents=self.welcome_coupon_threshold,
            welcome_coupon_days=self.welcome_coupon_days,
            referral_coupon_cents=self.referral_coupon,
            referral_coupon_threshold_cents=self.referral_coupon_threshold,
            referral_coupon_days=self.referral_coupon_days,
            campaign_coupon_cents=self.campaign_coupon,
            campaign_coupon_threshold_cents=self.campaign_coupon_threshold,
            campaign_coupon_days=self.campaign_coupon_days,
            campaign_batch=self.campaign_batch,
            card_expiry_notice_days=self.card_expiry_notice_days,
        )


class BookingSpec(Strict):
    slots: list[time] = list(_B.slots)
    min_lead_minutes: int = Field(default=_B.min_lead_minutes, ge=0)
    asap_lead_minutes: int = Field(default=_B.asap_lead_minutes, ge=0)
    max_days_ahead: int = Field(default=_B.max_days_ahead, ge=1)
    days_offered: int = Field(default=_B.days_offered, ge=1, le=10)
    recurring_ahead_days: int = Field(default=_B.recurring_ahead_days, ge=1, le=30)
    recurring_retry_minutes: int = Field(default=_B.recurring_retry_minutes, ge=0, le=24 * 60)

    def build(self) -> BookingRules:
        return BookingRules(
            slots=tuple(self.slots),
            min_lead_minutes=self.min_lead_minutes,
            asap_lead_minutes=self.asap_lead_minutes,
            max_days_ahead=self.max_days_ahead,
            days_offered=self.days_offered,
            recurring_ahead_days=self.recurring_ahead_days,
            recurring_retry_minutes=self.recurring_retry_minutes,
        )


class PaymentSpec(Strict):
    unpaid_expire_minutes: int = Field(default=_PAY.unpaid_expire_minutes, ge=5)
    recurring_pay_before_hours: int = Field(default=_PAY.recurring_pay_before_hours, ge=1)
    renewal_pay_before_hours: int = Field(default=_PAY.renewal_pay_before_hours, ge=1)
    late_check_hours: int = Field(default=_PAY.late_check_hours, ge=1)
    invoice_max_attempts: int = Field(default=_PAY.invoice_max_attempts, ge=1)
    invoice_retry_base_seconds: int = Field(default=_PAY.invoice_retry_base_s, ge=1)
    invoice_retry_cap_seconds: int = Field(default=_PAY.invoice_retry_cap_s, ge=1)
    invoice_lease_seconds: int = Field(default=_PAY.invoice_lease_s, ge=10)
    insurance_max_attempts: int = Field(default=_PAY.insurance_max_attempts, ge=1)
    insurance_retry_base_seconds: int = Field(default=_PAY.insurance_retry_base_s, ge=1)
    insurance_retry_cap_seconds: int = Field(default=_PAY.insurance_retry_cap_s, ge=1)
    insurance_lease_seconds: int = Field(default=_PAY.insurance_lease_s, ge=10)
    insured_amount: Yuan = _PAY.insured_amount_cents

    def build(self) -> PaymentRules:
        return PaymentRules(
            unpaid_expire_minutes=self.unpaid_expire_minutes,
            recurring_pay_before_hours=self.recurring_pay_before_hours,
            renewal_pay_before_hours=self.renewal_pay_before_hours,
            late_check_hours=self.late_check_hours,
            invoice_max_attempts=self.invoice_max_attempts,
            invoice_retry_base_s=self.invoice_retry_base_seconds,
            invoice_retry_cap_s=self.invoice_retry_cap_seconds,
            invoice_lease_s=self.invoice_lease_seconds,
            insurance_max_attempts=self.insurance_max_attempts,
            insurance_retry_base_s=self.insurance_retry_base_seconds,
            insurance_retry_cap_s=self.insurance_retry_cap_seconds,
            insurance_lease_s=self.insurance_lease_seconds,
            insured_amount_cents=self.insured_amount,
        )


class RescheduleSpec(Strict):
    free_before_hours: int = Field(default=_RS.free_before_hours, ge=0)
    fee_percent: Percent = _RS.fee_bp

    def build(self) -> RescheduleRules:
        return RescheduleRules(free_before_hours=self.free_before_hours, fee_bp=self.fee_percent)


class RulesSpec(Strict):
    timezone: str = _DEFAULT.timezone
    pricing: PricingSpec = PricingSpec()
    cancellation: CancellationSpec = CancellationSpec()
    reschedule: RescheduleSpec = RescheduleSpec()
    lateness: LatenessSpec = LatenessSpec()
    settlement: SettlementSpec = SettlementSpec()
    membership: MembershipSpec = MembershipSpec()
    coupons: CouponSpec = CouponSpec()
    placements: PlacementSpec = PlacementSpec()
    booking: BookingSpec = BookingSpec()
    dispatch: DispatchSpec = DispatchSpec()
    execution: ExecutionSpec = ExecutionSpec()
    notifications: NotificationSpec = NotificationSpec()
    after_sales: AfterSalesSpec = AfterSalesSpec()
    credit: CreditSpec = CreditSpec()
    risk: RiskSpec = RiskSpec()
    payments: PaymentSpec = PaymentSpec()

    def build(self) -> Rules:
        return Rules(
            timezone=self.timezone,
            pricing=self.pricing.build(),
            cancellation=self.cancellation.build(),
            reschedule=self.reschedule.build(),
            lateness=self.lateness.build(),
            settlement=self.settlement.build(),
            membership=self.membership.build(),
            coupons=self.coupons.build(),
            placements=self.placements.build(),
            booking=self.booking.build(),
            dispatch=self.dispatch.build(),
            execution=self.execution.build(),
            notifications=self.notifications.build(),
            after_sales=self.after_sales.build(),
            credit=self.credit.build(),
            risk=self.risk.build(),
            payments=self.payments.build(),
        )
