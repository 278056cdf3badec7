"""``/explain``'s answer: one WeChat-sized message (``LIMIT_BYTES``) in the admin's language —
who has the order, who it is offered to now (their answer awaited, until when) or why nobody
can have it, the best candidates with each part of their score, and the rule that keeps each
other worker out, named and counted. Nothing here is an internal id:
rules and score parts are named from ``domain.dispatch``'s tables."""

from __future__ import annotations

from conversations.flows.admin_screens import Screen, shows
from conversations.flows.base import Ctx, Outcome, moment, tr
from conversations.replies import Say
from conversations.results.admin_dispatch import DispatchExplained, RankedWorker, RefusedWorker
from conversations.state import Conversation
from domain.dispatch import FACTOR_TEXT, REFUSAL_TEXT
from domain.lifecycle import STATUS_TEXT
from domain.people import DOCUMENT_TEXT
from domain.text import listed, named

LIMIT_BYTES = 2048
"""A WeChat customer-service text holds at most 2,048 bytes."""


def who(conv: Conversation, worker_id: int, name: str) -> str:
    return tr(conv, "{name}(师傅 {worker_id})", name=name or "—", worker_id=worker_id)


def scored(conv: Conversation, r: RankedWorker) -> str:
    parts = ", ".join(
        f"{named(FACTOR_TEXT, key, conv.lang)} {points:+d}" for key, points in r.factors
    )
    km = f" · {r.distance_m / 1000:.1f} km" if r.distance_m is not None else ""
    return tr(
        conv,
        "{who}:{score} 分{km}({parts})",
        who=who(conv, r.worker_id, r.name),
        score=r.score,
        km=km,
        parts=parts,
    )


def refused(conv: Conversation, r: RefusedWorker) -> str:
    return tr(
        conv,
        "× {who}:{reason}",
        who=who(conv, r.worker_id, r.name),
        reason=named(REFUSAL_TEXT, r.reason, conv.lang),
    )


def verdict(conv: Conversation, r: DispatchExplained) -> str:
    if isinstance(r.assigned, RankedWorker):
        place = next(
            (i for i, s in enumerate(r.ranked, 1) if s.worker_id == r.assigned.worker_id), 0
        )
        head = tr(conv, "由 {who} 接单。", who=who(conv, r.assigned.worker_id, r.assigned.name))
        why = (
            tr(conv, "现在按规则排第 {place}/{count}:", place=place, count=r.ranked_count)
            if place
            else tr(conv, "现在的得分:")
        )
        return f"{head}\n{why}\n{scored(conv, r.assigned)}"
    if isinstance(r.assigned, RefusedWorker):
        return tr(
            conv,
            "由 {who} 接单;按现在的规则 TA 不能再接:{reason}",
            who=who(conv, r.assigned.worker_id, r.assigned.name),
            reason=named(REFUSAL_TEXT, r.assigned.reason, conv.lang),
        )
    if r.ranked:
        return tr(
            conv,
            "现在最合适:{who}(共 {count} 位可接)",
            who=who(conv, r.ranked[0].worker_id, r.ranked[0].name),
            count=r.ranked_count,
        )
    if r.refusal_counts:
        reason, n = r.refusal_counts[0]
        return tr(
            conv,
            "现在没有师傅能接,主要原因:{reason}({n} 人)",
            reason=named(REFUSAL_TEXT, reason, conv.lang),
            n=n,
        )
    return tr(conv, "现在没有师傅能接:还没有审核通过的师傅。")


def awaiting(ctx: Ctx, conv: Conversation, r: DispatchExplained) -> list[str]:
    """Who holds an open offer of the order, their answer awaited (until its deadline): the
    verdict on an order nobody has yet — not one of those who declined or let it time out."""
    if not r.offered:
        return []
    return [
        tr(
            conv,
            "已派单给 {who},等待答复({until} 前)",
            who=listed((who(conv, o.worker_id, o.name) for o in r.offered), conv.lang),
            until=moment(ctx, conv, max(o.until for o in r.offered)),
        )
    ]


def explained(ctx: Ctx, conv: Conversation, r: DispatchExplained) -> Outcome:
    head = [
        tr(
            conv,
            "#{number} 派单说明 · {item} · {status}",
            number=r.number,
            item=r.item.get(conv.lang),
            status=STATUS_TEXT[r.status].get(conv.lang),
        )
    ]
    if r.certificates:
        docs = listed((named(DOCUMENT_TEXT, k, conv.lang) for k in r.certificates), conv.lang)
        head.append(tr(conv, "需要证书:{docs}", docs=docs))
    offered = awaiting(ctx, conv, r)
    if r.assigned is not None or not offered:  # else the offer awaiting its answer is it
        head.append(verdict(conv, r))
    head += offered
    ranked = [scored(conv, s) for s in r.ranked if s != r.assigned]
    if ranked:
        ranked.insert(
            0,
            tr(conv, "其他可接的师傅:")
            if r.assigned is not None
            else tr(conv, "可接的师傅(前 {n} 位):", n=len(r.ranked)),
        )
    counts = []
    if r.refusal_counts:
        counts = [tr(conv, "不能接的师傅:")] + [
            tr(conv, "· {reason}:{n} 人", reason=named(REFUSAL_TEXT, k, conv.lang), n=n)
            for k, n in r.refusal_counts
        ]
    named_out = [refused(conv, x) for x in r.refused]
    text = fit([head, ranked, counts, named_out], tr(conv, "……(未全部列出)"))
    return Outcome([Say(text)])


def fit(blocks: list[list[str]], more: str, limit: int = LIMIT_BYTES) -> str:
    """The blocks' lines joined, dropping lines from the last block backwards (the first
    block is kept whole) until the text and ``more`` fit in ``limit`` bytes."""
    lines = [line for block in blocks for line in block]
    keep = len(blocks[0])

    def size(n: int) -> int:
        return len("\n".join(lines[:n]).encode())

    if size(len(lines)) <= limit:
        return "\n".join(lines)
    n = len(lines)
    while n > keep and size(n) + len(more.encode()) + 1 > limit:
        n -= 1
    return "\n".join([*lines[:n], more])


SCREENS: tuple[Screen, ...] = (shows(DispatchExplained, explained),)
