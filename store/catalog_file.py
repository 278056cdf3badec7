"""Read a catalog file (YAML or JSON), validate it against the schema, build domain objects.

Prices are written in yuan (``unit_price: 40`` or ``"12.50"``) and percentages as numbers
(``deposit_percent: 30``); both are converted exactly to fen and basis points. Any error names
the field: ``categories[0].items[2].unit: Input should be 'hour', 'visit', 'sqm' or 'day'``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, StringConstraints, ValidationError

from domain.cards import CardProduct
from domain.catalog import Bundle, Catalog, Category, Consumables, Item, Option, PaymentMode, Unit
from domain.errors import CatalogError
from domain.money import format_yuan
from domain.placements import PlacementTerms
from domain.rules import Rules
from domain.text import Bilingual, clean
from store.file_types import Percent, Slug, Strict, Yuan
from store.rules_file import RulesSpec

DEMO_CATALOG = Path(__file__).with_name("demo_catalog.yaml")
QUANTITY_MAX = 10_000
"""More of one item than any order takes (hours, m², days): a price times it stays a sum of
money a BIGINT holds."""


class TextSpec(Strict):
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)

    def build(self) -> Bilingual:
        return Bilingual(self.zh, self.en)


Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
"""Another word customers type for an item or a category ("打扫卫生", "maid")."""


class OptionSpec(Strict):
    id: Slug
    name: TextSpec
    price: Yuan
    per_unit: bool = False


class ItemSpec(Strict):
    id: Slug
    name: TextSpec
    description: TextSpec
    acceptance: TextSpec
    unit: Unit
    unit_price: Yuan
    min_quantity: int = Field(ge=1, le=QUANTITY_MAX)
    max_quantity: int = Field(ge=1, le=QUANTITY_MAX)
    minutes_per_unit: int = Field(ge=1, le=24 * 60)
    skill: Slug
    certificate: Slug | None = None
    """One document type the item needs (``certificates`` lists several)."""
    certificates: list[Slug] = []
    """The document types a worker must hold, valid, to be offered the item."""
    consumables: Consumables = Consumables.INCLUDED
    included_area_sqm: int | None = Field(default=None, ge=1)
    high_altitude: bool = False
    options: list[OptionSpec] = []
    payment: PaymentMode = PaymentMode.FULL
    deposit_percent: Percent = 0
    aliases: list[Alias] = Field(default=[], max_length=60)
    stages: list[TextSpec] = Field(default=[], max_length=8)
    """The parts of the job in order (厨房 → 卫生间 → 客厅): the worker taps the one under way."""
    placement: PlacementTermsSpec | None = None
    """A long placement (priced by the day or month): its contract period's days."""
    max_days_ahead: int | None = Field(default=None, ge=1, le=3650)
    """How many days ahead the item may be booked; unset: ``rules.booking.max_days_ahead``."""


class PlacementTermsSpec(Strict):
    """A long placement's days: ``live_in`` (around the clock) or ``daily_hours`` on
    ``weekdays`` (1 Monday … 7 Sunday)."""

    live_in: bool = True
    daily_hours: int = Field(default=24, ge=1, le=24)
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default=[1, 2, 3, 4, 5, 6, 7], min_length=1, max_length=7
    )

    def build(self) -> PlacementTerms:
        days = tuple(sorted({d - 1 for d in self.weekdays}))
        return PlacementTerms(self.live_in, 24 if self.live_in else self.daily_hours, days)


class CategorySpec(Strict):
    id: Slug
    name: TextSpec
    items: list[ItemSpec]
    aliases: list[Alias] = Field(default=[], max_length=60)


class BundleSpec(Strict):
    id: Slug
    name: TextSpec
    items: list[Slug]
    price_percent: Percent


class CardSpec(Strict):
    """A prepaid visit card on sale: ``paid_visits`` (+ ``free_visits``) of its items for
    ``price`` yuan, usable ``valid_days`` from payment."""

    id: Slug
    name: TextSpec
    items: list[Slug] = Field(min_length=1)
    paid_visits: int = Field(ge=1, le=1000)
    free_visits: int = Field(default=0, ge=0, le=1000)
    price: Yuan
    valid_days: int = Field(ge=1, le=3650)
    units_per_visit: int = Field(default=0, ge=0, le=1000)

    def build(self) -> CardProduct:
        return CardProduct(
            self.id,
            self.name.build(),
            tuple(self.items),
            self.paid_visits,
            self.free_visits,
            self.price,
            self.valid_days,
            self.units_per_visit,
        )


class CatalogSpec(Strict):
    version: int = Field(ge=1, le=1)
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    categories: list[CategorySpec] = Field(min_length=1)
    bundles: list[BundleSpec] = []
    cards: list[CardSpec] = []
    rules: RulesSpec = RulesSpec()


def _build_item(cat_id: str, spec: ItemSpec) -> Item:
    return Item(
        id=spec.id,
        name=spec.name.build(),
        description=spec.description.build(),
        acceptance=spec.acceptance.build(),
        unit=spec.unit,
        unit_price_cents=spec.unit_price,
        min_quantity=spec.min_quantity,
        max_quantity=spec.max_quantity,
        minutes_per_unit=spec.minutes_per_unit,
        skill=spec.skill,
        consumables=spec.consumables,
        included_area_sqm=spec.included_area_sqm,
        certificates=(*([spec.certificate] if spec.certificate else []), *spec.certificates),
        high_altitude=spec.high_altitude,
        options=tuple(Option(o.id, o.name.build(), o.price, o.per_unit) for o in spec.options),
        payment_mode=spec.payment,
        deposit_bp=spec.deposit_percent,
        category_id=cat_id,
        aliases=tuple(spec.aliases),
        stages=tuple(s.build() for s in spec.stages),
        placement=spec.placement.build() if spec.placement else None,
        max_days_ahead=spec.max_days_ahead,
    )


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _control_character(data: Any, loc: tuple[int | str, ...] = ()) -> tuple[int | str, ...] | None:
    """Where a text of ``data`` holds a control character (NUL, ESC…; tab and line break are
    text), or None: no screen, database or platform should ever meet one."""
    if isinstance(data, str):
        return loc if clean(data) != data else None
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found = _control_character(key, loc) if isinstance(key, str) else None
        found = found or _control_character(value, (*loc, key))
        if found is not None:
            return found
    return None


def _over_price_cap(categories: tuple[Category, ...], most: int) -> str | None:
    """The path of an item's or an option's price above ``rules.pricing.unit_price_max``
    (the most ``/price`` may set), or None."""
    for c, category in enumerate(categories):
        for i, item in enumerate(category.items):
            path = f"categories[{c}].items[{i}]"
            if item.unit_price_cents > most:
                return f"{path}.unit_price"
            for o, option in enumerate(item.options):
                if option.price_cents > most:
                    return f"{path}.options[{o}].price"
    return None


def parse_catalog(data: Any) -> tuple[Catalog, Rules]:
    """Validate already-parsed catalog data. Raises CatalogError naming the bad field."""
    if not isinstance(data, dict):
        raise CatalogError("", "the catalog must be a mapping with version and categories")
    control = _control_character(data)
    if control is not None:
        raise CatalogError(_path(control), "contains a control character (such as NUL)")
    try:
        spec = CatalogSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise CatalogError(_path(tuple(err["loc"])), err["msg"]) from None
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(spec.rules.timezone)
    except (KeyError, ValueError):
        raise CatalogError("rules.timezone", f"unknown timezone {spec.rules.timezone!r}") from None
    categories = tuple(
        Category(
            c.id,
            c.name.build(),
            tuple(_build_item(c.id, it) for it in c.items),
            tuple(c.aliases),
        )
        for c in spec.categories
    )
    bundles = tuple(
        Bundle(b.id, b.name.build(), tuple(b.items), b.price_percent) for b in spec.bundles
    )
    cards = tuple(c.build() for c in spec.cards)
    most = spec.rules.pricing.unit_price_max
    over = _over_price_cap(categories, most)
    if over is not None:
        raise CatalogError(over, f"more than rules.pricing.unit_price_max ({format_yuan(most)})")
    return Catalog(categories, bundles, spec.currency, cards), spec.rules.build()


def load_catalog(path: Path | str | None = None) -> tuple[Catalog, Rules]:
    """Load and validate a catalog file (the bundled demo catalog when ``path`` is None)."""
    file = Path(path) if path is not None else DEMO_CATALOG
    try:
        raw = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError("", f"cannot read {file}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CatalogError("", f"{file} is not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw) if file.suffix == ".json" else yaml.safe_load(raw)
        return parse_catalog(data)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise CatalogError("", f"{file} is not valid YAML/JSON: {_one_line(exc)}") from None
    except RecursionError:
        raise CatalogError("", f"{file} is nested too deeply") from None


def _one_line(exc: yaml.YAMLError | json.JSONDecodeError) -> str:
    """A parser's complaint on one line, with where it is (PyYAML's spans several)."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(exc).split())


def json_schema() -> dict[str, Any]:
    """The catalog file's JSON Schema (for editors and documentation)."""
    return CatalogSpec.model_json_schema()
