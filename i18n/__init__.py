"""The message catalogs: every text daojia writes to a person, in zh-CN (the source language:
msgids are the Chinese) and English, as gettext catalogs managed with Babel.

    i18n/babel.cfg                        what ``pybabel extract`` reads (keywords tr, t, N_)
    i18n/locale/<locale>/LC_MESSAGES/daojia.po   the translations, edited by people
    i18n/locale/<locale>/LC_MESSAGES/daojia.mo   compiled, shipped in the package

``bash i18n/catalogs`` runs extract → update → compile after texts change in the code (a new
msgid gets an empty English msgstr to fill, and its own Chinese as the zh_CN msgstr);
``tests/unit/test_catalogs.py`` fails when a msgid lacks a translation, when the catalogs are
not up to date with the code, or when a compiled catalog is older than its ``.po``.

A message about a number is a ``msgid``/``msgid_plural`` pair (``trn``, ``tn``,
``domain.text.counting``; in Chinese both are the same text): English has a form for one and
one for the rest ("1 visit left", "3 visits left"), Chinese one form.

A message in a context (``domain.text.C_``, gettext's ``pgettext``: the same Chinese read
otherwise there, a timeline's "rescheduled" for a button's "Reschedule") is its own entry,
``msgctxt`` and ``msgid``, keyed ``context\x04msgid`` in the tables as in a ``.mo`` file.

Importing this package installs the catalogs as ``domain.text``'s translator.
"""

from __future__ import annotations

from gettext import GNUTranslations
from pathlib import Path

from babel.messages.mofile import read_mo

from domain import text
from domain.text import CONTEXT

DOMAIN = "daojia"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = {"zh": "zh_CN", "en": "en"}
"""A conversation's language (``domain.text.Lang``) → its catalog's locale."""


def _mo(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _load(locale: str) -> dict[str, str]:
    """The compiled catalog of ``locale`` as a plain table, msgid → its translation (Babel's
    ``read_mo``): a chat turn looks up several texts, and a dict probe is all one costs."""
    with _mo(locale).open("rb") as f:
        catalog = read_mo(f)
    return {
        f"{m.context}{CONTEXT}{m.id}" if m.context else m.id: m.string
        for m in catalog
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    }


TABLES: dict[str, dict[str, str]] = {lang: _load(loc) for lang, loc in LOCALES.items()}
"""Each language's table; ``TABLES.get(lang, SOURCE).get(msgid, msgid)`` is ``gettext``
written out where a turn translates many texts (``tr``, ``t``)."""
SOURCE = TABLES["zh"]


def gettext(lang: str, msgid: str) -> str:
    """``msgid`` (``context\x04msgid`` in a context) in ``lang``; the msgid itself where the
    catalog has none."""
    found = TABLES.get(lang, SOURCE).get(msgid)
    return found if found is not None else msgid.rpartition(CONTEXT)[2]


def _plurals(locale: str) -> GNUTranslations:
    with _mo(locale).open("rb") as f:
        return GNUTranslations(f)


PLURALS: dict[str, GNUTranslations] = {lang: _plurals(loc) for lang, loc in LOCALES.items()}
"""Each language's catalog for messages about a number (``msgid_plural``), read by the
standard library, which picks the form by the catalog's ``Plural-Forms`` (English: one for
1, another for the rest; Chinese: one)."""


def ngettext(lang: str, msgid: str, plural: str, n: int) -> str:
    """The form of ``msgid`` in ``lang`` for ``n`` (``msgid`` for 1, ``plural`` otherwise,
    where the catalog has none)."""
    return PLURALS.get(lang, PLURALS["zh"]).ngettext(msgid, plural, n)


text.install(gettext, ngettext)
