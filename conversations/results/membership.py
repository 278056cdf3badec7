"""What 我的 (Me) shows a customer: level and progress, points, coupons, invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.member_levels import LevelProgress
from domain.referrals import InviteLink
from domain.text import Bilingual


@dataclass(frozen=True, slots=True)
class CouponHeld:
    """A coupon still to use, by what it is (``name``: where it came from) and what it takes
    off — never by its code."""

    name: Bilingual
    takes_off: Bilingual
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class MembershipShown(Result):
    """``LoadMembership``: the customer's membership as of now."""

    progress: LevelProgress
    window_days: int
    """The trailing window the level's spend is counted over."""
    discount_bp: int
    """What the level takes off every order (0: nothing)."""
    points: int
    points_per_yuan: int
    """Points worth one yuan at checkout."""
    coupons: tuple[CouponHeld, ...]
    invite: InviteLink | None
    """The invitation on the customer's channel (asked for, and the channel makes one)."""
    invite_asked: bool
    referral_reward_cents: int
    """What inviter and invitee each get when the invitee's first order completes."""
    birthday: str = ""
    """The birthday given ("03-08"), or ""."""
    emergency: tuple[str, str, str] | None = None
    """The emergency contact: (name, relation, phone masked), or None."""
    card_visits: tuple[tuple[int, int], ...] = ()
    """Each prepaid card the customer can use now: (visits left, what they are worth — the
    balance prepaid and not used yet); the cards' own part: ``cards``."""
