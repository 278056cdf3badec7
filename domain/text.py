"""Bilingual text (zh-CN is the default language, English the second), and what a text from
outside may contain once a bot has read it (``clean``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Text:
    """A phrase in Chinese and English."""

    zh: str
    en: str

    def get(self, lang: Lang | str) -> str:
        """The phrase in ``lang``, falling back to Chinese."""
        return self.en if lang == Lang.EN and self.en else self.zh


_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff]")
"""C0 control characters but the tab and the line feed, and surrogates: in a Python string a
surrogate is always a lone half of a UTF-16 pair (a JSON ``\\ud800``), which no UTF-8 encoder,
Redis or PostgreSQL accepts; PostgreSQL refuses NUL in any text."""


def clean(text: str) -> str:
    """``text`` as it may be stored: NUL, the other C0 control characters and lone surrogates
    dropped; a tab and a line break stay (``\\r\\n`` and a lone ``\\r`` become ``\\n``).

    Bots call it on every text a person or a platform sends, where they read it, so nothing
    after them meets a character the database, Redis or a chat platform would refuse.
    """
    if _UNSAFE.search(text) is None:  # nearly always: one scan, no copy
        return text
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
