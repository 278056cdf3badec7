"""Campaigns: ``/campaign`` previews who a coupon would go to and keeps a draft; its
confirmation starts the sending, which goes a batch at a time, each batch one transaction:
customers are enrolled (one row per campaign and customer, unique), then each pending one is
given the coupon and — when they take marketing messages and can be reached — a notice
through the outbox, and marked done in the same transaction. A crash loses nothing (the
``SendCampaigns`` sweep goes on from the pending rows) and doubles nothing (a row is done
once, locked while a process works on it).

Also here: a customer's 退订 / 订阅, and the note of when a person last wrote (WeChat takes
customer-service messages for 48 hours after it; outside, a campaign goes as a template
message or not at all).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from conversations.events import Result
from conversations.results.campaigns import (
    CampaignLine,
    CampaignPreviewed,
    CampaignsListed,
    CampaignsSent,
    CampaignStarted,
)
from conversations.services.deps import Deps
from conversations.services.notices import Notice, to_customer
from conversations.services.staff import authorize
from domain import commands as c
from domain.audit import AuditEntry
from domain.campaigns import (
    Account,
    Campaign,
    CampaignStatus,
    Delivery,
    Offer,
    Preview,
    Segment,
    deliveries,
    describe,
    matches,
    reach,
)
from domain.coupons import Coupon
from domain.errors import DomainError
from domain.membership import PAID_STATUSES
from domain.ports import UnitOfWork
from domain.pricing import CouponKind, CouponTerms
from domain.text import N_, Bilingual, bilingual

IN_TURN_BATCHES = 5
"""Batches sent right after the admin's confirmation; the sweep sends the rest."""
NOTE_EVERY = timedelta(minutes=10)
"""How stale the note of a person's last message may get (WeChat's window is kept short by
as much: a campaign then sends a template message rather than risk a refused one)."""


class CampaignDesk:
    def __init__(self, s: Deps) -> None:
        self.s = s

    def handlers(self) -> dict[type[c.Command], Any]:
        return {
            c.PreviewCampaign: self.preview,
            c.StartCampaign: self.start,
            c.ListCampaigns: self.recent,
            c.SendCampaigns: self.sweep,
            c.SetMarketing: self.set_marketing,
            c.NoteInbound: self.note_inbound,
        }

    def _words(self, segment: Segment) -> tuple[Bilingual, ...]:
        name = None
        if segment.item_id:
            try:
                name = self.s.catalog.item(segment.item_id).name
            except KeyError:
                name = None
        return tuple(bilingual(p) for p in describe(segment, name))

    def _notice(self, offer: Offer, now: datetime) -> Notice:
        return to_customer(
            0,
            "campaign_coupon",
            amount=offer.amount_cents,
            threshold=offer.threshold_cents,
            days=offer.days,
            until=now + timedelta(days=offer.days),
        )

    def _has_template(self, notice: Notice) -> bool:
        """Whether WeChat has a template message for campaigns (outside the window)."""
        return self.s.postman.sender.prepare("wechat", notice, "", "zh") is not None

    def _routes(
        self, accounts: Sequence[Account], now: datetime, has_template: bool
    ) -> list[tuple[Account, Delivery]]:
        return deliveries(
            accounts,
            now,
            window_hours=self.s.rules.notifications.wechat_window_hours,
            has_template=has_template,
        )

    async def _matching(
        self, uow: UnitOfWork, segment: Segment, after: int, now: datetime
    ) -> tuple[int | None, list[int]]:
        """(the page's last customer id or None at the end, those of the page who match)."""
        m = self.s.rules.membership
        since = now - timedelta(days=m.spend_window_days)
        page = await uow.marketing.facts(after, m.campaign_batch, since, PAID_STATUSES)
        if not page:
            return None, []
        found = [f.customer_id for f in page if matches(segment, f, now, m)]
        return page[-1].customer_id, found

    async def preview(self, cmd: c.PreviewCampaign) -> list[Result]:
        now, offer = self.s.clock(), cmd.offer
        if offer.amount_cents <= 0 or offer.threshold_cents < 0 or not 1 <= offer.days <= 365:
            raise DomainError(N_("金额须大于 0,门槛不能为负,有效期 1–365 天"))
        if offer.threshold_cents and offer.threshold_cents <= offer.amount_cents:
            raise DomainError(N_("门槛须高于券的金额"))
        has_template = self._has_template(self._notice(offer, now))
        counts = Preview()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "campaign", cmd.admin)
            after: int | None = 0
            while after is not None:
                after, found = await self._matching(uow, cmd.segment, after, now)
                audience = await uow.marketing.audience(found)
                for customer_id in found:
                    _, opted, accounts = audience.get(customer_id, ("zh", False, []))
                    counts.count(reach(opted, self._routes(accounts, now, has_template)))
            campaign = await uow.marketing.add(
                Campaign(
                    now,
                    cmd.admin,
                    cmd.segment,
                    offer,
                    matched=counts.matched,
                    reachable=counts.reachable,
                    opted_out=counts.opted_out,
                    unreachable=counts.unreachable,
                )
            )
            await self._audit(uow, cmd.admin, role, "campaign_preview", campaign, now)
            await uow.commit()
        assert campaign.id is not None
        return [
            CampaignPreviewed(
                campaign.id,
                self._words(cmd.segment),
                offer,
                counts.matched,
                counts.reachable,
                counts.opted_out,
                counts.unreachable,
            )
        ]

    async def _audit(
        self, uow: UnitOfWork, admin: str, role: str, action: str, c_: Campaign, now: datetime
    ) -> None:
        s, o = c_.segment, c_.offer
        await uow.audit.append(
            AuditEntry(
                now,
                admin,
                action,
                f"campaign:{c_.id}",
                role,
                {},
                {
                    "level": s.level.value if s.level else "",
                    "dormant_days": s.dormant_days,
                    "district": s.district,
                    "item": s.item_id,
                    "amount": o.amount_cents,
                    "threshold": o.threshold_cents,
                    "days": o.days,
                    "matched": c_.matched,
                },
            )
        )

    async def start(self, cmd: c.StartCampaign) -> list[Result]:
        now = self.s.clock()
        async with self.s.uow() as uow:
            role = await authorize(self.s, uow, "campaign", cmd.admin)
            campaign = await uow.marketing.get(cmd.campaign_id)
            if campaign is None:
                raise DomainError(N_("没有活动 #{id}", id=cmd.campaign_id))
            if not await uow.marketing.start(cmd.campaign_id, now):
                raise DomainError(
                    N_("活动 #{id} 已确认过,发送 /campaigns 查看进度", id=cmd.campaign_id)
                )
            await self._audit(uow, cmd.admin, role, "campaign_send", campaign, now)
            await uow.commit()
        campaign_id = cmd.campaign_id

        async def send() -> object:
            return await self.send(campaign_id, IN_TURN_BATCHES)

        if not self.s.after_commit(send):
            await send()
        return [CampaignStarted(cmd.campaign_id, campaign.matched)]

    async def recent(self, cmd: c.ListCampaigns) -> list[Result]:
        async with self.s.uow() as uow:
            await authorize(self.s, uow, "campaigns", cmd.admin)
            lines = [
                CampaignLine(
                    x.id or 0,
                    x.created_at,
                    x.status,
                    self._words(x.segment),
                    x.offer,
                    x.matched,
                    await uow.marketing.tally(x.id or 0),
                )
                for x in await uow.marketing.recent()
            ]
        return [CampaignsListed(tuple(lines))]

    async def sweep(self, cmd: c.SendCampaigns) -> list[Result]:
        async with self.s.uow() as uow:
            sending = await uow.marketing.sending()
        customers = finished = 0
        for campaign_id in sending:
            sent, done = await self.send(campaign_id)
            customers += sent
            finished += done
        return [CampaignsSent(customers, finished)]

    async def send(self, campaign_id: int, batches: int = 1_000_000) -> tuple[int, bool]:
        """Go on with a campaign for up to ``batches`` transactions: (customers given their
        coupon, whether it is finished now)."""
        total = 0
        for _ in range(batches):
            step = await self._step(campaign_id)
            if step is None:
                return total, False
            if step < 0:
                return total, True
            total += step
        return total, False

    async def _step(self, campaign_id: int) -> int | None:
        """One transaction: a page enrolled, or a batch given coupons and notices (how many);
        -1 when the campaign has just finished; None when there is nothing to do here."""
        now = self.s.clock()
        async with self.s.uow() as uow:
            campaign = await uow.marketing.get(campaign_id)
            if campaign is None or campaign.status != CampaignStatus.SENDING:
                return None
            if not campaign.enrolled:
                after = campaign.enrolled_after
                last, found = await self._matching(uow, campaign.segment, after, now)
                await uow.marketing.enrol(campaign_id, found)
                await uow.marketing.enrolled_up_to(
                    campaign_id, after, last if last is not None else after, last is None
                )
                await uow.commit()
                return 0
            batch = await uow.marketing.pending(
                campaign_id, self.s.rules.membership.campaign_batch
            )
            if not batch:
                if await uow.marketing.remaining(campaign_id):
                    return None  # another process holds them
                await uow.marketing.finish(campaign_id, now)
                await uow.commit()
                return -1
            given = await self._give(uow, campaign, batch, now)
            await uow.commit()
        return given

    async def _give(
        self,
        uow: UnitOfWork,
        campaign: Campaign,
        batch: Sequence[tuple[int, int]],
        now: datetime,
    ) -> int:
        """The batch's coupons, notices and outcomes, in ``uow``."""
        offer = campaign.offer
        notice = self._notice(offer, now)
        has_template = self._has_template(notice)
        audience = await uow.marketing.audience([customer for _, customer in batch])
        given = 0
        for recipient_id, customer_id in batch:
            lang, opted, accounts = audience.get(customer_id, ("zh", False, []))
            routes = [] if opted else self._routes(accounts, now, has_template)
            code = f"C{secrets.token_hex(5).upper()}"
            if not await uow.marketing.done(recipient_id, reach(opted, routes), code, now):
                continue  # done by another process meanwhile
            await uow.coupons.add(
                Coupon(
                    code,
                    CouponTerms(
                        "campaign",
                        CouponKind.FIXED,
                        amount_cents=offer.amount_cents,
                        threshold_cents=offer.threshold_cents,
                    ),
                    now,
                    now + timedelta(days=offer.days),
                    customer_id,
                    f"campaign:{campaign.id}",
                )
            )
            await self.s.postman.post_routes(
                uow,
                notice,
                [(a.channel, a.user_id, lang, how == Delivery.TEMPLATE) for a, how in routes],
            )
            given += 1
        return given

    async def set_marketing(self, cmd: c.SetMarketing) -> list[Result]:
        at = None if cmd.subscribed else self.s.clock()
        async with self.s.uow() as uow:
            await uow.marketing.opt_out(cmd.customer_id, at)
            await uow.commit()
        return []

    async def note_inbound(self, cmd: c.NoteInbound) -> list[Result]:
        async with self.s.uow() as uow:
            await uow.marketing.note_inbound(cmd.channel, cmd.user_id, cmd.at, NOTE_EVERY)
            await uow.commit()
        return []
