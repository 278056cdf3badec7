"""On-site extra charges (``domain.surcharge``): the worker asks, the customer answers, the
sweep lapses what nobody answered."""

from __future__ import annotations

from dataclasses import dataclass

from domain.commands.base import Command
from domain.surcharge import Extra, SurchargePhoto


@dataclass(frozen=True)
class RequestSurcharge(Command):
    """The worker asks for ``extras`` on their job; ``photos`` (sent for this request, kept
    in the media store under ``orders/{number}/``) show why and join the order's photos of
    kind ``surcharge`` with it."""

    worker_id: int
    number: int
    extras: tuple[Extra, ...]
    photos: tuple[SurchargePhoto, ...] = ()


@dataclass(frozen=True)
class DiscardSurchargePhotos(Command):
    """A request the worker cancelled or dropped before sending it: the photos sent for it
    (``RequestSurcharge.photos``' paths) are deleted — any an order's photos name stay."""

    paths: tuple[str, ...]


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
