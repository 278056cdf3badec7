"""Length limits on what people type: one table (``domain.limits``), each limit within its
database column, and every step that takes a text refuses one over its limit by saying the
limit, in the person's language, without moving on or keeping anything."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from bots.web import MAX_TEXT
from conversations.events import TextReceived
from conversations.flows import (
    admin_console,
    after_sales,
    booking,
    checkout,
    start,
    support,
    worker_signup,
)
from conversations.flows.admin_commands import build
from conversations.flows.base import Ctx
from conversations.flows.booking_draft import Draft
from conversations.replies import Say
from conversations.state import Conversation
from domain import limits
from domain.limits import Limit, TooLong
from store import tables as t
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
OWNER = Ctx(CATALOG, RULES, NOW, "https://daojia.example", admin_role="owner")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}

COLUMNS = {
    limits.WORKER_NAME: t.WorkerRow.__table__.c.name,
    limits.COMPLAINT: t.ComplaintRow.__table__.c.text,
    limits.REVIEW: t.RatingRow.__table__.c.text,
    limits.WORKER_REASON: t.WorkerRow.__table__.c.review_note,
    limits.WITHDRAWAL_REASON: t.WithdrawalRow.__table__.c.note,
    limits.RESOLUTION_REASON: t.ComplaintRow.__table__.c.note,
    limits.SPOT_CHECK_RESULT: t.SpotCheckRow.__table__.c.note,
    limits.ACCOUNT: t.AdminRow.__table__.c.user_id,
}
"""Each limit whose text is stored in a VARCHAR column, with that column."""
NO_COLUMN = {
    limits.PHONE,  # encrypted (bytes)
    limits.ADDRESS,
    limits.ADDRESS_DETAIL,
    limits.NOTES,
    limits.SERVICE_AREA,  # districts found in it, JSON
    limits.SKILLS,  # skills read from it, JSON
    limits.SUPPORT_MESSAGE,  # a notice to support (outbox JSON)
    limits.CANCEL_REASON,  # the audit log (JSON) and the customer's notice
    limits.COMPLAINT_REPLY,  # the audit log (JSON) and the customer's notice
    limits.BROADCAST,  # the outbox (JSON)
}


def every_limit() -> list[Limit]:
    return [v for v in vars(limits).values() if isinstance(v, Limit)]


def test_every_limit_is_within_the_column_its_text_is_stored_in():
    assert set(every_limit()) == set(COLUMNS) | NO_COLUMN, "say where a new limit's text goes"
    for limit, column in COLUMNS.items():
        length = getattr(column.type, "length", None)  # sqlmodel's AutoString is a VARCHAR
        assert isinstance(length, int), f"{column} is not a VARCHAR"
        assert limit.chars <= length, f"{column} holds {length}"


def test_the_web_chat_cuts_texts_only_beyond_every_limit():
    assert all(limit.chars < MAX_TEXT for limit in every_limit())


def test_the_limit_message_names_the_field_and_the_number_in_each_language():
    message = limits.ADDRESS.message()
    assert message.get("zh").startswith("地址最多 200 字")
    assert "The address can be at most 200 characters" in message.get("en")


def text(value: str) -> TextReceived:
    return TextReceived(**BASE, text=value)


def conv_at(flow: str, step: str, lang: str, **data) -> Conversation:
    return Conversation(
        flow=flow, step=step, lang=lang, customer_id=1, worker_id=2, data=copy.deepcopy(data)
    )


BOOKING = {
    "booking": Draft(
        category="cleaning", item="daily_cleaning", options=[], place="徐汇区"
    ).to_json()
}
STEPS = [
    (start.on_phone, "start", "phone", {}, limits.PHONE),
    (booking.on_address_text, "booking", "address", BOOKING, limits.ADDRESS),
    (booking.on_address_detail, "booking", "address_detail", BOOKING, limits.ADDRESS_DETAIL),
    (booking.on_notes, "booking", "notes", BOOKING, limits.NOTES),
    (checkout.on_notes, "checkout", "notes", BOOKING, limits.NOTES),
    (after_sales.on_text, "feedback", "text", {"feedback": {"number": 240117}}, limits.COMPLAINT),
    (after_sales.on_review, "feedback", "review", {"feedback": {"number": 1}}, limits.REVIEW),
    (after_sales.on_customer_note, "feedback", "customer_note", {"feedback": {}}, limits.REVIEW),
    (support.on_text, "support", "write", {}, limits.SUPPORT_MESSAGE),
    (worker_signup.on_name, "worker_register", "name", {}, limits.WORKER_NAME),
    (worker_signup.on_phone, "worker_register", "phone", {}, limits.PHONE),
    (worker_signup.on_area_text, "worker_register", "area", {}, limits.SERVICE_AREA),
    (worker_signup.on_skills_text, "worker_register", "skills", {}, limits.SKILLS),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("handler", "flow", "step", "data", "limit"), STEPS, ids=[s[0].__qualname__ for s in STEPS]
)
def test_a_text_over_its_limit_is_refused_with_the_limit_and_nothing_is_kept(
    handler, flow, step, data, limit, lang
):
    conv = conv_at(flow, step, lang, **data)
    before = copy.deepcopy(conv.data)
    out = handler(CTX, conv, text("徐汇区" * (limit.chars // 3 + 1)))
    assert out.replies == [Say(limit.message().get(lang))]
    assert out.reask and out.step is None and out.goto is None and not out.commands
    assert conv.data == before and conv.step == step


@pytest.mark.parametrize(
    ("handler", "flow", "step", "data", "limit", "kept", "start"),
    [
        (
            booking.on_address_text,
            "booking",
            "address",
            BOOKING,
            limits.ADDRESS,
            "address_text",
            "漕溪北路88",  # an address: a row of 号 alone is none
        ),
        (booking.on_notes, "booking", "notes", BOOKING, limits.NOTES, "notes", ""),
        (after_sales.on_text, "feedback", "text", {}, limits.COMPLAINT, "text", ""),
        (worker_signup.on_name, "worker_register", "name", {}, limits.WORKER_NAME, "name", ""),
    ],
)
def test_a_text_of_exactly_the_limit_is_taken(handler, flow, step, data, limit, kept, start):
    conv = conv_at(flow, step, "zh", **data)
    typed = (start + "号" * limit.chars)[: limit.chars]
    handler(CTX, conv, text(typed))
    part = flow
    assert conv.data[part][kept] == typed


ADMIN_ARGS = [
    ("suspend", None, "12 {}", limits.WORKER_REASON),
    ("cancel", 240117, "{}", limits.CANCEL_REASON),
    ("broadcast", None, "{}", limits.BROADCAST),
    ("reply", None, "7 {}", limits.COMPLAINT_REPLY),
    ("checked", None, "3 {}", limits.SPOT_CHECK_RESULT),
    ("resolve", None, "7 reject {}", limits.RESOLUTION_REASON),
    ("admin", None, "add telegram:{} ops", limits.ACCOUNT),
]


@pytest.mark.parametrize(("name", "number", "args", "limit"), ADMIN_ARGS)
def test_admin_command_texts_over_their_limit_raise_too_long(name, number, args, limit):
    over = args.format("x" * (limit.chars + 1))
    with pytest.raises(TooLong) as raised:
        build(OWNER, name, number, over, "telegram:1", "r1")
    assert raised.value.limit == limit
    assert build(OWNER, name, number, args.format("x" * 10), "telegram:1", "r1") is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("name", "args", "limit"),
    [
        ("reject", "12 {}", limits.WORKER_REASON),
        ("reject_withdrawal", "5 {}", limits.WITHDRAWAL_REASON),
        ("suspend", "12 {}", limits.WORKER_REASON),
        ("broadcast", "{}", limits.BROADCAST),
    ],
)
def test_the_admin_console_answers_a_text_over_its_limit_in_the_admins_language(
    name, args, limit, lang
):
    conv = Conversation(flow="admin", step="console", lang=lang, role="admin")
    action = admin_console.AdminCommand(
        name, None, args.format("原" * (limit.chars + 1)), "telegram:1", "r"
    )
    out = admin_console.run(OWNER, conv, action)
    assert out.replies == [Say(limit.message().get(lang))] and not out.commands
