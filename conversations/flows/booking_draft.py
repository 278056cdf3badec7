"""The booking being made: what the customer has chosen so far. The booking flow owns it
(``conv.data["booking"]``, reset when the flow is entered); checkout reads it, and sets the
coupon and points, through the booking module's accessors."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from operator import attrgetter, itemgetter
from typing import Any

from conversations.flows.flow_state import StaleState
from conversations.state import Conversation
from conversations.understanding.address import find_address, has_address_words, is_flat_number
from conversations.understanding.numbers import normalise, read_number
from conversations.understanding.when import when_in
from domain.catalog import Catalog, Item, Unit
from domain.commands import Booking
from domain.errors import QuoteError
from domain.pricing import Selection

NAME = "booking"
MIN_AREA, MAX_AREA = 5, 2000
"""The home sizes taken (m²)."""
ADDRESS_MIN = 6
"""Characters an address needs at least: shorter is not one to send a worker to."""


def reads_as_address(text: str, today: date, *, detail: bool = False) -> bool:
    """Whether a typed answer to "where?" can be an address: one found as such ("漕溪北路88号",
    "88 Caoxi Rd"), or text with an address's words (``has_address_words``) once what reads
    as a day or a time is taken out — "明天下午三点", "today 11pm", "hello there", "123" and
    a phone number are none. ``detail``: the rest of an address whose place a map pin gave,
    where a flat number alone ("1702", "5-1702") is one too."""
    s = normalise(text)
    if find_address(s) is not None:
        return True
    chars = list(s)
    for a, b in when_in(s, today).spans:
        if not _in_a_number(s, a, b):
            chars[a:b] = " " * (b - a)
    rest = "".join(chars)
    return has_address_words(rest) or (detail and is_flat_number(rest))


def _in_a_number(s: str, a: int, b: int) -> bool:
    """Whether what reads as a day at ``s[a:b]`` is part of a longer number: "3-2" of the flat
    "3-2-1501" is no 2 March."""
    before, after = s[max(a - 2, 0) : a], s[b : b + 2]
    return (after[:1] == "-" and after[1:].isdigit()) or (
        before[-1:] == "-" and before[:1].isdigit()
    )


def read_area(text: str) -> int | None:
    """A home's size in m² typed as an answer ("90", "九十平")."""
    return read_number(text)


@dataclass
class Draft:
    """Answers so far; ``None`` where the question has not been answered yet."""

    category: str = ""
    """The catalog category ("" with a bundle)."""
    item: str = ""
    bundle: str = ""
    options: list[str] | None = None
    """The extras chosen."""
    ticked: list[str] | None = None
    """The extras ticked on the open extras question, until "Done"."""
    high_altitude: bool = False
    quantity: int | None = None
    area_sqm: int | None = None
    day: date | None = None
    start: datetime | None = None
    asap: bool = False
    address_id: int | None = None
    """A saved address; else ``address_text`` (and a shared ``location``)."""
    address_text: str = ""
    location: tuple[float, float] | None = None
    place: str = ""
    """The label of the shared location."""
    notes: str | None = None
    coupon: str | None = None
    """None: the best coupon the customer holds; "": none."""
    use_points: bool = False
    use_card: bool = True
    """Pay a visit with a prepaid card held for the item (the customer may say not to)."""
    earlier_start: datetime | None = None
    """The start the quote showed before "change time": back at the quote without a new
    one ("back" from the time question), the booking is as it was."""
    free_hour: bool = False
    """An hour paid with points (where the catalog allows it)."""
    worker: int | None = None
    """The preferred worker chosen at the quote (a reorder: the earlier order's), by id —
    shown by name; priced and placed only while the customer may choose them."""
    weekly: bool = False
    """Asked to repeat every week ("每周六", "every Saturday"): once placed, the order is
    repeated on its weekday and time (a recurring booking). A draft saved before this field
    was added reads as not repeated."""

    @classmethod
    def again(
        cls,
        category_id: str,
        selection: Selection,
        bundle_id: str | None,
        address_id: int | None,
        notes: str,
    ) -> Draft:
        """A draft of an earlier order (reorder): same service, extras, size, address and
        notes; the date and time are asked anew."""
        if bundle_id:
            return cls(bundle=bundle_id, notes=notes, address_id=address_id)
        return cls(
            category=category_id,
            item=selection.item_id,
            options=list(selection.option_ids),
            high_altitude=selection.high_altitude,
            quantity=selection.quantity,
            area_sqm=selection.area_sqm,
            notes=notes,
            address_id=address_id,
        )

    def forget_choices(self, *, item: bool) -> None:
        """Another category (``item``: and so another item) or item was chosen: forget what
        was chosen for the old one — extras, quantity, area. An area held while no item or
        bundle is chosen was said of the home, for the one chosen next (``choose_item``):
        kept."""
        if self.item or self.bundle:
            self.area_sqm = None
        if item:
            self.item, self.bundle = "", ""
        self.options, self.ticked, self.high_altitude = None, None, False
        self.quantity = None

    def choose_item(self, item: Item) -> None:
        """``item`` chosen (tapped, or named): what was chosen for another is forgotten
        (``forget_choices``) — but an area said before any item was ("明天下午要打扫房子,80平米
        左右": the category taken, its items offered) is the home's, and stays: as the area of
        an item that counts one (its included area), as the quantity of an item sold by the m²
        when within its range (else its question asks, giving the range). An area held once
        an item was chosen may be that item's default (``booking_steps``), said by nobody."""
        self.forget_choices(item=True)
        said, self.area_sqm = self.area_sqm, None
        self.category, self.item = item.category_id, item.id
        if said is None:
            return
        if item.included_area_sqm is not None:
            self.area_sqm = said
        if item.unit == Unit.SQM:
            try:
                item.check_quantity(said)
            except QuoteError:
                return
            self.quantity = said

    def sized(self, catalog: Catalog) -> Item | None:
        """The item chosen when it is sold by the m² (deep cleaning): its quantity is the
        home's area, and changing the area changes it (and so the price). None for a
        bundle, no item yet, or an item of another unit."""
        if self.bundle or not self.item:
            return None
        item = catalog.item(self.item)
        return item if item.unit == Unit.SQM else None

    def counts_area(self, catalog: Catalog) -> bool:
        """Whether what is chosen counts the home's area apart (``area_sqm``): an item with
        an included area, the area beyond it charged (regular cleaning by the hour) — or
        nothing chosen yet, the area being kept for the item chosen next (``choose_item``).
        An item sold by the m² counts it as its quantity instead (``sized``)."""
        items = self.items(catalog)
        return not items or any(i.included_area_sqm is not None for i in items)

    def items(self, catalog: Catalog) -> list[Item]:
        """The catalog items chosen so far (a bundle's, or the one item)."""
        if self.bundle:
            return [catalog.item(i) for i in catalog.bundle(self.bundle).item_ids]
        return [catalog.item(self.item)] if self.item else []

    def days_ahead(self, catalog: Catalog, default: int) -> int:
        """How many days ahead the chosen service may be booked (``Catalog.days_ahead``: a
        maternity nurse months ahead); ``default``, the rule's, before one is chosen."""
        return catalog.days_ahead((it.id for it in self.items(catalog)), default)

    def booking(self, catalog: Catalog, customer_id: int, channel: str, lang: str) -> Booking:
        """The command payload for a draft with every question answered."""
        assert self.start is not None
        selections = tuple(
            Selection(
                it.id,
                it.min_quantity if self.bundle else int(self.quantity or 0),
                self.area_sqm if it.included_area_sqm is not None else None,
                tuple(self.options or ()) if not self.bundle else (),
                self.high_altitude and not self.bundle,
            )
            for it in self.items(catalog)
        )
        return Booking(
            customer_id=customer_id,
            channel=channel,
            lang=lang,
            selections=selections,
            start_at=self.start,
            asap=self.asap,
            address_id=self.address_id,
            address_text=self.address_text,
            location=self.location,
            notes=self.notes or "",
            coupon_code=self.coupon,
            use_points=self.use_points,
            free_hours=1 if self.free_hour else 0,
            use_card=self.use_card,
            bundle_id=self.bundle or None,
            preferred_worker_id=self.worker,
        )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values, field by field, in the fields' order (``from_json`` reads every
        field by position; a test checks that the keys are the fields). Written out rather than
        copied from ``vars(self)``: one dict made at its size, no instance dict materialized."""
        return {
            "category": self.category,
            "item": self.item,
            "bundle": self.bundle,
            "options": list(self.options) if self.options is not None else None,
            "ticked": list(self.ticked) if self.ticked is not None else None,
            "high_altitude": self.high_altitude,
            "quantity": self.quantity,
            "area_sqm": self.area_sqm,
            "day": self.day.isoformat() if self.day else None,
            "start": self.start.isoformat() if self.start else None,
            "asap": self.asap,
            "address_id": self.address_id,
            "address_text": self.address_text,
            "location": list(self.location) if self.location else None,
            "place": self.place,
            "notes": self.notes,
            "coupon": self.coupon,
            "use_points": self.use_points,
            "use_card": self.use_card,
            "earlier_start": self.earlier_start.isoformat() if self.earlier_start else None,
            "free_hour": self.free_hour,
            "worker": self.worker,
            "weekly": self.weekly,
        }

    @classmethod
    def from_json(cls, raw: object) -> Draft:
        """The draft stored by ``to_json``; ``StaleState`` when ``raw`` has another shape."""
        if not isinstance(raw, dict):
            raise StaleState(NAME)
        try:
            if len(raw) == len(_FIELDS):
                # what ``to_json`` writes, every field: the values' types checked as they are
                # and passed by position (as keywords, each key would be matched against the
                # parameter names)
                values = _ALL_FIELDS(raw)
                if not all(map(isinstance, values, _KINDS_BY_POSITION)):
                    raise StaleState(NAME)
                draft = cls(*values)
            else:
                draft = cls(**raw)
                if not all(map(isinstance, _CHECKED(draft), _KINDS)):
                    raise StaleState(NAME)
            draft.day = date.fromisoformat(raw["day"]) if raw.get("day") else None
            draft.start = datetime.fromisoformat(raw["start"]) if raw.get("start") else None
            earlier = raw.get("earlier_start")
            draft.earlier_start = datetime.fromisoformat(earlier) if earlier else None
            loc = raw.get("location")
            draft.location = (float(loc[0]), float(loc[1])) if loc else None
        except (TypeError, ValueError, KeyError, IndexError) as exc:
            raise StaleState(NAME) from exc
        if any(t is not None and t.tzinfo is None for t in (draft.start, draft.earlier_start)):
            raise StaleState(NAME)
        return draft


_TYPES: dict[str, type | tuple[type, ...]] = {
    "category": str,
    "item": str,
    "bundle": str,
    "options": (list, type(None)),
    "ticked": (list, type(None)),
    "high_altitude": bool,
    "quantity": (int, type(None)),
    "area_sqm": (int, type(None)),
    "asap": bool,
    "address_id": (int, type(None)),
    "address_text": str,
    "place": str,
    "notes": (str, type(None)),
    "coupon": (str, type(None)),
    "use_points": bool,
    "free_hour": bool,
    "use_card": bool,
    "worker": (int, type(None)),
    "weekly": bool,
}
_FIELDS = tuple(f.name for f in fields(Draft))
_ALL_FIELDS = itemgetter(*_FIELDS)
_CHECKED = attrgetter(*_TYPES)
_KINDS = tuple(_TYPES.values())
_KINDS_BY_POSITION = tuple(_TYPES.get(name, object) for name in _FIELDS)
"""Each field's type (``object``: the three converted from strings after the check)."""


def draft(conv: Conversation) -> Draft:
    """The booking being made (checkout reads it here); ``StaleState`` when there is none
    this release can read."""
    raw = conv.data.get(NAME)
    kept = conv.scratch.pop(NAME, None)
    if kept is not None and kept[0] is raw:
        # the draft this turn kept, unchanged since (its stored form is still the one
        # ``keep`` wrote): taken once, so a draft changed and not kept is read again
        d: Draft = kept[1]
        return d
    return Draft.from_json(raw)


def keep(conv: Conversation, d: Draft) -> None:
    """Store ``d`` as the booking being made (and hold it for the turn's next read)."""
    raw = conv.data[NAME] = d.to_json()
    conv.scratch[NAME] = (raw, d)
