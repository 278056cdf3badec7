"""What the service layer answers a worker: signing up, going online, the jobs screen, each
step of a job (accept, decline, on the way, check-in, photos, finish, transfer), rating the
customer, earnings and withdrawals.

Orders are named by their number; amounts are fen; times are aware instants (the flow shows
them in the business's time zone); names of services are bilingual ``Text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.events import Result
from domain.lifecycle import OrderStatus
from domain.media import PhotoKind
from domain.people import WorkerStatus
from domain.text import Bilingual, Text
from domain.withdrawals import WithdrawalStatus


@dataclass(frozen=True, slots=True)
class DocumentStored(Result):
    """A photo of an ID card or certificate, kept under ``path`` in the media store."""

    path: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class DocumentsLapsed(Result):
    """A sign-up or renewal not taken: the photos of these documents waited unsent longer
    than ``execution.unsent_photo_hours`` and are deleted, or due to be (the unsent uploads'
    sweep); sent again, they count."""

    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkerRegistered(Result):
    """A sign-up was submitted for review; the person is now this worker."""

    worker_id: int


@dataclass(frozen=True, slots=True)
class AvailabilityChanged(Result):
    """The worker went online (new jobs are offered) or offline."""

    online: bool


@dataclass(frozen=True, slots=True)
class OfferView:
    """A job offered to the worker, still to accept or decline."""

    number: int
    item: Bilingual
    start_at: datetime
    where: Bilingual
    """The address masked to its district and street: the worker has not taken the job."""
    earn_cents: int


@dataclass(frozen=True, slots=True)
class LiveJobView:
    """A job the worker has taken and not finished."""

    number: int
    item: Bilingual
    start_at: datetime
    status: OrderStatus
    address: str
    phone: str
    notes: str
    stages: tuple[Bilingual, ...] = ()
    """The parts of the job (``Item.stages``); ``stage``: the one under way (1-based, 0)."""
    stage: int = 0
    item_id: str = ""
    """The catalog item (what an on-site extra may add to)."""
    asap: bool = False
    """Booked for as soon as possible (尽快上门): checked in to early
    (``checkin_lead_minutes``)."""
    transferring: bool = False
    """Being handed over (转单): offered to another worker, still this one's until accepted."""


@dataclass(frozen=True, slots=True)
class JobOpen(Result):
    """The worker's job ``number`` may take step ``action`` now (``CheckJob``): its first
    question may be asked. ``item_id``: the catalog item (what an on-site extra adds to)."""

    number: int
    action: str
    item_id: str = ""


@dataclass(frozen=True, slots=True)
class JobsShown(Result):
    """The worker's screen: standing (None for an unknown worker), online, offers, live jobs."""

    status: WorkerStatus | None
    online: bool
    offers: tuple[OfferView, ...]
    live: tuple[LiveJobView, ...]


@dataclass(frozen=True, slots=True)
class EarningsShown(Result):
    """Jobs done, the balance owed to the worker and the part that may be withdrawn now."""

    jobs: int
    owed_cents: int
    available_cents: int
    after_days: int
    """Days after settlement before earnings can be withdrawn (T+n)."""
    deposit_cents: int = 0
    """The deposit (保证金) held for the worker, not part of the balance."""
    deposit_target_cents: int = 0
    """What the deposit should reach (the level's amount, raised for many complaints)."""


@dataclass(frozen=True, slots=True)
class JobAccepted(Result):
    """The worker took an offer: the job, with the full address and the phone to call."""

    number: int
    item: Bilingual
    start_at: datetime
    address: str
    phone: str
    notes: str


@dataclass(frozen=True, slots=True)
class OfferDeclined(Result):
    number: int


@dataclass(frozen=True, slots=True)
class WorkerDeparted(Result):
    """The customer was told the worker is on the way (and when to expect them, when known)."""

    number: int
    eta_minutes: int | None
    arrive_at: datetime | None = None
    transfer_withdrawn: bool = False
    """A 转单 of the job was waiting for another worker: setting off took it back."""


@dataclass(frozen=True, slots=True)
class WorkerCheckedIn(Result):
    """The worker's location at the door was taken; the door photo comes next."""

    number: int
    distance_m: int | None
    """How far from the address, when the address has a location."""
    code_needed: bool = False
    """The order has a visit code the worker has not entered yet (it comes before the photo)."""
    transfer_withdrawn: bool = False
    """A 转单 of the job was waiting for another worker: the check-in (setting off) took it
    back."""


@dataclass(frozen=True, slots=True)
class StageMarked(Result):
    """The customer was told which part of the job is under way (quietly)."""

    number: int
    stage: Bilingual


@dataclass(frozen=True, slots=True)
class VisitCodeChecked(Result):
    """The worker's try at the order's visit code: right, or wrong with the tries before ops
    are alerted (``alerted``: this try alerted them)."""

    number: int
    ok: bool
    tries_left: int = 0
    alerted: bool = False


@dataclass(frozen=True, slots=True)
class JobPhotoSaved(Result):
    """A door, before or after photo was kept; ``status`` is the order's after it."""

    number: int
    kind: PhotoKind
    status: OrderStatus


@dataclass(frozen=True, slots=True)
class TransferCancelled(Result):
    """取消转单: the job's 转单 was taken back (the workers offered it told); it stays theirs."""

    number: int


@dataclass(frozen=True, slots=True)
class JobFinished(Result):
    """The worker finished; the customer is asked to confirm."""

    number: int


@dataclass(frozen=True, slots=True)
class TransferOpen(Result):
    """The worker may hand job ``number`` over (转单): they are asked to confirm, told what
    they would earn for it (``compensation_cents``) when someone takes it."""

    number: int
    compensation_cents: int


@dataclass(frozen=True, slots=True)
class TransferRequested(Result):
    """The job is offered to an idle worker nearby; the worker keeps it until one accepts.
    ``offered`` False: nobody nearby is idle — it stays theirs, and ops were told."""

    number: int
    offered: bool = True


@dataclass(frozen=True, slots=True)
class CustomerRated(Result):
    """The worker's rating of the customer of a job was kept."""

    number: int
    stars: int


@dataclass(frozen=True, slots=True)
class WithdrawalRequested(Result):
    """A withdrawal was requested: approved at once (small amounts) or waiting for finance."""

    withdrawal_id: int
    amount_cents: int
    status: WithdrawalStatus
    to: Text | None = None
    """The payout account it will be transferred to, masked (a payout provider runs)."""


@dataclass(frozen=True, slots=True)
class PayoutAccountShown(Result):
    """The worker's payout account, masked (``None``: none yet); whether they may choose
    their WeChat wallet (they use WeChat here, or linked a WeChat account)."""

    masked: Text | None
    wechat_possible: bool
    owner: str = ""
    """The worker's registered name: a bank card must be in it (``payouts.same_holder``)."""


@dataclass(frozen=True, slots=True)
class PayoutAccountSaved(Result):
    """The payout account was saved (``changed``: it replaced another), shown masked;
    ``released_cents``: withdrawals held for a card in another's name, paid to it now."""

    masked: Text
    changed: bool
    released_cents: int = 0
