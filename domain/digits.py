"""Whole numbers written in digits — an id in an admin command or a button, a star count, a
link's expiry — read once, the same way everywhere.

``str.isdigit`` is the wrong guard before ``int``: "²" and "⑤" are digits to it but no number
to ``int`` (a ValueError, a 500), while "１２" (full-width) is a number to both.
``str.isdecimal`` is exactly what ``int`` reads. A number also has to fit where it goes: the
ids are PostgreSQL ``INTEGER`` columns (and SQLite stops at 64 bits), so an id beyond
``INT_MAX`` is no row's id — not found, never a database error — as an order number beyond
eight digits is no order's (``typed_commands``).
"""

from __future__ import annotations

INT_MAX = 2**31 - 1
"""The largest ``INTEGER``: every table's id (``store/tables``)."""
BIGINT_MAX = 2**63 - 1
"""The largest ``BIGINT``: money in fen, order numbers, a Unix time."""
DAYS_MAX = 36_525
"""A count of days typed (a century): any day it reaches from today is a date."""
_LENGTH_MAX = 32
"""More characters than any number of ours has, leading zeros and all: ``int`` never reads a
long run (its time grows with the length; past 4,300 digits it refuses)."""


def whole(text: str, most: int = INT_MAX, *, ascii_only: bool = False) -> int | None:
    """``text`` as a whole number from 0 to ``most``, else None.

    Digits of any script count ("42", full-width "４２": what a person types); with
    ``ascii_only`` only 0–9 do (a link's parameter, which only our own code writes). None for
    "", "²", "⑤", "-1", "1.5", " 1" and any number above ``most`` (``INT_MAX``: an id).
    """
    if not text.isdecimal() or len(text) > _LENGTH_MAX or (ascii_only and not text.isascii()):
        return None
    value = int(text)
    return value if value <= most else None
