"""The ``rules:`` numbers of doing the work — dispatch, the visit, lateness, notifications,
after-sales, worker credit and risk — each checked and named on error (the money side and the
whole section: ``rules_file``; coupons: ``rules_coupons``)."""

from __future__ import annotations

from pydantic import Field, PositiveInt, ValidationInfo, field_validator

from domain.rules import (
    AfterSalesRules,
    ComplaintCategory,
    CreditRules,
    DispatchMode,
    DispatchRules,
    ExecutionRules,
    LatenessRules,
    MemberLevel,
    NotificationRules,
    RiskRules,
    Rules,
    WorkerLevel,
)
from store.file_types import Percent, Strict, Yuan

# Defaults come from domain.rules (already in fen / basis points: validators only run on input).
_DEFAULT = Rules()
_N, _A, _CR, _R = _DEFAULT.notifications, _DEFAULT.after_sales, _DEFAULT.credit, _DEFAULT.risk
_L, _D, _E = _DEFAULT.lateness, _DEFAULT.dispatch, _DEFAULT.execution


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
    index_from_workers: int = Field(default=_D.index_from_workers, ge=1)
    index_refresh_seconds: int = Field(default=_D.index_refresh_seconds, ge=5, le=86_400)
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
            index_from_workers=self.index_from_workers,
            index_refresh_seconds=self.index_refresh_seconds,
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
    eta_min_minutes: int = Field(default=_E.eta_min_minutes, ge=0, le=120)
    eta_location_fresh_minutes: int = Field(default=_E.eta_location_fresh_minutes, ge=0)
    eta_max_minutes: int = Field(default=_E.eta_max_minutes, ge=1, le=24 * 60)
    eta_choices: list[PositiveInt] = Field(
        default=list(_E.eta_choices), min_length=1, max_length=8
    )
    max_photo_mb: int = Field(default=_E.max_photo_bytes // (1024 * 1024), ge=1, le=20)
    photos_per_kind: int = Field(default=_E.photos_per_kind, ge=1)
    depart_before_minutes: int = Field(default=_E.depart_before_minutes, ge=0)
    checkin_before_minutes: int = Field(default=_E.checkin_before_minutes, ge=0)
    visit_code_digits: int = Field(default=_E.visit_code_digits, ge=0, le=8)
    visit_code_alert_after: int = Field(default=_E.visit_code_alert_after, ge=1)
    relay_open_hours_after_end: int = Field(default=_E.relay_open_hours_after_end, ge=0)
    relay_reply_minutes: int = Field(default=_E.relay_reply_minutes, ge=0, le=24 * 60)
    surcharge_answer_minutes: int = Field(default=_E.surcharge_answer_minutes, ge=1, le=1440)
    surcharge_max: Yuan = _E.surcharge_max_cents
    unsent_photo_hours: int = Field(default=_E.unsent_photo_hours, ge=1, le=24 * 30)

    @field_validator("eta_choices")
    @classmethod
    def _choices_within_the_most(cls, choices: list[int], info: ValidationInfo) -> list[int]:
        """A button above ``eta_max_minutes`` would be refused when pressed (出发 takes 1 to
        the most): such a file is refused instead. The most is checked first (declared
        above); when it is wrong itself, that is the error named."""
        most = info.data.get("eta_max_minutes")
        over = sorted({m for m in choices if m > most}) if most is not None else []
        if over:
            listed = ", ".join(map(str, over))
            raise ValueError(
                f"must be at most eta_max_minutes ({most}): {listed} would do nothing"
            )
        return choices

    def build(self) -> ExecutionRules:
        return ExecutionRules(
            checkin_radius_m=self.checkin_radius_m,
            travel_speed_kmh=self.travel_speed_kmh,
            eta_min_minutes=self.eta_min_minutes,
            eta_location_fresh_minutes=self.eta_location_fresh_minutes,
            eta_max_minutes=self.eta_max_minutes,
            eta_choices=tuple(sorted(set(self.eta_choices))),
            max_photo_bytes=self.max_photo_mb * 1024 * 1024,
            photos_per_kind=self.photos_per_kind,
            depart_before_minutes=self.depart_before_minutes,
            checkin_before_minutes=self.checkin_before_minutes,
            visit_code_digits=self.visit_code_digits,
            visit_code_alert_after=self.visit_code_alert_after,
            relay_open_hours_after_end=self.relay_open_hours_after_end,
            relay_reply_minutes=self.relay_reply_minutes,
            surcharge_answer_minutes=self.surcharge_answer_minutes,
            surcharge_max_cents=self.surcharge_max,
            unsent_photo_hours=self.unsent_photo_hours,
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
    keep_days: int = Field(default=_N.keep_days, ge=1)

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
            keep_days=self.keep_days,
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
    link_lockout_minutes: int = Field(default=_R.link_lockout_minutes, ge=1, le=10080)
    link_codes_per_target_per_hour: int = Field(
        default=_R.link_codes_per_target_per_hour, ge=1, le=100
    )
    link_codes_per_target_per_day: int = Field(
        default=_R.link_codes_per_target_per_day, ge=1, le=1000
    )
    link_codes_per_asker_per_hour: int = Field(
        default=_R.link_codes_per_asker_per_hour, ge=1, le=100
    )
    sos_sms_every_minutes: int = Field(default=_R.sos_sms_every_minutes, ge=1, le=1440)

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
            link_lockout_minutes=self.link_lockout_minutes,
            link_codes_per_target_per_hour=self.link_codes_per_target_per_hour,
            link_codes_per_target_per_day=self.link_codes_per_target_per_day,
            link_codes_per_asker_per_hour=self.link_codes_per_asker_per_hour,
            sos_sms_every_minutes=self.sos_sms_every_minutes,
        )
