"""``python -m i18n.fill_source zh_CN``: in the source language's catalog, every msgid without
a msgstr gets its own text (the Chinese msgid is the Chinese text until someone edits it)."""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from i18n import DOMAIN, LOCALE_DIR


def main(locale: str) -> None:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # a message about a number; Chinese has one form
            if not any(message.string or ()):
                message.string = (message.id[0],) * catalog.num_plurals
        elif not message.string:
            message.string = message.id
    with path.open("wb") as f:
        write_po(f, catalog, width=99, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main(sys.argv[1])
