"""Phone numbers people type or share: a mainland mobile or an international ``+…`` number,
in the digits of a full-width keyboard too ("１３８ １２３４ ５６７８", "＋８６－…": what
some Chinese input methods type), read as the plain ones (``numbers.normalise``)."""

from __future__ import annotations

import re

from conversations.understanding.numbers import normalise

_CN_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9][0-9]{9})$")
_INTL = re.compile(r"^\+[1-9][0-9]{7,14}$")
_SEPARATORS = re.compile(r"[\s\-()]")
_DIGITS_ONLY = re.compile(r"^\+?[0-9]+$")
# [0-9], not \d: another script's digits ("١٣٨…") are no number we could call or text


def _compact(text: str) -> str:
    """``text`` without its spaces, dashes and brackets, full-width ones included."""
    return _SEPARATORS.sub("", normalise(text))


def normalise_phone(text: str) -> str | None:
    """A mainland mobile number (``13812345678``) or an international ``+…`` number; None
    for anything else."""
    compact = _compact(text)
    m = _CN_MOBILE.match(compact)
    if m:
        return m.group(1)
    return compact if _INTL.match(compact) else None


def tried_a_phone(text: str) -> bool:
    """Only digits (spaced, dashed, a leading +): a phone number meant, valid or not —
    "12345" where a number is asked is a mistyped one, not a note."""
    return bool(_DIGITS_ONLY.match(_compact(text)))
