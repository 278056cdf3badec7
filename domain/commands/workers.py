"""What a worker asks: sign-up, going online, jobs and their steps, earnings, withdrawals,
the payout account."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command


@dataclass(frozen=True)
class StoreDocument(Command):
    """Download a photo someone sent (by platform reference), check it, keep it."""

    channel: str
    ref: str
    folder: str


@dataclass(frozen=True)
class RegisterWorker(Command):
    channel: str
    user_id: str
    name: str
    phone: str
    lang: str
    skills: tuple[str, ...]
    center: tuple[float, float] | None
    radius_m: int
    districts: tuple[str, ...]
    documents: tuple[tuple[str, str, str], ...]
    """(kind, stored path, expiry ISO date or "")."""


@dataclass(frozen=True)
class SetOnline(Command):
    worker_id: int
    online: bool


@dataclass(frozen=True)
class AcceptOffer(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class DeclineOffer(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class Depart(Command):
    """Set off for job ``number``; the customer's arrival estimate comes from the minutes the
    worker said, else the location they shared (``lat``/``lon``), else the booked start."""

    worker_id: int
    number: int
    minutes: int | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class CheckIn(Command):
    worker_id: int
    number: int
    lat: float
    lon: float


@dataclass(frozen=True)
class MarkStage(Command):
    """The part of the job now under way (1-based, the item's ``stages``)."""

    worker_id: int
    number: int
    stage: int


@dataclass(frozen=True)
class EnterVisitCode(Command):
    """The digits the customer told the worker at the door."""

    worker_id: int
    number: int
    code: str


@dataclass(frozen=True)
class AddJobPhoto(Command):
    worker_id: int
    number: int
    kind: str
    channel: str
    ref: str


@dataclass(frozen=True)
class FinishJob(Command):
    worker_id: int
    number: int


@dataclass(frozen=True)
class RequestTransfer(Command):
    """Hand the worker's accepted job to a nearby idle worker (转单, once they confirmed)."""

    worker_id: int
    number: int


@dataclass(frozen=True)
class CancelTransfer(Command):
    """Take back a 转单 not accepted yet (取消转单): the open transfer offers of the worker's
    job ``number`` are withdrawn; it stays theirs."""

    worker_id: int
    number: int


@dataclass(frozen=True)
class RateCustomer(Command):
    worker_id: int
    number: int
    stars: int
    text: str = ""


@dataclass(frozen=True)
class RequestWithdrawal(Command):
    worker_id: int
    amount_cents: int


@dataclass(frozen=True)
class SavePayoutAccount(Command):
    """The worker's bank card (``kind`` bank: holder, bank key, number) or WeChat wallet
    (``kind`` wechat: paid to the openid of a WeChat account that is this worker's;
    ``openid`` is the one they are writing from, if they are in WeChat)."""

    worker_id: int
    kind: str
    holder: str = ""
    bank: str = ""
    number: str = ""
    openid: str = ""
    actor: str = ""
    """Who changed it (``channel:user``), for the audit log."""
