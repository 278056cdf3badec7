"""Admins: who may run which command (DESIGN §3), what each role may see of an order, the
identities admins are known by, and the broadcast rate limit.

Roles: ``owner`` everything; ``ops`` dispatch, orders, workers, complaints; ``finance`` refunds,
settlement, withdrawals, reports; ``support`` reads orders and answers complaints.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError, NotPermitted
from domain.people import Channel
from domain.text import N_, Bilingual, Text


class AdminRole(StrEnum):
    OWNER = "owner"
    OPS = "ops"
    FINANCE = "finance"
    SUPPORT = "support"


ROLES = tuple(r.value for r in AdminRole)
ROLE_TEXT: dict[str, Text] = {
    AdminRole.OWNER: N_("老板"),
    AdminRole.OPS: N_("调度"),
    AdminRole.FINANCE: N_("财务"),
    AdminRole.SUPPORT: N_("客服"),
}
"""An admin role by name (the role's id is what commands and settings use)."""


def role_names(roles: tuple[str, ...]) -> Bilingual:
    """``roles`` by name, "老板 或 财务" / "owner or finance"."""
    return Bilingual(
        " 或 ".join(ROLE_TEXT[r].get("zh") for r in roles),
        " or ".join(ROLE_TEXT[r].get("en") for r in roles),
    )


OW, OP, F, SU = AdminRole.OWNER, AdminRole.OPS, AdminRole.FINANCE, AdminRole.SUPPORT
EVERYONE = frozenset(AdminRole)
FINANCE_DESK = frozenset({OW, F})
OPS_DESK = frozenset({OW, OP})

COMMAND_ROLES: dict[str, frozenset[AdminRole]] = {
    # reading orders and reports
    "stats": frozenset({OW, OP, F}),
    "orders": EVERYONE,
    "order": EVERYONE,
    "audit": EVERYONE,
    # a customer's card and orders (``/customer``): as /order, phones masked for finance
    "customer": EVERYONE,
    # dispatch and orders
    "explain": OPS_DESK,
    "assign": OPS_DESK,
    "reassign": OPS_DESK,
    "transfer": OPS_DESK,
    "handover": OPS_DESK,
    "terminate": OPS_DESK,
    "cancel": OPS_DESK,
    "reschedule": frozenset({OW, OP, SU}),
    # money
    "refund": FINANCE_DESK,
    "withdrawals": FINANCE_DESK,
    "payout": FINANCE_DESK,
    "reject_withdrawal": FINANCE_DESK,
    "refunded": FINANCE_DESK,
    "waive": FINANCE_DESK,
    "refund_card": FINANCE_DESK,
    "ledger": FINANCE_DESK,
    "invoices": FINANCE_DESK,
    # workers
    "workers": frozenset({OW, OP, SU}),
    "worker": frozenset({OW, OP, SU}),
    "approve": OPS_DESK,
    "reject": OPS_DESK,
    "suspend": OPS_DESK,
    "unsuspend": OPS_DESK,
    "leave": OPS_DESK,
    "renewals": frozenset({OW, OP, SU}),
    "approve_cert": OPS_DESK,
    "reject_cert": OPS_DESK,
    # customers: a goodwill coupon is how complaints get answered
    "coupon": frozenset({OW, OP, SU}),
    "promo": frozenset({OW}),
    # the business itself
    "prices": EVERYONE,
    "price": frozenset({OW}),
    "broadcast": frozenset({OW}),
    # marketing: a coupon for a segment spends money, as a goodwill coupon does (ops)
    "campaign": OPS_DESK,
    "campaigns": frozenset({OW, OP, F}),
    "admin": frozenset({OW}),
    # after-sales: support answers, ops decides (a refund or a rework)
    "complaints": frozenset({OW, OP, SU}),
    "complaint": frozenset({OW, OP, SU}),
    "reply": frozenset({OW, OP, SU}),
    # support tickets ("联系客服"): the queue, reading, taking, closing one (``/reply T12 …``)
    "tickets": frozenset({OW, OP, SU}),
    "ticket": frozenset({OW, OP, SU}),
    "take": frozenset({OW, OP, SU}),
    "close": frozenset({OW, OP, SU}),
    # reading an order's relay chat (customer ↔ worker) for a complaint; audited
    "relay": frozenset({OW, OP, SU}),
    "resolve": OPS_DESK,
    "release": OPS_DESK,
    "levels": OPS_DESK,
    "spotchecks": frozenset({OW, OP, SU}),
    "checked": frozenset({OW, OP, SU}),
    "dashboard": EVERYONE,
}
"""Which roles may run each admin command (``/help`` lists only the asker's)."""

SEES_PHONE = frozenset({OW, OP, SU})
"""Roles that see customers' and workers' phone numbers (they call people)."""
SEES_ADDRESS = frozenset({OW, OP})
"""Roles that see full service addresses (dispatch); others see the district and road."""
SEES_MONEY = frozenset({OW, OP, F})
"""Roles that see what was paid and refunded on an order (support sees no money)."""


def may(role: str, command: str) -> bool:
    """True when ``role`` may run admin ``command``."""
    allowed = COMMAND_ROLES.get(command)
    return allowed is not None and role in allowed


def needed_roles(command: str) -> tuple[str, ...]:
    """The roles that may run ``command``, in the order of ``ROLES``."""
    allowed = COMMAND_ROLES.get(command, frozenset())
    return tuple(r for r in ROLES if r in allowed)


def check(role: str, command: str) -> None:
    """Raise NotPermitted, naming the roles that may, unless ``role`` may run ``command``."""
    if not may(role, command):
        roles = needed_roles(command)
        raise NotPermitted(
            N_(
                "/{command} 需要 {roles} 角色",
                command=command,
                roles=role_names(roles),
            )
        )


def commands_for(role: str) -> list[str]:
    """The commands ``role`` may run, in the order of the table."""
    return [name for name in COMMAND_ROLES if may(role, name)]


@dataclass(frozen=True, slots=True)
class AdminGrant:
    """An admin identity: a chat account on a channel and the role it holds."""

    channel: str
    user_id: str
    role: str
    lang: str = "zh"
    """The language the admin chats in (their notices are written in it)."""

    @property
    def key(self) -> str:
        """``channel:user_id``, as commands name admins."""
        return f"{self.channel}:{self.user_id}"


def parse_account(text: str, channels: Collection[str] = ()) -> tuple[str, str]:
    """``telegram:12345`` → (channel, user id) on one of ``channels`` (the registered ones;
    by default those daojia ships); raises DomainError naming what is wrong."""
    channel, sep, user_id = text.strip().partition(":")
    channel = channel.casefold()
    if not sep or not user_id.strip():
        raise DomainError(N_("写成 渠道:用户ID,如 telegram:12345"))
    known = tuple(channels) or tuple(c.value for c in Channel)
    if channel not in known:
        names = ", ".join(known)
        raise DomainError(N_("未知渠道 {channel}(可用:{names})", channel=channel, names=names))
    user_id = user_id.strip()
    if not ACCOUNT_IDS.get(channel, _ANY_ID).fullmatch(user_id):  # nobody could be reached
        raise DomainError(N_("写成 渠道:用户ID,如 telegram:12345"))
    return channel, user_id


ACCOUNT_IDS = {
    Channel.TELEGRAM.value: re.compile(r"[1-9][0-9]{0,15}", re.ASCII),  # a positive 52-bit id
    Channel.WECHAT.value: re.compile(r"[A-Za-z0-9_-]{6,64}"),  # an openid
    Channel.WEB.value: re.compile(r"[0-9a-f]{16}-(customer|worker|admin)"),  # bots.web's
}
"""What a user id looks like on each channel daojia ships (another channel's: ``_ANY_ID``)."""
_ANY_ID = re.compile(r"[\x21-\x7e]{1,64}")


def parse_role(text: str) -> str:
    role = text.strip().casefold()
    if role not in ROLES:
        raise DomainError(N_("未知角色 {role}(可用:{ROLES})", role=role, ROLES=", ".join(ROLES)))
    return role


def broadcast_next_at(now: datetime, every_minutes: int) -> datetime:
    """When the next broadcast is allowed once one goes out at ``now``."""
    return now + timedelta(minutes=every_minutes)


def completion_bp(completed: int, cancelled: int) -> int | None:
    """Share of booked orders that were done rather than cancelled, in basis points (orders
    still under way count for neither); None when there is nothing to count yet."""
    total = completed + cancelled
    return None if total == 0 else completed * 10_000 // total
