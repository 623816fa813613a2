"""GET /dashboard (coordinators and admins) and GET /areas, through the app and moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

AGENCY = "dlh-cilegon"
GARBAGE = {
    "category": "sampah",
    "description": "Sampah menumpuk di pinggir jalan dekat pasar.",
    "location": {"lat": -6.01, "lon": 106.05, "area_code": "36.72.01"},
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def dashboard(provinces: World, query: str = "?days=7", role: str = "coordinator") -> Any:
    banten = provinces["banten"]
    return banten.get(f"/dashboard{query}", banten.token("koordinator", role))


def agency_row(doc: dict[str, Any]) -> dict[str, Any]:
    empty = {"met": 0, "missed": 0, "pending": 0}
    row = {"total": 0, "coordinate": empty, "finish": empty}
    return next((r for r in doc["agencies"] if r["id"] == AGENCY), row)


def test_dashboard_counts_new_reports_and_service_levels_of_their_agency(provinces: World) -> None:
    banten = provinces["banten"]
    before = json.loads(dashboard(provinces).body)
    # Given two garbage reports in Cilegon, one taken and resolved at once
    ids = [json.loads(banten.post("/reports", GARBAGE).body)["id"] for _ in range(2)]
    provinces.settle()
    assert banten.act(ids[0], "take", AGENCY).status_code == 200
    resolved = banten.act(
        ids[0], "resolve", AGENCY, {"note": "Sudah diangkut.", **banten.evidence(ids[0], AGENCY)}
    )
    assert resolved.status_code == 200, resolved.body
    # When the coordinator opens the dashboard
    response = dashboard(provinces)
    assert response.status_code == 200, response.body
    after = json.loads(response.body)
    # Then both reports count, by status, by category and over time
    assert after["province"] == "36" and after["days"] == 7 and len(after["series"]["dates"]) == 7
    assert after["total"] - before["total"] == 2

    def category_count(doc: dict[str, Any]) -> int:
        return next((c["count"] for c in doc["categories"] if c["code"] == "sampah"), 0)

    assert category_count(after) - category_count(before) == 2
    assert sum(sum(days) for days in after["series"]["by_status"].values()) == after["total"]
    # And the agency coordinated one in time (one still within its 6 hours) and finished one in time
    old, new = agency_row(before), agency_row(after)
    assert new["total"] - old["total"] == 2
    assert new["coordinate"]["met"] - old["coordinate"]["met"] == 1
    assert new["coordinate"]["pending"] - old["coordinate"]["pending"] == 1
    assert new["finish"]["met"] - old["finish"]["met"] == 1
    assert new["coordinate"]["rate"] is not None and 0 <= new["coordinate"]["rate"] <= 1


def test_a_kota_coordinator_sees_the_dashboard_of_its_kota(provinces: World) -> None:
    banten = provinces["banten"]

    def of(agency: str) -> dict[str, Any]:
        response = banten.get("/dashboard?days=7", banten.token(agency, "coordinator"))
        assert response.status_code == 200, response.body
        return dict(json.loads(response.body))

    before_cilegon, before_tangerang, before_all = (
        of("pemkot-cilegon"),
        of("pemkot-tangerang"),
        of("koordinator"),
    )
    # Given one more report in Cilegon
    banten.post("/reports", GARBAGE)
    provinces.settle()
    cilegon, tangerang, province = of("pemkot-cilegon"), of("pemkot-tangerang"), of("koordinator")
    # Then Cilegon's coordinator counts it, Kota Tangerang's does not, the province's does
    assert cilegon["total"] - before_cilegon["total"] == 1
    assert tangerang["total"] == before_tangerang["total"]
    assert province["total"] - before_all["total"] == 1
    assert cilegon["area"]["code"] == "36.72" and "Cilegon" in cilegon["area"]["name"]
    assert province["area"] is None and province["total"] >= cilegon["total"] + tangerang["total"]
    # And a kota's agency rows are only of reports in that kota
    assert all(row["id"] != AGENCY for row in tangerang["agencies"])


def test_dashboard_is_for_coordinators_and_admins_only(provinces: World) -> None:
    assert dashboard(provinces, role="admin").status_code == 200
    officer = dashboard(provinces, role="officer")
    assert officer.status_code == 403 and json.loads(officer.body)["error"]["code"] == "role_required"
    assert provinces["banten"].get("/dashboard").status_code == 401


def test_dashboard_window_is_validated_and_capped_at_90_days(provinces: World) -> None:
    assert json.loads(dashboard(provinces, "?days=365").body)["days"] == 90
    assert json.loads(dashboard(provinces, "").body)["days"] == 30
    for bad in ("?days=abc", "?days=0", "?days=-3"):
        response = dashboard(provinces, bad)
        assert response.status_code == 422 and json.loads(response.body)["error"]["code"] == "invalid_days"


def test_areas_offer_every_province_and_their_children(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    top = json.loads(jakarta.get("/areas").body)
    assert top["province"] == "31"
    assert {"31", "36"} <= {p["code"] for p in top["items"]}
    kota = json.loads(jakarta.get("/areas?parent=36").body)["items"]
    assert {"code": "36.71", "name": "Kota Tangerang", "level": "kota"} in kota
    kecamatan = json.loads(jakarta.get("/areas?parent=36.71").body)["items"]
    assert kecamatan and all(k["code"].startswith("36.71.") and k["level"] == "kecamatan" for k in kecamatan)
    kelurahan = json.loads(jakarta.get(f"/areas?parent={kecamatan[0]['code']}").body)["items"]
    assert kelurahan and all(k["level"] in ("kelurahan", "desa") for k in kelurahan)
    missing = jakarta.get("/areas?parent=99.99")
    assert missing.status_code == 404 and json.loads(missing.body)["error"]["code"] == "unknown_area"
