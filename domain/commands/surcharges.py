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
    """The customer approves (then pays) or declines the order's waiting request."""

    customer_id: int
    number: int
    approve: bool


@dataclass(frozen=True)
class ExpireSurcharges(Command):
    """Sweep: requests past ``execution.surcharge_answer_minutes`` lapse (both sides told)."""
