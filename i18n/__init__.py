"""The message catalogs: every text daojia writes to a person, in zh-CN (the source language:
msgids are the Chinese) and English, as gettext catalogs managed with Babel.

    i18n/babel.cfg                        what ``pybabel extract`` reads (keywords tr, t, N_)
    i18n/locale/<locale>/LC_MESSAGES/daojia.po   the translations, edited by people
    i18n/locale/<locale>/LC_MESSAGES/daojia.mo   compiled, shipped in the package

``bash i18n/catalogs`` runs extract → update → compile after texts change in the code (a new
msgid gets an empty English msgstr to fill, and its own Chinese as the zh_CN msgstr);
``tests/unit/test_catalogs.py`` fails when a msgid lacks a translation, when the catalogs are
not up to date with the code, or when a compiled catalog is older than its ``.po``.

Importing this package installs the catalogs as ``domain.text``'s translator.
"""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations, Translations

from domain import text

DOMAIN = "daojia"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = {"zh": "zh_CN", "en": "en"}
"""A conversation's language (``domain.text.Lang``) → its catalog's locale."""


def _load(locale: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [locale], DOMAIN)


CATALOGS: dict[str, NullTranslations] = {lang: _load(loc) for lang, loc in LOCALES.items()}
_ZH = CATALOGS["zh"]


_LOOKED_UP: dict[tuple[str, str], str] = {}
"""What ``gettext`` found, by language and msgid: the catalogs are loaded once, and a lookup
in one runs several Python lines (two dict probes and a fallback) on every text of a turn."""
_MEMO_LIMIT = 20_000  # more than the catalogs hold; a msgid made at run time is not kept


def gettext(lang: str, msgid: str) -> str:
    """``msgid`` in ``lang`` (the msgid itself where the catalog has none)."""
    try:
        return _LOOKED_UP[lang, msgid]
    except KeyError:
        found: str = CATALOGS.get(lang, _ZH).gettext(msgid)
        if len(_LOOKED_UP) < _MEMO_LIMIT:
            _LOOKED_UP[lang, msgid] = found
        return found


text.install(gettext)
