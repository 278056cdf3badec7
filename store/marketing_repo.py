"""Campaigns and their recipients (``campaigns``, ``campaign_recipients``), the facts a segment
is matched on, and who takes marketing messages where (``customers.marketing_opt_out_at``,
``identities.last_inbound_at`` and ``unreachable_at``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, null, or_, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain import gazetteer
from domain.campaigns import (
    Account,
    Audience,
    Campaign,
    CampaignStatus,
    CustomerFacts,
    Offer,
    Reach,
    Segment,
    Tally,
)
from domain.lifecycle import OrderStatus
from domain.membership import Standing
from domain.rules import MemberLevel
from store.crypto import PiiCipher
from store.new_customers import forget_noted, noted
from store.prepared import execute, forget_rows
from store.spend_queries import spent
from store.tables import (
    AddressRow,
    CampaignRecipientRow,
    CampaignRow,
    CouponRow,
    CustomerRow,
    IdentityRow,
    OrderRow,
)
from store.tables.core import CAMPAIGN_RECIPIENTS, IDENTITIES
from store.types import UtcDateTime

_NOTE_INBOUND = (  # a prepared statement: every turn that notes a message runs it
    update(IDENTITIES)
    .where(
        IDENTITIES.c.channel == bindparam("w_channel"),
        IDENTITIES.c.channel_user_id == bindparam("w_user"),
        or_(
            IDENTITIES.c.last_inbound_at.is_(None),
            IDENTITIES.c.last_inbound_at < bindparam("w_stale"),
            IDENTITIES.c.unreachable_at.is_not(None),
        ),
    )
    .values(last_inbound_at=bindparam("v_at"), unreachable_at=null())
)


class MarketingRepository:
    def __init__(self, session: AsyncSession, cipher: PiiCipher) -> None:
        self._s = session
        self._c = cipher

    def _postgres(self) -> bool:
        assert self._s.bind is not None
        return self._s.bind.dialect.name != "sqlite"

    # campaigns

    async def add(self, campaign: Campaign) -> Campaign:
        row = CampaignRow(created_at=campaign.created_at, created_by=campaign.created_by)
        _fill(row, campaign)
        self._s.add(row)
        await self._s.flush()
        campaign.id = row.id
        return campaign

    async def get(self, campaign_id: int) -> Campaign | None:
        row = await self._s.get(CampaignRow, campaign_id)
        return _campaign(row) if row is not None else None

    async def start(self, campaign_id: int, now: datetime) -> bool:
        """Draft → sending, once (a second confirmation finds it started)."""
        result = await self._s.exec(
            update(CampaignRow)
            .where(
                col(CampaignRow.id) == campaign_id,
                col(CampaignRow.status) == CampaignStatus.DRAFT.value,
            )
            .values(status=CampaignStatus.SENDING.value, started_at=now)
        )
        return bool(result.rowcount)

    async def finish(self, campaign_id: int, now: datetime) -> bool:
        result = await self._s.exec(
            update(CampaignRow)
            .where(
                col(CampaignRow.id) == campaign_id,
                col(CampaignRow.status) == CampaignStatus.SENDING.value,
            )
            .values(status=CampaignStatus.SENT.value, finished_at=now)
        )
        return bool(result.rowcount)

    async def sending(self) -> list[int]:
        rows = await self._s.exec(
            select(CampaignRow.id)
            .where(col(CampaignRow.status) == CampaignStatus.SENDING.value)
            .order_by(col(CampaignRow.id))
        )
        return [int(i) for i in rows.all() if i is not None]

    async def recent(self, limit: int = 10) -> list[Campaign]:
        rows = await self._s.exec(
            select(CampaignRow).order_by(col(CampaignRow.id).desc()).limit(limit)
        )
        return [_campaign(r) for r in rows.all()]

    async def tally(self, campaign_id: int) -> Tally:
        """Its customers by outcome (pending: not yet given their coupon), and coupons used."""
        rows = await self._s.exec(
            select(CampaignRecipientRow.outcome, func.count())
            .where(col(CampaignRecipientRow.campaign_id) == campaign_id)
            .group_by(col(CampaignRecipientRow.outcome))
        )
        counts = {outcome: int(n) for outcome, n in rows.all()}
        used = await self._s.exec(
            select(func.count()).where(
                col(CouponRow.reason) == f"campaign:{campaign_id}",
                col(CouponRow.used_order_id).is_not(None),
            )
        )
        return Tally(
            sent=counts.get(Reach.SENT.value, 0),
            opted_out=counts.get(Reach.OPTED_OUT.value, 0),
            unreachable=counts.get(Reach.UNREACHABLE.value, 0),
            pending=counts.get("", 0),
            used=int(used.one()),
        )

    # enrolment and sending

    async def facts(
        self, after: int, limit: int, spend_since: datetime, paid: Sequence[OrderStatus]
    ) -> list[CustomerFacts]:
        """The next ``limit`` customers by id after ``after``, with what segments look at."""
        customers = (
            await self._s.exec(
                select(CustomerRow.id, CustomerRow.created_at, CustomerRow.marketing_opt_out_at)
                .where(col(CustomerRow.id) > after)
                .order_by(col(CustomerRow.id))
                .limit(limit)
            )
        ).all()
        ids = [int(i) for i, _, _ in customers if i is not None]
        if not ids:
            return []
        held = {
            int(c): Standing(MemberLevel(level or MemberLevel.REGULAR), until)
            for c, level, until in (
                await self._s.exec(
                    select(
                        CustomerRow.id, CustomerRow.member_level, CustomerRow.member_level_until
                    ).where(col(CustomerRow.id).in_(ids))
                )
            ).all()
            if c is not None
        }
        statuses = [s.value for s in paid]
        is_paid = col(OrderRow.status).in_(statuses)
        money = await self._s.exec(
            select(
                OrderRow.customer_id,
                func.sum(spent(spend_since)),
                type_coerce(
                    func.max(case((is_paid, OrderRow.created_at), else_=None)),
                    UtcDateTime(timezone=True),
                ),
            )
            .where(col(OrderRow.customer_id).in_(ids))
            .group_by(col(OrderRow.customer_id))
        )
        spend: dict[int, tuple[int, datetime | None]] = {
            int(c): (int(s or 0), last) for c, s, last in money.all()
        }
        items: dict[int, set[str]] = {}
        for c, item in (
            await self._s.exec(
                select(OrderRow.customer_id, OrderRow.item_id)
                .distinct()
                .where(col(OrderRow.customer_id).in_(ids), is_paid)
            )
        ).all():
            items.setdefault(int(c), set()).add(item)
        districts: dict[int, set[str]] = {}
        for c, district, text_enc in (
            await self._s.exec(
                select(AddressRow.customer_id, AddressRow.district, AddressRow.text_enc).where(
                    col(AddressRow.customer_id).in_(ids)
                )
            )
        ).all():
            # the district as dispatch reads it: given, or named in the address
            named = district or _district(self._c.decrypt("address.text", text_enc))
            districts.setdefault(int(c), set()).add(named)
        return [
            CustomerFacts(
                customer_id=int(i),
                joined_at=joined,
                spend_cents=spend.get(int(i), (0, None))[0],
                last_paid_at=spend.get(int(i), (0, None))[1],
                districts=frozenset(districts.get(int(i), ())),
                items=frozenset(items.get(int(i), ())),
                opted_out=opted is not None,
                held=held.get(int(i), Standing(MemberLevel.REGULAR)),
            )
            for i, joined, opted in customers
            if i is not None
        ]

    async def enrol(self, campaign_id: int, customer_ids: Sequence[int]) -> None:
        """Make them recipients (pending); one already there stays as it is."""
        if not customer_ids:
            return
        rows = [{"campaign_id": campaign_id, "customer_id": c} for c in customer_ids]
        dialect: Any = postgresql if self._postgres() else sqlite
        statement = dialect.insert(CAMPAIGN_RECIPIENTS).values(rows).on_conflict_do_nothing()
        await self._s.exec(statement)

    async def enrolled_up_to(self, campaign_id: int, after: int, last: int, done: bool) -> None:
        """The enrolment went on from ``after`` to ``last`` (unless another process moved it)."""
        await self._s.exec(
            update(CampaignRow)
            .where(col(CampaignRow.id) == campaign_id, col(CampaignRow.enrolled_after) == after)
            .values(enrolled_after=last, enrolled=done)
        )

    async def pending(self, campaign_id: int, limit: int) -> list[tuple[int, int]]:
        """(recipient id, customer id) of up to ``limit`` recipients still to send, locked
        for this transaction (PostgreSQL: those another process holds are skipped)."""
        query = (
            select(CampaignRecipientRow.id, CampaignRecipientRow.customer_id)
            .where(
                col(CampaignRecipientRow.campaign_id) == campaign_id,
                col(CampaignRecipientRow.outcome) == "",
            )
            .order_by(col(CampaignRecipientRow.id))
            .limit(limit)
        )
        if self._postgres():
            query = query.with_for_update(skip_locked=True)
        return [(int(r), int(c)) for r, c in (await self._s.exec(query)).all() if r is not None]

    async def remaining(self, campaign_id: int) -> int:
        result = await self._s.exec(
            select(func.count()).where(
                col(CampaignRecipientRow.campaign_id) == campaign_id,
                col(CampaignRecipientRow.outcome) == "",
            )
        )
        return int(result.one())

    async def done(self, recipient_id: int, reach: Reach, code: str, now: datetime) -> bool:
        """Record a recipient's outcome, once (False: it was done already)."""
        result = await self._s.exec(
            update(CampaignRecipientRow)
            .where(
                col(CampaignRecipientRow.id) == recipient_id,
                col(CampaignRecipientRow.outcome) == "",
            )
            .values(outcome=reach.value, coupon_code=code, done_at=now)
        )
        return bool(result.rowcount)

    async def audience(self, customer_ids: Sequence[int]) -> Audience:
        """Each customer's language, whether they unsubscribed, and their chat accounts."""
        if not customer_ids:
            return {}
        people = await self._s.exec(
            select(CustomerRow.id, CustomerRow.lang, CustomerRow.marketing_opt_out_at).where(
                col(CustomerRow.id).in_(list(customer_ids))
            )
        )
        found: Audience = {
            int(i): (lang, opted is not None, []) for i, lang, opted in people.all() if i
        }
        accounts = await self._s.exec(
            select(IdentityRow)
            .where(col(IdentityRow.customer_id).in_(list(customer_ids)))
            .order_by(col(IdentityRow.id))
        )
        for row in accounts.all():
            if row.customer_id in found:
                found[row.customer_id][2].append(
                    Account(
                        row.channel,
                        row.channel_user_id,
                        row.last_inbound_at,
                        row.unreachable_at is not None,
                    )
                )
        return found

    # who takes messages

    async def opt_out(self, customer_id: int, at: datetime | None) -> bool:
        """Unsubscribe (``at``) or subscribe again (None); False when nothing changed."""
        now_set = col(CustomerRow.marketing_opt_out_at).is_(None)
        result = await self._s.exec(
            update(CustomerRow)
            .where(
                col(CustomerRow.id) == customer_id,
                now_set if at is not None else ~now_set,
            )
            .values(marketing_opt_out_at=at)
        )
        return bool(result.rowcount)

    async def note_inbound(
        self, channel: str, user_id: str, at: datetime, every: timedelta
    ) -> None:
        """The person wrote on this account at ``at``: kept when the last note is older than
        ``every`` (or the account was taken for unreachable, which it no longer is)."""
        if noted(self._s, channel, user_id, at, every):  # its INSERT in this transaction did
            return
        params = {"w_channel": channel, "w_user": user_id, "v_at": at, "w_stale": at - every}
        await execute(self._s, _NOTE_INBOUND, params)
        forget_rows(self._s, IDENTITIES)  # the session's copies may hold the times before

    async def unreachable(self, channel: str, user_id: str, at: datetime) -> None:
        """The platform said nothing reaches this account (until the person writes again)."""
        forget_noted(self._s, channel, user_id)
        await self._s.exec(
            update(IdentityRow)
            .where(
                col(IdentityRow.channel) == channel,
                col(IdentityRow.channel_user_id) == user_id,
                col(IdentityRow.unreachable_at).is_(None),
            )
            .values(unreachable_at=at)
        )


def _fill(row: CampaignRow, c: Campaign) -> None:
    s = c.segment
    row.segment = {
        "level": s.level.value if s.level is not None else None,
        "dormant_days": s.dormant_days,
        "district": s.district,
        "item_id": s.item_id,
    }
    row.amount_cents, row.threshold_cents = c.offer.amount_cents, c.offer.threshold_cents
    row.valid_days, row.status = c.offer.days, c.status.value
    row.matched, row.reachable = c.matched, c.reachable
    row.opted_out, row.unreachable = c.opted_out, c.unreachable


def _campaign(row: CampaignRow) -> Campaign:
    seg = row.segment or {}
    level = seg.get("level")
    return Campaign(
        created_at=row.created_at,
        created_by=row.created_by,
        segment=Segment(
            MemberLevel(level) if level else None,
            seg.get("dormant_days"),
            seg.get("district") or "",
            seg.get("item_id") or "",
        ),
        offer=Offer(row.amount_cents, row.threshold_cents, row.valid_days),
        status=CampaignStatus(row.status),
        matched=row.matched,
        reachable=row.reachable,
        opted_out=row.opted_out,
        unreachable=row.unreachable,
        started_at=row.started_at,
        finished_at=row.finished_at,
        enrolled_after=row.enrolled_after,
        enrolled=row.enrolled,
        id=row.id,
    )


def _district(text: str) -> str:
    """The district a saved address's text names (read as dispatch reads it), or ""."""
    found = gazetteer.locate(text)
    return found.district if found else ""
