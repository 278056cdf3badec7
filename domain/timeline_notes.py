"""The notes daojia writes on an order's timeline (``OrderEvent.note``, ``order_events.note``)
and how one reads, in whoever's language.

A note daojia writes itself is stored language-neutral: an id, then its fields, each after a
colon — ``assigned:7``, ``settled:15300:2700``, ``handover:2026-12-03``, ``free_rework``. The
id is lower-case ASCII with underscores; a field is a whole number (an id, an amount in fen,
minutes, hours, a percentage) or an ISO date (a moment: its date, then its hour and minute
in the business time zone: ``rescheduled:2026-12-08:00:30:2026-12-08:02:00``). The functions
below write them, one per kind; ``note_phrase`` turns one back into its phrase when it is
shown. Rows written before the notes were ids hold English written for the logs ("assigned to
worker 7", the cancellation policy's reason in English, a move as ``12-08 00:30 → 12-08
02:00``): they read as the same phrases (``OLD_NOTES``). Any other note — a
person's own words, an amount already in yuan (``¥80.00``) — reads as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from domain.moments import When
from domain.money import format_yuan
from domain.text import N_, Phrase, StoredNotes, Text, stored_phrase

# -- the writers, one per kind of note ---------------------------------------------------------


def settled_note(worker_cents: int, platform_cents: int) -> str:
    """A settlement (``Action.SETTLE``): the worker's and the platform's shares, in fen."""
    return f"settled:{worker_cents}:{platform_cents}"


def refunded_note(refunded_cents: int) -> str:
    """An order refunded (``Action.REFUND``): what was refunded on it in all, in fen."""
    return f"refunded:{refunded_cents}"


def assigned_note(worker_id: int) -> str:
    """An admin's assignment (``Action.ACCEPT`` on their behalf) to ``worker_id``."""
    return f"assigned:{worker_id}"


def transferred_note(from_worker_id: int | None) -> str:
    """A transfer taken (``Action.RELEASE``): the worker the order came from, when known."""
    return "transferred" if from_worker_id is None else f"transferred:{from_worker_id}"


def reassigned_note() -> str:
    """An accepted order an admin gives another worker (``Action.RELEASE``)."""
    return "reassigned"


def rescheduled_note(was: datetime, when: datetime) -> str:
    """An order moved (``Action.RESCHEDULE``) from ``was`` to ``when``, both in the business
    time zone."""
    return f"rescheduled:{was:%Y-%m-%d:%H:%M}:{when:%Y-%m-%d:%H:%M}"


def handover_note(on: date) -> str:
    """A long placement's worker replaced from ``on``."""
    return f"handover:{on.isoformat()}"


def ended_early_note(on: date) -> str:
    """A placement's contract ended early, on ``on`` (``Action.FINISH``)."""
    return f"ended_early:{on.isoformat()}"


def checked_in_directly_note() -> str:
    """A worker who checked in at the door without tapping "on my way" (``Action.DEPART``)."""
    return "checked_in_directly"


def eta_note(minutes: int, source: str) -> str:
    """A worker set off (``Action.DEPART``) expected in ``minutes``, estimated from
    ``source`` (``domain.execution.EtaSource``: location, worker, booked)."""
    return f"eta:{minutes}:{source}"


def free_rework_note() -> str:
    """A free rework booked (``Action.PAY`` of nothing)."""
    return "free_rework"


def nothing_to_pay_note() -> str:
    """An order whose price a coupon, points or a card covered (``Action.PAY`` of nothing)."""
    return "nothing_to_pay"


def auto_confirmed_note() -> str:
    """A finished job confirmed by the system when the customer's time to object ran out."""
    return "auto_confirmed"


def unpaid_timeout_note(minutes: int) -> str:
    """An order cancelled by the system, not paid within ``minutes`` of being placed."""
    return f"unpaid_timeout:{minutes}"


def cancel_unpaid_note() -> str:
    """The cancellation policy (``domain.cancellation``): nothing was paid."""
    return "cancel_unpaid"


def cancel_refunded_note() -> str:
    """The cancellation policy: paid, and all of it refunded already (``/refund``)."""
    return "cancel_refunded"


def cancel_not_taken_note() -> str:
    """The cancellation policy: no worker had taken the order, a full refund."""
    return "cancel_not_taken"


def cancel_free_note(hours: int) -> str:
    """The cancellation policy: ``hours`` or more before the start, a full refund."""
    return f"cancel_free:{hours}"


def cancel_fee_note(hours: int, percent: int) -> str:
    """The cancellation policy: less than ``hours`` before the start, ``percent`` % kept."""
    return f"cancel_fee:{hours}:{percent}"


def cancel_late_fee_note(hours: int, percent: int) -> str:
    """The cancellation policy: less than ``hours`` (the late limit), ``percent`` % kept."""
    return f"cancel_late_fee:{hours}:{percent}"


def cancel_deposit_note(deposit_cents: int) -> str:
    """The cancellation policy: the worker had arrived, the deposit (fen) is kept."""
    return f"cancel_deposit:{deposit_cents}"


# -- the reader --------------------------------------------------------------------------------

Match = re.Match[str]


def _settled(m: Match) -> Text:
    return N_(
        "师傅 {worker},平台 {platform}",
        worker=format_yuan(int(m["worker"])),
        platform=format_yuan(int(m["platform"])),
    )


def _refunded(m: Match) -> Text:
    return N_("累计退款 {amount}", amount=format_yuan(int(m["amount"])))


def _assigned(m: Match) -> Text:
    return N_("指派给师傅 {worker_id}", worker_id=int(m["worker"]))


def _transferred(m: Match) -> Text:
    if m["worker"] is None:
        return N_("转单")
    return N_("由师傅 {worker_id} 转出", worker_id=int(m["worker"]))


def _deposit(yuan: str) -> Text:
    return N_("师傅已上门,定金 {deposit_cents} 不退", deposit_cents=yuan)


def _fee(m: Match) -> Text:
    return N_(
        "距开始不足 {free_before_hours} 小时,收取 {fee_bp}% 费用",
        free_before_hours=int(m["hours"]),
        fee_bp=int(m["percent"]),
    )


def _moved(was: datetime, when: datetime, today: date | None) -> Text:
    """``was → when``, each as its reader writes a moment (``format_when``)."""
    return N_("{was} → {when}", was=When(was, today), when=When(when, today))


def _at(text: str) -> datetime:
    """A moment a note holds (``2026-12-08:00:30``, or ``2000-12-08 00:30`` for a note written
    before: no year, which no reader is shown — 2000 a leap year, so that 02-29 reads too);
    naive: only its day and clock are shown."""
    fmt = "%Y-%m-%d:%H:%M" if ":" in text[:11] else "%Y-%m-%d %H:%M"
    return datetime.strptime(text, fmt)  # noqa: DTZ007 - shown, never compared


def _rescheduled(m: Match, today: date | None) -> Text:
    return _moved(_at(m["was"]), _at(m["when"]), today)


def _rescheduled_before(m: Match, today: date | None) -> Text:
    """A note written as the Chinese read it (``12-08 00:30 → 12-08 02:00``): its year not
    known, its moments are written without one or a weekday."""
    return _moved(_at(f"2000-{m['was']}"), _at(f"2000-{m['when']}"), None)


def _eta(m: Match) -> Text:
    minutes = int(m["minutes"])
    if m["source"] == "location":
        return N_("预计 {minutes} 分钟后到达(按师傅位置估算)", minutes=minutes)
    if m["source"] == "worker":
        return N_("预计 {minutes} 分钟后到达(师傅自报)", minutes=minutes)
    return N_("预计 {minutes} 分钟后到达(按预约时间)", minutes=minutes)


def _day(m: Match, today: date | None) -> When:
    return When(date.fromisoformat(m["on"]), today)


def _handover(m: Match, today: date | None) -> Text:
    return N_("{on} 起更换师傅", on=_day(m, today))


def _ended_early(m: Match, today: date | None) -> Text:
    return N_("合同于 {on} 提前终止", on=_day(m, today))


_ON = r"(?P<on>\d{4}-\d{2}-\d{2})"
_AT = r"\d{4}-\d{2}-\d{2}:\d{2}:\d{2}"
_AT_BEFORE = r"\d{2}-\d{2} \d{2}:\d{2}"

NOTES: StoredNotes = (
    (re.compile(r"settled:(?P<worker>\d+):(?P<platform>\d+)"), _settled),
    (re.compile(r"refunded:(?P<amount>\d+)"), _refunded),
    (re.compile(r"assigned:(?P<worker>\d+)"), _assigned),
    (re.compile(r"transferred(?::(?P<worker>\d+))?"), _transferred),
    (re.compile(r"reassigned"), lambda m: N_("改派")),  # the same before and now
    (re.compile(r"checked_in_directly"), lambda m: N_("未点出发,直接签到")),
    (re.compile(r"free_rework"), lambda m: N_("免费返工")),
    (re.compile(r"eta:(?P<minutes>\d+):(?P<source>location|worker|booked)"), _eta),
    (re.compile(r"nothing_to_pay"), lambda m: N_("无需支付")),
    (re.compile(r"auto_confirmed"), lambda m: N_("到期自动确认")),
    (
        re.compile(r"unpaid_timeout:(?P<minutes>\d+)"),
        lambda m: N_("{minutes} 分钟内未支付", minutes=int(m["minutes"])),
    ),
    (re.compile(r"cancel_unpaid"), lambda m: N_("未支付,直接取消")),
    (re.compile(r"cancel_refunded"), lambda m: N_("已付款项已全部退回,直接取消")),
    (re.compile(r"cancel_not_taken"), lambda m: N_("还没有师傅接单,全额退款")),
    (
        re.compile(r"cancel_free:(?P<hours>\d+)"),
        lambda m: N_(
            "距开始 ≥ {free_before_hours} 小时,全额退款", free_before_hours=int(m["hours"])
        ),
    ),
    (re.compile(r"cancel_fee:(?P<hours>\d+):(?P<percent>\d+)"), _fee),
    (
        re.compile(r"cancel_late_fee:(?P<hours>\d+):(?P<percent>\d+)"),
        lambda m: N_(
            "距开始不足 {late_before_hours} 小时,收取 {late_fee_bp}% 费用",
            late_before_hours=int(m["hours"]),
            late_fee_bp=int(m["percent"]),
        ),
    ),
    (
        re.compile(r"cancel_deposit:(?P<deposit>\d+)"),
        lambda m: _deposit(format_yuan(int(m["deposit"]))),
    ),
)
"""The notes as written now, by what they look like stored, as their phrases."""

OLD_NOTES: StoredNotes = (
    (re.compile(r"worker (?P<worker>\d+), platform (?P<platform>\d+)"), _settled),
    (re.compile(r"refunded (?P<amount>\d+)"), _refunded),
    (re.compile(r"assigned to worker (?P<worker>\d+)"), _assigned),
    (re.compile(r"transfer from worker (?P<worker>\d+)"), _transferred),
    (re.compile(r"checked in without setting off first"), lambda m: N_("未点出发,直接签到")),
    (re.compile(r"free rework"), lambda m: N_("免费返工")),
    (re.compile(r"nothing to pay"), lambda m: N_("无需支付")),
    (re.compile(r"auto-confirmed"), lambda m: N_("到期自动确认")),
    (
        re.compile(r"not paid within (?P<minutes>\d+) min"),
        lambda m: N_("{minutes} 分钟内未支付", minutes=int(m["minutes"])),
    ),
    # the cancellation policy's reason, as its English then read
    (re.compile(r"not paid, cancelled at no cost"), lambda m: N_("未支付,直接取消")),
    (
        re.compile(r"no worker has taken the order yet: full refund"),
        lambda m: N_("还没有师傅接单,全额退款"),
    ),
    (
        re.compile(r"(?P<hours>\d+) h or more before the start: full refund"),
        lambda m: N_(
            "距开始 ≥ {free_before_hours} 小时,全额退款", free_before_hours=int(m["hours"])
        ),
    ),
    # the fee's and the late fee's English were the same words
    (re.compile(r"less than (?P<hours>\d+) h before the start: (?P<percent>\d+)% fee"), _fee),
    (
        re.compile(r"the worker has arrived: the deposit of (?P<yuan>\S+) is not refunded"),
        lambda m: _deposit(m["yuan"]),
    ),
)
"""The notes as rows written before the ids hold them: English, for the logs."""

DATED_NOTES: tuple[tuple[re.Pattern[str], Callable[[Match, date | None], Text]], ...] = (
    (re.compile(rf"rescheduled:(?P<was>{_AT}):(?P<when>{_AT})"), _rescheduled),
    (re.compile(rf"handover:{_ON}"), _handover),
    (re.compile(rf"ended_early:{_ON}"), _ended_early),
    # as written before
    (re.compile(rf"(?P<was>{_AT_BEFORE}) → (?P<when>{_AT_BEFORE})"), _rescheduled_before),
    (re.compile(rf"handover {_ON}"), _handover),
    (re.compile(rf"contract ended early on {_ON}"), _ended_early),
)
"""The notes that hold a day or a moment, now and before, as their phrases on the reader's
today (a day's year is written when it is far from it)."""


def note_phrase(note: str, today: date | None) -> Phrase:
    """A timeline note as a phrase: one daojia wrote (now or before: ``OLD_NOTES``) in the
    reader's language, any other — a person's words, an amount in yuan — as it was written.
    ``today``: the reader's (business-local), a day or a moment the note holds is written on
    (``format_when``); None where no reader's today is known, for a note that holds none."""
    for pattern, phrase in DATED_NOTES:
        if found := pattern.fullmatch(note):
            return phrase(found, today)
    return stored_phrase(note, NOTES, OLD_NOTES)
