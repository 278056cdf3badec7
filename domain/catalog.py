"""The service catalog: category → service item → options, plus bundles.

Built by the catalog loader (store/catalog_file.py) after schema validation; ``Catalog`` then
checks what a schema cannot (unique ids, bundles naming real items).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.cards import CardProduct
from domain.errors import CatalogError, QuoteError
from domain.people import DOCUMENT_TEXT
from domain.placements import (
    ContractPeriod,
    PlacementRules,
    PlacementTerms,
    contract_days,
    contract_period,
)
from domain.text import N_, Bilingual, Lang, Phrase


class Unit(StrEnum):
    HOUR = "hour"
    VISIT = "visit"
    UNIT = "unit"
    """One appliance or piece (台): an air conditioner, a range hood cleaned."""
    SQM = "sqm"
    DAY = "day"
    MONTH = "month"
    """A month of a placement (``PlacementRules.days_per_month`` days)."""


UNIT_TEXT = {
    Unit.HOUR: N_("小时"),
    Unit.VISIT: N_("次"),
    Unit.UNIT: N_("台"),
    Unit.SQM: N_("平方米"),
    Unit.DAY: N_("天"),
    Unit.MONTH: N_("个月"),
}
"""A unit of sale by itself ("¥40.00/小时", "¥40.00/hour"); after a number: ``counted``."""


def counted(unit: Unit, quantity: int) -> Phrase:
    """``unit`` after ``quantity`` ("5 小时", "5 hours"): English puts a unit of other than
    one in the plural; Chinese has none. A unit's word is also a msgid of its own, shown
    alone ("¥40.00/hour"), so it is no gettext plural message (``domain.text.counting``: one
    msgid cannot be both): the English plural is its English with an "s" (a symbol, "m²",
    stays as it is)."""
    word = UNIT_TEXT[unit]
    if quantity == 1:
        return word
    return Bilingual(word.get(Lang.ZH), _plural(word.get(Lang.EN)))


def _plural(word: str) -> str:
    return f"{word}s" if word.isascii() and word.isalpha() and not word.endswith("s") else word


class Consumables(StrEnum):
    INCLUDED = "included"
    BRING_OWN = "bring_own"
    NONE = "none"
    """No supplies to speak of (a nanny, an elderly companion): the item's card says nothing."""


class PaymentMode(StrEnum):
    FULL = "full"
    DEPOSIT = "deposit"


@dataclass(frozen=True, slots=True)
class Option:
    """An add-on the customer may pick (e.g. fridge inside cleaning)."""

    id: str
    name: Bilingual
    price_cents: int
    per_unit: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """A bookable service item."""

    id: str
    name: Bilingual
    description: Bilingual
    acceptance: Bilingual
    unit: Unit
    unit_price_cents: int
    min_quantity: int
    max_quantity: int
    minutes_per_unit: int
    skill: str
    consumables: Consumables = Consumables.INCLUDED
    included_area_sqm: int | None = None
    certificates: tuple[str, ...] = ()
    """The document types a worker must hold, valid to the end of the job, to be offered it
    (``Certificate.kind``: ``health``, ``maternity_nurse``…)."""
    high_altitude: bool = False
    options: tuple[Option, ...] = ()
    payment_mode: PaymentMode = PaymentMode.FULL
    deposit_bp: int = 0
    category_id: str = ""
    aliases: tuple[str, ...] = ()
    """Other words customers use for it ("打扫卫生", "maid"): typed text is matched to them."""
    stages: tuple[Bilingual, ...] = ()
    """The parts of the job in order; the worker marks the one under way (``Order.stage``)."""
    placement: PlacementTerms | None = None
    """A long placement (days or months, ``domain.placements``): its contract period blocks
    the worker's calendar from start to end."""
    max_days_ahead: int | None = None
    """How many days ahead it may be booked (a maternity nurse: months, for the due date);
    None: the rule's (``BookingRules.max_days_ahead``)."""

    def option(self, option_id: str) -> Option:
        """The option with this id, or a QuoteError naming it."""
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise QuoteError(N_("没有这个服务选项"))  # the id is no word for a customer

    def check_quantity(self, quantity: int) -> None:
        """Refuse a quantity outside the item's range."""
        if not self.min_quantity <= quantity <= self.max_quantity:
            raise QuoteError(
                f"quantity for {self.id} must be {self.min_quantity}–{self.max_quantity}"
                f" {self.unit}, not {quantity}"
            )

    def duration_minutes(self, quantity: int) -> int:
        """Estimated time on site for ``quantity`` units (a placement: ``period``)."""
        return self.minutes_per_unit * quantity

    def period(
        self, quantity: int, start_at: datetime, rules: PlacementRules, tz: ZoneInfo
    ) -> ContractPeriod | None:
        """The contract period of ``quantity`` units from ``start_at`` (None: no placement)."""
        if self.placement is None:
            return None
        days = contract_days(self.unit.value, quantity, rules)
        return contract_period(self.placement, start_at, days, tz)


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: Bilingual
    items: tuple[Item, ...]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bundle:
    """A named combination of items sold at a discount (``price_bp`` of their price)."""

    id: str
    name: Bilingual
    item_ids: tuple[str, ...]
    price_bp: int


@dataclass(frozen=True)
class Catalog:
    """The whole catalog, indexed by id."""

    categories: tuple[Category, ...]
    bundles: tuple[Bundle, ...] = ()
    currency: str = "CNY"
    cards: tuple[CardProduct, ...] = ()
    """Prepaid visit cards on sale (``domain.cards``)."""
    _items: dict[str, Item] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        items: dict[str, Item] = {}
        seen_categories: set[str] = set()
        words = _Words()
        for ci, cat in enumerate(self.categories):
            if cat.id in seen_categories:
                raise CatalogError(f"categories[{ci}].id", f"duplicate category id {cat.id!r}")
            seen_categories.add(cat.id)
            if not cat.items:
                raise CatalogError(f"categories[{ci}].items", "a category needs at least one item")
            words.add(f"categories[{ci}]", f"category {cat.id!r}", cat.name, cat.aliases)
            for ii, item in enumerate(cat.items):
                path = f"categories[{ci}].items[{ii}]"
                if item.id in items:
                    raise CatalogError(f"{path}.id", f"duplicate item id {item.id!r}")
                _check_item(path, item)
                words.add(path, f"item {item.id!r}", item.name, item.aliases)
                items[item.id] = item
        words.check()
        for bi, bundle in enumerate(self.bundles):
            for ref in bundle.item_ids:
                if ref not in items:
                    raise CatalogError(f"bundles[{bi}].items", f"unknown item {ref!r}")
            if len(set(bundle.item_ids)) < 2:
                raise CatalogError(f"bundles[{bi}].items", "a bundle needs two different items")
        _check_cards(self.cards, items)
        object.__setattr__(self, "_items", items)

    def item(self, item_id: str) -> Item:
        """The item with this id; QuoteError when there is none."""
        try:
            return self._items[item_id]
        except KeyError:
            raise QuoteError(N_("没有这项服务")) from None

    def days_ahead(self, item_ids: Iterable[str], default: int) -> int:
        """How many days ahead these items (an order's, a bundle's) may be booked: the shortest
        of their own horizons (``Item.max_days_ahead``), ``default`` (the rule's) for an item
        without one, since removed from the catalog, or for no item."""
        return min(
            (
                item.max_days_ahead or default if (item := self._items.get(i)) else default
                for i in item_ids
            ),
            default=default,
        )

    def name_of(self, item_id: str) -> Bilingual:
        """The item's name; its id for an item since removed from the catalog file (an order
        or a subscription outlives its item)."""
        item = self._items.get(item_id)
        return item.name if item is not None else Bilingual(item_id, item_id)

    def category(self, category_id: str) -> Category:
        for cat in self.categories:
            if cat.id == category_id:
                return cat
        raise QuoteError(N_("没有这个服务类别"))

    def card(self, product_id: str) -> CardProduct | None:
        return next((c for c in self.cards if c.id == product_id), None)

    def bundle(self, bundle_id: str) -> Bundle:
        for bundle in self.bundles:
            if bundle.id == bundle_id:
                return bundle
        raise QuoteError(N_("没有这个套餐"))

    def items(self) -> Iterator[Item]:
        yield from self._items.values()

    def skill_names(self) -> dict[str, Bilingual]:
        """Each skill named by the services it covers (its first two), as people see it. In
        English the two are joined by a slash (``Hourly nanny / Live-in nanny``), not a comma:
        skills are listed with commas (``domain.text.listed``), and one skill must not read as
        two."""
        out: dict[str, tuple[list[str], list[str]]] = {}
        for item in self.items():
            zh, en = out.setdefault(item.skill, ([], []))
            zh.append(item.name.zh)
            en.append(item.name.en)
        return {s: Bilingual("、".join(zh[:2]), " / ".join(en[:2])) for s, (zh, en) in out.items()}

    def with_price(self, item_id: str, unit_price_cents: int) -> Catalog:
        """A copy of the catalog with one item's unit price changed; QuoteError for an item
        it does not have or a negative price."""
        self.item(item_id)
        if unit_price_cents < 0:
            raise QuoteError("a price cannot be negative")
        return self.with_prices({item_id: unit_price_cents})

    def with_prices(self, prices: Mapping[str, int]) -> Catalog:
        """A copy with these items' unit prices (admins' changes for new orders); ids the
        catalog no longer has are ignored, so removing an item from the file is safe. All
        else (bundles, cards…) is the catalog's own."""
        known = {k: v for k, v in prices.items() if k in self._items and v >= 0}
        if all(self._items[k].unit_price_cents == v for k, v in known.items()):
            return self
        categories = tuple(
            replace(
                cat,
                items=tuple(
                    replace(it, unit_price_cents=known[it.id]) if it.id in known else it
                    for it in cat.items
                ),
            )
            for cat in self.categories
        )
        return replace(self, categories=categories)


def alias_key(phrase: str) -> str:
    """A name or alias as it is compared: "Deep  Clean" and "deep clean" are one phrase."""
    return " ".join(unicodedata.normalize("NFKC", phrase).casefold().split())


class _Words:
    """Every name and alias, to refuse an alias that already names something else: typed
    text matching it could then never tell the two apart."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._aliases: list[tuple[str, str, str]] = []

    def add(self, path: str, owner: str, name: Bilingual, aliases: tuple[str, ...]) -> None:
        for phrase in (name.zh, name.en):
            self._names.setdefault(alias_key(phrase), owner)
        for ai, alias in enumerate(aliases):
            self._aliases.append((f"{path}.aliases[{ai}]", owner, alias))

    def check(self) -> None:
        owners = dict(self._names)
        listed: set[tuple[str, str]] = set()
        for path, owner, alias in self._aliases:
            key = alias_key(alias)
            if not key:
                raise CatalogError(path, "an alias cannot be blank")
            if (owner, key) in listed:
                raise CatalogError(path, f"alias {alias!r} is listed twice")
            listed.add((owner, key))
            other = owners.setdefault(key, owner)
            if other != owner:
                raise CatalogError(path, f"alias {alias!r} already names {other}")


def _check_item(path: str, item: Item) -> None:
    if item.min_quantity > item.max_quantity:
        raise CatalogError(f"{path}.max_quantity", "must not be below min_quantity")
    if item.included_area_sqm is not None and item.unit == Unit.SQM:
        raise CatalogError(
            f"{path}.included_area_sqm", "an item priced per m² cannot include area"
        )
    if item.payment_mode == PaymentMode.DEPOSIT and not 0 < item.deposit_bp < 10_000:
        raise CatalogError(f"{path}.deposit_percent", "a deposit must be between 0% and 100%")
    for kind in item.certificates:
        if kind not in DOCUMENT_TEXT:
            known = ", ".join(DOCUMENT_TEXT)
            raise CatalogError(
                f"{path}.certificates", f"unknown certificate type {kind!r} (known: {known})"
            )
    if len(set(item.certificates)) != len(item.certificates):
        raise CatalogError(f"{path}.certificates", "a certificate type is listed twice")
    if item.max_days_ahead is not None and item.max_days_ahead < 1:
        raise CatalogError(f"{path}.max_days_ahead", "must be at least 1 day")
    if item.placement is None and item.unit == Unit.MONTH:
        raise CatalogError(f"{path}.placement", "an item priced by the month is a placement")
    if item.placement is not None and item.unit not in (Unit.DAY, Unit.MONTH):
        raise CatalogError(f"{path}.unit", "a placement is priced by the day or the month")
    option_ids = [opt.id for opt in item.options]
    twice = next((o for i, o in enumerate(option_ids) if o in option_ids[:i]), None)
    if twice is not None:
        raise CatalogError(f"{path}.options", f"duplicate option id {twice!r} in item {item.id!r}")


def _check_cards(cards: tuple[CardProduct, ...], items: dict[str, Item]) -> None:
    seen: set[str] = set()
    for i, card in enumerate(cards):
        if card.id in seen:
            raise CatalogError(f"cards[{i}].id", f"duplicate card id {card.id!r}")
        seen.add(card.id)
        for ref in card.item_ids:
            if ref not in items:
                raise CatalogError(f"cards[{i}].items", f"unknown item {ref!r}")
        if card.paid_visits < 1:
            raise CatalogError(f"cards[{i}].paid_visits", "a card needs at least one paid visit")
