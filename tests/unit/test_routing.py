"""Routing is a pure function of category, area and the province data."""

from __future__ import annotations

import pytest

from chalicelib.domain.routing import route
from chalicelib.provinces.registry import registry

PROVINCES = ["31", "36"]


def _kota_and_a_kecamatan(code: str) -> list[tuple[str, str]]:
    province = registry().get(code)
    pairs = []
    for area in province.data.areas:
        if area.level in ("kota", "kabupaten"):
            kecamatan = next(
                a
                for a in province.data.areas
                if a.level == "kecamatan" and a.code.startswith(area.code + ".")
            )
            pairs.append((area.code, kecamatan.code))
    return pairs


@pytest.mark.parametrize("code", PROVINCES)
def test_every_category_routes_to_an_agency_of_the_kota_in_every_kota(code: str) -> None:
    # Given every kota/kabupaten of the province and one of its kecamatan
    province = registry().get(code)
    for kota, kecamatan in _kota_and_a_kecamatan(code):
        for category in province.categories:
            # When a report of that category is routed
            decision = route(province, category, kecamatan)
            if decision.escalate_to:
                continue  # cross-border rules are asserted separately
            # Then it goes to an existing agency that serves that kota (or the whole province)
            assert decision.agency in province.agencies, (category, kecamatan)
            agency = province.agencies[decision.agency]
            assert agency.area in (None, kota), (category, kecamatan, agency.id)


@pytest.mark.parametrize("code", PROVINCES)
def test_kelurahan_routes_like_its_kecamatan_unless_a_rule_is_more_specific(code: str) -> None:
    province = registry().get(code)
    kelurahan = next(a for a in province.data.areas if len(a.code) == 13)
    kecamatan = kelurahan.code[:8]
    for category in province.categories:
        assert route(province, category, kelurahan.code) == route(province, category, kecamatan)


def test_jakarta_road_in_jakarta_selatan_goes_to_sudin_bina_marga():
    assert route(registry().get("31"), "jalan_rusak", "31.74.01").agency == "sudin-bm-js"


def test_most_specific_area_wins_over_the_kota_rule():
    # Gambir's trees are the province Distamhut's, not the Jakarta Pusat Suku Dinas'
    jakarta = registry().get("31")
    assert route(jakarta, "pohon", "31.71.01").agency == "distamhut"
    assert route(jakarta, "pohon", "31.71.02").agency == "sudin-tamhut-jp"


def test_report_about_another_province_escalates_there():
    decision = route(registry().get("31"), "sampah", "36.71.01")
    assert decision.escalate_to == "36" and decision.agency is None


def test_cross_border_rule_escalates_a_jakarta_area_to_banten():
    decision = route(registry().get("31"), "banjir", "31.73.08")
    assert decision.escalate_to == "36"
    assert decision.reason and "Kali Angke" in decision.reason


def test_receiving_province_accepts_by_its_rule_for_the_foreign_area():
    decision = route(registry().get("36"), "banjir", "31.73.08", received_from="31")
    assert decision.agency == "dpu-kota-tangerang"


def test_receiving_province_never_escalates_back_automatically():
    # Jakarta receives Pondok Aren garbage from Banten; for other categories there it has no rule
    decision = route(registry().get("31"), "kemacetan", "36.74.03", received_from="36")
    assert decision.refused


def test_unknown_category_in_a_known_area_falls_back_to_the_province_default():
    jakarta = registry().get("31")
    assert route(jakarta, "tidak_ada", "31.74.01").agency == jakarta.data.routing.default_agency
