"""Reports on a map: what is already reported nearby, and support instead of a duplicate report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from chalicelib.api import ratelimit
from chalicelib.config import settings
from chalicelib.data.backfill import backfill_geo
from cli.main import app as cli_app
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

FLOOD = {
    "category": "banjir",
    "description": "Banjir setinggi lutut di Jl. Kemang Raya, rahasia-pelapor-XYZ.",
    "location": {"lat": -6.2601, "lon": 106.8134, "area_code": "31.74.01"},
    "reporter": {"name": "Budi Santoso", "phone": "081298765432"},
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _submit(provinces: World, report: dict[str, Any], stage: str = "jakarta") -> str:
    created = provinces[stage].post("/reports", report)
    assert created.status_code == 201, created.body
    return str(json.loads(created.body)["id"])


def _nearby(provinces: World, query: str, stage: str = "jakarta") -> dict[str, Any]:
    response = provinces[stage].get(f"/reports/nearby?{query}")
    assert response.status_code == 200, response.body
    return dict(json.loads(response.body))


def test_nearby_lists_open_reports_within_the_radius_nearest_first(provinces: World) -> None:
    here = {"lat": -6.3001, "lon": 106.8401, "area_code": "31.74.01"}
    near = _submit(provinces, {**FLOOD, "visibility": "public", "location": here})
    farther = {**here, "lat": -6.3004}  # about 33 m south
    second = _submit(provinces, {**FLOOD, "visibility": "public", "location": farther})
    away = {**here, "lat": -6.3101}  # about 1.1 km south: outside
    _submit(provinces, {**FLOOD, "visibility": "public", "location": away})
    provinces.settle()
    found = _nearby(provinces, "lat=-6.3001&lon=106.8401&radius=100")
    assert [item["id"] for item in found["items"]] == [near, second]
    first = found["items"][0]
    assert first["distance_m"] == 0 and first["support_count"] == 0 and first["category"] == "banjir"
    assert first["status"]["code"] in ("MENUNGGU", "DISPOSISI")
    assert _nearby(provinces, "lat=-6.3001&lon=106.8401&radius=100&category=sampah")["items"] == []
    assert _nearby(provinces, "lat=-6.3001&lon=106.8401")["radius_m"] == 50


def test_a_category_the_province_does_not_have_is_a_422_naming_the_valid_ones(provinces: World) -> None:
    # A typo, or another province's own category, is not an empty answer: the client is told
    for path in (
        "/reports/nearby?lat=-6.3001&lon=106.8401&category=sampahh",
        "/reports/map?south=-6.37&west=106.76&north=-6.35&east=106.82&category=sampahh",
    ):
        refused = provinces["jakarta"].get(path)
        assert refused.status_code == 422, refused.body
        error = json.loads(refused.body)["error"]
        assert error["code"] == "unknown_category" and "sampah" in error["details"]["valid"]


def test_a_query_parameter_given_twice_is_a_400_never_first_or_last_wins(provinces: World) -> None:
    # A proxy or client library in front of Aduan may read the other copy: neither is picked
    for path, headers in (
        ("/reports/nearby?lat=-6.3001&lon=106.8401&lat=6.3", {}),
        ("/reports/map?south=-6.37&west=106.76&north=-6.35&east=106.82&category=banjir&category=sampah", {}),
        ("/agency/reports?status=PROSES&status=SELESAI", provinces["jakarta"].token("sudin-bm-js")),
        ("/open311/v2/requests.json?status=open&status=closed", {}),
    ):
        refused = provinces["jakarta"].get(path, headers)
        assert refused.status_code == 400, (path, refused.body)
        assert b"given more than once" in refused.body, path
        assert path.startswith("/open311/") or json.loads(refused.body)["error"]["code"] == "repeated_field"


def test_private_reports_nearby_show_only_category_status_and_a_rounded_place(provinces: World) -> None:
    place = {"lat": -6.31234, "lon": 106.85678, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    provinces.settle()
    found = _nearby(provinces, "lat=-6.3123&lon=106.8568&radius=200")
    [item] = found["items"]
    assert item["location"] == {"lat": -6.312, "lon": 106.857}
    # and a token to support it by (test_a_private_report_nearby_is_supported_by_its_token_...)
    assert set(item) == {"category", "status", "location", "distance_m", "visibility", "support_token"}
    text = json.dumps(found)
    assert report_id not in text and "Kemang" not in text and "rahasia" not in text and "Budi" not in text


def test_closed_reports_leave_the_map(provinces: World) -> None:
    place = {"lat": -6.3301, "lon": 106.8201, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "visibility": "public", "location": place})
    provinces.settle()
    assert [i["id"] for i in _nearby(provinces, "lat=-6.3301&lon=106.8201")["items"]] == [report_id]
    jakarta = provinces["jakarta"]
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    rejected = jakarta.post(
        f"/agency/reports/{report_id}/actions/reject", {"note": "Bukan wewenang"}, jakarta.token(agency)
    )
    assert rejected.status_code == 200, rejected.body
    assert _nearby(provinces, "lat=-6.3301&lon=106.8201")["items"] == []


def test_a_point_in_banten_seen_from_jakarta_and_from_banten(provinces: World) -> None:
    tangerang = {"lat": -6.1837, "lon": 106.6429, "area_code": "36.71.01"}
    report_id = _submit(provinces, {**FLOOD, "visibility": "public", "location": tangerang})
    provinces.settle()
    query = "lat=-6.1837&lon=106.6429&radius=30"
    assert report_id in {i.get("id") for i in _nearby(provinces, query)["items"]}  # Jakarta's own, escalated
    seen_there = _nearby(provinces, query, stage="banten")["items"]
    assert report_id in {i.get("id") for i in seen_there}  # Banten's copy of it
    assert sum(i.get("id") == report_id for i in seen_there) == 1


def test_nearby_refuses_odd_input(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    assert jakarta.get("/reports/nearby?lat=abc&lon=106.8").status_code == 422
    assert jakarta.get("/reports/nearby?lat=-6.2").status_code == 422
    assert jakarta.get("/reports/nearby?lat=-6.2&lon=106.8&radius=5000").status_code == 422
    assert jakarta.get("/reports/nearby?lat=95&lon=106.8").status_code == 422


def test_support_counts_once_per_device_and_shows_on_the_report_and_inbox(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.3401, "lon": 106.8301, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    provinces.settle()
    first = jakarta.post(f"/reports/{report_id}/support", {"device": "device-aaaa-0001"})
    assert first.status_code == 200, first.body
    assert json.loads(first.body)["support_count"] == 1 and json.loads(first.body)["support_added"]
    again = json.loads(jakarta.post(f"/reports/{report_id}/support", {"device": "device-aaaa-0001"}).body)
    assert again["support_count"] == 1 and not again["support_added"]
    by_key = jakarta.post(f"/reports/{report_id}/support", {}, {"Idempotency-Key": "another-phone-42"})
    assert json.loads(by_key.body)["support_count"] == 2
    assert "description" not in json.loads(by_key.body)  # still a private report
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["support_count"] == 2
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    inbox = json.loads(jakarta.get("/agency/reports", jakarta.token(agency)).body)
    [row] = [r for r in inbox["items"] if r["id"] == report_id]
    assert row["support_count"] == 2
    missing = jakarta.post(f"/reports/{report_id}/support", {})
    assert missing.status_code == 422 and "supporter_required" in missing.body.decode()


def test_support_of_a_closed_report_is_refused(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.3501, "lon": 106.8301, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    provinces.settle()
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    reject = f"/agency/reports/{report_id}/actions/reject"
    jakarta.post(reject, {"note": "Bukan wewenang"}, jakarta.token(agency))
    refused = jakarta.post(f"/reports/{report_id}/support", {"device": "device-bbbb-0002"})
    assert refused.status_code == 409 and "report_closed" in refused.body.decode()


def test_backfill_puts_open_reports_stored_before_the_index_on_the_map(provinces: World) -> None:
    place = {"lat": -6.3601, "lon": 106.8301, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "visibility": "public", "location": place})
    provinces.settle()
    dynamodb, table = boto3.client("dynamodb"), settings().reports_table
    dynamodb.update_item(TableName=table, Key={"pk": {"S": report_id}}, UpdateExpression="REMOVE gh, gk")
    assert _nearby(provinces, "lat=-6.3601&lon=106.8301")["items"] == []
    assert backfill_geo(dynamodb, table, "31") >= 1
    assert [i["id"] for i in _nearby(provinces, "lat=-6.3601&lon=106.8301")["items"]] == [report_id]
    again = CliRunner().invoke(cli_app, ["backfill", "geo", "--stage", "jakarta", "--table", table])
    assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output


def test_support_is_rate_limited_per_address(provinces: World, monkeypatch: pytest.MonkeyPatch) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.3701, "lon": 106.8301, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    monkeypatch.setenv("ADUAN_SUPPORT_RATE_PER_MINUTE", "1")
    monkeypatch.setenv("ADUAN_SUPPORT_BURST", "2")
    ratelimit.buckets.clear()
    try:
        codes = [
            jakarta.post(f"/reports/{report_id}/support", {"device": f"device-rate-{n:04d}"}).status_code
            for n in range(3)
        ]
    finally:
        ratelimit.buckets.clear()
    assert codes == [200, 200, 429]
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["support_count"] == 2


def test_reports_on_both_sides_of_a_cell_edge_are_found(provinces: World) -> None:
    from chalicelib.domain import geo

    south, north, _, east = geo.bounds(geo.encode(-6.3801, 106.8301, 7))
    middle = (south + north) / 2
    sides = [
        _submit(
            provinces,
            {
                **FLOOD,
                "visibility": "public",
                "location": {"lat": middle, "lon": lon, "area_code": "31.74.01"},
            },
        )
        for lon in (east - 0.0001, east + 0.0001)  # about 11 m either side of the edge
    ]
    provinces.settle()
    found = _nearby(provinces, f"lat={middle:.7f}&lon={east:.7f}&radius=30")
    assert sorted(i["id"] for i in found["items"]) == sorted(sides)


def _private_row(provinces: World, query: str) -> dict[str, Any]:
    [row] = [i for i in _nearby(provinces, query)["items"] if i["visibility"] == "private"]
    return row


def test_a_private_report_nearby_is_supported_by_its_token_which_tells_nothing_else(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.39234, "lon": 106.85678, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    public_id = _submit(provinces, {**FLOOD, "visibility": "public", "location": {**place, "lat": -6.3925}})
    provinces.settle()
    query = "lat=-6.3923&lon=106.8568&radius=100"
    listing = _nearby(provinces, query)
    row = _private_row(provinces, query)
    # The private row: its category, status, rounded place, and a token; never its id, key or content
    assert set(row) == {"category", "status", "location", "distance_m", "visibility", "support_token"}
    text = json.dumps(listing)
    assert report_id not in text and report_id[3:] not in text and "Kemang" not in text and "Budi" not in text
    [public] = [i for i in listing["items"] if i.get("id") == public_id]
    assert "support_token" not in public  # a public report is supported by its id
    again = _private_row(provinces, query)["support_token"]
    assert again != row["support_token"]  # no token identifies the report across listings
    box = "south=-6.40&west=106.85&north=-6.38&east=106.87"
    assert "support_token" not in jakarta.get(f"/reports/map?{box}").body.decode()  # nearby only

    # A support by token answers only whether it was counted: no id, status, count or content
    first = jakarta.post(
        "/reports/nearby/support", {"token": row["support_token"], "device": "device-tok-0001"}
    )
    assert first.status_code == 200, first.body
    assert json.loads(first.body) == {"support_added": True}
    assert report_id not in first.body.decode()
    repeat = jakarta.post("/reports/nearby/support", {"token": again, "device": "device-tok-0001"})
    assert json.loads(repeat.body) == {"support_added": False}  # once per supporter, whichever listing
    by_id = jakarta.post(f"/reports/{report_id}/support", {"device": "device-tok-0001"})
    assert json.loads(by_id.body)["support_added"] is False  # once per supporter, whichever way
    by_key = jakarta.post(
        "/reports/nearby/support", {"token": again}, {"Idempotency-Key": "another-phone-77"}
    )
    assert json.loads(by_key.body) == {"support_added": True}
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["support_count"] == 2
    assert json.loads(jakarta.get(f"/reports/{public_id}").body)["support_count"] == 0

    # A token opens nothing else: not as an id, not changed, not at another province's API
    token = row["support_token"]
    as_id = jakarta.post(f"/reports/{token}/support", {"device": "device-tok-0002"})
    assert as_id.status_code == 404 and report_id not in as_id.body.decode()
    assert jakarta.get(f"/reports/{token}").status_code == 404
    changed = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for refused in (
        jakarta.post("/reports/nearby/support", {"token": changed, "device": "device-tok-0003"}),
        jakarta.post("/reports/nearby/support", {"token": "A" * 123, "device": "device-tok-0003"}),
        provinces["banten"].post("/reports/nearby/support", {"token": token, "device": "device-tok-0003"}),
    ):
        assert refused.status_code == 404, refused.body
        error = json.loads(refused.body)["error"]
        assert error["code"] == "support_token_gone" and "details" not in error
        assert report_id not in refused.body.decode()
    missing = jakarta.post("/reports/nearby/support", {"token": token})
    assert missing.status_code == 422 and "supporter_required" in missing.body.decode()
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["support_count"] == 2


def test_a_closed_private_report_s_token_is_refused_without_its_details(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.38234, "lon": 106.81678, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    provinces.settle()
    token = _private_row(provinces, "lat=-6.3823&lon=106.8168&radius=100")["support_token"]
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    jakarta.post(
        f"/agency/reports/{report_id}/actions/reject", {"note": "Bukan wewenang"}, jakarta.token(agency)
    )
    refused = jakarta.post("/reports/nearby/support", {"token": token, "device": "device-tok-0004"})
    assert refused.status_code == 409, refused.body
    error = json.loads(refused.body)["error"]
    assert (
        error["code"] == "report_closed" and "details" not in error and report_id not in refused.body.decode()
    )


def _device_token(provinces: World, stage: str = "jakarta") -> dict[str, str]:
    minted = provinces[stage].post("/devices", {})
    assert minted.status_code == 201, minted.body
    return {"X-Device-Token": json.loads(minted.body)["token"]}


def test_one_device_token_supports_a_report_once_whatever_device_ids_it_sends(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.33123, "lon": 106.85678, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "visibility": "public", "location": place})
    private_id = _submit(provinces, {**FLOOD, "location": {**place, "lat": -6.3314}})
    provinces.settle()
    phone = _device_token(provinces)
    support = f"/reports/{report_id}/support"
    first = json.loads(jakarta.post(support, {"device": "web-phone-0001"}, phone).body)
    assert first["support_added"] and first["support_count"] == 1
    # The same phone (its token) with another made-up id, or an Idempotency-Key instead: not again
    for body, more in (({"device": "web-phone-0002"}, {}), ({}, {"Idempotency-Key": "fresh-key-0003"})):
        again = json.loads(jakarta.post(support, body, {**phone, **more}).body)
        assert again["support_count"] == 1 and not again["support_added"], again
    # The same id from a new token (the phone's token renewed): still once
    renewed = json.loads(jakarta.post(support, {"device": "web-phone-0001"}, _device_token(provinces)).body)
    assert renewed["support_count"] == 1 and not renewed["support_added"]
    # Another phone counts
    other = json.loads(jakarta.post(support, {"device": "web-phone-0004"}, _device_token(provinces)).body)
    assert other["support_count"] == 2 and other["support_added"]
    # A private report's row token: the same rule
    token = _private_row(provinces, "lat=-6.3314&lon=106.8568&radius=150")["support_token"]
    listed = "/reports/nearby/support"
    assert json.loads(jakarta.post(listed, {"token": token, "device": "web-phone-0005"}, phone).body) == {
        "support_added": True
    }
    twice = jakarta.post(listed, {"token": token, "device": "web-phone-0006"}, phone)
    assert json.loads(twice.body) == {"support_added": False}
    assert json.loads(jakarta.get(f"/reports/{private_id}").body)["support_count"] == 1


def test_support_is_limited_per_device_not_per_shared_address(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    jakarta = provinces["jakarta"]
    place = {"lat": -6.3212, "lon": 106.8301, "area_code": "31.74.01"}
    report_id = _submit(provinces, {**FLOOD, "location": place})
    phones = [_device_token(provinces) for _ in range(4)]
    monkeypatch.setenv("ADUAN_SUPPORT_RATE_PER_MINUTE", "1")
    monkeypatch.setenv("ADUAN_SUPPORT_BURST", "2")
    monkeypatch.setenv("ADUAN_SUPPORT_DEVICE_RATE_PER_MINUTE", "1")
    monkeypatch.setenv("ADUAN_SUPPORT_DEVICE_BURST", "2")
    ratelimit.buckets.clear()
    support = f"/reports/{report_id}/support"
    try:
        # Four phones behind one carrier address (every test request comes from one): each is served
        crowd = [jakarta.post(support, {"device": f"web-crowd-{n}"}, phone) for n, phone in enumerate(phones)]
        # ... and one phone pressing on is slowed by its own bucket
        hammer = [jakarta.post(support, {"device": "web-crowd-0"}, phones[0]) for _ in range(2)]
    finally:
        ratelimit.buckets.clear()
    assert [r.status_code for r in crowd] == [200, 200, 200, 200]
    assert [r.status_code for r in hammer] == [200, 429]
    assert json.loads(hammer[1].body)["error"]["details"]["limit"] == "support_device"
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["support_count"] == 4


def test_nearby_says_when_it_lists_fewer_than_there_are(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three open reports within 50 m of a point, in one cell of the read
    from chalicelib.services import nearby

    here = {"lat": -6.2401, "lon": 106.8801, "area_code": "31.74.01"}
    for lat in (-6.2401, -6.2402, -6.2403):
        _submit(provinces, {**FLOOD, "visibility": "public", "location": {**here, "lat": lat}})
    provinces.settle()
    query = "lat=-6.2401&lon=106.8801&radius=50"
    assert _nearby(provinces, query)["truncated"] is False
    # When the answer's cap is two, the list is cut and says so (as the map's answer does)
    monkeypatch.setattr(nearby, "MAX_RESULTS", 2)
    cut = _nearby(provinces, query)
    assert len(cut["items"]) == 2 and cut["truncated"] is True
    # and when a cell's read gives its whole cap, there may be more in it
    monkeypatch.setattr(nearby, "MAX_RESULTS", 50)
    monkeypatch.setattr(nearby, "PER_CELL", 1)
    assert _nearby(provinces, query)["truncated"] is True


def test_private_reports_nearby_are_ordered_by_nothing_of_when_they_were_filed(provinces: World) -> None:
    # Given private reports filed one after another at one rounded place (so as far from any point)
    place = {"lat": -6.33111, "lon": 106.86222, "area_code": "31.74.01"}
    # (five, told apart by category: an order by anything else matches the hashes' once in 120)
    categories = ("banjir", "sampah", "jalan_rusak", "pohon", "trotoar")
    ids = [_submit(provinces, {**FLOOD, "category": c, "location": place}) for c in categories]
    provinces.settle()
    # Then they are listed by a hash of their key, not by their keys (whose dates follow the filing)
    found = _nearby(provinces, "lat=-6.3311&lon=106.8622&radius=50")
    by_hash = sorted(zip(ids, categories, strict=True), key=lambda p: _sha(p[0]))
    assert [item["category"] for item in found["items"]] == [category for _, category in by_hash]


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()
