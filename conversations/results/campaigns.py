"""What the campaign commands found or did (``/campaign``, ``/campaigns``, the sweep that
sends them) ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.campaigns import CampaignStatus, Offer, Tally
from domain.text import Bilingual


@dataclass(frozen=True, slots=True)
class CampaignPreviewed(Result):
    """A draft: who it matches now, and how many a message would reach."""

    campaign_id: int
    segment: tuple[Bilingual, ...]
    offer: Offer
    matched: int
    reachable: int
    opted_out: int
    unreachable: int


@dataclass(frozen=True, slots=True)
class CampaignStarted(Result):
    """Confirmed: being sent (the coupons land and the messages go a batch at a time)."""

    campaign_id: int
    matched: int
    """At the preview (the sending looks again)."""


@dataclass(frozen=True, slots=True)
class CampaignLine:
    id: int
    created_at: datetime
    status: CampaignStatus
    segment: tuple[Bilingual, ...]
    offer: Offer
    matched: int
    tally: Tally


@dataclass(frozen=True, slots=True)
class CampaignsListed(Result):
    """``/campaigns``: the recent ones, newest first."""

    items: tuple[CampaignLine, ...]


@dataclass(frozen=True, slots=True)
class CampaignsSent(Result):
    """``SendCampaigns``: customers given their coupon this round, and campaigns finished."""

    customers: int
    finished: int
