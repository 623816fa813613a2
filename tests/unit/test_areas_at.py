"""``GET /areas/at`` on a stage whose province has no centroids: its own points are never a neighbour's.

Jawa Tengah (33) is built from the templates as ``aduan region add`` builds it: its areas have no
centroid. Its stage knows Jawa Barat (32, shipped, a centroid for every kota/kabupaten), whose
bounding box overlaps Jawa Tengah's along the border.
"""

from __future__ import annotations

import pytest

from chalicelib.api.areas import at_point
from chalicelib.provinces.model import validated_province_data
from chalicelib.provinces.registry import Province, Registry, registry
from cli.wilayah import default_csv_path
from tools.build_province_data import build_province

JAWA_TENGAH, JAWA_BARAT = "33", "32"


@pytest.fixture(scope="module")
def provinces() -> Registry:
    """Jawa Tengah's stage: its own data without centroids, and Jawa Barat's with them."""
    own = Province(validated_province_data(build_province(JAWA_TENGAH, default_csv_path())))
    assert all(area.centroid is None for area in own.data.areas)
    return Registry({JAWA_BARAT: registry().get(JAWA_BARAT), JAWA_TENGAH: own})


def _codes(provinces: Registry, lat: float, lon: float) -> list[str]:
    return [item.code for item in at_point(provinces, JAWA_TENGAH, lat, lon)]


def test_a_point_in_the_provinces_box_is_its_own_not_a_neighbours_nearest_area(provinces: Registry) -> None:
    # Inside Jawa Tengah, where both boxes overlap and Jawa Barat's Kota Banjar is the nearest centroid
    assert _codes(provinces, -7.30, 108.76) == [JAWA_TENGAH]
    assert _codes(provinces, -7.0, 110.4) == [JAWA_TENGAH]  # Semarang, in Jawa Tengah's box alone


def test_a_point_outside_the_provinces_box_still_gets_the_neighbours_area(provinces: Registry) -> None:
    assert _codes(provinces, -6.915, 107.61) == [JAWA_BARAT, "32.73"]  # Kota Bandung
    assert _codes(provinces, 1.0, 100.0) == []  # outside every province known
