"""The table of phrasings (conversations/understanding/samples.py), each read as expected."""

import pytest

from conversations.understanding.items import matcher_for
from conversations.understanding.request import read_request
from conversations.understanding.samples import (
    PHRASINGS,
    REQUESTS,
    TODAY,
    read_phrasing,
    slots_of,
)
from store.catalog_file import load_catalog

CATALOG, _ = load_catalog()
MATCHER = matcher_for(CATALOG)


def test_the_table_holds_thirty_phrasings_and_ten_requests():
    assert len(PHRASINGS) == 30 and len(REQUESTS) == 10
    assert len({p.text for p in PHRASINGS}) == 30


@pytest.mark.parametrize("sample", PHRASINGS, ids=[p.text for p in PHRASINGS])
def test_each_phrasing_is_read_as_expected(sample):
    assert read_phrasing(sample, MATCHER) == sample.expected


@pytest.mark.parametrize("sample", REQUESTS, ids=[r.text for r in REQUESTS])
def test_each_request_fills_exactly_the_slots_it_names(sample):
    request = read_request(sample.text, CATALOG, TODAY, MATCHER)
    assert slots_of(request) == sample.expected
