"""An item's card (what the booking shows when an item is picked) speaks of supplies only
where the catalog says whose they are: cleaning includes them or the customer provides them;
care (a nanny, an elderly companion, a maternity nurse) has none to speak of."""

import pytest

from conversations.flows.booking_views import item_card
from conversations.state import Conversation
from domain.catalog import Consumables
from store.catalog_file import load_catalog

CATALOG, _ = load_catalog()
SUPPLIES = ("含清洁用品", "用品由客户提供")


@pytest.mark.parametrize("item", sorted(i.id for i in CATALOG.items()))
def test_the_supplies_line_follows_the_catalog(item):
    found = CATALOG.item(item)
    card = item_card(Conversation(), found)
    said = [s for s in SUPPLIES if s in card]
    if found.consumables == Consumables.NONE:
        assert not said, card
    else:
        assert len(said) == 1, card


def test_care_items_of_the_demo_catalog_have_no_supplies_line():
    for item in ("hourly_nanny", "live_in_nanny", "maternity_nurse", "elderly_companion"):
        assert CATALOG.item(item).consumables == Consumables.NONE
    assert CATALOG.item("deep_cleaning").consumables == Consumables.INCLUDED


@pytest.mark.parametrize("item", sorted(i.id for i in CATALOG.items()))
def test_a_card_offers_the_workers_own_supplies_only_where_they_can_be_added(item):
    """用品由客户提供(可加选师傅自带) on the repair's card asked the customer for supplies and
    offered an add-on it does not have: its parts are quoted on site (its description)."""
    found = CATALOG.item(item)
    if "可加选师傅自带" in item_card(Conversation(), found):
        assert found.options, found.id


@pytest.mark.parametrize("item", sorted(i.id for i in CATALOG.items()))
def test_each_line_of_an_english_card_begins_as_a_sentence(item):
    """The supplies line read "supplies included", a lower-case fragment under the
    sentences before it."""
    card = item_card(Conversation(lang="en"), CATALOG.item(item))
    for line in card.splitlines():
        assert not line[:1].islower(), card
