"""What a worker may see before accepting: masked address and phone."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


def mask_address(text: str, district: str = "") -> str:
    """Keep the district and the road, hide numbers and everything after the road name.

    ``上海市徐汇区漕溪北路88号12楼1203`` → ``上海市徐汇区漕溪北路**号…``
    """
    m = re.search(r"^(.*?(?:路|街|道|巷|弄|大道|公路|Road|Rd|Street|St))", text)
    head = m.group(1) if m else text[: max(4, len(text) // 3)]
    masked = _DIGITS.sub("*", head)
    if district and district not in masked:
        masked = f"{district} {masked}"
    return masked + ("**号…" if m else "…")


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    digits = phone.lstrip("+")
    if len(digits) < 7:
        return "*" * len(digits)
    return phone[: len(phone) - len(digits)] + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


_DISTRICT = re.compile(r"([\u4e00-\u9fff]{1,4}(?:区|县))")


def district_of(text: str) -> str:
    """The district named in a Chinese address (``徐汇区``), or ""."""
    m = _DISTRICT.search(text)
    if not m:
        return ""
    found = m.group(1)
    for prefix in ("市", "省"):
        if prefix in found:
            found = found.split(prefix)[-1]
    return found
