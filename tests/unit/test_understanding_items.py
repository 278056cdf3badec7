"""Typed text matched to the catalog's items, bundles and categories."""

from dataclasses import replace

import pytest

from conversations.understanding.items import ItemMatcher, matcher_for
from domain.catalog import UNIT_TEXT, Catalog
from domain.money import format_yuan
from domain.text import Lang
from store.catalog_file import load_catalog

CATALOG, _ = load_catalog()
MATCHER = matcher_for(CATALOG)


def best(text: str) -> str | None:
    found = MATCHER.match(text).best
    return found.key if found else None


@pytest.mark.parametrize("lang", [Lang.ZH, Lang.EN])
def test_every_button_label_names_its_item_for_sure(lang):
    for item in CATALOG.items():
        label = (
            f"{item.name.get(lang)} {format_yuan(item.unit_price_cents)}/"
            f"{UNIT_TEXT[item.unit].get(lang)}"
        )
        match = MATCHER.match(label)
        assert match.sure and match.best is not None, label
        assert match.best.key == f"item:{item.id}", label


def test_category_and_bundle_buttons_name_them():
    for cat in CATALOG.categories:
        assert best(cat.name.zh) == f"cat:{cat.id}"
        assert best(cat.name.en) == f"cat:{cat.id}"
    for bundle in CATALOG.bundles:
        assert best("套餐:" + bundle.name.zh) == f"bundle:{bundle.id}"
        assert best(bundle.name.en) == f"bundle:{bundle.id}"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("日常保结", "item:daily_cleaning"),
        ("深度保结", "item:deep_cleaning"),
        ("油烟机清冼", "item:range_hood_cleaning"),
        ("空调清", "item:ac_cleaning"),
        ("deep cleanig", "item:deep_cleaning"),
        ("babysiter", "item:hourly_nanny"),
        ("washing mashine", "item:washer_cleaning"),
        ("我想找人打扫卫生", "item:daily_cleaning"),
        ("家里空调要洗一下", "item:ac_cleaning"),
        ("I need someone to clean my flat", "item:daily_cleaning"),
        ("deep clean", "item:deep_cleaning"),
        ("年底了想来个大扫除", "item:deep_cleaning"),
        ("新房刚装修完要开荒", "item:move_in_cleaning"),
        ("洗衣机坏了", "item:appliance_repair"),
        ("my fridge is broken", "item:appliance_repair"),
        ("老婆下个月生,想订个月嫂", "item:maternity_nurse"),
        ("need a babysitter for saturday", "item:hourly_nanny"),
        ("想找人陪我妈去医院 陪诊", "item:elderly_companion"),
        ("养老", "cat:elderly"),
        ("家电", "cat:appliances"),
        ("日常保洁和油烟机清洗", "bundle:kitchen_refresh"),
    ],
)
def test_typos_parts_and_plain_phrases_name_the_item(text, key):
    assert best(text) == key


@pytest.mark.parametrize(
    "text",
    [
        "你好",
        "hello",
        "12345",
        "漕溪北路88号 1201",
        "88 Caoxi North Rd",
        "明天下午三点",
        "谢谢",
        "ok",
        "好的",
        "多少钱",
        "I don't care",
        "",
        "¥40.00/小时",
    ],
)
def test_unrelated_text_names_nothing(text):
    match = MATCHER.match(text)
    assert not match.found and match.candidates == ()


def test_a_bare_word_that_several_items_share_offers_them_all():
    match = MATCHER.match("保洁")
    assert match.best is not None and match.best.key == "item:daily_cleaning"
    assert {c.key for c in match.alternatives} == {"item:deep_cleaning", "item:move_in_cleaning"}
    assert not match.sure
    assert [c.key for c in MATCHER.match("保姆").candidates] == [
        "item:hourly_nanny",
        "item:live_in_nanny",
    ]


def test_a_longer_phrase_settles_what_a_shorter_one_inside_it_left_open():
    for text, key in (("深度保洁", "item:deep_cleaning"), ("开荒保洁", "item:move_in_cleaning")):
        match = MATCHER.match(text)
        assert match.sure and match.best is not None and match.best.key == key


def test_a_match_can_be_narrowed_to_what_fits_and_is_left_alone_when_nothing_does():
    match = MATCHER.match("保洁")
    hourly = match.narrowed(lambda c: CATALOG.item(c.id).unit == "hour")
    assert hourly.sure and hourly.best is not None and hourly.best.id == "daily_cleaning"
    assert match.narrowed(lambda c: False) == match


def test_the_matcher_is_built_once_per_catalog():
    # not ``is MATCHER``: the cache keeps the few catalogs used last, and the other test
    # modules' catalogs (one each) may have pushed this one out since it was built
    built = matcher_for(CATALOG)
    assert matcher_for(CATALOG) is built
    repriced = CATALOG.with_price("daily_cleaning", 5000)
    assert matcher_for(repriced) is not built
    assert matcher_for(repriced) is matcher_for(repriced)
    assert matcher_for(CATALOG) is built


def test_a_catalog_without_aliases_is_matched_by_its_names():
    bare = Catalog(
        tuple(
            replace(c, aliases=(), items=tuple(replace(i, aliases=()) for i in c.items))
            for c in CATALOG.categories
        ),
        CATALOG.bundles,
    )
    matcher = ItemMatcher(bare)
    assert (matcher.match("日常保洁").best or None) is not None
    assert matcher.match("打扫卫生").best is None
    found = matcher.match("月嫂").best  # the name without its bracket: 月嫂(26 天)
    assert found is not None and found.id == "maternity_nurse"
