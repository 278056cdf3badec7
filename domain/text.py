"""Bilingual text: zh-CN is the default language, English the second."""

from __future__ import annotations

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
