"""Marketing campaigns: a coupon for a segment of customers, with a notice to those who take
marketing messages and can be reached. Pure: who matches a segment, who is reached on which
account and how, and what a campaign is called.

A customer who unsubscribed (退订) still gets the campaign's coupon — it lands in 我的 — but
no message about it: stopping marketing messages is not giving up offers. Order notices are
never affected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from domain.gazetteer import district_named, district_text
from domain.lifecycle import OrderStatus
from domain.member_levels import LEVEL_TEXT
from domain.membership import Standing, standing
from domain.rules import MemberLevel, MembershipRules
from domain.text import N_, Phrase, Text

CAMPAIGN = "campaign"
"""The start of a campaign coupon's reason (``campaign:<id>``)."""


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    """Previewed, waiting for the admin's confirmation."""
    SENDING = "sending"
    """Confirmed: customers are enrolled and given their coupon, a batch at a time."""
    SENT = "sent"


STATUS_TEXT: dict[str, Text] = {
    CampaignStatus.DRAFT: N_("待确认"),
    CampaignStatus.SENDING: N_("发送中"),
    CampaignStatus.SENT: N_("已发送"),
}


class Reach(StrEnum):
    """What became of one customer of a campaign (the coupon lands in every case)."""

    SENT = "sent"
    """Told on at least one chat account."""
    OPTED_OUT = "opted_out"
    """Unsubscribed from marketing messages: the coupon only."""
    UNREACHABLE = "unreachable"
    """No account a message may go to now: the coupon only."""


class Delivery(StrEnum):
    TEXT = "text"
    """A chat message (Telegram, web chat, a WeChat customer-service message in its window)."""
    TEMPLATE = "template"
    """A WeChat template message (outside the window)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """Who a campaign is for; every condition given must hold (none: every customer)."""

    level: MemberLevel | None = None
    """The member level the customer holds, exactly (``membership.standing``: what the
    trailing-window spend reaches, or a level reached before while it is kept)."""
    dormant_days: int | None = None
    """No paid order in this many days (and a customer for at least as long)."""
    district: str = ""
    """A saved address in this district (``徐汇区``; ``徐汇`` too)."""
    item_id: str = ""
    """Bought this catalog item at least once (a paid order)."""


@dataclass(frozen=True, slots=True)
class Offer:
    """The coupon: ``amount_cents`` off an order of at least ``threshold_cents``, valid for
    ``days`` from when it is given."""

    amount_cents: int
    threshold_cents: int
    days: int


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """What a segment looks at, for one customer."""

    customer_id: int
    joined_at: datetime
    spend_cents: int = 0
    """The level spend over the membership window (what was paid for services given)."""
    held: Standing = Standing(MemberLevel.REGULAR)
    """The level stored at the last review, with until when it is kept."""
    last_paid_at: datetime | None = None
    """When their latest paid order was placed."""
    districts: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()
    opted_out: bool = False


@dataclass(frozen=True, slots=True)
class Account:
    """A chat account a campaign notice could go to."""

    channel: str
    user_id: str
    last_inbound_at: datetime | None = None
    unreachable: bool = False
    """The platform said no message will reach it (blocked the bot, unfollowed)."""


@dataclass
class Campaign:
    created_at: datetime
    created_by: str
    segment: Segment
    offer: Offer
    status: CampaignStatus = CampaignStatus.DRAFT
    matched: int = 0
    """At the preview."""
    reachable: int = 0
    opted_out: int = 0
    unreachable: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    enrolled_after: int = 0
    """Customers up to this id have been looked at (the enrolment goes on from there)."""
    enrolled: bool = False
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    """A campaign's customers so far, by what became of them; ``used``: coupons spent."""

    sent: int = 0
    opted_out: int = 0
    unreachable: int = 0
    pending: int = 0
    used: int = 0

    @property
    def coupons(self) -> int:
        return self.sent + self.opted_out + self.unreachable


@dataclass
class Preview:
    """How many customers a segment matches and how many a message would reach."""

    matched: int = 0
    reachable: int = 0
    opted_out: int = 0
    unreachable: int = 0
    customers: list[int] = field(default_factory=list)

    def count(self, reach: Reach) -> None:
        self.matched += 1
        if reach == Reach.SENT:
            self.reachable += 1
        elif reach == Reach.OPTED_OUT:
            self.opted_out += 1
        else:
            self.unreachable += 1


def normal_district(name: str) -> str:
    """A district name as compared: no spaces, no case, no trailing 区."""
    return name.replace(" ", "").casefold().removesuffix("区")


def matches(segment: Segment, facts: CustomerFacts, now: datetime, rules: MembershipRules) -> bool:
    """Whether the customer belongs to the segment at ``now``."""
    level = segment.level
    if level is not None and standing(facts.held, facts.spend_cents, now, rules).level != level:
        return False
    if segment.dormant_days is not None:
        since = now - timedelta(days=segment.dormant_days)
        if facts.joined_at > since:
            return False  # too new to have been away that long
        if facts.last_paid_at is not None and facts.last_paid_at > since:
            return False
    if segment.district:
        want = normal_district(segment.district)
        if want not in {normal_district(d) for d in facts.districts if d}:
            return False
    return not (segment.item_id and segment.item_id not in facts.items)


def in_window(last_inbound_at: datetime | None, now: datetime, hours: int) -> bool:
    """Whether a WeChat follower wrote within the customer-service window."""
    return last_inbound_at is not None and now - last_inbound_at < timedelta(hours=hours)


def deliveries(
    accounts: Iterable[Account],
    now: datetime,
    *,
    window_hours: int,
    has_template: bool,
) -> list[tuple[Account, Delivery]]:
    """How a notice may go to each account now: on WeChat a customer-service message inside
    the 48-hour window, a template message outside it (or nothing when none is configured);
    elsewhere a message, unless the platform said it never arrives (a web chat pane only
    when it is the customer's)."""
    found: list[tuple[Account, Delivery]] = []
    for account in accounts:
        if account.unreachable:
            continue
        if account.channel == "wechat":
            if in_window(account.last_inbound_at, now, window_hours):
                found.append((account, Delivery.TEXT))
            elif has_template:
                found.append((account, Delivery.TEMPLATE))
        elif account.channel != "web" or account.user_id.endswith("-customer"):
            found.append((account, Delivery.TEXT))
    return found


def reach(opted_out: bool, routes: Sequence[tuple[Account, Delivery]]) -> Reach:
    """What a campaign does for a customer: tell them, or give the coupon silently."""
    if opted_out:
        return Reach.OPTED_OUT
    return Reach.SENT if routes else Reach.UNREACHABLE


def describe(segment: Segment, item_name: Phrase | None = None) -> list[Phrase]:
    """The segment's conditions in words ("黄金会员", "30 天未下单"); [] for everyone."""
    parts: list[Phrase] = []
    if segment.level is not None:
        parts.append(LEVEL_TEXT[segment.level])
    if segment.dormant_days is not None:
        parts.append(N_("{days} 天未下单", days=segment.dormant_days))
    if segment.district:
        named = district_named(segment.district) or segment.district  # 徐汇 as 徐汇区
        parts.append(N_("地址在 {district}", district=district_text(named)))
    if segment.item_id:
        parts.append(N_("买过 {item}", item=item_name or segment.item_id))
    return parts


Audience = dict[int, tuple[str, bool, list[Account]]]
"""customer id → (language, unsubscribed, chat accounts)."""


class Marketing(Protocol):
    """Campaigns and their recipients, and who takes marketing messages where
    (``store.marketing_repo``)."""

    async def add(self, campaign: Campaign) -> Campaign: ...
    async def get(self, campaign_id: int) -> Campaign | None: ...
    async def start(self, campaign_id: int, now: datetime) -> bool: ...
    async def finish(self, campaign_id: int, now: datetime) -> bool: ...
    async def sending(self) -> list[int]: ...
    async def recent(self, limit: int = 10) -> list[Campaign]: ...
    async def tally(self, campaign_id: int) -> Tally: ...
    async def facts(
        self, after: int, limit: int, spend_since: datetime, paid: Sequence[OrderStatus]
    ) -> list[CustomerFacts]: ...
    async def enrol(self, campaign_id: int, customer_ids: Sequence[int]) -> None: ...
    async def enrolled_up_to(
        self, campaign_id: int, after: int, last: int, done: bool
    ) -> None: ...
    async def pending(self, campaign_id: int, limit: int) -> list[tuple[int, int]]: ...
    async def remaining(self, campaign_id: int) -> int: ...
    async def done(self, recipient_id: int, reach: Reach, code: str, now: datetime) -> bool: ...
    async def audience(self, customer_ids: Sequence[int]) -> Audience: ...
    async def opt_out(self, customer_id: int, at: datetime | None) -> bool: ...
    async def note_inbound(
        self, channel: str, user_id: str, at: datetime, every: timedelta
    ) -> None: ...
    async def unreachable(self, channel: str, user_id: str, at: datetime) -> None: ...
