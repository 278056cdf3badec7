"""Typos in what customers type, found with rapidfuzz once nothing matched as written:
"日常保结" for 日常保洁, "deep cleanig" for deep cleaning, "babysiter" for babysitter.

Only a few candidates are ever scored, so a miss costs tens of microseconds: a Chinese phrase
must share all but one of its characters with the text before ``partial_ratio`` looks at it;
an English word is compared with the catalog's words only when it is four letters or more and
neither one of them nor a common word.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from conversations.understanding.phrases import LATIN_RUN, Phrase, PhraseTable, parts_of

_COMMON = (
    "about after also area back been best bring broke call care clear come could days does done"
    " each even from give good have hello help here home hour hours just know like look make"
    " many more most much must near need next only over place please price some soon sure"
    " take than that them then there they this time today very want week well were what when"
    " where which will with work would your"
)
COMMON_WORDS = frozenset(_COMMON.split())
"""English words a customer types that are no misspelling of a catalog word, though close to
one ("care" → "carer", "broke" → "broken")."""


def chinese_typos(table: PhraseTable, query: str) -> list[tuple[Phrase, float]]:
    """Chinese phrases of four to twelve characters written in ``query`` with one wrong
    (``partial_ratio`` ≥ 75: "日常保结"), each with its ratio."""
    shared: dict[str, int] = {}
    for c in parts_of(query, False):
        for p in table.by_part.get(c, ()):
            if not p.latin and 4 <= len(p.key) <= 12:
                shared[p.key] = shared.get(p.key, 0) + 1
    found = []
    for key, n in shared.items():
        phrase = table.exact[key]
        if n >= max(3, len(phrase.parts) - 1):
            ratio = fuzz.partial_ratio(query, key, score_cutoff=75.0)
            if ratio:
                found.append((phrase, ratio))
    return found


class Speller:
    """Puts misspelt English words right against the words of the catalog's phrases."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._vocabulary = sorted({w for p in phrases if p.latin for w in p.parts if len(w) >= 4})
        self._known = frozenset(w for p in phrases if p.latin for w in p.parts)

    def correct(self, query: str) -> tuple[str, float]:
        """``query`` with its misspelt words put right (``ratio`` ≥ 85: "cleanig" →
        "cleaning"), and the worst of those ratios; 0 when there was nothing to put right."""
        runs = [
            m
            for m in LATIN_RUN.finditer(query)
            if len(m.group()) >= 4
            and m.group().isalpha()
            and m.group() not in COMMON_WORDS
            and m.group() not in self._known
        ]
        if not runs or not self._vocabulary:
            return query, 0.0
        table = process.cdist(
            [m.group() for m in runs], self._vocabulary, scorer=fuzz.ratio, score_cutoff=85.0
        )
        out, worst, last = [], 100.0, 0
        for m, row in zip(runs, table, strict=True):
            best = int(row.argmax())
            if row[best]:
                out += [query[last : m.start()], self._vocabulary[best]]
                worst, last = min(worst, float(row[best])), m.end()
        if not out:
            return query, 0.0
        return "".join(out) + query[last:], worst
