"""What may be seen of a person's data: a masked address and phone for a worker before
accepting, and none of it in a log line (a database error's message is redacted)."""

from __future__ import annotations

import re
import traceback
from typing import Protocol

from domain.gazetteer import district_text
from domain.text import Bilingual

_DIGITS = re.compile(r"\d")
_ROAD = re.compile(
    r"^(.*?(?:(路|街|道|巷|弄|大道|公路)"
    r"|\b(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Highway|Hwy)\b))",
    re.IGNORECASE,
)
"""An address up to its road's name: a Chinese one (``漕溪北路``, its number after it) or an
English one (``88 Caoxi North Road``, its number before it), the words whole (not the "st"
of "1st", nor the "Road" of "Broadway")."""


def mask_address(text: str, district: str = "") -> str:
    """Keep the district and the road, hide numbers and everything after the road name.

    ``上海市徐汇区漕溪北路88号12楼1203`` → ``上海市徐汇区漕溪北路**号…``;
    ``88 Caoxi North Road, Room 1201`` → ``** Caoxi North Road…`` (no 号 in English).
    """
    m = _ROAD.search(text)
    head = m.group(1) if m else text[: max(4, len(text) // 3)]
    masked = _DIGITS.sub("*", head)
    if district and district not in masked:
        masked = f"{district} {masked}"
    return masked + ("**号…" if m and m.group(2) else "…")


MAP_PIN = Bilingual("地图定位", "Map pin")
"""The place of a shared location that came without a label, written into the address in
the customer's language (``地图定位 5楼501``); shown in the reader's."""


def address_shown(text: str, lang: str) -> str:
    """An address in full for a reader in ``lang``: a shared location's ``MAP_PIN`` written
    into it in the customer's language reads in the reader's (``Map pin 8楼801`` to an English
    worker of a Chinese customer's ``地图定位 8楼801``); the rest is the customer's own words."""
    for label in (MAP_PIN.zh, MAP_PIN.en):
        if text.startswith(label):
            return MAP_PIN.get(lang) + text[len(label) :]
    return text


def masked_address(text: str, district: str = "") -> Bilingual:
    """``mask_address`` for a reader in each language: in English the district ahead of the
    customer's own words is its pinyin (``Xuhui District 上海市徐汇区漕溪北路**号…``), and a
    shared location's ``MAP_PIN`` reads in the reader's language."""
    english = district_text(district).en if district else ""
    for label in (MAP_PIN.zh, MAP_PIN.en):
        if text.startswith(label):  # the label whole, what the customer added masked
            rest = text[len(label) :].strip()
            tail = f" {mask_address(rest)}" if rest else "…"
            return Bilingual(
                f"{district} {MAP_PIN.zh}{tail}".lstrip(), f"{english} {MAP_PIN.en}{tail}".lstrip()
            )
    return Bilingual(mask_address(text, district), mask_address(text, english))


def full_address(text: str) -> Bilingual:
    """The address in full (for the roles that see it) as each reader reads it: a shared
    location's ``MAP_PIN`` in their language (``Map pin 8楼801``), the customer's own words
    as written (``address_shown`` in each language)."""
    return Bilingual(address_shown(text, "zh"), address_shown(text, "en"))


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    digits = phone.lstrip("+")
    if len(digits) < 7:
        return "*" * len(digits)
    return phone[: len(phone) - len(digits)] + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[\s.-]?)?1[3-9]\d(?:[\s.-]?\d){8}(?!\d)"  # a mobile
    r"|(?<!\d)0\d{2,3}[.-]?\d{7,8}(?!\d)"  # a landline with its area code
)
"""A mainland mobile (``13812345678``, ``+86 138-1234-5678``, ``138.1234.5678``) or a
landline (``021-12345678``)."""


_WIDE = str.maketrans("０１２３４５６７８９＋－．", "0123456789+-.")
"""Full-width digits and the signs of a number, as a Chinese keyboard types them."""


def mask_phones(text: str) -> str:
    """``text`` with every phone number in it masked (``138****5678``), also one typed in
    full-width digits (``１３８…``: the other side is shown those digits as ASCII ones; the
    rest of the text, Chinese punctuation included, as it was written)."""
    text = text.translate(_WIDE)
    return _PHONE.sub(lambda m: mask_phone(re.sub(r"[\s.-]", "", m.group(0))), text)


_DATABASE = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3", "psycopg")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NAMES = ("sqlstate", "table_name", "column_name", "constraint_name")
"""What a PostgreSQL error names (asyncpg attributes): identifiers, never values."""


def loggable_traceback(exc: BaseException) -> str:
    """``exc`` and what caused it, as Python prints them, for a log line that must not carry a
    phone, an address or a name.

    A database error's message can: asyncpg quotes a value it could not encode (``invalid
    input for query argument $1: '138…'``) and PostgreSQL's DETAIL lists a row (``Failing row
    contains (…)``) or a key. When the chain holds a database driver's error, every message in
    it keeps only its first line, quoted parts blanked, plus the statement and the identifiers
    the driver names (SQLSTATE, table, column, constraint). Frames are shown by file, line and
    function, without reading the source.
    """
    chain = _chain(exc)
    database = _from_database(chain)
    parts: list[str] = []
    for earlier, later in zip(reversed(chain), [*reversed(chain[:-1]), None], strict=True):
        parts.append("Traceback (most recent call last):\n")
        parts += [
            f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
            for frame in traceback.StackSummary.extract(
                traceback.walk_tb(earlier.__traceback__), lookup_lines=False
            )
        ]
        parts.append(_error_text(earlier, database) + "\n")
        if later is not None:
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n\n"
                if later.__cause__ is earlier
                else "\nDuring handling of the above exception, another exception occurred:\n\n"
            )
    return "".join(parts).rstrip("\n")


def error_line(exc: BaseException) -> str:
    """``Type: message`` of ``exc`` on one line, redacted as ``loggable_traceback`` does when
    it is a database error (for a log line or an error kept with a retried message)."""
    return _error_text(exc, _from_database(_chain(exc))).splitlines()[0]


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc``, then what caused it, as far back as Python would print."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return chain


def _from_database(chain: list[BaseException]) -> bool:
    return any(type(e).__module__.startswith(_DATABASE) for e in chain)


def _error_text(exc: BaseException, database: bool) -> str:
    name = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
    try:
        message = str(exc)
    except Exception:  # a broken __str__ must not break the log line
        message = "<unprintable>"
    if not database:
        return f"{name}: {message}" if message else name
    lines = message.splitlines() or [""]
    kept = [_QUOTED.sub("…", lines[0])]
    kept += [line for line in lines[1:] if line.startswith("[SQL: ")]
    named = [f"{n}={getattr(exc, n)}" for n in _NAMES if getattr(exc, n, None)]
    if named:
        kept[0] += f" [{', '.join(named)}]"
    return f"{name}: " + "\n".join(kept)


class Sealer(Protocol):
    """Encrypts what holds personal data before it leaves the process (``store.crypto``'s
    ``PiiCipher``, with the PII key)."""

    def seal(self, field: str, data: bytes) -> bytes: ...

    def unseal(self, field: str, blob: bytes) -> bytes:
        """Raises ValueError when ``blob`` was sealed with another key, or not at all."""
        ...
