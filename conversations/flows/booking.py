"""Booking details: category → item → options → quantity → area → date → time → address →
notes, then on to checkout. Reorder enters with the earlier order's choices filled in, so only
what is missing (the date and time) is asked.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from conversations.events import ChoiceMade, Loaded, LocationShared, TextReceived
from conversations.flows import booking_views as views
from conversations.flows.base import Ctx, Outcome, Transitions, flow_data, too_long, tr
from conversations.flows.dates import parse_when
from conversations.replies import Say
from conversations.state import Conversation
from domain import limits
from domain.catalog import Item
from domain.commands import Booking, LoadAddresses
from domain.errors import QuoteError
from domain.pricing import Selection

NAME = "booking"


class Step(StrEnum):
    CATEGORY = "category"
    ITEM = "item"
    OPTIONS = "options"
    QUANTITY = "quantity"
    AREA = "area"
    DATE = "date"
    TIME = "time"
    ADDRESS = "address"
    ADDRESS_DETAIL = "address_detail"
    NOTES = "notes"


FIRST = Step.CATEGORY
ORDER = [
    Step.CATEGORY,
    Step.ITEM,
    Step.OPTIONS,
    Step.QUANTITY,
    Step.AREA,
    Step.DATE,
    Step.TIME,
    Step.ADDRESS,
    Step.NOTES,
]


def _b(conv: Conversation) -> dict[str, Any]:
    return flow_data(conv, "b")


def _items(ctx: Ctx, b: dict[str, Any]) -> list[Item]:
    if b.get("bundle"):
        return [ctx.catalog.item(i) for i in ctx.catalog.bundle(b["bundle"]).item_ids]
    return [ctx.catalog.item(b["item"])] if b.get("item") else []


def _done(ctx: Ctx, step: Step, b: dict[str, Any]) -> bool:
    """Whether ``step`` needs no question (answered already, or not relevant)."""
    items = _items(ctx, b)
    item = items[0] if items else None
    if step == Step.CATEGORY:
        return bool(b.get("cat") or b.get("bundle"))
    if step == Step.ITEM:
        return bool(items)
    if step == Step.OPTIONS:
        return (
            bool(b.get("bundle"))
            or "opts" in b
            or (item is not None and not item.options and not item.high_altitude)
        )
    if step == Step.QUANTITY:
        return bool(b.get("bundle")) or "qty" in b
    if step == Step.AREA:
        return "area" in b or all(i.included_area_sqm is None for i in items)
    if step == Step.DATE:
        return bool(b.get("asap") or b.get("day"))
    if step == Step.TIME:
        return bool(b.get("start"))
    if step == Step.ADDRESS:
        return bool(b.get("address_id") or b.get("address_text"))
    if step == Step.NOTES:
        return "notes" in b
    return False


def advance(ctx: Ctx, conv: Conversation, reply: list[Any] | None = None) -> Outcome:
    """Go to the first step still needing an answer and ask it; all answered → checkout."""
    b = _b(conv)
    for step in ORDER:
        if not _done(ctx, step, b):
            return Outcome(list(reply or []), step=step, reask=True)
    return Outcome(list(reply or []), goto="checkout")


def enter(ctx: Ctx, conv: Conversation) -> Outcome:
    return advance(ctx, conv)


def ask(ctx: Ctx, conv: Conversation) -> Outcome:
    b = _b(conv)
    step = Step(conv.step)
    if step == Step.ADDRESS:
        return Outcome(commands=[LoadAddresses(_customer(conv))])
    return Outcome(views.question(ctx, conv, step, b, _items(ctx, b)))


def _customer(conv: Conversation) -> int:
    assert conv.customer_id is not None
    return conv.customer_id


def booking(ctx: Ctx, conv: Conversation) -> Booking:
    """The command payload for what the customer has chosen so far."""
    b = _b(conv)
    items = _items(ctx, b)
    selections = tuple(
        Selection(
            it.id,
            it.min_quantity if b.get("bundle") else int(b["qty"]),
            b.get("area") if it.included_area_sqm is not None else None,
            tuple(b.get("opts", ())) if not b.get("bundle") else (),
            bool(b.get("alt")) and not b.get("bundle"),
        )
        for it in items
    )
    loc = b.get("loc")
    return Booking(
        customer_id=_customer(conv),
        channel=conv.channel,
        lang=conv.lang,
        selections=selections,
        start_at=datetime.fromisoformat(b["start"]),
        asap=bool(b.get("asap")),
        address_id=b.get("address_id"),
        address_text=b.get("address_text", ""),
        location=(loc[0], loc[1]) if loc else None,
        notes=b.get("notes", ""),
        coupon_code=b.get("coupon"),
        use_points=bool(b.get("points")),
        bundle_id=b.get("bundle"),
    )


def _forget_after(b: dict[str, Any], step: Step) -> None:
    keys = {
        Step.CATEGORY: ("cat", "item", "bundle"),
        Step.ITEM: ("item", "bundle"),
        Step.OPTIONS: ("opts", "alt"),
        Step.QUANTITY: ("qty",),
        Step.AREA: ("area",),
    }
    for later in ORDER[ORDER.index(step) + 1 :]:
        for key in keys.get(later, ()):
            b.pop(key, None)


def on_category(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = _b(conv)
    kind, _, ref = event.key.partition(":")
    if kind not in ("bundle", "cat"):
        return Outcome(reask=True)
    _forget_after(b, Step.CATEGORY)
    if kind == "bundle":
        b.update(cat="", bundle=ctx.catalog.bundle(ref).id)
    else:
        b.update(cat=ctx.catalog.category(ref).id)
    return advance(ctx, conv)


def on_item(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = _b(conv)
    kind, _, ref = event.key.partition(":")
    if kind != "item":
        return Outcome(reask=True)
    item = ctx.catalog.item(ref)
    _forget_after(b, Step.ITEM)
    b["item"] = item.id
    return advance(ctx, conv, [Say(views.item_card(conv, item))])


def on_option(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    b = _b(conv)
    item = _items(ctx, b)[0]
    opts: list[str] = b.setdefault("pending_opts", [])
    if event.key == "done":
        b["opts"] = b.pop("pending_opts")
        return advance(ctx, conv)
    if event.key == "alt" and item.high_altitude:
        b["alt"] = not b.get("alt")
    elif event.key.startswith("opt:"):
        option = item.option(event.key[4:])
        if option.id in opts:
            opts.remove(option.id)
        else:
            opts.append(option.id)
    return Outcome(reask=True)


_NUMBER = re.compile(
    r"^\s*(\d{1,5})\s*(?:小时|个|次|台|天|平方米|平米|㎡|m²|m2|h|hours?|days?|sqm)?\s*$",
    re.IGNORECASE,
)


def _number(text: str) -> int | None:
    m = _NUMBER.match(text)
    return int(m.group(1)) if m else None


def on_quantity(ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade) -> Outcome:
    raw = event.key.removeprefix("qty:") if isinstance(event, ChoiceMade) else event.text
    qty = _number(raw)
    item = _items(ctx, _b(conv))[0]
    if qty is None:
        return Outcome(
            [Say(tr(conv, "请输入一个整数。", "Please send a whole number."))], reask=True
        )
    try:
        item.check_quantity(qty)
    except QuoteError:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"数量需在 {item.min_quantity}–{item.max_quantity} 之间。",
                        f"That must be between {item.min_quantity} and {item.max_quantity}.",
                    )
                )
            ],
            reask=True,
        )
    _b(conv)["qty"] = qty
    return advance(ctx, conv)


def on_area(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    area = _number(event.text)
    if area is None or not 5 <= area <= 2000:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "请输入房屋面积(平方米),例如 90。",
                        "Please send the floor area in m², e.g. 90.",
                    )
                )
            ],
            reask=True,
        )
    _b(conv)["area"] = area
    return advance(ctx, conv)


def earliest(ctx: Ctx) -> datetime:
    return ctx.now + timedelta(minutes=ctx.rules.booking.min_lead_minutes)


def _set_start(ctx: Ctx, conv: Conversation, day: date, at: time) -> Outcome:
    start = datetime.combine(day, at, tzinfo=ctx.tz)
    if start < earliest(ctx):
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "这个时间太早了,请选择至少 1 小时之后的时间。",
                        "That is too soon — please pick a time at least an hour from now.",
                    )
                )
            ],
            step=Step.TIME,
            reask=True,
        )
    if start > ctx.now + timedelta(days=ctx.rules.booking.max_days_ahead):
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        f"最多可预约 {ctx.rules.booking.max_days_ahead} 天内。",
                        f"Bookings can be made up to {ctx.rules.booking.max_days_ahead} "
                        "days ahead.",
                    )
                )
            ],
            step=Step.DATE,
            reask=True,
        )
    b = _b(conv)
    b.update(day=day.isoformat(), start=start.isoformat(), asap=False)
    return advance(ctx, conv)


def on_date(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    b = _b(conv)
    today = ctx.now.astimezone(ctx.tz).date()
    if isinstance(event, ChoiceMade):
        if event.key == "asap":
            lead = ctx.rules.booking.asap_lead_minutes
            start = ctx.now.astimezone(ctx.tz) + timedelta(minutes=lead)
            start = start.replace(second=0, microsecond=0)
            start += timedelta(minutes=(-start.minute) % 30)
            b.update(asap=True, day=start.date().isoformat(), start=start.isoformat())
            return advance(ctx, conv)
        if not event.key.startswith("day:"):
            return Outcome(reask=True)
        day: date | None = date.fromisoformat(event.key[4:])
        at: time | None = None
    else:
        day, at = parse_when(event.text, today)
        if day is None and at is not None:
            day = today
    if day is None or day < today:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "没看懂日期,可以回复「明天」「12月5日」或「周六 10点」。",
                        "I couldn't read that date — try 'tomorrow', '12-05' or 'sat 10am'.",
                    )
                )
            ],
            reask=True,
        )
    b.update(day=day.isoformat(), asap=False)
    b.pop("start", None)
    if at is not None:
        return _set_start(ctx, conv, day, at)
    return advance(ctx, conv)


def on_time(ctx: Ctx, conv: Conversation, event: ChoiceMade | TextReceived) -> Outcome:
    day = date.fromisoformat(_b(conv)["day"])
    if isinstance(event, ChoiceMade):
        if not event.key.startswith("at:"):
            return Outcome(reask=True)
        at: time | None = time.fromisoformat(event.key[3:])
    else:
        new_day, at = parse_when(event.text, ctx.now.astimezone(ctx.tz).date())
        day = new_day or day
    if at is None:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "请回复时间,例如 9:30 或 下午3点。",
                        "Please send a time, e.g. 9:30 or 3pm.",
                    )
                )
            ],
            reask=True,
        )
    return _set_start(ctx, conv, day, at)


def on_addresses(ctx: Ctx, conv: Conversation, result: Loaded) -> Outcome:
    if result.kind != "addresses":
        return Outcome()
    return Outcome(views.address_question(conv, result.data["addresses"]))


def on_address_choice(ctx: Ctx, conv: Conversation, event: ChoiceMade) -> Outcome:
    if not event.key.startswith("addr:"):
        return Outcome(reask=True)
    b = _b(conv)
    b.update(address_id=int(event.key[5:]), address_text="", loc=None)
    return advance(ctx, conv)


def on_address_text(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    text = " ".join(event.text.split())
    if over := too_long(conv, limits.ADDRESS, text):
        return over
    if len(text) < 6:
        return Outcome(
            [
                Say(
                    tr(
                        conv,
                        "地址太短了,请写到门牌号,例如「徐汇区漕溪北路88号12楼1203」。",
                        "Please send the full address down to the flat number.",
                    )
                )
            ],
            reask=True,
        )
    b = _b(conv)
    b.update(address_text=text, address_id=None, loc=b.get("loc"))
    return advance(ctx, conv)


def on_location(ctx: Ctx, conv: Conversation, event: LocationShared) -> Outcome:
    if not (-90 <= event.lat <= 90 and -180 <= event.lon <= 180):
        return Outcome(reask=True)
    b = _b(conv)
    b.update(loc=[event.lat, event.lon], loc_label=event.label[:120], address_id=None)
    return Outcome(step=Step.ADDRESS_DETAIL, reask=True)


def on_address_detail(ctx: Ctx, conv: Conversation, event: TextReceived) -> Outcome:
    b = _b(conv)
    detail = " ".join(event.text.split())
    if over := too_long(conv, limits.ADDRESS_DETAIL, detail):
        return over
    if len(detail) < 2:
        return Outcome(reask=True)
    place = b.get("loc_label") or tr(conv, "地图定位", "Map pin")
    b["address_text"] = f"{place} {detail}"
    return advance(ctx, conv)


def on_notes(ctx: Ctx, conv: Conversation, event: TextReceived | ChoiceMade) -> Outcome:
    b = _b(conv)
    if isinstance(event, ChoiceMade):
        if event.key != "skip":
            return Outcome(reask=True)
        b["notes"] = ""
    else:
        if over := too_long(conv, limits.NOTES, event.text.strip()):
            return over
        b["notes"] = event.text.strip()
    return advance(ctx, conv)


TRANSITIONS: Transitions = {
    (Step.CATEGORY, ChoiceMade): on_category,
    (Step.ITEM, ChoiceMade): on_item,
    (Step.OPTIONS, ChoiceMade): on_option,
    (Step.QUANTITY, ChoiceMade): on_quantity,
    (Step.QUANTITY, TextReceived): on_quantity,
    (Step.AREA, TextReceived): on_area,
    (Step.DATE, ChoiceMade): on_date,
    (Step.DATE, TextReceived): on_date,
    (Step.TIME, ChoiceMade): on_time,
    (Step.TIME, TextReceived): on_time,
    (Step.ADDRESS, Loaded): on_addresses,
    (Step.ADDRESS, ChoiceMade): on_address_choice,
    (Step.ADDRESS, TextReceived): on_address_text,
    (Step.ADDRESS, LocationShared): on_location,
    (Step.ADDRESS_DETAIL, TextReceived): on_address_detail,
    (Step.NOTES, TextReceived): on_notes,
    (Step.NOTES, ChoiceMade): on_notes,
}
