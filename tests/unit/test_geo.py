"""Geohash cells and the cells covering a circle, across Indonesia's latitudes."""

from __future__ import annotations

import random

import pytest

from chalicelib.domain import geo


def test_encode_matches_the_reference_geohash() -> None:
    assert geo.encode(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert geo.encode(-6.2, 106.8) == "qqguwr"


def test_bounds_hold_the_encoded_point() -> None:
    rng = random.Random(7)
    for _ in range(500):
        lat, lon = rng.uniform(-11, 6), rng.uniform(95, 141)
        south, north, west, east = geo.bounds(geo.encode(lat, lon))
        assert south <= lat <= north and west <= lon <= east


@pytest.mark.parametrize("radius", [1, 50, 250, 500, 600])
@pytest.mark.parametrize(
    "lat, lon", [(-6.2, 106.8), (0.0, 109.33), (-0.001, 109.33), (5.9, 95.3), (-10.9, 122.9)]
)
def test_covering_cells_hold_every_point_within_the_radius(lat: float, lon: float, radius: int) -> None:
    cells = geo.covering(lat, lon, radius)
    assert len(cells) <= 9
    rng = random.Random(radius)
    for _ in range(300):
        d_lat, d_lon = rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01)
        point = (lat + d_lat, lon + d_lon)
        if geo.distance_m(lat, lon, *point) <= radius:
            assert geo.encode(*point) in cells


def test_a_small_circle_inside_one_cell_is_one_query() -> None:
    south, north, west, east = geo.bounds(geo.encode(-6.2, 106.8))
    assert geo.covering((south + north) / 2, (west + east) / 2, 50) == [geo.encode(-6.2, 106.8)]


def test_distance_and_rounding() -> None:
    assert geo.distance_m(-6.2, 106.8, -6.2, 106.8) == 0
    assert 110_000 < geo.distance_m(0, 106.8, 1, 106.8) < 111_500
    assert geo.distance_m(-0.5, 110, 0.5, 110) == pytest.approx(2 * geo.distance_m(0, 110, 0.5, 110))
    assert geo.rounded(-6.31234, 106.85678) == (-6.312, 106.857)


def test_precision_for_keeps_the_queries_few() -> None:
    assert geo.precision_for(50) == 7 and geo.precision_for(75) == 7 and geo.precision_for(76) == 6
    for lat, lon in [(-6.2, 106.8), (0.0, 109.33), (-10.9, 122.9)]:
        assert len(geo.covering(lat, lon, 50, geo.precision_for(50))) <= 4
        assert len(geo.covering(lat, lon, 500, geo.precision_for(500))) <= 6


def test_a_box_within_the_cap_is_kept_and_a_larger_one_cut_around_its_centre() -> None:
    small = geo.Box(-6.37, 106.76, -6.35, 106.82)
    assert small.clamped(0.1) is small
    cut = geo.Box(-6.6, 106.5, -6.0, 107.1).clamped(0.1)
    assert cut.north - cut.south == pytest.approx(0.1) and cut.east - cut.west == pytest.approx(0.1)
    assert cut.contains(-6.3, 106.8) and not cut.contains(-6.4, 106.8)


def test_a_viewport_of_the_cap_is_covered_by_at_most_sixteen_partition_cells() -> None:
    for lat, lon in ((-6.3, 106.8), (0.0, 109.99), (5.9, 95.3), (-10.99, 124.0)):
        box = geo.Box(lat - 0.05, lon - 0.05, lat + 0.05, lon + 0.05)
        cells = geo.covering_box(box.south, box.north, box.west, box.east, geo.PARTITION_PRECISION)
        assert len(cells) <= 16
        for corner in ((box.south, box.west), (box.north, box.east), (box.south, box.east), (lat, lon)):
            assert geo.encode(*corner, geo.PARTITION_PRECISION) in cells


@pytest.mark.parametrize(
    ("lat", "lon"), [(0, 179.9996), (0, 180), (0, -179.9996), (0, -180), (90, 180), (-90, -180)]
)
def test_a_circle_at_the_antimeridian_or_a_pole_is_covered_up_to_the_edge(lat: float, lon: float) -> None:
    # Given a point whose circle reaches past 180 degrees (or a pole), when its cells are asked for,
    # then the answer comes (the box is cut at the edge) and covers the point
    for radius, precision in ((50, 7), (500, 6)):
        cells = geo.covering(lat, lon, radius, precision)
        assert 0 < len(cells) <= 64
        assert geo.encode(max(min(lat, 89.999999), -89.999999), lon, precision) in cells


def test_a_small_view_is_read_by_the_finest_cells_that_stay_within_the_query_budget() -> None:
    for lat, lon in ((-6.3, 106.8), (0.0, 109.99), (-10.99, 124.0)):
        for span, finest in ((0.1, 5), (0.05, 5), (0.01, 6), (0.002, 7)):
            box = (lat - span / 2, lat + span / 2, lon - span / 2, lon + span / 2)
            precision, cells = geo.finest_cover(*box, 16)
            assert precision == finest, (lat, lon, span, precision)
            assert len(geo.covering_box(*box, precision)) <= 16
            assert cells == geo.covering_box(*box, precision)
