"""Electronic invoices (发票) in chat: "发票" / "开发票" / "invoice", ``/invoice``, or the
"开发票" button of a paid order in 我的订单. The customer picks a paid order with money not
invoiced yet — an order paid in parts is invoiced again for what was paid since its last
invoice — (or all of them), a personal or company title (a company: its name and tax id,
checked with its check character), an email address, and confirms; the request is stored
and issued out of the chat path, the PDF link coming back here and by email. Last time's
title and email are offered again. An order with nothing new to invoice is answered with
what its invoices already cover. A wrong answer at any step is answered and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.events import ChoiceMade, Failed, TextReceived
from conversations.flows import invoice_views as views
from conversations.flows.base import Ctx, Outcome, Transitions
from conversations.flows.flow_state import keep, keeping, load, restart
from conversations.replies import Reply, Say
from conversations.results.invoices import InvoiceChoices, InvoicesRequested
from conversations.state import Conversation
from conversations.understanding.intents import typed_number
from domain.commands import RequestInvoice
from domain.digits import whole
from domain.invoices import (
    PERSONAL_TITLE,
    TitleKind,
    normalise_email,
    normalise_tax_id,
    normalise_title,
)
from domain.queries import LoadInvoiceable

NAME = "invoice"
WORDS = frozenset({"发票", "开发票", "开票", "电子发票", "申请发票", "invoice", "invoices"})
"""Whole messages (casefolded) that start the flow wherever a customer is."""


class Step(StrEnum):
    CHOOSE = "choose"
    KIND = "kind"
    TITLE = "title"
    TAX_ID = "tax_id"
    EMAIL = "email"
    CONFIRM = "confirm"


FIRST = Step.CHOOSE


@dataclass(frozen=True, slots=True)
class Offered:
    number: int
    item_id: str
    amount_cents: int
    invoiced_cents: int = 0


@dataclass(frozen=True, slots=True)
class Done:
    """A paid order whose invoices cover all of it."""

    number: int
    paid_cents: int
    invoiced_cents: int
    count: int


@dataclass(slots=True)
class InvoiceData:
    """What the flow keeps (``conv.data["invoice"]``): the orders offered, the ones chosen,
    the answers so far and last time's."""

    number: int | None = None
    """An order to start with (the button on the order in 我的订单)."""
    offered: tuple[Offered, ...] = ()
    done: tuple[Done, ...] = ()
    numbers: tuple[int, ...] = ()
    kind: str = ""
    title: str = ""
    tax_id: str = ""
    email: str = ""
    last_kind: str = ""
    last_title: str = ""
    last_tax_id: str = ""
    last_email: str = ""


_keeping = keeping(NAME, InvoiceData, FIRST)


def seed(conv: Conversation, data: InvoiceData) -> None:
    """Start with ``data.number`` when the flow is entered next (``goto="invoice"``)."""
    keep(conv, NAME, data)


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    given = load(conv, NAME, InvoiceData) or InvoiceData()
    keep(conv, NAME, InvoiceData(number=given.number))  # nothing older stays
    return Outcome(commands=[LoadInvoiceable(_customer(conv))])


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    d = load(conv, NAME, InvoiceData)
    if d is None:
        return restart(conv, NAME, InvoiceData, FIRST)
    if conv.step == Step.CHOOSE or not d.numbers:
        return Outcome(commands=[LoadInvoiceable(_customer(conv))])
    if conv.step == Step.KIND:
        return Outcome(views.kind(conv, d.last_kind, d.last_title))
    if conv.step == Step.TITLE:
        return Outcome(views.company_name(conv))
    if conv.step == Step.TAX_ID:
        return Outcome(views.tax_id(conv))
    if conv.step == Step.EMAIL:
        return Outcome(views.email(conv, d.last_email))
    return Outcome(views.confirm(conv, d.numbers, _amount(d), d.kind, d.title, d.tax_id, d.email))


def _rows(d: InvoiceData) -> tuple[views.Row, ...]:
    return tuple(
        views.Row(o.number, o.item_id, o.amount_cents, o.invoiced_cents) for o in d.offered
    )


def _amount(d: InvoiceData) -> int:
    return sum(o.amount_cents for o in d.offered if o.number in d.numbers)


def _offered(d: InvoiceData, number: int) -> bool:
    return any(o.number == number for o in d.offered)


def _not_offered(conv: Conversation, d: InvoiceData, number: int) -> list[Reply]:
    """Why ``number`` is not offered: what its invoices already cover, when that is why."""
    for o in d.done:
        if o.number == number:
            return views.all_invoiced(conv, o.number, o.paid_cents, o.invoiced_cents, o.count)
    return views.not_invoiceable(conv, number)


def _chosen(d: InvoiceData, numbers: tuple[int, ...]) -> Outcome:
    d.numbers = numbers
    return Outcome(step=Step.KIND, reask=True)


@_keeping
def on_choices(ctx: Ctx, conv: Conversation, r: InvoiceChoices, d: InvoiceData) -> Outcome:
    d.offered = tuple(
        Offered(o.number, o.item_id, o.amount_cents, o.invoiced_cents) for o in r.orders
    )
    d.done = tuple(Done(o.number, o.paid_cents, o.invoiced_cents, o.count) for o in r.invoiced)
    d.last_kind, d.last_title = r.last.kind, r.last.title
    d.last_tax_id, d.last_email = r.last.tax_id, r.last.email
    wanted, d.number = d.number, None
    if not d.offered:
        if wanted is not None:
            return Outcome(_not_offered(conv, d, wanted), goto="menu")
        done = tuple((o.number, o.invoiced_cents, o.count) for o in d.done)
        return Outcome(views.none_to_invoice(conv, done), goto="menu")
    if wanted is not None:
        if _offered(d, wanted):
            return _chosen(d, (wanted,))
        return Outcome(
            [*_not_offered(conv, d, wanted), *views.choose(ctx, conv, _rows(d))],
            step=Step.CHOOSE,
        )
    return Outcome(views.choose(ctx, conv, _rows(d)), step=Step.CHOOSE)


@_keeping
def on_choose(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: InvoiceData) -> Outcome:
    if event.key == views.QUIT:
        return Outcome(views.stopped(conv), goto="menu")
    if event.key == views.ALL and d.offered:
        return _chosen(d, tuple(o.number for o in d.offered))
    number = (whole(event.key[2:]) if event.key.startswith("o:") else None) or 0
    if _offered(d, number):
        return _chosen(d, (number,))
    return Outcome([views.bad_choice(conv)], reask=True)


@_keeping
def on_choose_text(ctx: Ctx, conv: Conversation, event: TextReceived, d: InvoiceData) -> Outcome:
    number = typed_number(event.text)
    if number is not None and _offered(d, number):
        return _chosen(d, (number,))
    if number is not None:
        return Outcome(_not_offered(conv, d, number), reask=True)
    return Outcome([views.bad_choice(conv)], reask=True)


def _pick_kind(conv: Conversation, d: InvoiceData, key: str) -> Outcome:
    if key == views.SAME and d.last_kind and d.last_title:
        d.kind, d.title, d.tax_id = d.last_kind, d.last_title, d.last_tax_id
        return Outcome(step=Step.EMAIL, reask=True)
    if key == views.PERSONAL:
        d.kind, d.title, d.tax_id = TitleKind.PERSONAL.value, PERSONAL_TITLE, ""
        return Outcome(step=Step.EMAIL, reask=True)
    if key == views.COMPANY:
        d.kind = TitleKind.COMPANY.value
        return Outcome(step=Step.TITLE, reask=True)
    return Outcome([views.bad_kind(conv)], reask=True)


@_keeping
def on_kind(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: InvoiceData) -> Outcome:
    if event.key == views.QUIT:
        return Outcome(views.stopped(conv), goto="menu")
    return _pick_kind(conv, d, event.key)


KIND_WORDS = {
    "个人": views.PERSONAL,
    "personal": views.PERSONAL,
    "单位": views.COMPANY,
    "公司": views.COMPANY,
    "company": views.COMPANY,
}


@_keeping
def on_kind_text(ctx: Ctx, conv: Conversation, event: TextReceived, d: InvoiceData) -> Outcome:
    return _pick_kind(conv, d, KIND_WORDS.get(event.text.strip().casefold(), ""))


@_keeping
def on_title(ctx: Ctx, conv: Conversation, event: TextReceived, d: InvoiceData) -> Outcome:
    title = normalise_title(event.text)
    if title is None:
        return Outcome([views.bad_title(conv)], reask=True)
    d.title = title
    return Outcome(step=Step.TAX_ID, reask=True)


@_keeping
def on_tax_id(ctx: Ctx, conv: Conversation, event: TextReceived, d: InvoiceData) -> Outcome:
    tax_id = normalise_tax_id(event.text)
    if tax_id is None:
        return Outcome([views.bad_tax_id(conv)], reask=True)
    d.tax_id = tax_id
    return Outcome(step=Step.EMAIL, reask=True)


@_keeping
def on_email(ctx: Ctx, conv: Conversation, event: TextReceived, d: InvoiceData) -> Outcome:
    email = normalise_email(event.text)
    if email is None:
        return Outcome([views.bad_email(conv)], reask=True)
    d.email = email
    return Outcome(step=Step.CONFIRM, reask=True)


@_keeping
def on_email_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: InvoiceData) -> Outcome:
    if event.key == views.EMAIL_SAME and d.last_email:
        d.email = d.last_email
        return Outcome(step=Step.CONFIRM, reask=True)
    return _quit_or_again(conv, event)


def _quit_or_again(conv: Conversation, event: ChoiceMade) -> Outcome:
    if event.key == views.QUIT:
        return Outcome(views.stopped(conv), goto="menu")
    return Outcome(reask=True)


@_keeping
def on_confirm(ctx: Ctx, conv: Conversation, event: ChoiceMade, d: InvoiceData) -> Outcome:
    if event.key != views.YES:
        return _quit_or_again(conv, event)
    if not d.numbers or not d.kind or not d.email:
        return restart(conv, NAME, InvoiceData, FIRST)
    command = RequestInvoice(
        _customer(conv), d.numbers, d.kind, d.title, d.tax_id, d.email, conv.lang
    )
    return Outcome(commands=[command])


@_keeping
def on_confirm_text(ctx: Ctx, conv: Conversation, event: TextReceived, d: InvoiceData) -> Outcome:
    return Outcome([views.press_a_button(conv)], reask=True)


@_keeping
def on_requested(ctx: Ctx, conv: Conversation, r: InvoicesRequested, d: InvoiceData) -> Outcome:
    return Outcome(views.requested(conv, r.numbers, r.emailed), goto="menu")


@_keeping
def on_refused(ctx: Ctx, conv: Conversation, r: Failed, d: InvoiceData) -> Outcome:
    return Outcome([Say(r.message.get(conv.lang))], goto="menu")


def _quit_only(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    return _quit_or_again(conv, event)


TRANSITIONS: Transitions = {
    **{(step, InvoiceChoices): on_choices for step in Step},
    (Step.CHOOSE, Failed): on_refused,
    (Step.CHOOSE, ChoiceMade): on_choose,
    (Step.CHOOSE, TextReceived): on_choose_text,
    (Step.KIND, ChoiceMade): on_kind,
    (Step.KIND, TextReceived): on_kind_text,
    (Step.TITLE, TextReceived): on_title,
    (Step.TITLE, ChoiceMade): _quit_only,
    (Step.TAX_ID, TextReceived): on_tax_id,
    (Step.TAX_ID, ChoiceMade): _quit_only,
    (Step.EMAIL, TextReceived): on_email,
    (Step.EMAIL, ChoiceMade): on_email_choice,
    (Step.CONFIRM, ChoiceMade): on_confirm,
    (Step.CONFIRM, TextReceived): on_confirm_text,
    (Step.CONFIRM, InvoicesRequested): on_requested,
    (Step.CONFIRM, Failed): on_refused,
}
