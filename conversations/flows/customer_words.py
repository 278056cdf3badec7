"""Which customer an admin means, as typed: ``/customer 13812345678`` (a phone written as people
write one: ``138 1234 5678``, ``138-1234-5678``, ``+86 138…``) or ``/customer 12`` (their id,
as ``/order`` names them), and ``/orders`` of one customer. Pure."""

from __future__ import annotations

import re

from conversations.flows.phones import normalise_phone
from domain import commands as c
from domain import queries as q
from domain.digits import whole

_MARKED_ID = re.compile(r"(?:客户|customer)\s*#?\s*(\S+)", re.IGNORECASE)
"""``/orders 客户 12`` (``客户12``, ``customer 12``): a customer's id said to be one."""


def who(text: str) -> tuple[str, int | None] | None:
    """(the phone number normalised, None) or ("", the customer's id); None: neither."""
    text = text.strip()
    phone = normalise_phone(text)
    if phone is not None:
        return phone, None
    ident = whole(text.removeprefix("#").strip())
    return ("", ident) if ident is not None else None


def card(args: str, by: str, role: str) -> c.ShowCustomer | None:
    """``/customer PHONE|ID``; None: neither was given (its usage)."""
    found = who(args)
    return c.ShowCustomer(by, role, *found) if found is not None else None


def orders_of(args: str, by: str, role: str) -> q.ListCustomerOrders | None:
    """``/orders PHONE`` or ``/orders 客户 ID``; None when ``args`` name no customer so (they
    are statuses and a day). A bare number is no customer's id here: next to ``/orders`` it
    reads as an order's number (``/order #N``), and a wrong guess would list a stranger's
    orders."""
    text = args.strip()
    phone = normalise_phone(text)
    if phone is not None:
        return q.ListCustomerOrders(by, role, phone)
    marked = _MARKED_ID.fullmatch(text)
    ident = whole(marked.group(1).removeprefix("#")) if marked else None
    return q.ListCustomerOrders(by, role, "", ident) if ident is not None else None


def leading_customer(words: list[str]) -> tuple[str, list[str]]:
    """The customer a command's words start with, and the words after: a mainland mobile
    written in several words (``/coupon issue 138 1234 5678 20``: the start that is one and
    leaves a word after it; an international number's length varies, so only as one word),
    else the first word as given (an id or a phone)."""
    for k in range(len(words) - 1, 0, -1):
        phone = normalise_phone(" ".join(words[:k]))
        if phone is not None and (k == 1 or not phone.startswith("+")):
            return phone, words[k:]
    return (words[0], words[1:]) if words else ("", [])
