"""Typed text → the catalog item, bundle or category it names: "日常保洁 ¥40.00/小时" (a
button's label), "日常保结" (a typo), "家里空调要洗一下", "I need someone to clean my flat".

How a phrase is scored against the text (best first):

- the text *is* the phrase: 100;
- the phrase is *in* the text: 90 plus a little for a longer, more specific phrase — a hit
  inside a longer hit is dropped ("保洁" inside "深度保洁" says nothing more);
- the phrase's characters are all in the text, out of order but close together ("空调要洗"
  for "洗空调"): 80 + 2.5 a character, at most 94; an English phrase's words anywhere: 85;
- the text is part of a phrase ("空调清" of "空调清洗"): 60–80 by how much of it;
- otherwise a typo (``typos.py``): 0.8 of rapidfuzz's ``partial_ratio`` (≥ 75) for a Chinese
  phrase with one character wrong ("日常保结"); English words put right against the
  catalog's words ("cleanig" → "cleaning", ``ratio`` ≥ 85) and the text read again, at 0.8
  of that reading times the ratio.

A thing scores its best phrase, plus 5 for each further phrase of it in the text (at most
10): "空调" and "洗…空调" together make cleaning surer than repair.

Ambiguity policy: an item whose other phrase contains the phrase found is a near miss
(found score − 8): a bare "保洁" is daily cleaning, with deep and move-in cleaning beside it;
"保姆" is the hourly nanny, with the live-in nanny beside it. The answer is the best thing
with every other thing within 10 points of it (at most three) as ``alternatives``: a caller
offers them all as buttons, or takes the best when there are none (``ItemMatch.sure``).
Naming every item of a bundle ("日常保洁和油烟机清洗") names the bundle, with the items as
alternatives. On equal scores an item comes before a bundle, a bundle before a category.
Nothing scoring below 60 is a match: "你好", "12345" or an address name nothing.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from conversations.understanding.phrases import (
    Kind,
    Phrase,
    PhraseTable,
    Target,
    build_table,
    parts_of,
    phrase_key,
    written_in,
)
from conversations.understanding.typos import Speller, chinese_typos
from domain.catalog import Catalog

MIN_SCORE = 60.0
MARGIN = 10.0
MAX_ALTERNATIVES = 3
_NEAR_MISS = 8.0
_RANK = {Kind.ITEM: 0, Kind.BUNDLE: 1, Kind.CATEGORY: 2}
"""On equal scores the more specific first: an item, then a bundle, then a category."""
_PRICE = re.compile(
    r"[¥￥$]\s*\d[\d,]*(?:\.\d+)?(?:\s*/\s*\S+)?|\d[\d,]*(?:\.\d+)?\s*元(?:\s*/\s*\S+)?"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A thing the text may name, and how well it does (0–110)."""

    kind: Kind
    id: str
    score: float

    @property
    def key(self) -> str:
        """The booking flow's choice key for it ("item:daily_cleaning", "cat:nanny")."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class ItemMatch:
    """The best thing the text names and the near misses a caller should offer beside it."""

    best: Candidate | None = None
    alternatives: tuple[Candidate, ...] = ()

    @property
    def found(self) -> bool:
        return self.best is not None

    @property
    def sure(self) -> bool:
        """One thing and no near miss: take it without asking."""
        return self.best is not None and not self.alternatives

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        """The best and the alternatives, best first: the buttons to offer."""
        return (self.best, *self.alternatives) if self.best else ()

    def narrowed(self, keep: Callable[[Candidate], bool]) -> ItemMatch:
        """Only the candidates ``keep`` accepts (e.g. items sold by the hour, when the
        customer said "3小时"); unchanged when it would accept none."""
        kept = [c for c in self.candidates if keep(c)]
        if not kept or len(kept) == len(self.candidates):
            return self
        return ItemMatch(kept[0], tuple(kept[1:]))


NO_MATCH = ItemMatch()


class ItemMatcher:
    """Matches typed text to one catalog's items, bundles and categories; build it once per
    catalog (``matcher_for``): a match is then a few dictionary look-ups."""

    def __init__(self, catalog: Catalog) -> None:
        self._table: PhraseTable = build_table(catalog)
        phrases = self._table.exact.values()
        self._latin = tuple((f" {p.key}", p) for p in phrases if p.latin)
        self._speller = Speller(p for _, p in self._latin)

    def after_phrases(self, text: str) -> int:
        """Where ``text`` goes on after the last catalog phrase written in it (0: none is):
        the name of an address starts there ("日常保洁漕溪北路" → 4)."""
        key = text.casefold()
        return max((at + len(p.key) for p, at in written_in(self._table, key)), default=0)

    def names_exactly(self, text: str) -> bool:
        """Whether ``text`` is, word for word, one name or alias of the catalog."""
        return phrase_key(text) in self._table.exact

    def match(self, text: str) -> ItemMatch:
        """What ``text`` names; ``NO_MATCH`` when nothing scores ``MIN_SCORE``."""
        query = phrase_key(_PRICE.sub(" ", text))
        if not any(c.isalpha() for c in query):
            return NO_MATCH
        scores = self._scores(query)
        if not scores:
            return NO_MATCH
        targets = self._table.targets
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], _RANK[targets[kv[0]].kind], kv[0]))
        best_index, best = ranked[0]
        if best < MIN_SCORE:
            return NO_MATCH
        near = [_candidate(targets[i], s) for i, s in ranked[1:] if s >= best - MARGIN]
        return ItemMatch(_candidate(targets[best_index], best), tuple(near[:MAX_ALTERNATIVES]))

    def _scores(self, query: str, typos: bool = True) -> dict[int, float]:
        hits = _outermost(self._hits(query))
        scores: dict[int, float] = {}
        counts: dict[int, int] = {}
        for hit in hits:
            for t in hit.phrase.targets:
                scores[t] = max(scores.get(t, 0.0), hit.score)
                counts[t] = counts.get(t, 0) + 1
        for t, n in counts.items():
            scores[t] += min(n - 1, 2) * 5.0
        for hit in hits:  # near misses: the items a bare "保洁" may also mean
            for t in self._table.broader.get(hit.phrase.key, ()):
                scores[t] = max(scores.get(t, 0.0), hit.score - _NEAR_MISS)
        for bundle, items in self._table.bundles:
            if all(scores.get(i, 0.0) >= 90.0 for i in items):
                scores[bundle] = max(scores.get(bundle, 0.0), max(scores[i] for i in items) + 6)
        if scores or not typos:
            return scores or self._partial(query)
        return self._partial(query) or self._fuzzy(query)

    def _hits(self, query: str) -> list[_Hit]:
        """Phrases written out in the text, then those with all their parts in it."""
        whole = self._table.exact.get(query)
        if whole is not None:
            return [_Hit(whole, 100.0, (0, len(query) - 1), True)]
        hits: dict[str, _Hit] = {}
        for p, at in written_in(self._table, query):
            score = 90.0 + min(len(p.key), 10) / 2
            hits.setdefault(p.key, _Hit(p, score, (at, at + len(p.key) - 1), True))
        q_chars = parts_of(query, False)
        q_words = parts_of(query, True)
        seen: set[str] = set()
        for part in q_chars | q_words:
            for p in self._table.by_part.get(part, ()):
                if p.key in seen or p.key in hits or len(p.parts) < (2 if p.latin else 3):
                    continue
                seen.add(p.key)
                if p.parts <= (q_words if p.latin else q_chars):
                    places = () if p.latin else tuple(sorted(query.find(c) for c in p.parts))
                    if p.latin:
                        hits[p.key] = _Hit(p, 85.0, places, False)
                    elif places[-1] - places[0] < len(p.key) + 3:
                        score = min(80.0 + 2.5 * len(p.key), 94.0)
                        hits[p.key] = _Hit(p, score, places, False)
        return list(hits.values())

    def _partial(self, query: str) -> dict[int, float]:
        """The text as a part of a phrase ("空调清" of "空调清洗"; in English, from the start
        of a word: "washing" of "washing machine", but "ok" not of "broken")."""
        scores: dict[int, float] = {}
        latin = query.isascii()
        if len(query) < (3 if latin else 2):
            return scores
        if latin:
            spaced = f" {query}"
            found = [p for key, p in self._latin if spaced in key]
        else:
            found = [p for p in self._table.by_part.get(query[0], ()) if query in p.key]
        for p in found:
            for t in p.targets:
                scores[t] = max(scores.get(t, 0.0), 60.0 + 20.0 * len(query) / len(p.key))
        return scores

    def _fuzzy(self, query: str) -> dict[int, float]:
        """Typos, at 0.8 of the score (``typos.py``): a Chinese phrase all but one character
        of which are in the text; English words put right, and the text read again."""
        scores: dict[int, float] = {}
        for phrase, ratio in chinese_typos(self._table, query):
            for t in phrase.targets:
                scores[t] = max(scores.get(t, 0.0), 0.8 * ratio)
        corrected, ratio = self._speller.correct(query)
        if ratio:
            for t, score in self._scores(corrected, typos=False).items():
                scores[t] = max(scores.get(t, 0.0), score * 0.8 * ratio / 100)
        return scores


@dataclass(frozen=True, slots=True)
class _Hit:
    phrase: Phrase
    score: float
    places: tuple[int, ...]  # first and last character written out, or each part's place
    whole: bool  # written out as it is, not in scattered parts


def _outermost(hits: list[_Hit]) -> list[_Hit]:
    """Drop a hit written inside a longer one ("保洁" inside "深度保洁"), and one in parts
    all inside phrases written out ("洗油烟机" scattered over "油烟机清洗")."""
    spans = [(h.places[0], h.places[-1]) for h in hits if h.whole]
    kept = []
    for h in hits:
        if h.whole:
            a, b = h.places[0], h.places[-1]
            if any(x <= a and b <= y and y - x > b - a for x, y in spans):
                continue
        elif h.places and all(any(x <= i <= y for x, y in spans) for i in h.places):
            continue
        kept.append(h)
    return kept


def _candidate(target: Target, score: float) -> Candidate:
    return Candidate(target.kind, target.id, round(score, 1))


_CACHE: OrderedDict[int, tuple[Catalog, ItemMatcher]] = OrderedDict()
_CACHE_SIZE = 4


def matcher_for(catalog: Catalog) -> ItemMatcher:
    """The matcher of ``catalog``, built on first use and kept for the few catalogs alive at
    once (a price change makes a new catalog object; the old one drops out)."""
    cached = _CACHE.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        _CACHE.move_to_end(id(catalog))
        return cached[1]
    matcher = ItemMatcher(catalog)
    _CACHE[id(catalog)] = (catalog, matcher)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return matcher


__all__ = ["NO_MATCH", "Candidate", "ItemMatch", "ItemMatcher", "Kind", "matcher_for"]
