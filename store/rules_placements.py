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

    def build(self) -> PlacementRules:
        return PlacementRules(
            days_per_month=self.days_per_month,
            max_contract_days=self.max_contract_days,
        )
