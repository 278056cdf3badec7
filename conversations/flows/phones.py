"""Phone numbers people type or share: a mainland mobile or an international ``+…`` number."""

from __future__ import annotations

import re

_CN_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_INTL = re.compile(r"^\+[1-9]\d{7,14}$")
_SEPARATORS = re.compile(r"[\s\-()]")
_DIGITS_ONLY = re.compile(r"^\+?\d+$")


def normalise_phone(text: str) -> str | None:
    """A mainland mobile number (``13812345678``) or an international ``+…`` number; None
    for anything else."""
    compact = _SEPARATORS.sub("", text)
    m = _CN_MOBILE.match(compact)
    if m:
        return m.group(1)
    return compact if _INTL.match(compact) else None


def tried_a_phone(text: str) -> bool:
    """Only digits (spaced, dashed, a leading +): a phone number meant, valid or not —
    "12345" where a number is asked is a mistyped one, not a note."""
    return bool(_DIGITS_ONLY.match(_SEPARATORS.sub("", text)))
