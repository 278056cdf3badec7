"""Typed text → the skills a worker signing up names: "保洁, 月嫂", "cleaning and nanny",
"我会做保洁和育儿嫂", or the numbers of the buttons ("1、3", in WeChat).

The text is cut into parts at commas, 、, slashes, 和 / 及 / 与 / 还有, "and", "&" and at a
space beside a Chinese character — unless the parts joined are one name of the catalog
("mother and baby", "家电清洗与维修"). Each part is read by the item matcher (``items.py``:
the catalog's names and aliases in both languages, typos), and what it names gives skills:

- an item: its skill ("育儿嫂" → the hourly nanny's). Its near misses are not taken: a bare
  "保洁" is daily cleaning, not deep cleaning too — the worker who does that ticks it;
- several things named as surely in one part ("保洁月嫂", "cleaning nanny"): each;
- a category (its name or one of its aliases, "家电清洗与维修", "家电", "cleaning"): the
  skills of all its items — appliance cleaning and repair, daily and deep cleaning — as a
  worker naming the whole field means;
- a bundle: its items' skills.

A part naming nothing is returned, as typed, among the ``unknown``: the caller says it is no
service of ours ("开飞机", "做饭"); a filler ("等等", "etc") is neither read nor refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.understanding.items import Candidate, ItemMatcher, matcher_for
from conversations.understanding.phrases import Kind
from domain.catalog import Catalog

_SPLIT = re.compile(
    r"(\s*(?:[,，、;；/|&+＋\n]|以及|还有|和|及|与|跟|\band\b|\bor\b)\s*"
    r"|(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f]))",
    re.IGNORECASE,
)
"""A separator, kept (``re.split`` returns it) to join the parts again when they are one name."""
_FILLERS = frozenset({"等", "等等", "之类", "etc", "etc.", "also", "too", "both", "以上"})
_NUMBER = re.compile(r"^\d{1,2}$")
TIED = 5.0
"""Things scoring within this of the best in one part are all named ("保洁月嫂"); a near miss
(``items._NEAR_MISS``, 8 below) is not."""


@dataclass(frozen=True, slots=True)
class SkillsRead:
    """What a worker's words named: ``skills`` in the order named (each once), and the parts
    naming no service, as typed."""

    skills: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def read_skills(text: str, catalog: Catalog, by_number: Sequence[str] = ()) -> SkillsRead:
    """The skills ``text`` names; ``by_number``: the skill each button stands for, in their
    order (a part "2" is the second's; a number past them is not understood)."""
    matcher = matcher_for(catalog)
    skills: list[str] = []
    unknown: list[str] = []
    for part in _parts(text, matcher):
        if part.casefold() in _FILLERS:
            continue
        if _NUMBER.match(part):
            n = int(part)
            found = [by_number[n - 1]] if 1 <= n <= len(by_number) else []
        else:
            found = _named(part, catalog, matcher)
        if not found:
            unknown.append(part)
        skills += [s for s in found if s not in skills]
    return SkillsRead(tuple(skills), tuple(dict.fromkeys(unknown)))


def _parts(text: str, matcher: ItemMatcher) -> list[str]:
    """The parts of ``text``, one name each; pieces whose join is one name stay one part."""
    cut = _SPLIT.split(text.strip())
    pieces, joints = cut[0::2], cut[1::2]
    parts: list[str] = []
    i = 0
    while i < len(pieces):
        end = i
        for j in range(len(pieces) - 1, i, -1):  # the longest run that is one name
            joined = "".join(p + s for p, s in zip(pieces[i:j], joints[i:j], strict=True))
            if matcher.names_exactly(joined + pieces[j]):
                end = j
                break
        part = "".join(p + s for p, s in zip(pieces[i:end], joints[i:end], strict=True))
        part = (part + pieces[end]).strip()
        if part:
            parts.append(part)
        i = end + 1
    return parts


def _named(part: str, catalog: Catalog, matcher: ItemMatcher) -> list[str]:
    match = matcher.match(part)
    if match.best is None:
        return []
    best = match.best.score
    named = [c for c in match.candidates if c.score >= best - TIED]
    return [s for c in named for s in _skills_of(c, catalog)]


def _skills_of(c: Candidate, catalog: Catalog) -> list[str]:
    if c.kind == Kind.ITEM:
        return [catalog.item(c.id).skill]
    if c.kind == Kind.CATEGORY:  # the whole field: each of its services' skills, once
        return list(dict.fromkeys(item.skill for item in catalog.category(c.id).items))
    return [catalog.item(i).skill for i in catalog.bundle(c.id).item_ids]


__all__ = ["SkillsRead", "read_skills"]
