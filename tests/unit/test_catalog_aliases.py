"""Aliases in the catalog file: the words customers type for an item or a category."""

import argparse

import pytest
import yaml

from domain.errors import CatalogError
from store.catalog_file import DEMO_CATALOG, load_catalog, parse_catalog
from webhooks.cli import cmd_catalog_check


@pytest.fixture
def demo_data():
    return yaml.safe_load(DEMO_CATALOG.read_text(encoding="utf-8"))


def refused(data) -> CatalogError:
    with pytest.raises(CatalogError) as info:
        parse_catalog(data)
    return info.value


def test_every_demo_item_has_aliases_in_both_languages():
    catalog, _ = load_catalog()
    for item in catalog.items():
        assert any(not a.isascii() for a in item.aliases), item.id
        assert any(a.isascii() for a in item.aliases), item.id
    assert "打扫卫生" in catalog.item("daily_cleaning").aliases
    assert "大扫除" in catalog.item("deep_cleaning").aliases
    assert "养老" in catalog.category("elderly").aliases


def test_aliases_are_optional(demo_data):
    for cat in demo_data["categories"]:
        cat.pop("aliases", None)
        for item in cat["items"]:
            item.pop("aliases", None)
    catalog, _ = parse_catalog(demo_data)
    assert catalog.item("daily_cleaning").aliases == ()
    assert catalog.category("cleaning").aliases == ()


def test_aliases_that_are_not_a_list_of_words_are_named(demo_data):
    demo_data["categories"][0]["items"][1]["aliases"] = "大扫除"
    assert refused(demo_data).path == "categories[0].items[1].aliases"
    demo_data["categories"][0]["items"][1]["aliases"] = ["大扫除", 42]
    assert refused(demo_data).path == "categories[0].items[1].aliases[1]"
    demo_data["categories"][0]["items"][1]["aliases"] = ["大扫除", "   "]
    assert refused(demo_data).path == "categories[0].items[1].aliases[1]"
    demo_data["categories"][0]["items"][1]["aliases"] = ["x" * 41]
    assert refused(demo_data).path == "categories[0].items[1].aliases[0]"


def test_a_category_alias_is_checked_like_an_item_alias(demo_data):
    demo_data["categories"][2]["aliases"] = [""]
    assert refused(demo_data).path == "categories[2].aliases[0]"


def test_an_alias_naming_two_things_is_refused_with_its_path(demo_data):
    demo_data["categories"][0]["items"][1]["aliases"].append("Maid")  # daily cleaning's
    err = refused(demo_data)
    assert err.path.startswith("categories[0].items[1].aliases[")
    assert "daily_cleaning" in err.message


def test_an_alias_that_is_another_items_name_is_refused(demo_data):
    demo_data["categories"][1]["items"][0]["aliases"].append("油烟机清洗")
    err = refused(demo_data)
    assert err.path.startswith("categories[1].items[0].aliases[")
    assert "range_hood_cleaning" in err.message


def test_catalog_check_names_a_bad_alias(tmp_path, capsys, demo_data):
    assert cmd_catalog_check(argparse.Namespace(file=str(DEMO_CATALOG))) == 0
    demo_data["categories"][3]["items"][0]["aliases"] = ["月嫂", "月嫂"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(demo_data, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    assert cmd_catalog_check(argparse.Namespace(file=str(bad))) == 1
    assert "categories[3].items[0].aliases[1]" in capsys.readouterr().err
