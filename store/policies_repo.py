"""Insurance policies (``domain.insurance``): one per order (a unique order id), claimed with a
lease by whichever process sweeps first (``FOR UPDATE SKIP LOCKED`` on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import Insert, and_, bindparam, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.insurance import Policy, PolicyStatus
from domain.lifecycle import OrderStatus
from store.prepared import fetch
from store.tables import OrderRow, PolicyRow
from store.tables.core import POLICIES

CLOSED = (OrderStatus.CANCELLED.value, OrderStatus.REFUNDED.value)
"""An order in these statuses is not insured: its policy is voided."""
_REQUESTED = (
    "order_id",
    "number",
    "item",
    "starts_at",
    "ends_at",
    "insured_cents",
    "status",
    "attempts",
    "created_at",
    "next_attempt_at",
)


@cache
def _request(dialect_name: str) -> Insert:
    """INSERT the policy unless the order has one (its unique order id): its id, or no row —
    one statement, where a SAVEPOINT around the INSERT took three round trips."""
    make = sqlite.insert if dialect_name == "sqlite" else postgresql.insert
    insert = make(POLICIES).values({c: bindparam(c) for c in _REQUESTED})
    return insert.on_conflict_do_nothing(index_elements=["order_id"]).returning(POLICIES.c.id)


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def request(self, policy: Policy) -> bool:
        """Keep the order's policy; False when the order already has one."""
        params = {
            "order_id": policy.order_id,
            "number": policy.number,
            "item": policy.item[:100],
            "starts_at": policy.starts_at,
            "ends_at": policy.ends_at,
            "insured_cents": policy.insured_cents,
            "status": policy.status.value,
            "attempts": policy.attempts,
            "created_at": policy.created_at,
            "next_attempt_at": policy.next_attempt_at,
        }
        dialect = self._s.sync_session.get_bind().dialect.name
        rows = await fetch(self._s, _request(dialect), params)
        if not rows:
            return False
        policy.id = int(rows[0][0])
        return True

    async def by_order(self, order_id: int) -> Policy | None:
        row = (await self._s.exec(select(PolicyRow).where(PolicyRow.order_id == order_id))).first()
        return None if row is None else _policy(row)

    async def claim_issue(self, now: datetime, until: datetime, limit: int) -> list[Policy]:
        due = or_(
            and_(
                col(PolicyRow.status) == PolicyStatus.REQUESTED.value,
                col(PolicyRow.next_attempt_at) <= now,
            ),
            and_(
                col(PolicyRow.status) == PolicyStatus.ISSUING.value,
                col(PolicyRow.claimed_until) < now,
            ),
        )
        return await self._claim(due, PolicyStatus.ISSUING, until, limit)

    async def claim_void(self, now: datetime, until: datetime, limit: int) -> list[Policy]:
        closed = select(OrderRow.id).where(col(OrderRow.status).in_(CLOSED))
        due = and_(
            col(PolicyRow.order_id).in_(closed.scalar_subquery()),
            or_(
                and_(
                    col(PolicyRow.status) == PolicyStatus.ISSUED.value,
                    col(PolicyRow.next_attempt_at) <= now,
                ),
                and_(
                    col(PolicyRow.status) == PolicyStatus.VOIDING.value,
                    col(PolicyRow.claimed_until) < now,
                ),
            ),
        )
        return await self._claim(due, PolicyStatus.VOIDING, until, limit)

    async def _claim(
        self, due: object, status: PolicyStatus, until: datetime, limit: int
    ) -> list[Policy]:
        ids = (
            select(PolicyRow.id)
            .where(due)  # type: ignore[arg-type]
            .order_by(col(PolicyRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._s.exec(
            update(PolicyRow)
            .where(col(PolicyRow.id).in_(ids.scalar_subquery()))
            .values(status=status.value, claimed_until=until)
            .returning(PolicyRow)
            .execution_options(synchronize_session=False)
        )
        rows = sorted(result.scalars().all(), key=lambda r: r.id or 0)
        return [_policy(r) for r in rows]

    async def drop_unissued(self, now: datetime) -> int:
        closed = select(OrderRow.id).where(col(OrderRow.status).in_(CLOSED))
        result = await self._s.exec(
            update(PolicyRow)
            .where(
                col(PolicyRow.order_id).in_(closed.scalar_subquery()),
                col(PolicyRow.status).in_(
                    [PolicyStatus.REQUESTED.value, PolicyStatus.FAILED.value]
                ),
            )
            .values(status=PolicyStatus.VOIDED.value, note="order closed before issue")
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def save(self, policy: Policy) -> None:
        """The outcome of an attempt (the hold released)."""
        await self._s.exec(
            update(PolicyRow)
            .where(col(PolicyRow.id) == policy.id)
            .values(
                status=policy.status.value,
                attempts=policy.attempts,
                next_attempt_at=policy.next_attempt_at,
                claimed_until=None,
                policy_no=policy.policy_no[:64],
                note=policy.note[:300],
            )
            .execution_options(synchronize_session=False)
        )


def _policy(r: PolicyRow) -> Policy:
    return Policy(
        id=r.id,
        order_id=r.order_id,
        number=r.number,
        item=r.item,
        starts_at=r.starts_at,
        ends_at=r.ends_at,
        insured_cents=r.insured_cents,
        created_at=r.created_at,
        next_attempt_at=r.next_attempt_at,
        status=PolicyStatus(r.status),
        attempts=r.attempts,
        claimed_until=r.claimed_until,
        policy_no=r.policy_no,
        note=r.note,
    )
