"""Checkout's steps, and its own data (``conv.data["checkout"]``), reset whenever checkout is
entered: the quote shown (with the workers it offered), the code asked, the phone given, the
order placed — and the payment request as plain JSON, which my orders keeps too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from conversations.flows.flow_state import StaleState
from conversations.results.booking import CouponChoice, PaymentDue, WorkerChoice
from conversations.state import Conversation
from domain.text import Bilingual

NAME = "checkout"


class Step(StrEnum):
    QUOTE = "quote"
    PHONE = "phone"
    """The first checkout of an account without a phone number: asked before placing."""
    AREA = "area"
    NOTES = "notes"
    CODE = "code"
    COUPON = "coupon"
    WORKER = "worker"
    """The preferred worker: one of those who served the customer, or none in particular."""
    REPEAT = "repeat"
    """The order placed is being repeated weekly, as the booking asked (``checkout_repeat``)."""
    PAY = "pay"
    MOVE_WHEN = "move_when"
    """The order placed, unpaid, to move: its new time asked (``checkout_move``)."""
    MOVE_CONFIRM = "move_confirm"
    """Its move's terms shown, the yes asked; then (or on no) the payment question again."""


@dataclass
class State:
    """Checkout's own data (``conv.data["checkout"]``)."""

    total_cents: int | None = None
    """The total of the quote shown (None: not priced yet)."""
    coupons: tuple[CouponChoice, ...] = ()
    """The coupons the quote offered."""
    code: str = ""
    """The confirmation code a big order asks for ("" when none is asked)."""
    wrong_codes: int = 0
    due: PaymentDue | None = None
    """The order placed, waiting for its payment."""
    phone_needed: bool = False
    """The quote said the account has no phone number yet."""
    phone: str = ""
    """The number given here, placed with the order."""
    promo: str = ""
    """The promo code typed last, taken once its quote comes back."""
    workers: tuple[WorkerChoice, ...] = ()
    """The workers the quote offered as the preferred one (who served the customer)."""
    repeating: bool = False
    """The quote found the weekly repeat asked for set up already: the order is placed once."""
    new_start: str = ""
    """The time (ISO) the order placed is being moved to before it is paid, with the fee
    its terms said in ``move_fee`` ("": no move under way)."""
    move_fee: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "total_cents": self.total_cents,
            "phone_needed": self.phone_needed,
            "phone": self.phone,
            "promo": self.promo,
            "coupons": [[c.code, c.label.zh, c.label.en] for c in self.coupons],
            "code": self.code,
            "wrong_codes": self.wrong_codes,
            "due": due_to_json(self.due) if self.due is not None else None,
            "workers": [[w.id, w.name, w.rating_x100, w.reviews] for w in self.workers],
            "repeating": self.repeating,
            "new_start": self.new_start,
            "move_fee": self.move_fee,
        }

    @classmethod
    def from_json(cls, raw: object) -> State:
        """The state stored by ``to_json``; ``StaleState`` when ``raw`` has another shape."""
        if not isinstance(raw, dict):
            raise StaleState(NAME)
        try:
            state = cls(
                total_cents=_int_or_none(raw["total_cents"]),
                coupons=tuple(CouponChoice(c, Bilingual(zh, en)) for c, zh, en in raw["coupons"]),
                code=str(raw["code"]),
                wrong_codes=int(raw["wrong_codes"]),
                due=due_from_json(raw["due"]) if raw["due"] is not None else None,
                phone_needed=bool(raw["phone_needed"]),
                phone=str(raw["phone"]),
                promo=str(raw.get("promo", "")),
                workers=tuple(_worker(w) for w in raw.get("workers", ())),
                repeating=bool(raw.get("repeating", False)),
                new_start=str(raw.get("new_start", "")),
                move_fee=int(raw.get("move_fee", 0)),
            )
        except (TypeError, ValueError, KeyError) as exc:
            raise StaleState(NAME) from exc
        if raw["due"] is not None and state.due is None:
            raise StaleState(NAME)
        return state


def _worker(raw: list[Any]) -> WorkerChoice:
    """A worker offered, as ``State.to_json`` keeps them (saved without their number of
    reviews before it was kept: read as none)."""
    worker_id, name, rating, *reviews = raw
    return WorkerChoice(int(worker_id), str(name), int(rating), int(reviews[0]) if reviews else 0)


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int):
        raise TypeError(value)
    return value


def due_to_json(due: PaymentDue) -> dict[str, Any]:
    """A payment request as plain JSON (checkout and my orders keep the one they show)."""
    return {
        "number": due.number,
        "due_now_cents": due.due_now_cents,
        "pay_by": due.pay_by.isoformat() if due.pay_by is not None else None,
        "reference": due.reference,
        "provider": due.provider,
        "pay_url": due.pay_url,
        "invoice": [[label, fen] for label, fen in due.invoice],
        "title": due.title,
    }


def due_from_json(raw: object) -> PaymentDue | None:
    """The payment request stored by ``due_to_json``; None when ``raw`` has another shape."""
    if not isinstance(raw, dict):
        return None
    try:
        pay_by = datetime.fromisoformat(raw["pay_by"]) if raw["pay_by"] else None
        return PaymentDue(
            number=int(raw["number"]),
            due_now_cents=int(raw["due_now_cents"]),
            pay_by=pay_by,
            reference=str(raw["reference"]),
            provider=str(raw["provider"]),
            pay_url=str(raw["pay_url"]),
            invoice=tuple((str(label), int(fen)) for label, fen in raw["invoice"]),
            title=str(raw["title"]),
        )
    except (TypeError, ValueError, KeyError):
        return None


def state(conv: Conversation) -> State:
    return State.from_json(conv.data.get(NAME))


def keep(conv: Conversation, st: State) -> None:
    conv.data[NAME] = st.to_json()
