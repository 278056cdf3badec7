"""The ``rules:`` section of the catalog file: every business number, with the defaults of
``domain.rules`` (already in fen and basis points), each checked and named on error."""

from __future__ import annotations

from datetime import time

from pydantic import Field, PositiveInt

from domain.rules import (
    AfterSalesRules,
    BookingRules,
    CancellationRules,
    ComplaintCategory,
    CreditRules,
    DispatchMode,
    DispatchRules,
    ExecutionRules,
    LatenessRules,
    MemberLevel,
    MembershipRules,
    NotificationRules,
    PaymentRules,
    PricingRules,
    RescheduleRules,
    RiskRules,
    Rules,
    SettlementRules,
    WorkerLevel,
)
from store.file_types import Percent, Slug, Strict, Yuan
from store.rules_coupons import CouponSpec

# Defaults come from domain.rules (already in fen / basis points: validators only run on input).
_DEFAULT = Rules()
_N, _A, _CR, _R = _DEFAULT.notifications, _DEFAULT.after_sales, _DEFAULT.credit, _DEFAULT.risk
_PAY, _RS = _DEFAULT.payments, _DEFAULT.reschedule
_P, _C, _L, _S, _M, _B, _D, _E = (
    _DEFAULT.pricing,
    _DEFAULT.cancellation,
    _DEFAULT.lateness,
    _DEFAULT.settlement,
    _DEFAULT.membership,
    _DEFAULT.booking,
    _DEFAULT.dispatch,
    _DEFAULT.execution,
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


class LatenessSpec(Strict):
    grace_minutes: int = Field(default=_L.grace_minutes, ge=0)
    deduction_percent: Percent = _L.deduction_bp
    suspend_after: int = Field(default=_L.suspend_after, ge=1)
    window_days: int = Field(default=_L.window_days, ge=1)

    def build(self) -> LatenessRules:
        return LatenessRules(
            grace_minutes=self.grace_minutes,
            deduction_bp=self.deduction_percent,
            suspend_after=self.suspend_after,
            window_days=self.window_days,
        )


class SettlementSpec(Strict):
    commission_percent: dict[WorkerLevel, Percent] = dict(_S.commission_bp)
    default_commission_percent: Percent = _S.default_commission_bp
    withdraw_after_days: int = Field(default=_S.withdraw_after_days, ge=0)
    withdrawal_approval_above: Yuan = _S.withdrawal_approval_above_cents
    withdrawal_minimum: Yuan = _S.withdrawal_min_cents
    auto_confirm_hours: int = Field(default=_S.auto_confirm_hours, ge=1)
    payout_query_after_minutes: int = Field(default=_S.payout_query_after_minutes, ge=1)

    def build(self) -> SettlementRules:
        return SettlementRules(
            commission_bp=dict(self.commission_percent),
            default_commission_bp=self.default_commission_percent,
            withdraw_after_days=self.withdraw_after_days,
            withdrawal_approval_above_cents=self.withdrawal_approval_above,
            withdrawal_min_cents=self.withdrawal_minimum,
            auto_confirm_hours=self.auto_confirm_hours,
            payout_query_after_minutes=self.payout_query_after_minutes,
        )


class MembershipSpec(Strict):
    spend_window_days: int = Field(default=_M.spend_window_days, ge=1)
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

    def build(self) -> BookingRules:
        return BookingRules(
            slots=tuple(self.slots),
            min_lead_minutes=self.min_lead_minutes,
            asap_lead_minutes=self.asap_lead_minutes,
            max_days_ahead=self.max_days_ahead,
            days_offered=self.days_offered,
            recurring_ahead_days=self.recurring_ahead_days,
        )


class DispatchSpec(Strict):
    mode: DispatchMode = _D.mode
    offer_timeout_seconds: int = Field(default=_D.offer_timeout_s, ge=10)
    grab_top_k: int = Field(default=_D.grab_top_k, ge=1, le=50)
    max_rounds: int = Field(default=_D.max_rounds, ge=1)
    max_push_offers: int = Field(default=_D.max_push_offers, ge=1)
    max_service_radius_km: int = Field(default=_D.max_service_radius_km, ge=1)
    near_km: int = Field(default=_D.near_km, ge=0)
    travel_buffer_minutes: int = Field(default=_D.travel_buffer_minutes, ge=0)
    good_review_floor_percent: Percent = _D.good_rate_floor_bp
    level_points: dict[WorkerLevel, int] = dict(_D.level_points)
    preferred_points: int = _D.preferred_points
    previous_points: int = _D.previous_points
    near_idle_points: int = _D.near_idle_points
    points_per_km: int = _D.points_per_km
    points_per_rating_star: int = _D.points_per_rating_star
    points_per_active_job: int = _D.points_per_active_job
    transfer_compensation_percent: Percent = _D.transfer_compensation_bp
    batch_ahead_hours: int = Field(default=_D.batch_ahead_hours, ge=0)
    member_priority_points: dict[MemberLevel, int] = dict(_D.member_priority_points)
    member_rating_points_per_star: dict[MemberLevel, int] = dict(_D.member_rating_points_per_star)

    def build(self) -> DispatchRules:
        return DispatchRules(
            mode=self.mode,
            offer_timeout_s=self.offer_timeout_seconds,
            grab_top_k=self.grab_top_k,
            max_rounds=self.max_rounds,
            max_push_offers=self.max_push_offers,
            max_service_radius_km=self.max_service_radius_km,
            near_km=self.near_km,
            travel_buffer_minutes=self.travel_buffer_minutes,
            good_rate_floor_bp=self.good_review_floor_percent,
            level_points=dict(self.level_points),
            preferred_points=self.preferred_points,
            previous_points=self.previous_points,
            near_idle_points=self.near_idle_points,
            points_per_km=self.points_per_km,
            points_per_rating_star=self.points_per_rating_star,
            points_per_active_job=self.points_per_active_job,
            transfer_compensation_bp=self.transfer_compensation_percent,
            batch_ahead_hours=self.batch_ahead_hours,
            member_priority_points={
                **_D.member_priority_points,
                **self.member_priority_points,
            },
            member_rating_points_per_star={
                **_D.member_rating_points_per_star,
                **self.member_rating_points_per_star,
            },
        )


class ExecutionSpec(Strict):
    checkin_radius_m: int = Field(default=_E.checkin_radius_m, ge=10)
    travel_speed_kmh: int = Field(default=_E.travel_speed_kmh, ge=1)
    max_photo_mb: int = Field(default=_E.max_photo_bytes // (1024 * 1024), ge=1, le=20)
    photos_per_kind: int = Field(default=_E.photos_per_kind, ge=1)
    depart_before_minutes: int = Field(default=_E.depart_before_minutes, ge=0)
    checkin_before_minutes: int = Field(default=_E.checkin_before_minutes, ge=0)
    visit_code_digits: int = Field(default=_E.visit_code_digits, ge=0, le=8)
    visit_code_alert_after: int = Field(default=_E.visit_code_alert_after, ge=1)

    def build(self) -> ExecutionRules:
        return ExecutionRules(
            checkin_radius_m=self.checkin_radius_m,
            travel_speed_kmh=self.travel_speed_kmh,
            max_photo_bytes=self.max_photo_mb * 1024 * 1024,
            photos_per_kind=self.photos_per_kind,
            depart_before_minutes=self.depart_before_minutes,
            checkin_before_minutes=self.checkin_before_minutes,
            visit_code_digits=self.visit_code_digits,
            visit_code_alert_after=self.visit_code_alert_after,
        )


class NotificationSpec(Strict):
    max_attempts: int = Field(default=_N.max_attempts, ge=1)
    retry_base_seconds: int = Field(default=_N.retry_base_s, ge=1)
    retry_cap_seconds: int = Field(default=_N.retry_cap_s, ge=1)
    lease_seconds: int = Field(default=_N.lease_s, ge=5)
    batch: int = Field(default=_N.batch, ge=1, le=1000)
    reminder_day_before_hours: int = Field(default=_N.reminder_day_before_hours, ge=1)
    reminder_hour_before_minutes: int = Field(default=_N.reminder_hour_before_minutes, ge=5)
    confirm_reminder_hours: int = Field(default=_N.confirm_reminder_hours, ge=1)
    wechat_window_hours: int = Field(default=_N.wechat_window_hours, ge=1, le=48)
    certificate_reminder_days: list[PositiveInt] = Field(
        default=list(_N.certificate_reminder_days), max_length=10
    )

    def build(self) -> NotificationRules:
        return NotificationRules(
            max_attempts=self.max_attempts,
            retry_base_s=self.retry_base_seconds,
            retry_cap_s=self.retry_cap_seconds,
            lease_s=self.lease_seconds,
            batch=self.batch,
            reminder_day_before_hours=self.reminder_day_before_hours,
            reminder_hour_before_minutes=self.reminder_hour_before_minutes,
            confirm_reminder_hours=self.confirm_reminder_hours,
            wechat_window_hours=self.wechat_window_hours,
            certificate_reminder_days=tuple(sorted(set(self.certificate_reminder_days))),
        )


class AfterSalesSpec(Strict):
    complaint_window_hours: int = Field(default=_A.complaint_window_hours, ge=1)
    first_response_minutes: int = Field(default=_A.first_response_minutes, ge=1)
    compensation_after_hours: int = Field(default=_A.compensation_after_hours, ge=1)
    compensation_coupon: Yuan = _A.compensation_coupon_cents
    compensation_coupon_days: int = Field(default=_A.compensation_coupon_days, ge=1)
    refund_percent: dict[ComplaintCategory, Percent] = dict(_A.refund_bp)
    auto_resolve: list[ComplaintCategory] = sorted(_A.auto_resolve)
    auto_resolve_max: Yuan = _A.auto_resolve_max_cents
    review_below_stars: int = Field(default=_A.review_below_stars, ge=1, le=5)
    ticket_first_response_minutes: int = Field(default=_A.ticket_first_response_minutes, ge=1)
    ticket_alerts: int = Field(default=_A.ticket_alerts, ge=1)

    def build(self) -> AfterSalesRules:
        return AfterSalesRules(
            complaint_window_hours=self.complaint_window_hours,
            first_response_minutes=self.first_response_minutes,
            compensation_after_hours=self.compensation_after_hours,
            compensation_coupon_cents=self.compensation_coupon,
            compensation_coupon_days=self.compensation_coupon_days,
            refund_bp={**_A.refund_bp, **self.refund_percent},
            auto_resolve=frozenset(self.auto_resolve),
            auto_resolve_max_cents=self.auto_resolve_max,
            review_below_stars=self.review_below_stars,
            ticket_first_response_minutes=self.ticket_first_response_minutes,
            ticket_alerts=self.ticket_alerts,
        )


class CreditSpec(Strict):
    window_days: int = Field(default=_CR.window_days, ge=7)
    min_jobs: int = Field(default=_CR.min_jobs, ge=0)
    rating_weight: int = Field(default=_CR.rating_weight, ge=0)
    completion_weight: int = Field(default=_CR.completion_weight, ge=0)
    complaint_weight: int = Field(default=_CR.complaint_weight, ge=0)
    punctuality_weight: int = Field(default=_CR.punctuality_weight, ge=0)
    level_min_score: dict[WorkerLevel, int] = dict(_CR.level_min_score)
    suspend_level_c: bool = _CR.suspend_level_c
    complaint_rate_cap_percent: Percent = _CR.complaint_rate_cap_bp
    lowered_daily_cap: int = Field(default=_CR.lowered_daily_cap, ge=0)
    spot_check_percent: Percent = _CR.spot_check_bp

    def build(self) -> CreditRules:
        return CreditRules(
            window_days=self.window_days,
            min_jobs=self.min_jobs,
            rating_weight=self.rating_weight,
            completion_weight=self.completion_weight,
            complaint_weight=self.complaint_weight,
            punctuality_weight=self.punctuality_weight,
            level_min_score=dict(self.level_min_score),
            suspend_level_c=self.suspend_level_c,
            complaint_rate_cap_bp=self.complaint_rate_cap_percent,
            lowered_daily_cap=self.lowered_daily_cap,
            spot_check_bp=self.spot_check_percent,
        )


class RiskSpec(Strict):
    cancellations_to_hold: int = Field(default=_R.cancellations_to_hold, ge=1)
    cancellation_window_hours: int = Field(default=_R.cancellation_window_hours, ge=1)
    confirm_code_above: Yuan = _R.confirm_code_above_cents
    messages_per_minute: int = Field(default=_R.messages_per_minute, ge=1)
    web_messages_per_address_per_minute: int = Field(
        default=_R.web_messages_per_address_per_minute, ge=1
    )
    web_chats_per_address_per_hour: int = Field(default=_R.web_chats_per_address_per_hour, ge=1)
    broadcast_every_minutes: int = Field(default=_R.broadcast_every_minutes, ge=1)
    link_code_minutes: int = Field(default=_R.link_code_minutes, ge=1, le=60)
    link_code_tries: int = Field(default=_R.link_code_tries, ge=1, le=10)

    def build(self) -> RiskRules:
        return RiskRules(
            cancellations_to_hold=self.cancellations_to_hold,
            cancellation_window_hours=self.cancellation_window_hours,
            confirm_code_above_cents=self.confirm_code_above,
            messages_per_minute=self.messages_per_minute,
            web_messages_per_address_per_minute=self.web_messages_per_address_per_minute,
            web_chats_per_address_per_hour=self.web_chats_per_address_per_hour,
            broadcast_every_minutes=self.broadcast_every_minutes,
            link_code_minutes=self.link_code_minutes,
            link_code_tries=self.link_code_tries,
        )


class PaymentSpec(Strict):
    unpaid_expire_minutes: int = Field(default=_PAY.unpaid_expire_minutes, ge=5)
    recurring_pay_before_hours: int = Field(default=_PAY.recurring_pay_before_hours, ge=1)
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
            booking=self.booking.build(),
            dispatch=self.dispatch.build(),
            execution=self.execution.build(),
            notifications=self.notifications.build(),
            after_sales=self.after_sales.build(),
            credit=self.credit.build(),
            risk=self.risk.build(),
            payments=self.payments.build(),
        )
