"""The words that name each thing in a catalog — names in both languages, the names without
their bracketed details ("月嫂(26 天)" → "月嫂"), and the catalog's aliases — as one table
the item matcher reads, with the indexes that keep a match to a few dictionary look-ups.
Built once per catalog; nothing here runs per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from domain.catalog import Catalog, alias_key
from domain.text import Bilingual


class Kind(StrEnum):
    """What a phrase names; the values are the booking flow's choice-key prefixes."""

    ITEM = "item"
    BUNDLE = "bundle"
    CATEGORY = "cat"


@dataclass(frozen=True, slots=True)
class Target:
    kind: Kind
    id: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """One word for one or more targets, as compared (``key``). ``latin``: written in Latin
    letters, so found only as whole words ("ac" is not in "back"); ``parts``: its characters
    (its words, if latin), to find it typed out of order ("空调要洗" for "洗空调")."""

    key: str
    targets: tuple[int, ...]
    latin: bool
    parts: frozenset[str]


_PUNCTUATION = re.compile(r"[\s\-_,.;:!?()\[\]{}\"'+、,。;:!?()【】「」《》·~…]+")
_BRACKETED = re.compile(r"\s*[((][^))]*[))]\s*")
LATIN_RUN = re.compile(r"[!-~]+")
"""A run of printable ASCII: a word of an English phrase, in a text that may mix in Chinese."""


def phrase_key(text: str) -> str:
    """Text as phrases and queries are compared: NFKC, case-folded, punctuation as spaces
    ("Air-conditioner" and "air conditioner" are one phrase)."""
    return " ".join(_PUNCTUATION.sub(" ", alias_key(text)).split())


def parts_of(key: str, latin: bool) -> frozenset[str]:
    return frozenset(LATIN_RUN.findall(key)) if latin else frozenset(key.replace(" ", ""))


@dataclass(frozen=True, slots=True)
class PhraseTable:
    """Every phrase of a catalog and how to find it.

    Attributes:
        targets: the items, bundles and categories, indexed by the phrases' ``targets``.
        exact: each phrase by its key.
        chinese_starts: for each first character of a phrase not in Latin letters, the
            lengths of those phrases, shortest first: the stretches of a text to look up.
        most_words: the most words a Latin phrase has.
        by_part: the phrases having a character (Chinese) or a word (Latin).
        broader: for an item's phrase, the other items a phrase of which contains it ("保洁"
            → deep and move-in cleaning, by "深度保洁", "开荒保洁"): what a bare "保洁" may
            also mean.
        bundles: each bundle's target with its items' targets.
    """

    targets: tuple[Target, ...]
    exact: dict[str, Phrase]
    chinese_starts: dict[str, tuple[int, ...]]
    most_words: int
    by_part: dict[str, tuple[Phrase, ...]]
    broader: dict[str, tuple[int, ...]]
    bundles: tuple[tuple[int, frozenset[int]], ...]


def build_table(catalog: Catalog) -> PhraseTable:
    """The phrase table of ``catalog``; a phrase shared by two targets names both."""
    targets: list[Target] = []
    owners: dict[str, list[int]] = {}

    def add(target: Target, name: Bilingual, aliases: tuple[str, ...] = ()) -> int:
        index = len(targets)
        targets.append(target)
        bare = (_BRACKETED.sub(" ", name.zh), _BRACKETED.sub(" ", name.en))
        for text in (name.zh, name.en, *bare, *aliases):
            key = phrase_key(text)
            if key and index not in (owned := owners.setdefault(key, [])):
                owned.append(index)
        return index

    item_index: dict[str, int] = {}
    for cat in catalog.categories:
        add(Target(Kind.CATEGORY, cat.id), cat.name, cat.aliases)
        for item in cat.items:
            item_index[item.id] = add(Target(Kind.ITEM, item.id), item.name, item.aliases)
    bundles = tuple(
        (add(Target(Kind.BUNDLE, b.id), b.name), frozenset(item_index[i] for i in b.item_ids))
        for b in catalog.bundles
    )
    exact = {
        key: Phrase(key, tuple(owned), key.isascii(), parts_of(key, key.isascii()))
        for key, owned in owners.items()
    }
    by_part: dict[str, list[Phrase]] = {}
    for p in exact.values():
        for part in p.parts:
            by_part.setdefault(part, []).append(p)
    table = PhraseTable(
        targets=tuple(targets),
        exact=exact,
        chinese_starts=_starts(k for k, p in exact.items() if not p.latin),
        most_words=max((len(k.split()) for k, p in exact.items() if p.latin), default=0),
        by_part={part: tuple(ps) for part, ps in by_part.items()},
        broader={},
        bundles=bundles,
    )
    return replace(table, broader=dict(_broader(table)))


def written_in(table: PhraseTable, text: str) -> Iterator[tuple[Phrase, int]]:
    """Each phrase written out in ``text`` (a phrase key) and where: a Chinese one as any
    stretch of the text, a Latin one as a run of whole words."""
    exact, starts, size = table.exact, table.chinese_starts, len(text)
    for i, c in enumerate("" if text.isascii() else text):  # a Chinese phrase is not ASCII
        for n in starts.get(c, ()):
            if i + n > size:
                break
            p = exact.get(text[i : i + n])
            if p is not None and not p.latin:
                yield p, i
    runs = [m.span() for m in LATIN_RUN.finditer(text)]
    for i, (start, _) in enumerate(runs):
        for _, end in runs[i : i + table.most_words]:
            p = exact.get(text[start:end])
            if p is not None and p.latin:
                yield p, start


def _starts(keys: Iterable[str]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in keys:
        lengths.setdefault(key[0], set()).add(len(key))
    return {c: tuple(sorted(ns)) for c, ns in lengths.items()}


def _broader(table: PhraseTable) -> Iterator[tuple[str, tuple[int, ...]]]:
    items = {i for i, t in enumerate(table.targets) if t.kind == Kind.ITEM}
    wider: dict[str, set[int]] = {}
    for outer in table.exact.values():
        for inner, _ in written_in(table, outer.key):
            if inner.key != outer.key:
                wider.setdefault(inner.key, set()).update(t for t in outer.targets if t in items)
    for key, owners in wider.items():
        phrase = table.exact[key]
        if any(t in items for t in phrase.targets) and (more := owners - set(phrase.targets)):
            yield key, tuple(sorted(more))
