"""Messages to people outside their own conversation turn (a worker's offer, a customer's
"your worker is on the way"), built in the recipient's language when they are delivered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from conversations.replies import Reply

Build = Callable[[str], list[Reply]]


@dataclass(frozen=True)
class Notice:
    """``to`` is ``customer``, ``worker`` or ``admins`` (then ``roles`` says which)."""

    to: str
    id: int
    build: Build
    roles: tuple[str, ...] = ()


def to_customer(customer_id: int, build: Build) -> Notice:
    return Notice("customer", customer_id, build)


def to_worker(worker_id: int, build: Build) -> Notice:
    return Notice("worker", worker_id, build)


def to_admins(build: Build, *roles: str) -> Notice:
    return Notice("admins", 0, build, roles or ("owner", "ops"))


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh
