import copy

import pytest
import yaml

from domain.catalog import PaymentMode, Unit
from domain.errors import CatalogError
from domain.rules import Rules
from store.catalog_file import DEMO_CATALOG, load_catalog, parse_catalog


@pytest.fixture
def demo_data():
    return yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))


def refused(data) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        parse_catalog(data)
    return info.value


def test_demo_catalog_covers_every_line_of_business_in_two_languages():
    catalog, rules = load_catalog()
    assert rules == Rules()
    assert {c.id for c in catalog.categories} == {
        "cleaning",
        "appliances",
        "nanny",
        "maternity",
        "elderly",
    }
    ids = {item.id for item in catalog.items()}
    assert {
        "daily_cleaning",
        "deep_cleaning",
        "move_in_cleaning",
        "ac_cleaning",
        "appliance_repair",
        "live_in_nanny",
        "maternity_nurse",
        "live_in_elderly_care",
    } <= ids
    for item in catalog.items():
        assert item.name.zh and item.name.en and item.description.en and item.acceptance.zh
        assert item.unit_price_cents > 0
    assert catalog.item("daily_cleaning").unit_price_cents == 4000
    assert catalog.item("daily_cleaning").included_area_sqm == 80
    assert catalog.item("maternity_nurse").certificates == ("health", "maternity_nurse")
    assert catalog.item("deep_cleaning").payment_mode == PaymentMode.DEPOSIT
    assert catalog.item("deep_cleaning").deposit_bp == 3000
    assert catalog.item("deep_cleaning").unit == Unit.SQM


def test_a_wrong_unit_is_refused_with_the_path_of_the_field(demo_data):
    demo_data["categories"][0]["items"][1]["unit"] = "bucket"
    err = refused(demo_data)
    assert err.path == "categories[0].items[1].unit"
    assert "hour" in err.message


def test_a_price_finer_than_a_fen_is_refused(demo_data):
    demo_data["categories"][1]["items"][0]["unit_price"] = "12.345"
    assert refused(demo_data).path == "categories[1].items[0].unit_price"


def test_a_missing_field_is_named(demo_data):
    del demo_data["categories"][2]["items"][0]["acceptance"]
    assert refused(demo_data).path == "categories[2].items[0].acceptance"


def test_an_unknown_field_is_named(demo_data):
    demo_data["categories"][0]["items"][0]["colour"] = "blue"
    assert refused(demo_data).path == "categories[0].items[0].colour"


def test_a_duplicate_item_id_is_named(demo_data):
    data = copy.deepcopy(demo_data)
    data["categories"][1]["items"][0]["id"] = "daily_cleaning"
    err = refused(data)
    assert err.path == "categories[1].items[0].id"
    assert "duplicate" in err.message


def test_a_duplicate_option_id_is_named_with_its_item(demo_data):
    item = next(
        i for c in demo_data["categories"] for i in c["items"] if len(i.get("options", ())) > 1
    )
    item["options"][1]["id"] = item["options"][0]["id"]
    err = refused(demo_data)
    assert err.path.endswith(".options")
    assert repr(item["options"][0]["id"]) in err.message and repr(item["id"]) in err.message


def test_a_certificate_type_must_be_known_and_listed_once(demo_data):
    demo_data["categories"][0]["items"][0]["certificates"] = ["health", "wizardry"]
    err = refused(demo_data)
    assert err.path == "categories[0].items[0].certificates"
    assert "wizardry" in err.message
    demo_data["categories"][0]["items"][0]["certificates"] = ["health", "health"]
    assert "twice" in refused(demo_data).message


def test_a_bundle_naming_an_unknown_item_is_refused(demo_data):
    demo_data["bundles"][0]["items"] = ["daily_cleaning", "teleportation"]
    err = refused(demo_data)
    assert err.path == "bundles[0].items"
    assert "teleportation" in err.message


def test_a_rule_number_is_validated_with_its_path(demo_data):
    demo_data["rules"]["pricing"]["night_surcharge_percent"] = 130
    assert refused(demo_data).path == "rules.pricing.night_surcharge_percent"
    demo_data["rules"]["pricing"]["night_surcharge_percent"] = 30
    demo_data["rules"]["timezone"] = "Mars/Olympus"
    assert refused(demo_data).path == "rules.timezone"


def test_an_arrival_button_above_the_most_minutes_is_refused_at_load(demo_data):
    execution = demo_data["rules"]["execution"]
    execution["eta_max_minutes"], execution["eta_choices"] = 60, [30, 90, 60, 120]
    err = refused(demo_data)
    assert err.path == "rules.execution.eta_choices"
    assert "at most eta_max_minutes (60): 90, 120 would do nothing" in err.message
    execution["eta_max_minutes"] = 120  # the most itself raised: every button is taken
    assert parse_catalog(demo_data)[1].execution.eta_choices == (30, 60, 90, 120)
    execution["eta_max_minutes"] = 0  # a wrong most is the error named, not the buttons
    assert refused(demo_data).path == "rules.execution.eta_max_minutes"


def test_rules_in_the_file_override_the_defaults(demo_data):
    demo_data["rules"]["pricing"]["night_surcharge_percent"] = 25
    demo_data["rules"]["cancellation"]["fee_percent"] = "12.5"
    demo_data["rules"]["dispatch"]["mode"] = "grab"
    demo_data["rules"]["execution"]["checkin_radius_m"] = 500
    demo_data["rules"]["settlement"]["withdrawal_minimum"] = 10
    demo_data["rules"]["booking"]["slots"] = ["09:30"]
    demo_data["rules"]["payments"]["unpaid_expire_minutes"] = 15
    _, rules = parse_catalog(demo_data)
    assert rules.pricing.night_surcharge_bp == 2500
    assert rules.cancellation.fee_bp == 1250
    assert rules.dispatch.mode == "grab"
    assert rules.execution.checkin_radius_m == 500
    assert rules.settlement.withdrawal_min_cents == 1000
    assert [t.isoformat() for t in rules.booking.slots] == ["09:30:00"]
    assert rules.payments.unpaid_expire_minutes == 15
    demo_data["rules"]["payments"]["unpaid_expire_minutes"] = 1
    assert refused(demo_data).path == "rules.payments.unpaid_expire_minutes"


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("categories: [unclosed")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_catalog(bad)


def test_a_catalog_repriced_still_sells_its_cards_and_bundles():
    catalog, _ = load_catalog()
    assert catalog.cards and catalog.bundles
    for repriced in (
        catalog.with_price("daily_cleaning", 5_000),
        catalog.with_prices({"daily_cleaning": 5_000}),
    ):
        assert repriced.item("daily_cleaning").unit_price_cents == 5_000
        assert repriced.cards == catalog.cards and repriced.bundles == catalog.bundles
        assert repriced.card(catalog.cards[0].id) == catalog.cards[0]


def test_no_skills_english_label_has_a_comma_so_a_list_of_skills_reads_as_one_list():
    """A skill is named by its first two services; joined by a comma in English, a list of
    skills ("Daily cleaning, Hourly nanny, Live-in nanny") read as more skills than it had."""
    catalog, _ = load_catalog()
    labels = catalog.skill_names()
    assert labels["nanny"].en == "Hourly nanny / Live-in nanny"
    assert labels["nanny"].zh == "钟点育儿嫂、住家保姆"
    assert [s for s, label in labels.items() if "," in label.en] == []


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\xff\xfe\x00bad", "is not UTF-8 text"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"version: 1\ncategories: [\n", "not valid YAML/JSON: expected the node content"),
        (b"version: 1\ncategories: !!python/object:os.system ls\n", "(line 2, column 13)"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_catalog_is_refused_in_one_line(tmp_path, content, needle):
    bad = tmp_path / "c.yaml"
    bad.write_bytes(content)
    with pytest.raises(CatalogError) as info:
        load_catalog(bad)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_json_nested_too_deeply_is_refused(tmp_path):
    bad = tmp_path / "c.json"
    bad.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CatalogError, match="nested too deeply"):
        load_catalog(bad)


def test_a_nul_or_another_control_character_in_a_text_is_named(demo_data):
    demo_data["categories"][0]["items"][1]["name"]["zh"] = "深度\x00保洁"
    assert refused(demo_data).path == "categories[0].items[1].name.zh"
    demo_data["categories"][0]["items"][1]["name"]["zh"] = "深度保洁"
    demo_data["categories"][0]["aliases"].append("\x1b[31m")
    assert "control character" in str(refused(demo_data))


@pytest.mark.parametrize("price", [10**30, 1e308, "99999999999999999999"])
def test_an_amount_no_money_column_holds_is_refused(demo_data, price):
    demo_data["categories"][0]["items"][0]["unit_price"] = price
    error = refused(demo_data)
    assert error.path == "categories[0].items[0].unit_price" and "too large" in str(error)


def test_an_item_or_option_priced_above_what_price_may_set_is_refused(demo_data):
    """``rules.pricing.unit_price_max`` caps ``/price``; the file is held to the same cap."""
    demo_data["categories"][0]["items"][0]["unit_price"] = "100000.01"
    error = refused(demo_data)
    assert error.path == "categories[0].items[0].unit_price" and "¥100,000.00" in str(error)
    demo_data["categories"][0]["items"][0]["unit_price"] = 100_000
    parse_catalog(demo_data)  # the cap itself is a price
    demo_data["categories"][0]["items"][0]["options"][0]["price"] = 100_001
    assert refused(demo_data).path == "categories[0].items[0].options[0].price"


def test_a_quantity_beyond_any_order_is_refused(demo_data):
    demo_data["categories"][0]["items"][0]["max_quantity"] = 10**20
    assert refused(demo_data).path == "categories[0].items[0].max_quantity"
