"""Field types the catalog file shares between its parts: prices in yuan read exactly into fen,
percentages into basis points, ids as slugs, and models that refuse unknown keys."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from domain.digits import BIGINT_MAX
from domain.money import MoneyError, parse_percent, parse_yuan


def fen(value: Any) -> int:
    try:
        amount = parse_yuan(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc
    if amount > BIGINT_MAX:  # no column of money holds it
        raise ValueError(f"too large an amount: {value!r}")
    return amount


def basis_points(value: Any) -> int:
    try:
        bp = parse_percent(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc
    if bp > 10_000:
        raise ValueError("a percentage cannot exceed 100")
    return bp


Yuan = Annotated[int, BeforeValidator(fen)]
Percent = Annotated[int, BeforeValidator(basis_points)]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")]


class Strict(BaseModel):
    """A part of the file that refuses keys it does not know (a typo is an error)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
