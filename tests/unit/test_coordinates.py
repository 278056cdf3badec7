"""WGS-84 → GCJ-02 (domain.geo), checked against published reference pairs."""

from __future__ import annotations

import pytest

from domain.geo import distance_m, gcj02_to_wgs84, in_china, wgs84_to_gcj02
from domain.people import GeoPoint

PUBLISHED = [
    # Tiananmen, the example of wandergis/coordtransform (test/app.js) and hutool
    ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
    # a reference pair used by geoToolbox's tests (to 1e-7)
    ((40.0, 116.0), (40.001213650174, 116.006141221789)),
]


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED)
def test_wgs84_points_become_the_published_gcj02_points(wgs, gcj):
    got = wgs84_to_gcj02(GeoPoint(*wgs))
    assert (got.lat, got.lon) == pytest.approx(gcj, abs=1e-7)


def test_in_shanghai_the_offset_is_about_half_a_kilometre_and_the_inverse_comes_back():
    people_square = GeoPoint(31.2304, 121.4737)
    moved = wgs84_to_gcj02(people_square)
    assert 400 < distance_m(people_square, moved) < 600
    assert moved.lat < people_square.lat and moved.lon > people_square.lon  # south-east
    assert distance_m(gcj02_to_wgs84(moved), people_square) == 0


def test_outside_china_points_are_left_as_they_are():
    london = GeoPoint(51.5072, -0.1276)
    assert not in_china(london)
    assert wgs84_to_gcj02(london) == london == gcj02_to_wgs84(london)
