"""Inviting friends: the scene an invitation carries (Telegram ``/start ref_<code>``, a WeChat
QR code's scene string), the link a channel makes of it, and who is rewarded when an invited
customer's first order completes."""

from __future__ import annotations

from dataclasses import dataclass

from domain.people import Customer

SCENE_PREFIX = "ref_"
"""How an invitation's scene starts: ``ref_<referral code>``."""
MAX_CODE = 36
"""The longest referral code read from a scene (the column keeps 16; a longer one is no code)."""
REFERRAL_REASON = "referral"
"""``Coupon.reason`` of the coupons a completed referral gives (one each side)."""


def scene(code: str) -> str:
    """The scene of ``code``'s invitations (a Telegram start parameter allows ``[A-Za-z0-9_-]``
    and 64 characters; a WeChat scene string 64)."""
    return f"{SCENE_PREFIX}{code}"


def code_of(scene_or_args: str) -> str:
    """The referral code in a start parameter or scene (``ref_ABC123`` → ``ABC123``), or ""
    when it is not an invitation."""
    raw = scene_or_args.strip()
    if not raw.startswith(SCENE_PREFIX):
        return ""
    return raw[len(SCENE_PREFIX) :][:MAX_CODE]


@dataclass(frozen=True, slots=True)
class InviteLink:
    """What a channel makes of an invitation: a link to share (Telegram's deep link, the web
    chat's address) or, where ``qr``, the address of a QR code image to show and scan
    (WeChat's parametric QR code)."""

    url: str
    qr: bool = False


def reward_due(invitee: Customer, inviter: Customer | None, others_with_phone: int) -> bool:
    """Whether a completed order of ``invitee`` earns the referral coupons (the caller makes
    sure it is their first completion, once).

    Nothing for a customer nobody invited, for inviting oneself (the same customer, or the
    inviter's own phone on another account), and nothing when the invitee's phone number
    belongs to ``others_with_phone`` other customers: a second account of someone who is
    already a customer is no new friend. Without a phone number nothing can be checked, so
    nothing is due yet.
    """
    if invitee.referred_by is None or inviter is None or inviter.id is None:
        return False
    if inviter.id == invitee.id or not invitee.phone:
        return False
    if inviter.phone and inviter.phone == invitee.phone:
        return False
    return others_with_phone == 0
