"""Money in integer fen (分) and rates in basis points.

One rounding rule for the whole product: a percentage of an amount is rounded half up to the
whole fen (``apply_rate``). Splits hand out the remainder so the parts always sum to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NewType

Fen = NewType("Fen", int)
BasisPoints = NewType("BasisPoints", int)
"""A rate in 1/10,000: 10000 = 100%, 9500 = 95%, 30 = 0.3%."""

FULL = 10_000


class MoneyError(ValueError):
    """A money amount or rate could not be parsed."""


def apply_rate(amount: int, rate_bp: int) -> int:
    """Return ``amount × rate`` rounded half up (away from zero) to the whole fen."""
    if rate_bp < 0:
        raise MoneyError(f"negative rate {rate_bp}")
    sign = -1 if amount < 0 else 1
    return sign * ((abs(amount) * rate_bp * 2 + FULL) // (2 * FULL))


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` fen in proportion to ``weights`` so the parts sum exactly to ``total``.

    Largest-remainder method; ties go to the earlier part, so the result is deterministic.
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise MoneyError("weights must be non-negative and not all zero")
    if total < 0:
        return [-part for part in split(-total, weights)]
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


def parse_yuan(value: object) -> int:
    """Parse a yuan amount (``"40"``, ``"12.5"``, ``40``, ``"¥12.50"``) into fen, exactly.

    Raises:
        MoneyError: not a number, negative, or finer than one fen.
    """
    if isinstance(value, bool):
        raise MoneyError(f"not an amount: {value!r}")
    text = str(value).strip().lstrip("¥￥").replace(",", "")
    if text.lower().endswith(("yuan", "元")):
        text = text.rstrip("元").removesuffix("yuan").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise MoneyError(f"not a valid amount: {value!r}")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise MoneyError(f"more precise than one fen: {value!r}")
    return int(fen)


def parse_percent(value: object) -> int:
    """Parse a percentage (``95``, ``"12.5"``, ``"30%"``) into basis points, exactly."""
    if isinstance(value, bool):
        raise MoneyError(f"not a percentage: {value!r}")
    text = str(value).strip().rstrip("%").strip()
    try:
        pct = Decimal(text)
    except InvalidOperation as exc:
        raise MoneyError(f"not a percentage: {value!r}") from exc
    if not pct.is_finite() or pct < 0:
        raise MoneyError(f"not a valid percentage: {value!r}")
    bp = (pct * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if bp != pct * 100:
        raise MoneyError(f"more precise than 0.01%: {value!r}")
    return int(bp)


def format_yuan(fen: int) -> str:
    """Render fen as ``¥1,234.50`` (negative amounts as ``-¥20.00``)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def format_percent(bp: int) -> str:
    """Render basis points as a percentage: 3000 → ``30%``, 1250 → ``12.5%``."""
    whole, frac = divmod(bp, 100)
    return f"{whole}%" if not frac else f"{whole}.{frac:02d}".rstrip("0") + "%"
