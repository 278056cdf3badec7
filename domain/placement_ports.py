"""The store's side of long placements (``domain.placements``), as services see it."""

from __future__ import annotations

from typing import Protocol

from domain.placements import Placement


class Placements(Protocol):
    async def add(self, placement: Placement) -> Placement: ...
    async def for_order(self, order_id: int) -> Placement | None: ...
