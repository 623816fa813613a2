"""Reports on a map: the public map's viewport read, the areas at a point, the inbox ranked by support."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from chalicelib.api import ratelimit
from chalicelib.config import settings
from chalicelib.data.backfill import backfill_support
from chalicelib.services.nearby import MAP_MAX_SPAN_DEG
from cli.main import app as cli_app
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

ROAD = {
    "category": "jalan_rusak",
    "description": "Lubang besar di Jl. Moh. Kahfi, rahasia-peta-QRS.",
    "location": {"lat": -6.3601, "lon": 106.7701, "area_code": "31.74.01"},
    "reporter": {"name": "Sari Wulandari", "phone": "081311112222"},
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _submit(provinces: World, report: dict[str, Any]) -> str:
    created = provinces["jakarta"].post("/reports", report)
    assert created.status_code == 201, created.body
    return str(json.loads(created.body)["id"])


def _map(provinces: World, query: str) -> Any:
    return provinces["jakarta"].get(f"/reports/map?{query}")


def test_the_map_lists_open_reports_in_the_viewport_newest_first(provinces: World) -> None:
    older = _submit(provinces, {**ROAD, "visibility": "public"})
    east = {**ROAD["location"], "lon": 106.8101}  # about 4.4 km east: another 5-character cell
    newer = _submit(provinces, {**ROAD, "visibility": "public", "location": east})
    outside = {**ROAD["location"], "lat": -6.3901}  # south of the viewport
    _submit(provinces, {**ROAD, "visibility": "public", "location": outside})
    private = _submit(provinces, {**ROAD, "location": {**ROAD["location"], "lat": -6.36234}})
    provinces.settle()
    response = _map(provinces, "south=-6.37&west=106.76&north=-6.35&east=106.82")
    assert response.status_code == 200, response.body
    body = json.loads(response.body)
    assert body["clipped"] is False and body["viewport"] == {
        "south": -6.37, "west": 106.76, "north": -6.35, "east": 106.82,
    }  # fmt: skip
    public = [item["id"] for item in body["items"] if item["visibility"] == "public"]
    assert public == [newer, older]
    [hidden] = [item for item in body["items"] if item["visibility"] == "private"]
    assert set(hidden) == {"category", "status", "location", "distance_m", "visibility"}
    assert hidden["location"] == {"lat": -6.362, "lon": 106.77}
    text = json.dumps(body)
    assert private not in text and "rahasia" not in text and "Sari" not in text and "Kahfi" not in text
    only_trash = _map(provinces, "south=-6.37&west=106.76&north=-6.35&east=106.82&category=sampah")
    assert json.loads(only_trash.body)["items"] == []


def test_private_reports_on_the_map_come_after_every_public_one(provinces: World) -> None:
    # Given a public report, then a private one, then another public one, in one view
    place = {**ROAD["location"], "lat": -6.2201, "lon": 106.7301}
    older = _submit(provinces, {**ROAD, "visibility": "public", "location": place})
    _submit(provinces, {**ROAD, "location": {**place, "lat": -6.2211}})
    newer = _submit(provinces, {**ROAD, "visibility": "public", "location": {**place, "lat": -6.2221}})
    provinces.settle()
    body = json.loads(_map(provinces, "south=-6.23&west=106.72&north=-6.21&east=106.74").body)
    # Then the private one is listed last: its place among rows showing times tells nothing of its own
    assert [item.get("id", "private") for item in body["items"]] == [newer, older, "private"]


def test_a_large_viewport_is_cut_around_its_centre(provinces: World) -> None:
    response = _map(provinces, "south=-6.6&west=106.5&north=-6.0&east=107.1")
    assert response.status_code == 200, response.body
    body = json.loads(response.body)
    box = body["viewport"]
    assert body["clipped"] is True
    assert box["north"] - box["south"] == pytest.approx(MAP_MAX_SPAN_DEG)
    assert box["east"] - box["west"] == pytest.approx(MAP_MAX_SPAN_DEG)
    assert (box["north"] + box["south"]) / 2 == pytest.approx(-6.3)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("south=-6.3&west=106.8&north=-6.4&east=106.9", "invalid_viewport"),
        ("south=-6.4&west=106.9&north=-6.3&east=106.8", "invalid_viewport"),
        ("south=-96&west=106.8&north=-6.3&east=106.9", "invalid_south"),
        ("south=-6.4&west=106.8&north=-6.3", "validation_error"),
    ],
)
def test_a_bad_viewport_is_a_clear_422(provinces: World, query: str, code: str) -> None:
    response = _map(provinces, query)
    assert response.status_code == 422, response.body
    error = json.loads(response.body)["error"]
    assert error["code"] == code, error


def test_the_areas_at_a_point_follow_the_nearest_centroid(provinces: World) -> None:
    def chain(lat: float, lon: float) -> list[str]:
        response = provinces["jakarta"].get(f"/areas/at?lat={lat}&lon={lon}")
        assert response.status_code == 200, response.body
        body = json.loads(response.body)
        assert body["approximate"] is True
        return [item["code"] for item in body["items"]]

    assert chain(-6.2601, 106.8134) == ["31", "31.74"]  # Jakarta Selatan
    assert chain(-6.178, 106.631) == ["36", "36.71"]  # Kota Tangerang, Banten, seen from Jakarta's site
    assert chain(-6.915, 107.61) == ["32", "32.73"]  # Kota Bandung
    assert chain(1.0, 100.0) == []  # outside every province served
    assert provinces["jakarta"].get("/areas/at?lat=-95&lon=106").status_code == 422


def _inbox(province: Any, query: str, officer: dict[str, str]) -> list[dict[str, Any]]:
    """Every row of an inbox listing, page after page (each page full unless it is the last)."""
    rows: list[dict[str, Any]] = []
    cursor = ""
    while True:
        answer = province.get(f"/agency/reports?{query}&cursor={cursor}", officer)
        assert answer.status_code == 200, answer.body
        page = json.loads(answer.body)
        cursor = page.get("next_cursor") or ""
        if cursor:
            assert len(page["items"]) == int(query.split("limit=")[1].split("&")[0])
        rows += page["items"]
        if not cursor:
            return rows


def test_the_inbox_ranks_every_report_by_support_across_pages_and_places_each_report(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given four reports at one place with 3, 0, 2 and 1 supporters (the newest has 1)
    monkeypatch.setenv("ADUAN_SUPPORT_BURST", "100")
    ratelimit.buckets.clear()
    jakarta = provinces["jakarta"]
    place = {"lat": -6.3701, "lon": 106.7801, "area_code": "31.74.01"}
    ids = [
        _submit(
            provinces,
            {**ROAD, "visibility": "public", "location": {**place, "lat": place["lat"] - n / 10_000}},
        )
        for n in range(4)
    ]
    provinces.settle()
    for report_id, supporters in zip(ids, (3, 0, 2, 1), strict=True):
        for n in range(supporters):
            answer = jakarta.post(f"/reports/{report_id}/support", {"device": f"peta-device-{report_id}-{n}"})
            assert answer.status_code == 200, answer.body
    agency = json.loads(jakarta.get(f"/reports/{ids[0]}").body)["agency"]["id"]
    officer = jakarta.token(agency)
    # When the officer lists the inbox newest first, and most supported first, two rows a page
    newest = _inbox(jakarta, "limit=2", officer)
    ranked = _inbox(jakarta, "limit=2&sort=support", officer)
    # Then every report is in both, and the ranking holds across the pages, not within each
    assert sorted(i["key"] for i in ranked) == sorted(i["key"] for i in newest)
    counts = [item["support_count"] for item in ranked]
    assert counts == sorted(counts, reverse=True)
    order = [item["id"] for item in ranked]
    assert order.index(ids[0]) < order.index(ids[2]) < order.index(ids[3]) < order.index(ids[1])
    newest_ids = [item["id"] for item in newest]
    assert newest_ids.index(ids[3]) < newest_ids.index(ids[0])  # newest first without sort
    [row] = [item for item in ranked if item["id"] == ids[0]]
    assert row["support_count"] == 3 and row["location"] == {"lat": -6.3701, "lon": 106.7801}
    assert jakarta.get("/agency/reports?sort=votes", officer).status_code == 422

    # And with a status, the ranking keeps only reports of that status: the one taken (Proses)
    [second] = [item["key"] for item in ranked if item["id"] == ids[2]]
    assert jakarta.act(second, "take", agency).status_code == 200
    taken = _inbox(jakarta, "limit=2&sort=support&status=proses", officer)
    assert [i["id"] for i in taken if i["id"] in ids] == [ids[2]]
    assert {i["status"]["code"] for i in taken} == {"PROSES"}
    assert jakarta.get("/agency/reports?sort=support&cursor=bm90LWEtY3Vyc29y", officer).status_code == 422


def test_reports_stored_without_a_support_count_join_the_ranking_after_the_backfill(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    report_id = _submit(
        provinces, {**ROAD, "location": {"lat": -6.3711, "lon": 106.7811, "area_code": "31.74.01"}}
    )
    provinces.settle()
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    officer = jakarta.token(agency)
    dynamodb, table = boto3.client("dynamodb"), settings().reports_table
    dynamodb.update_item(TableName=table, Key={"pk": {"S": report_id}}, UpdateExpression="REMOVE su")
    assert report_id not in [i["id"] for i in _inbox(jakarta, "limit=50&sort=support", officer)]
    assert backfill_support(dynamodb, table, "31") >= 1
    assert report_id in [i["id"] for i in _inbox(jakarta, "limit=50&sort=support", officer)]
    again = CliRunner().invoke(cli_app, ["backfill", "support", "--stage", "jakarta", "--table", table])
    assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output


def test_a_view_zoomed_into_a_busy_cell_shows_its_own_reports(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a 4.9 km partition (qquj0) holding more open reports than a cell's cap (3 here; 100 in use),
    # those in its south-west corner first in the index's order, and one report near its north-east corner
    from chalicelib.services import nearby

    monkeypatch.setattr(nearby, "MAP_PER_CELL", 3)
    crowd = [
        _submit(
            provinces,
            {**ROAD, "visibility": "public", "location": {**ROAD["location"], "lat": lat, "lon": lon}},
        )
        for lat, lon in ((-6.1520, 106.8755), (-6.1519, 106.8756), (-6.1518, 106.8757))
    ]
    target_place = {**ROAD["location"], "lat": -6.1110, "lon": 106.9160}
    target = _submit(provinces, {**ROAD, "visibility": "public", "location": target_place})
    provinces.settle()
    # When a phone's map is zoomed in around that report (about 440 m a side)
    response = _map(provinces, "south=-6.1130&west=106.9140&north=-6.1090&east=106.9180")
    # Then it is on the map: the view is read by its own small cells, not the partition's first three
    assert response.status_code == 200, response.body
    assert [item["id"] for item in json.loads(response.body)["items"]] == [target]
    assert json.loads(response.body)["truncated"] is False
    # and a view of the crowd's corner still shows the crowd
    corner = json.loads(_map(provinces, "south=-6.1525&west=106.8750&north=-6.1515&east=106.8760").body)
    assert sorted(item["id"] for item in corner["items"]) == sorted(crowd)
    # A view of the whole partition reads it whole, cut at its cap: the answer says there may be more
    wide = json.loads(_map(provinces, "south=-6.1530&west=106.8740&north=-6.1080&east=106.9200").body)
    assert target not in {item["id"] for item in wide["items"]}
    assert wide["truncated"] is True and wide["clipped"] is False
