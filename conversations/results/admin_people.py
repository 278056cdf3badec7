"""What the admins' commands about people found or did: workers (``/workers``, ``/worker``,
``/approve``/``/reject``, ``/suspend``/``/unsuspend``), the admins themselves (``/admin``),
everyone at once (``/broadcast``) and the dashboard link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from conversations.events import Result
from domain.people import CHANNEL_TEXT, WorkerStatus
from domain.rules import WorkerLevel
from domain.text import Bilingual, Phrase, Text, named


@dataclass(frozen=True, slots=True)
class WorkerLine:
    id: int
    name: str
    status: WorkerStatus
    online: bool
    skills: tuple[str, ...]
    level: WorkerLevel


ONLINE = "online"
"""``/workers online``: approved and online now (not a status of its own)."""


@dataclass(frozen=True, slots=True)
class WorkersListed(Result):
    """``/workers [filter]``: the first workers the filter names."""

    status: str
    """"" every worker, ``ONLINE`` the approved ones online now, else a ``WorkerStatus``."""
    workers: tuple[WorkerLine, ...]
    total: int = 0
    """How many the filter names (more than ``workers`` when the list was cut)."""


@dataclass(frozen=True, slots=True)
class WorkerDocument:
    """A certificate's photo, by its media link."""

    kind: str
    url: str
    expires_on: date | None
    waiting: bool = False
    """A renewal waiting for an admin (``/approve_cert``)."""


@dataclass(frozen=True, slots=True)
class WorkerShown(Result):
    """``/worker ID``: the worker with their phone and documents (the read is audited)."""

    id: int
    name: str
    phone: str
    status: WorkerStatus
    skills: tuple[str, ...]
    districts: tuple[str, ...]
    radius_m: int
    level: WorkerLevel
    note: Phrase
    """Why they were suspended or reviewed as they were (``domain.people.review_note_text``)."""
    documents: tuple[WorkerDocument, ...]
    payout: Text | None = None
    """Their payout account, masked (``招商银行 尾号 1234``); None: none yet."""
    centre: str = ""
    """The district their ``radius_m`` is around ("": unknown, or no radius)."""


@dataclass(frozen=True, slots=True)
class WorkerReviewed(Result):
    """``/approve`` or ``/reject``: the worker's new status (they were told)."""

    worker_id: int
    status: WorkerStatus


@dataclass(frozen=True, slots=True)
class SuspensionChanged(Result):
    """``/suspend`` or ``/unsuspend``: the worker's new status (they were told), and the jobs
    under way they still hold."""

    worker_id: int
    status: WorkerStatus
    live: tuple[int, ...]
    """Order numbers."""


def account_name(account: str) -> Bilingual:
    """An admin's chat account (``telegram:12345``) as people read it: the channel by name,
    then the user id as typed (``Telegram 12345``, ``微信 o-abc``), which ``/admin remove``
    takes too."""
    channel, _, user_id = account.partition(":")
    if not user_id:
        return Bilingual(account, account)
    zh, en = (named(CHANNEL_TEXT, channel, lang) for lang in ("zh", "en"))
    return Bilingual(f"{zh} {user_id}", f"{en} {user_id}")


@dataclass(frozen=True, slots=True)
class AdminLine:
    account: str
    """``channel:user_id`` (shown by ``account_name``)."""
    role: str
    """A key of ``domain.admin.ROLE_TEXT``."""


@dataclass(frozen=True, slots=True)
class AdminsListed(Result):
    """``/admin list``: the admins of the configuration, and those added in chat."""

    configured: tuple[AdminLine, ...]
    added: tuple[AdminLine, ...]


@dataclass(frozen=True, slots=True)
class AdminGranted(Result):
    """``/admin add``: the account now has this role."""

    account: str
    role: str


@dataclass(frozen=True, slots=True)
class AdminRemoved(Result):
    """``/admin remove``: the account is an admin no more."""

    account: str
    before: str
    """The role it had."""


@dataclass(frozen=True, slots=True)
class BroadcastPreviewed(Result):
    """``/broadcast TEXT``: draft ``draft`` (nothing sent), as customers will read it in each
    language, and how many chat accounts it would reach on each channel."""

    draft: int
    seen: tuple[tuple[str, str], ...]
    """(language, the message as its customers get it)."""
    reach: tuple[tuple[str, int], ...]
    """(channel, accounts), the channels in a fixed order."""
    to: int


@dataclass(frozen=True, slots=True)
class BroadcastQueued(Result):
    """``/broadcast``: queued for this many chat accounts; the next one may go at
    ``next_at``."""

    to: int
    next_at: datetime


@dataclass(frozen=True, slots=True)
class DashboardLinked(Result):
    """``/dashboard``: a short-lived signed link to the web dashboard."""

    url: str
