"""Campaigns and who takes marketing messages: an admin previews a campaign (``/campaign``),
confirms it, lists the recent ones (``/campaigns``); a sweep sends what is left; a customer
unsubscribes (退订) or subscribes again; every message a person writes notes when (WeChat's
48-hour window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.campaigns import Offer, Segment
from domain.commands.base import Command


@dataclass(frozen=True)
class PreviewCampaign(Command):
    """Count who a campaign would reach, and keep it as a draft to confirm."""

    admin: str
    role: str
    segment: Segment
    offer: Offer


@dataclass(frozen=True)
class StartCampaign(Command):
    """The admin's confirmation: the draft is sent (once, however often it is confirmed)."""

    admin: str
    role: str
    campaign_id: int


@dataclass(frozen=True)
class ListCampaigns(Command):
    admin: str
    role: str


@dataclass(frozen=True)
class SendCampaigns(Command):
    """Scheduler sweep: go on with the campaigns being sent (a crash or a restart left them
    part-way; a large one goes a batch at a time)."""


@dataclass(frozen=True)
class SetMarketing(Command):
    """A customer's 退订 (``subscribed=False``) or 订阅."""

    customer_id: int
    subscribed: bool


@dataclass(frozen=True)
class NoteInbound(Command):
    """A person wrote on this chat account at ``at``."""

    channel: str
    user_id: str
    at: datetime
