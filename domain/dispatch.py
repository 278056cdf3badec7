"""Who may take a job, and who should: eligibility with reasons, and an explainable score.

Everything is a pure function of snapshots (``Job``, ``Candidate``) taken by the service
layer; ``rank`` is the reference. ``dispatch_index`` gives the same answer fast for large
worker pools, and ``assignment`` assigns batches of scheduled jobs.

Member priority (DESIGN §4: a level comes "with discount and dispatch priority"): a job
carries its customer's member level. Where orders compete for the same workers — a batch of
scheduled orders — the higher level is served first: ``priority`` (``member_priority_points``,
in score points) weighs against travel in the batch's cost (``assignment.cost_matrix``), and
the orders the batch leaves to be dispatched one by one go highest first (``by_priority``).
For a member's job each star of a worker's rating also counts
``member_rating_points_per_star`` more (a factor of its own in the explanation), so the
better-rated workers come first for them. Both are rules numbers; a regular's job scores as
before, and the index's bounds stay exact (the extra is one more array term).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.credentials import valid_documents
from domain.credit import effective_daily_cap
from domain.errors import DomainError
from domain.geo import distance_m
from domain.lifecycle import STATUS_TEXT, OrderStatus
from domain.offers import Offer, OfferStatus
from domain.orders import Order
from domain.people import GeoPoint, Worker, WorkerStatus
from domain.rules import CreditRules, DispatchRules, MemberLevel, WorkerLevel
from domain.text import C_, N_, Text


class Refusal(StrEnum):
    """Why a worker is not eligible for a job (first failing rule, in this order)."""

    EXCLUDED = "excluded"
    """Offered it before and declined it or let the offer time out."""
    WITHDRAWN = "withdrawn"
    """Offered it before, and the offer was withdrawn: an admin gave the order by hand, it
    moved to another time, a transfer ended, another worker took a grab first."""
    REASSIGNED = "reassigned"
    """Took it, then it went to another worker (an admin's reassignment, a transfer)."""
    SUSPENDED = "suspended"
    NOT_APPROVED = "not_approved"
    OFFLINE = "offline"
    SKILL = "skill"
    CERTIFICATE = "certificate"
    CERTIFICATE_EXPIRED = "certificate_expired"
    AREA = "area"
    DAILY_CAP = "daily_cap"
    OVERLAP = "overlap"


REFUSAL_TEXT: dict[str, Text] = {
    Refusal.EXCLUDED: N_("已拒绝或超时未接此单"),
    Refusal.WITHDRAWN: N_("派单已撤回"),
    Refusal.REASSIGNED: N_("接单后已转给其他师傅"),
    Refusal.SUSPENDED: N_("已暂停接单"),
    Refusal.NOT_APPROVED: N_("未通过审核"),
    Refusal.OFFLINE: N_("不在线"),
    Refusal.SKILL: N_("没有该服务技能"),
    Refusal.CERTIFICATE: N_("缺少所需证书"),
    Refusal.CERTIFICATE_EXPIRED: N_("证书已过期或服务期内到期"),
    Refusal.AREA: N_("不在服务范围(太远)"),
    Refusal.DAILY_CAP: N_("当天接单已满"),
    Refusal.OVERLAP: N_("时间与已接订单冲突"),
}
"""Each refusal as an admin reads it."""

FACTOR_TEXT: dict[str, Text] = {
    "base": N_("基础分"),
    "distance": N_("距离"),
    "near_idle": N_("附近且空闲"),
    "rating": C_("dispatch factor", "评分"),
    "load": N_("当天已接单"),
    "level": C_("dispatch factor", "等级"),
    "preferred": N_("客户指定"),
    "previous": N_("服务过该客户"),
    "halved": N_("30 天好评率低于下限(减半)"),
}
"""Each part of a dispatch score as an admin reads it (``Scored.factors`` keys)."""


@dataclass(frozen=True, slots=True)
class Busy:
    """A booking the worker already holds."""

    start_at: datetime
    end_at: datetime


@dataclass(frozen=True, slots=True)
class Job:
    order_id: int
    skill: str
    start_at: datetime
    end_at: datetime
    location: GeoPoint | None = None
    district: str = ""
    certificates: tuple[str, ...] = ()
    """The document types the item needs (``Item.certificates``), each valid to the end."""
    preferred_worker_id: int | None = None
    previous_worker_ids: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()
    member_level: MemberLevel = MemberLevel.REGULAR
    """The customer's member level (as last settled): priority and better-rated workers."""


def priority(job: Job, rules: DispatchRules) -> int:
    """How far ahead of others ``job`` is served, in score points (0: a regular's)."""
    return rules.member_priority_points.get(job.member_level, 0)


def by_priority(jobs: Sequence[Job], rules: DispatchRules) -> list[int]:
    """The indices of ``jobs``, the highest priority first (stable: else as given)."""
    return members_first([job.member_level for job in jobs], rules)


def members_first(levels: Sequence[MemberLevel], rules: DispatchRules) -> list[int]:
    """The indices of orders whose customers hold ``levels``, the highest level's priority
    first (stable: else as given) — whatever is dispatched together, a batch or the orders
    whose offers expired at once."""
    return sorted(
        range(len(levels)), key=lambda i: -rules.member_priority_points.get(levels[i], 0)
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A worker as dispatch sees them at one moment."""

    id: int
    skills: frozenset[str]
    approved: bool = True
    suspended: bool = False
    online: bool = True
    location: GeoPoint | None = None
    radius_m: int = 0
    districts: frozenset[str] = frozenset()
    certificates: Mapping[str, date | None] = field(default_factory=dict)
    daily_cap: int = 4
    jobs_that_day: int = 0
    busy: tuple[Busy, ...] = ()
    active_now: int = 0
    rating_x100: int = 500
    good_rate_bp: int = 10_000
    level: WorkerLevel = WorkerLevel.B


def candidate_of(
    worker: Worker,
    credit: CreditRules,
    *,
    jobs_that_day: int = 0,
    busy: tuple[Busy, ...] = (),
    active_now: int = 0,
) -> Candidate:
    """``worker`` as dispatch sees them, with what their bookings say (none given: free all
    day and idle)."""
    assert worker.id is not None
    return Candidate(
        id=worker.id,
        skills=frozenset(worker.skills),
        approved=worker.status == WorkerStatus.APPROVED,
        suspended=worker.status == WorkerStatus.SUSPENDED,
        online=worker.online,
        location=worker.area.center,
        radius_m=worker.area.radius_m,
        districts=frozenset(worker.area.districts),
        certificates=valid_documents(worker.certificates),
        daily_cap=effective_daily_cap(worker.daily_cap, worker.complaint_rate_bp, credit),
        jobs_that_day=jobs_that_day,
        busy=busy,
        active_now=active_now,
        rating_x100=worker.rating_x100,
        good_rate_bp=worker.good_rate_bp,
        level=worker.level,
    )


@dataclass(frozen=True, slots=True)
class Scored:
    worker_id: int
    score: int
    distance_m: int | None
    factors: tuple[tuple[str, int], ...]


OFFER_ENDS = {
    OfferStatus.WITHDRAWN: Refusal.WITHDRAWN,
    OfferStatus.LOST: Refusal.WITHDRAWN,
    OfferStatus.ACCEPTED: Refusal.REASSIGNED,
}
"""How a worker's last offer of an order ended, as the reason they are kept out of it now
(``excluded_why``); any other end (declined, expired, open past its deadline) is
``Refusal.EXCLUDED``."""


def excluded_why(offers: Iterable[Offer], holder: int | None) -> dict[int, Refusal]:
    """Why each worker offered the order before is kept out of it (``Job.excluded``), told
    by their last offer of it (``OFFER_ENDS``) — one withdrawn is no refusal of theirs. The
    worker who holds the order (``holder``) is left out."""
    last: dict[int, Offer] = {}
    for o in sorted(offers, key=lambda o: (o.offered_at, o.id or 0)):
        last[o.worker_id] = o
    return {w: OFFER_ENDS.get(o.status, Refusal.EXCLUDED) for w, o in last.items() if w != holder}


def refusal(job: Job, w: Candidate, rules: DispatchRules) -> Refusal | None:
    """The first rule ``w`` fails for ``job``, or None when eligible."""
    if w.id in job.excluded:
        return Refusal.EXCLUDED
    if (standing := standing_refusal(w)) is not None:
        return standing
    if not w.online:
        return Refusal.OFFLINE
    if (unfit := fit_refusal(job, w)) is not None:
        return unfit
    if not in_area(job, w):
        return Refusal.AREA
    if w.jobs_that_day >= w.daily_cap:
        return Refusal.DAILY_CAP
    buffer = timedelta(minutes=rules.travel_buffer_minutes)
    for b in w.busy:
        if job.start_at < b.end_at + buffer and b.start_at < job.end_at + buffer:
            return Refusal.OVERLAP
    return None


ASSIGNABLE = (OrderStatus.PAID, OrderStatus.DISPATCHING, OrderStatus.ACCEPTED)
"""The statuses an admin gives an order a worker from by hand (an accepted one: another)."""
UNPAID = (OrderStatus.QUOTED, OrderStatus.AWAITING_PAYMENT)


def refuse_manual_assignment(order: Order) -> None:
    """Raise why an admin cannot give ``order`` a worker by hand (``/assign``) in its status,
    in the admin's terms (not the worker's "cannot accept"); nothing for one they can."""
    if order.status in ASSIGNABLE:
        return
    if order.status in UNPAID:
        raise DomainError(N_("订单 #{number} 尚未支付,不能指派师傅。", number=order.number))
    raise DomainError(
        N_(
            "订单 #{number} 现在是「{status}」,不能指派师傅。",
            number=order.number,
            status=STATUS_TEXT[order.status],
        )
    )


def manual_refusal(job: Job, w: Candidate) -> Refusal | None:
    """The first rule ``w`` fails for ``job`` that an admin giving it by hand (``/assign``,
    ``/reassign``) cannot override: suspended, not approved, no skill for it, a document it
    needs missing or expiring. Where they are, being offline, the day's cap and having
    declined it are dispatch's choices, which the admin makes instead; a clashing job is
    checked apart (the clashing order is named)."""
    return standing_refusal(w) or fit_refusal(job, w)


def standing_refusal(w: Candidate) -> Refusal | None:
    """Whether ``w`` may work at all: suspended, or not (yet) approved."""
    if w.suspended:
        return Refusal.SUSPENDED
    if not w.approved:
        return Refusal.NOT_APPROVED
    return None


def fit_refusal(job: Job, w: Candidate) -> Refusal | None:
    """Whether ``w`` can do ``job``: its skill, then the documents it needs."""
    if job.skill not in w.skills:
        return Refusal.SKILL
    return credential_refusal(job, w)


def credential_refusal(job: Job, w: Candidate) -> Refusal | None:
    """A document the job needs that ``w`` lacks, or that expires before the job ends."""
    for kind in job.certificates:
        if kind not in w.certificates:
            return Refusal.CERTIFICATE
        expires = w.certificates[kind]
        if expires is not None and expires < job.end_at.date():
            return Refusal.CERTIFICATE_EXPIRED
    return None


def in_area(job: Job, w: Candidate) -> bool:
    """Inside the worker's districts, or within their radius of their centre."""
    if job.district and job.district in w.districts:
        return True
    if job.location is not None and w.location is not None and w.radius_m > 0:
        return distance_m(job.location, w.location) <= w.radius_m
    return False


def score(job: Job, w: Candidate, rules: DispatchRules) -> Scored:
    """Higher is better. Integer points, each factor recorded for the explanation."""
    dist = distance_m(job.location, w.location) if job.location and w.location else None
    factors: list[tuple[str, int]] = [("base", 10_000)]
    if dist is not None:
        factors.append(("distance", -(dist * rules.points_per_km // 1000)))
        if dist <= rules.near_km * 1000 and w.active_now == 0:
            factors.append(("near_idle", rules.near_idle_points))
    factors.append(("rating", w.rating_x100 * rules.points_per_rating_star // 100))
    member = rules.member_rating_points_per_star.get(job.member_level, 0)
    if member:
        factors.append(
            ("member " + job.member_level.value + ": rating", w.rating_x100 * member // 100)
        )
    if w.jobs_that_day:
        factors.append(("load", -w.jobs_that_day * rules.points_per_active_job))
    factors.append(("level", rules.level_points.get(w.level, 0)))
    if job.preferred_worker_id == w.id:
        factors.append(("preferred", rules.preferred_points))
    elif w.id in job.previous_worker_ids:
        factors.append(("previous", rules.previous_points))
    total = sum(points for _, points in factors)
    if w.good_rate_bp < rules.good_rate_floor_bp:
        halved = total // 2
        factors.append(("halved", halved - total))
        total = halved
    return Scored(w.id, total, dist, tuple(factors))


def sort_key(s: Scored) -> tuple[int, int, int]:
    """Best first: score, then nearer, then lower id (deterministic)."""
    return (-s.score, s.distance_m if s.distance_m is not None else 10**9, s.worker_id)


def rank(job: Job, workers: Iterable[Candidate], rules: DispatchRules) -> list[Scored]:
    """Every eligible worker, best first (the reference implementation: checks everyone)."""
    scored = [score(job, w, rules) for w in workers if refusal(job, w, rules) is None]
    return sorted(scored, key=sort_key)


@dataclass(frozen=True)
class Explanation:
    chosen: Scored | None
    ranked: tuple[Scored, ...]
    refused: tuple[tuple[int, Refusal], ...]


def explain(job: Job, workers: Iterable[Candidate], rules: DispatchRules) -> Explanation:
    """Who was considered, their scores, who won, and why the others could not take it."""
    ranked: list[Scored] = []
    refused: list[tuple[int, Refusal]] = []
    for w in workers:
        reason = refusal(job, w, rules)
        if reason is None:
            ranked.append(score(job, w, rules))
        else:
            refused.append((w.id, reason))
    ranked.sort(key=sort_key)
    return Explanation(ranked[0] if ranked else None, tuple(ranked), tuple(refused))


def top_refusals(refused: Iterable[tuple[int, Refusal]]) -> list[tuple[Refusal, int]]:
    """How many workers each rule excluded, most first; of as many, the later rule first (its
    workers passed the earlier ones: the nearer miss)."""
    counts: dict[Refusal, int] = {}
    for _, reason in refused:
        counts[reason] = counts.get(reason, 0) + 1
    order = list(Refusal)
    return sorted(counts.items(), key=lambda rc: (-rc[1], -order.index(rc[0])))
