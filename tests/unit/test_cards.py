"""Prepaid visit cards: activation, visit values summing to the price, give-back, pro-rata
refund, expiry breakage, and their ledger movements balancing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import card_ledger as CL
from domain import ledger as L
from domain.cards import Card, CardProduct, CardStatus, pick
from domain.errors import CatalogError, DomainError
from domain.text import Bilingual
from store.catalog_file import load_catalog, parse_catalog

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
PRODUCT = CardProduct(
    "dc12", Bilingual("日常保洁 12 次卡", "12 visits"), ("daily_cleaning",), 12, 2, 90_000, 365
)


def active(product: CardProduct = PRODUCT) -> Card:
    card = Card.of(product, 1, "telegram", NOW)
    card.id = 7
    card.activate(NOW)
    return card


def test_a_card_is_usable_only_once_paid_and_until_it_expires():
    card = Card.of(PRODUCT, 1, "telegram", NOW)
    assert not card.usable("daily_cleaning", NOW)
    card.activate(NOW)
    assert card.visits_left == 14 and card.deferred_cents == 90_000
    assert card.valid_until == NOW + timedelta(days=365)
    assert card.usable("daily_cleaning", NOW)
    assert not card.usable("deep_cleaning", NOW)
    assert not card.usable("daily_cleaning", card.valid_until)
    with pytest.raises(DomainError):
        card.activate(NOW)  # once


def test_visit_values_are_rounded_down_and_the_last_takes_the_remainder():
    card = active()
    values = [card.use("daily_cleaning", NOW) for _ in range(14)]
    assert values[0] == 90_000 // 14 == 6428
    assert sum(values) == 90_000 and card.deferred_cents == 0 and card.visits_left == 0
    with pytest.raises(DomainError):
        card.use("daily_cleaning", NOW)  # never negative


@given(
    price=st.integers(0, 10_000_000),
    paid=st.integers(1, 40),
    free=st.integers(0, 10),
    ops=st.lists(st.booleans(), max_size=80),
)
def test_uses_and_give_backs_never_lose_a_fen(price, paid, free, ops):
    card = active(CardProduct("p", Bilingual("a", "a"), ("x",), paid, free, price, 30))
    taken: list[int] = []
    for use in ops:
        if use and card.visits_left:
            taken.append(card.use("x", NOW))
        elif not use and taken:
            card.give_back(taken.pop(0))
        assert card.visits_left >= 0 and card.deferred_cents >= 0
        assert card.deferred_cents + sum(taken) == price
        assert card.visits_left + len(taken) == paid + free


def test_a_refund_returns_unused_paid_visits_pro_rata():
    card = active()
    for _ in range(3):
        card.use("daily_cleaning", NOW)
    # 11 left of which 2 are the free ones: 9 unused paid visits of 12
    back, breakage = card.refund()
    assert back == 90_000 * 9 // 12 == 67_500
    assert back + breakage == 90_000 - 3 * 6428
    assert card.status == CardStatus.REFUNDED and card.visits_left == 0
    assert card.deferred_cents == back  # held until the provider pays it out


def test_only_free_visits_left_refund_nothing():
    card = active()
    for _ in range(12):
        card.use("daily_cleaning", NOW)
    assert card.refund_cents() == 0


def test_expiry_turns_what_is_left_into_revenue_once():
    card = active()
    card.use("daily_cleaning", NOW)
    assert card.expire(NOW) == 0  # not yet
    assert card.valid_until is not None
    left = card.deferred_cents
    assert card.expire(card.valid_until) == left
    assert card.status == CardStatus.EXPIRED and card.expire(card.valid_until) == 0
    card.give_back(6428)  # an order cancelled after expiry: nothing comes back
    assert card.visits_left == 0


def test_pick_takes_the_card_expiring_first():
    a, b = active(), active()
    b.id = 8
    assert b.valid_until is not None
    b.valid_until -= timedelta(days=1)
    assert pick([a, b], ("daily_cleaning",), NOW) is b
    assert pick([a, b], ("deep_cleaning",), NOW) is None


def test_the_card_movements_balance_and_empty_the_deferred_account():
    card = active()
    entries = CL.card_paid("REF", "sandbox", 90_000, 7, NOW)
    v1 = card.use("daily_cleaning", NOW)
    entries += CL.visit_used(7, 100, 1, v1, NOW)
    entries += CL.visit_returned(7, 100, 1, v1, v1, NOW)
    card.give_back(v1)
    v2 = card.use("daily_cleaning", NOW)
    entries += CL.visit_used(7, 101, 2, v2, NOW)
    back, breakage = card.refund()
    entries += CL.card_breakage(7, breakage, NOW, "refund")
    entries += CL.card_refunded("RFD", "sandbox", back, 7, NOW)
    assert sum(e.amount_cents for e in entries) == 0
    deferred = sum(e.amount_cents for e in entries if e.account == L.CARD_DEFERRED)
    assert deferred == 0
    assert CL.card_applied(e for e in entries if e.order_id == 101) == v2


def test_the_demo_catalog_sells_cards_of_its_items():
    catalog, _ = load_catalog()
    assert catalog.cards
    for card in catalog.cards:
        assert all(catalog.item(i) for i in card.item_ids)


def test_a_card_of_an_unknown_item_is_named_in_the_check():
    import yaml

    from store.catalog_file import DEMO_CATALOG

    data = yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))
    data["cards"][0]["items"] = ["nothing"]
    with pytest.raises(CatalogError, match=r"cards\[0\]\.items"):
        parse_catalog(data)
    data["cards"][0]["items"] = ["daily_cleaning"]
    data["cards"][0]["paid_visits"] = 0
    with pytest.raises(CatalogError, match=r"cards\[0\]\.paid_visits"):
        parse_catalog(data)
