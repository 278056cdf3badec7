"""Whatever a person sends at any step of the booking and checkout — any text, any button key
(a forged callback, a stale one) — the flow answers without raising, and what it keeps is a
booking this release can read again."""

import re
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.events import ChoiceMade, TextReceived
from conversations.flows import booking, checkout
from conversations.flows.base import Ctx, pick_an_option
from conversations.flows.booking_draft import Draft
from conversations.flows.registry import FLOWS
from conversations.routing import Router
from conversations.state import Conversation
from store.catalog_file import load_catalog

CATALOG, RULES = load_catalog()
NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
CTX = Ctx(CATALOG, RULES, NOW, "https://daojia.example")
BASE = {"channel": "telegram", "user_id": "1", "at": NOW}
START = datetime.fromisoformat("2026-11-24T15:00:00+08:00")
FULL = Draft(
    category="cleaning",
    item="daily_cleaning",
    options=[],
    quantity=2,
    area_sqm=80,
    day=START.date(),
    start=START,
    address_text="浦东新区世纪大道100号",
)
FORGED = (
    "qty:3",
    "qty:999",
    "qty:-1",
    "qty:x",
    "slot:2026-11-24T10:00:00+08:00",
    "slot:bad",
    "slot:2099-01-01T10:00",
    "day:2026-02-30",
    "day:x",
    "at:25:00",
    "at:10:00",
    "area:95",
    "area:0",
    "area:x",
    "opt:nope",
    "opt:fridge",
    "item:nope",
    "cat:nope",
    "bundle:nope",
    "addr:x",
    "addr:99",
    "asap",
    "other",
    "done",
    "alt",
    "confirm",
    "coupon",
    "points",
    "time",
    "notes",
    "quote",
    "pay",
    "later",
    "coupon:NOPE",
    "none",
    "",
)
KEYS = st.one_of(st.sampled_from(FORGED), st.text(max_size=30))
TEXTS = st.one_of(
    st.sampled_from(
        [
            "明天下午三点",
            "九十",
            "2月30日",
            "13800138000",
            "日常保洁",
            "保洁",
            "返回",
            "x" * 300,
            "今天 8:00",
            "12月30日 10:00",
            "尽快",
            "🙂",
            "0",
            "99999",
        ]
    ),
    st.text(max_size=60),
)
STEPS = [
    ("booking", step)
    for step in (
        "category",
        "item",
        "options",
        "quantity",
        "area",
        "when",
        "date",
        "time",
        "address",
        "address_detail",
        "notes",
    )
] + [
    ("checkout", step)
    for step in (
        "quote",
        "phone",
        "area",
        "notes",
        "code",
        "coupon",
        "pay",
        "move_when",
        "move_confirm",
    )
]


ENGLISH = re.compile(r"[a-z]{2,} [a-z]{2,} [a-z]{2,}")
"""Three lowercase English words in a row."""


async def _no_run(command):  # the services are not under test: nothing comes back
    return []


async def _answered(flow: str, step: str, partial: bool, event) -> None:
    d = Draft(category="cleaning", item="daily_cleaning") if partial else FULL
    conv = Conversation(flow=flow, step=step, customer_id=1, channel="telegram")
    booking.keep(conv, d)
    if flow == "checkout":
        checkout.keep(conv, checkout.State(total_cents=8000, phone_needed=partial))
    conv.scratch.clear()
    replies = await Router(FLOWS, _no_run).answer(CTX, conv, event)
    for reply in replies:  # a Chinese conversation: no developer English ("has no option …")
        text = getattr(reply, "text", "")
        assert not ENGLISH.search(text) and "daily_cleaning" not in text, (step, event, text)
    if "booking" in conv.data:
        Draft.from_json(conv.data["booking"])  # still readable
    if conv.flow == "checkout" and "checkout" in conv.data:
        checkout.State.from_json(conv.data["checkout"])


async def test_every_forged_or_stale_button_at_every_step_is_answered():
    for flow, step in STEPS:
        for partial in (False, True):
            for key in FORGED:
                await _answered(flow, step, partial, ChoiceMade(**BASE, key=key))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(STEPS),
    partial=st.booleans(),
    event=st.one_of(
        KEYS.map(lambda k: ChoiceMade(**BASE, key=k)),
        TEXTS.map(lambda t: TextReceived(**BASE, text=t)),
    ),
)
async def test_any_input_at_any_step_is_answered_and_leaves_a_readable_booking(
    where, partial, event
):
    await _answered(*where, partial, event)


HINT = "没太明白。请点选下面的选项(或回复序号),也可以发送「帮助」。"


async def test_a_forged_option_is_answered_with_the_one_hint_every_flow_gives():
    """The hint for something that is none of the options shown is one text in one place
    (``base.pick_an_option``), not a copy per flow that could drift from the others."""
    written = [
        path
        for path in Path(booking.__file__).parent.parent.rglob("*.py")
        if HINT in path.read_text(encoding="utf-8")
    ]
    assert [p.name for p in written] == ["base.py"]
    for lang in ("zh", "en"):
        conv = Conversation(flow="booking", step="options", customer_id=1, lang=lang)
        booking.keep(conv, Draft(category="cleaning", item="daily_cleaning", options=[]))
        conv.scratch.clear()
        forged = await Router(FLOWS, _no_run).answer(CTX, conv, ChoiceMade(**BASE, key="opt:x"))
        assert forged[0].text == pick_an_option(conv)
