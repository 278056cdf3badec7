"""On-site extra charges (``domain.surcharge``): the worker asks, the customer answers, the
sweep lapses what nobody answered."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command
from domain.surcharge import Extra


@dataclass(frozen=True)
class RequestSurcharge(Command):
    """The worker asks for ``extras`` on their job; the photos of kind ``surcharge`` they sent
    since their last request show why."""

    worker_id: int
    number: int
    extras: tuple[Extra, ...]


@dataclass(frozen=True)
class AnswerSurcharge(Command):
    """The customer approves (then pays) or declines the order's waiting request — the one
    ``surcharge_id`` names when the answer came from a request's own button (an older
    request's button must not answer a newer one)."""

    customer_id: int
    number: int
    approve: bool
    surcharge_id: int | None = None


@dataclass(frozen=True)
class ExpireSurcharges(Command):
    """Sweep: requests past ``execution.surcharge_answer_minutes`` lapse (both sides told)."""
