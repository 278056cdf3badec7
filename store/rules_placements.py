"""The ``rules.placements`` section of the catalog file: long placements' contract days
(defaults from ``domain.placements.PlacementRules``)."""

from __future__ import annotations

from pydantic import Field

from domain.placements import PlacementRules
from store.file_types import Strict

_P = PlacementRules()


class PlacementSpec(Strict):
    days_per_month: int = Field(default=_P.days_per_month, ge=1, le=31)
    max_contract_days: int = Field(default=_P.max_contract_days, ge=1, le=3660)
    billing_days: int = Field(default=_P.billing_days, ge=1, le=366)
    bill_in_advance: bool = _P.bill_in_advance
    due_reminder_days: int = Field(default=_P.due_reminder_days, ge=0, le=60)
    free_replacements: int = Field(default=_P.free_replacements, ge=0, le=20)
    notice_fee_days: int = Field(default=_P.notice_fee_days, ge=0, le=60)
    renewal_reminder_days: int = Field(default=_P.renewal_reminder_days, ge=0, le=60)
    interview_minutes: int = Field(default=_P.interview_minutes, ge=10, le=480)

    def build(self) -> PlacementRules:
        return PlacementRules(
            days_per_month=self.days_per_month,
            max_contract_days=self.max_contract_days,
            billing_days=self.billing_days,
            bill_in_advance=self.bill_in_advance,
            due_reminder_days=self.due_reminder_days,
            free_replacements=self.free_replacements,
            notice_fee_days=self.notice_fee_days,
            renewal_reminder_days=self.renewal_reminder_days,
            interview_minutes=self.interview_minutes,
        )
