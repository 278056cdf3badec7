"""Read a catalog file (YAML or JSON), validate it against the schema, build domain objects.

Prices are written in yuan (``unit_price: 40`` or ``"12.50"``) and percentages as numbers
(``deposit_percent: 30``); both are converted exactly to fen and basis points. Any error names
the field: ``categories[0].items[2].unit: Input should be 'hour', 'visit', 'sqm' or 'day'``.
"""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from domain.catalog import Bundle, Catalog, Category, Consumables, Item, Option, PaymentMode, Unit
from domain.errors import CatalogError
from domain.money import MoneyError, parse_percent, parse_yuan
from domain.rules import (
    CancellationRules,
    LatenessRules,
    MemberLevel,
    MembershipRules,
    PricingRules,
    Rules,
    SettlementRules,
    WorkerLevel,
)
from domain.text import Text

DEMO_CATALOG = Path(__file__).with_name("demo_catalog.yaml")


def _fen(value: Any) -> int:
    try:
        return parse_yuan(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


def _bp(value: Any) -> int:
    try:
        bp = parse_percent(value)
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc
    if bp > 10_000:
        raise ValueError("a percentage cannot exceed 100")
    return bp


Yuan = Annotated[int, BeforeValidator(_fen)]
Percent = Annotated[int, BeforeValidator(_bp)]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")]


# Defaults come from domain.rules (already in fen / basis points: validators only run on input).
_DEFAULT = Rules()
_P, _C, _L, _S, _M, _B = (
    _DEFAULT.pricing,
    _DEFAULT.cancellation,
    _DEFAULT.lateness,
    _DEFAULT.settlement,
    _DEFAULT.membership,
    _DEFAULT.booking,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextSpec(_Strict):
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)

    def build(self) -> Text:
        return Text(self.zh, self.en)


class OptionSpec(_Strict):
    id: Slug
    name: TextSpec
    price: Yuan
    per_unit: bool = False


class ItemSpec(_Strict):
    id: Slug
    name: TextSpec
    description: TextSpec
    acceptance: TextSpec
    unit: Unit
    unit_price: Yuan
    min_quantity: int = Field(ge=1)
    max_quantity: int = Field(ge=1)
    minutes_per_unit: int = Field(ge=1, le=24 * 60)
    skill: Slug
    certificate: Slug | None = None
    consumables: Consumables = Consumables.INCLUDED
    included_area_sqm: int | None = Field(default=None, ge=1)
    high_altitude: bool = False
    options: list[OptionSpec] = []
    payment: PaymentMode = PaymentMode.FULL
    deposit_percent: Percent = 0


class CategorySpec(_Strict):
    id: Slug
    name: TextSpec
    items: list[ItemSpec]


class BundleSpec(_Strict):
    id: Slug
    name: TextSpec
    items: list[Slug]
    price_percent: Percent


class PricingSpec(_Strict):
    over_area_block_sqm: int = Field(default=_P.over_area_block_sqm, ge=1)
    over_area_block_price: Yuan = _P.over_area_block_cents
    high_altitude_price: Yuan = _P.high_altitude_cents
    night_start: time = _P.night_start
    night_end: time = _P.night_end
    night_surcharge_percent: Percent = _P.night_surcharge_bp
    transport_free_km: int = Field(default=_P.transport_free_km, ge=0)
    transport_price_per_km: Yuan = _P.transport_cents_per_km
    member_price_percent: dict[MemberLevel, Percent] = {
        k: v for k, v in _P.member_price_bp.items() if k != MemberLevel.REGULAR
    }
    first_order_discount: Yuan = _P.first_order_discount_cents
    points_per_yuan: int = Field(default=_P.points_per_yuan, ge=1)
    points_per_free_hour: int = Field(default=_P.points_per_free_hour, ge=1)
    free_hour_skills: list[Slug] = list(_P.free_hour_skills)


class CancellationSpec(_Strict):
    free_before_hours: int = Field(default=_C.free_before_hours, ge=0)
    late_before_hours: int = Field(default=_C.late_before_hours, ge=0)
    fee_percent: Percent = _C.fee_bp
    late_fee_percent: Percent = _C.late_fee_bp
    keep_deposit_after_arrival: bool = _C.keep_deposit_after_arrival


class LatenessSpec(_Strict):
    grace_minutes: int = Field(default=_L.grace_minutes, ge=0)
    deduction_percent: Percent = _L.deduction_bp
    suspend_after: int = Field(default=_L.suspend_after, ge=1)
    window_days: int = Field(default=_L.window_days, ge=1)


class SettlementSpec(_Strict):
    commission_percent: dict[WorkerLevel, Percent] = dict(_S.commission_bp)
    default_commission_percent: Percent = _S.default_commission_bp
    withdraw_after_days: int = Field(default=_S.withdraw_after_days, ge=0)
    withdrawal_approval_above: Yuan = _S.withdrawal_approval_above_cents
    auto_confirm_hours: int = Field(default=_S.auto_confirm_hours, ge=1)


class MembershipSpec(_Strict):
    spend_window_days: int = Field(default=_M.spend_window_days, ge=1)
    level_min_spend: dict[MemberLevel, Yuan] = dict(_M.level_min_spend_cents)
    points_per_yuan_paid: int = Field(default=_M.points_per_yuan_paid, ge=0)
    welcome_coupon: Yuan = _M.welcome_coupon_cents
    welcome_coupon_threshold: Yuan = _M.welcome_coupon_threshold_cents
    welcome_coupon_days: int = Field(default=_M.welcome_coupon_days, ge=1)
    referral_coupon: Yuan = _M.referral_coupon_cents


class BookingSpec(_Strict):
    slots: list[time] = list(_B.slots)
    min_lead_minutes: int = Field(default=_B.min_lead_minutes, ge=0)
    asap_lead_minutes: int = Field(default=_B.asap_lead_minutes, ge=0)
    max_days_ahead: int = Field(default=_B.max_days_ahead, ge=1)
    days_offered: int = Field(default=_B.days_offered, ge=1, le=10)


class RulesSpec(_Strict):
    timezone: str = _DEFAULT.timezone
    pricing: PricingSpec = PricingSpec()
    cancellation: CancellationSpec = CancellationSpec()
    lateness: LatenessSpec = LatenessSpec()
    settlement: SettlementSpec = SettlementSpec()
    membership: MembershipSpec = MembershipSpec()
    booking: BookingSpec = BookingSpec()

    def build(self) -> Rules:
        p, c, lt, st, m = (
            self.pricing,
            self.cancellation,
            self.lateness,
            self.settlement,
            self.membership,
        )
        member_bp = {MemberLevel.REGULAR: 10_000, **p.member_price_percent}
        return Rules(
            timezone=self.timezone,
            pricing=PricingRules(
                p.over_area_block_sqm,
                p.over_area_block_price,
                p.high_altitude_price,
                p.night_start,
                p.night_end,
                p.night_surcharge_percent,
                p.transport_free_km,
                p.transport_price_per_km,
                member_bp,
                p.first_order_discount,
                p.points_per_yuan,
                p.points_per_free_hour,
                tuple(p.free_hour_skills),
            ),
            cancellation=CancellationRules(
                c.free_before_hours,
                c.late_before_hours,
                c.fee_percent,
                c.late_fee_percent,
                c.keep_deposit_after_arrival,
            ),
            lateness=LatenessRules(
                lt.grace_minutes, lt.deduction_percent, lt.suspend_after, lt.window_days
            ),
            settlement=SettlementRules(
                dict(st.commission_percent),
                st.default_commission_percent,
                st.withdraw_after_days,
                st.withdrawal_approval_above,
                st.auto_confirm_hours,
            ),
            membership=MembershipRules(
                m.spend_window_days,
                dict(m.level_min_spend),
                m.points_per_yuan_paid,
                m.welcome_coupon,
                m.welcome_coupon_threshold,
                m.welcome_coupon_days,
                m.referral_coupon,
            ),
        )


class CatalogSpec(_Strict):
    version: int = Field(ge=1, le=1)
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    categories: list[CategorySpec] = Field(min_length=1)
    bundles: list[BundleSpec] = []
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
        certificate=spec.certificate,
        high_altitude=spec.high_altitude,
        options=tuple(Option(o.id, o.name.build(), o.price, o.per_unit) for o in spec.options),
        payment_mode=spec.payment,
        deposit_bp=spec.deposit_percent,
        category_id=cat_id,
    )


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_catalog(data: Any) -> tuple[Catalog, Rules]:
    """Validate already-parsed catalog data. Raises CatalogError naming the bad field."""
    if not isinstance(data, dict):
        raise CatalogError("", "the catalog must be a mapping with version and categories")
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
        Category(c.id, c.name.build(), tuple(_build_item(c.id, it) for it in c.items))
        for c in spec.categories
    )
    bundles = tuple(
        Bundle(b.id, b.name.build(), tuple(b.items), b.price_percent) for b in spec.bundles
    )
    return Catalog(categories, bundles, spec.currency), spec.rules.build()


def load_catalog(path: Path | str | None = None) -> tuple[Catalog, Rules]:
    """Load and validate a catalog file (the bundled demo catalog when ``path`` is None)."""
    file = Path(path) if path is not None else DEMO_CATALOG
    try:
        raw = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError("", f"cannot read {file}: {exc.strerror}") from None
    try:
        data = json.loads(raw) if file.suffix == ".json" else yaml.safe_load(raw)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise CatalogError("", f"{file} is not valid YAML/JSON: {exc}") from None
    return parse_catalog(data)


def json_schema() -> dict[str, Any]:
    """The catalog file's JSON Schema (for editors and documentation)."""
    return CatalogSpec.model_json_schema()
