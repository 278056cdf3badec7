"""The texts daojia shows people, before they are in a language, and what a text from outside
may contain once a bot has read it (``clean``).

zh-CN is the source language: a message is written once, in Chinese, as its gettext msgid
(``N_("订单 #{number} 已取消", number=7)``); the English is in the catalogs of
``i18n/locale`` (Babel, ``pybabel extract/update/compile``). The domain never reads a
catalog: ``Text.get(lang)`` asks the translator ``i18n`` installs when it is imported
(``install``) — until then, and for a message a catalog lacks, the Chinese msgid is shown.

The same Chinese may need two readings in another language: a button's "Reschedule" is a
timeline's "rescheduled". Such a message carries a gettext context (``C_("timeline",
"改约时间")``, gettext's ``pgettext``), a msgid of its own in the catalogs.

``Bilingual`` is the other kind of phrase: one that arrives already in both languages — a
catalog item's name from the operator's rules file, a quote line read back from the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from itertools import repeat
from typing import TypeAlias


class Lang(StrEnum):
    ZH = "zh"
    EN = "en"


CONTEXT = "\x04"
"""What stands between a message's context and its msgid where a catalog keys it (gettext's
``pgettext``: ``"timeline\x04改约时间"``)."""


def _untranslated(lang: str, msgid: str) -> str:
    return msgid.rpartition(CONTEXT)[2]


def _untranslated_plural(lang: str, msgid: str, plural: str, n: int) -> str:
    return msgid if n == 1 else plural


_translate: Callable[[str, str], str] = _untranslated
_translate_plural: Callable[[str, str, str, int], str] = _untranslated_plural


def install(
    translate: Callable[[str, str], str], translate_plural: Callable[[str, str, str, int], str]
) -> None:
    """Where ``Text.get`` finds a msgid's translation, and ``Counted.get`` the form of a
    message for a number (``i18n`` calls it on import)."""
    global _translate, _translate_plural
    _translate = translate
    _translate_plural = translate_plural


def translate(
    lang: str, msgid: str, params: Iterable[tuple[str, object]] = (), context: str = ""
) -> str:
    """``msgid`` (in ``context``, when it has one) in ``lang`` with ``params`` filled into its
    ``str.format`` fields; a parameter that is itself a phrase (``Text``, ``Bilingual``) is
    put in ``lang`` too."""
    text = _translate(lang, f"{context}{CONTEXT}{msgid}" if context else msgid)
    return fill(lang, text, dict(params)) if params else text


def translate_counted(
    lang: str, msgid: str, plural: str, n: int, params: Iterable[tuple[str, object]] = ()
) -> str:
    """``msgid`` in ``lang`` in the form its language uses for ``n`` of something ("1 visit",
    "3 visits"; Chinese has one form), with ``params`` filled in as ``translate`` does."""
    text = _translate_plural(lang, msgid, plural, n)
    return fill(lang, text, dict(params)) if params else text


Field: TypeAlias = str | int | float | date | datetime | None
"""What ``tr``/``t`` fill into a message: a phrase is put in the reader's language first
(``STATUS_TEXT[s].get(conv.lang)``), so the chat path needs no check of each field."""


def fill(lang: str, text: str, fields: dict[str, object]) -> str:
    """``text`` (a translation) with ``fields`` filled in, a phrase among them in ``lang``;
    ``fields`` itself is not changed."""
    if any(map(isinstance, fields.values(), repeat(_PHRASES))):  # in C: mostly none is
        fields = {k: v.get(lang) if isinstance(v, _PHRASES) else v for k, v in fields.items()}
    return text.format_map(fields)


@dataclass(frozen=True, slots=True)
class Text:
    """A message: its msgid (the Chinese text, ``{name}`` fields), the fields' values and its
    context, when the same Chinese reads otherwise elsewhere (``C_``)."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()
    context: str = ""

    def get(self, lang: Lang | str) -> str:
        """The message in ``lang`` (the Chinese where the catalog has no translation)."""
        return translate(lang, self.msgid, self.params, self.context)

    def __str__(self) -> str:
        return self.get(Lang.ZH)


def N_(msgid: str, /, **params: object) -> Text:  # noqa: N802 - gettext's name for "mark"
    """A message to translate where the reader's language is known (extracted by Babel)."""
    return Text(msgid, tuple(params.items()))


def C_(context: str, msgid: str, /, **params: object) -> Text:  # noqa: N802 - as N_
    """``N_`` for a msgid that reads otherwise in ``context`` than elsewhere (gettext's
    ``pgettext``): the timeline's ``C_("timeline", "改约时间")`` is "rescheduled" where the
    button's ``N_("改约时间")`` is "Reschedule"."""
    return Text(msgid, tuple(params.items()), context)


@dataclass(frozen=True, slots=True)
class Counted:
    """A message about a number of something: gettext's ``msgid``/``msgid_plural`` pair (in
    Chinese both are the same text: it has one form) and the number that picks the form."""

    msgid: str
    plural: str
    n: int
    params: tuple[tuple[str, object], ...] = ()

    def get(self, lang: Lang | str) -> str:
        return translate_counted(lang, self.msgid, self.plural, self.n, self.params)

    def __str__(self) -> str:
        return self.get(Lang.ZH)


def counting(msgid: str, plural: str, n: int, /, **params: object) -> Counted:
    """``N_`` for a message whose English depends on a number: ``counting("剩 {visits} 次",
    "剩 {visits} 次", visits, visits=visits)`` reads "1 visit left" / "3 visits left"."""
    return Counted(msgid, plural, n, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A phrase given in Chinese and English (operator data, stored labels)."""

    zh: str
    en: str

    def get(self, lang: Lang | str) -> str:
        """The phrase in ``lang``, falling back to Chinese."""
        return self.en if lang == Lang.EN and self.en else self.zh

    def __str__(self) -> str:
        return self.zh


class Shown:
    """A phrase of its own kind, put in a reader's language by ``get`` (``domain.moments``'s
    ``When``): ``fill`` puts a field of any such kind in the reader's language."""

    __slots__ = ()

    def get(self, lang: Lang | str) -> str:
        raise NotImplementedError


Phrase: TypeAlias = Text | Counted | Bilingual
_PHRASES = (
    Text,
    Counted,
    Bilingual,
    Shown,
)  # made once: ``Text | Bilingual`` in a call makes a new union each time
"""Anything ``.get(lang)`` turns into a string for one reader."""


def named(table: Mapping[str, Phrase], key: str, lang: str) -> str:
    """``key``'s name in ``lang`` from ``table`` (a status, a flag, a document kind…); a key
    missing from it (a catalog's own certificate, say) is shown with its underscores as spaces
    rather than not at all."""
    text = table.get(key)
    return text.get(lang) if text is not None else key.replace("_", " ")


def listed(parts: Iterable[str], lang: str) -> str:
    """``parts`` as one list in ``lang``: 日常保洁、育儿嫂 in Chinese (the enumeration comma),
    "Daily cleaning, Nanny" in English."""
    return (", " if lang == Lang.EN else "、").join(parts)


StoredNotes: TypeAlias = tuple[
    tuple[re.Pattern[str], Callable[[re.Match[str]], Text | Counted]], ...
]
"""Notes daojia stores without a language (an id and its fields), each by what it looks like
stored and the phrase it reads as (``domain.timeline_notes``, ``domain.people``)."""


def stored_phrase(note: str, *tables: StoredNotes) -> Phrase:
    """``note`` as the phrase of the first pattern in ``tables`` it matches whole, in the
    reader's language; a note none matches (a person's own words) as it was written."""
    for table in tables:
        for pattern, phrase in table:
            if found := pattern.fullmatch(note):
                return phrase(found)
    return Bilingual(note, note)


def bilingual(phrase: Phrase) -> Bilingual:
    """``phrase`` written out in both languages (to keep as data: a state, a stored row)."""
    if isinstance(phrase, Bilingual):
        return phrase
    return Bilingual(phrase.get(Lang.ZH), phrase.get(Lang.EN))


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
