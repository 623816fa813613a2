"""An officer merges a duplicate report into the original; a coordinator undoes a wrong merge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cli.devissuer import mint
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

FLOOD = {
    "category": "banjir",
    "description": "Banjir di Jl. Tebet Barat Dalam, air masuk rumah.",
    "location": {"lat": -6.2401, "lon": 106.8501, "area_code": "31.74.01"},
    "visibility": "public",
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _pair(provinces: World) -> tuple[str, str, str]:
    jakarta = provinces["jakarta"]
    original = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    duplicate = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    agency = json.loads(jakarta.get(f"/reports/{duplicate}").body)["agency"]["id"]
    return original, duplicate, agency


def _act(provinces: World, key: str, action: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return provinces["jakarta"].post(f"/agency/reports/{key}/actions/{action}", body, headers)


def test_merge_closes_the_duplicate_links_both_and_adds_supports(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    jakarta.post(f"/reports/{duplicate}/support", {"device": "device-cccc-0001"})
    jakarta.post(f"/reports/{original}/support", {"device": "device-cccc-0001"})
    officer = jakarta.token(agency)
    merged = _act(provinces, duplicate, "duplicate", {"of": original, "note": "Lokasi sama"}, officer)
    assert merged.status_code == 200, merged.body
    view = json.loads(merged.body)
    assert view["status"]["code"] == "DITOLAK" and view["closed"] and view["duplicate_of"] == original
    assert view["closed_reason"]["label"] == "Duplikat" and view["allowed_actions"] == []
    assert view["timeline"][-1]["action"] == "duplicate"
    first = json.loads(jakarta.get(f"/reports/{original}").body)
    assert "duplicates" not in first and first["duplicate_count"] == 1  # ids in the agency view only
    assert first["support_count"] == 1 + 1 + 1
    seen = json.loads(jakarta.get(f"/agency/reports/{original}", officer).body)
    assert seen["duplicates"] == [duplicate]
    # No one acts on the duplicate any more, and it leaves the map
    assert _act(provinces, duplicate, "take", {}, officer).status_code == 409
    again = jakarta.post(f"/reports/{duplicate}/support", {"device": "device-cccc-0002"})
    assert again.status_code == 409
    nearby = json.loads(jakarta.get("/reports/nearby?lat=-6.2401&lon=106.8501").body)["items"]
    assert duplicate not in {i.get("id") for i in nearby} and original in {i.get("id") for i in nearby}


def test_merge_reads_the_original_s_id_as_typed_in_lower_case_or_spaced(provinces: World) -> None:
    # Given the officer types the original's id as the citizen read it out (lower case, spaces, O for 0)
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    typed = original.lower().replace("-", " ").replace("0", "o")
    merged = _act(provinces, duplicate, "duplicate", {"of": f" {typed} "}, jakarta.token(agency))
    # Then the body's `of` is read as the path's key is: the original, under its own key
    assert merged.status_code == 200, merged.body
    assert json.loads(merged.body)["duplicate_of"] == original
    seen = json.loads(jakarta.get(f"/agency/reports/{original}", jakarta.token(agency)).body)
    assert seen["duplicates"] == [duplicate]
    # And what reads as no id at all is still refused in the schema's words
    refused = _act(provinces, original, "duplicate", {"of": "bukan-nomor"}, jakarta.token(agency))
    assert refused.status_code == 422 and "validation_error" in refused.body.decode()


def test_a_coordinator_undoes_a_wrong_merge(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    jakarta.post(f"/reports/{duplicate}/support", {"device": "device-dddd-0001"})
    assert _act(provinces, duplicate, "duplicate", {"of": original}, jakarta.token(agency)).status_code == 200
    refused = _act(provinces, duplicate, "unduplicate", {}, jakarta.token(agency))
    assert refused.status_code == 403 and "coordinator_only" in refused.body.decode()
    undone = _act(
        provinces, duplicate, "unduplicate", {"note": "Beda lokasi"}, jakarta.token("koordinator", "admin")
    )
    assert undone.status_code == 200, undone.body
    view = json.loads(undone.body)
    assert view["status"]["code"] == "DISPOSISI" and not view["closed"] and view["duplicate_of"] is None
    assert view["support_count"] == 1
    first = json.loads(jakarta.get(f"/reports/{original}").body)
    assert first["duplicate_count"] == 0 and first["support_count"] == 0
    assert _act(provinces, duplicate, "take", {}, jakarta.token(agency)).status_code == 200


def test_merge_refuses_itself_a_closed_original_and_a_missing_of(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    officer = jakarta.token(agency)
    assert _act(provinces, duplicate, "duplicate", {}, officer).status_code == 422
    assert _act(provinces, duplicate, "duplicate", {"of": duplicate}, officer).status_code == 409
    assert _act(provinces, original, "reject", {"note": "Bukan wewenang"}, officer).status_code == 200
    closed = _act(provinces, duplicate, "duplicate", {"of": original}, officer)
    assert closed.status_code == 409 and "original_closed" in closed.body.decode()
    still = json.loads(jakarta.get(f"/reports/{duplicate}").body)
    assert still["status"]["code"] == "DISPOSISI" and still["duplicate_of"] is None


def test_merge_is_idempotent_by_key(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    headers = {**jakarta.token(agency), "Idempotency-Key": "merge-once-1"}
    assert _act(provinces, duplicate, "duplicate", {"of": original}, headers).status_code == 200
    assert _act(provinces, duplicate, "duplicate", {"of": original}, headers).status_code == 200
    first = json.loads(jakarta.get(f"/reports/{original}").body)
    assert first["duplicate_count"] == 1 and first["support_count"] == 1


def test_an_idempotency_key_is_the_callers_and_of_one_body(provinces: World) -> None:
    """Another account's request with the same key is its own step (here refused by the state machine,
    the duplicate being closed), and the same account's key with another body is refused, not replayed."""
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    key = {"Idempotency-Key": "merge-mine-1"}
    merge = {"of": original, "note": "Lokasi sama"}
    assert _act(provinces, duplicate, "duplicate", merge, {**jakarta.token(agency), **key}).status_code == 200
    colleague = {"Authorization": f"Bearer {mint(jakarta.stage, agency, 'officer', claims={'sub': 'dev|b'})}"}
    theirs = _act(provinces, duplicate, "duplicate", merge, {**colleague, **key})
    assert theirs.status_code == 409 and json.loads(theirs.body)["error"]["code"] == "illegal_transition"
    other = _act(
        provinces, duplicate, "duplicate", {**merge, "note": "lain"}, {**jakarta.token(agency), **key}
    )
    assert other.status_code == 409 and json.loads(other.body)["error"]["code"] == "idempotency_key_reused"


def _merged_into_pusat(provinces: World) -> tuple[str, str, dict[str, str]]:
    """A Jakarta Selatan report the province's coordinator marked as a duplicate of one in Jakarta
    Pusat: the original's id, the duplicate's, and that coordinator's token."""
    jakarta = provinces["jakarta"]
    pusat = {**FLOOD, "location": {"lat": -6.1862, "lon": 106.8343, "area_code": "31.71.01"}}
    original = json.loads(jakarta.post("/reports", pusat).body)["id"]
    duplicate = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    province = jakarta.token("koordinator", "admin")
    assert _act(provinces, duplicate, "duplicate", {"of": original}, province).status_code == 200
    return original, duplicate, province


def test_a_coordinator_may_not_undo_a_merge_into_an_original_outside_their_area(provinces: World) -> None:
    """Given Jakarta Selatan's report marked (by the province) as a duplicate of one in Jakarta Pusat,
    when Jakarta Selatan's kota coordinator undoes it, then it is refused: the original changes too,
    and it lies outside their area."""
    jakarta = provinces["jakarta"]
    original, duplicate, province = _merged_into_pusat(provinces)
    before = json.loads(jakarta.get(f"/agency/reports/{original}", province).body)
    kota = jakarta.token("walkot-js", "coordinator")
    assert jakarta.get(f"/agency/reports/{original}", kota).status_code == 403
    refused = _act(provinces, duplicate, "unduplicate", {}, kota)
    assert refused.status_code == 403 and "outside_your_area" in refused.body.decode()
    after = json.loads(jakarta.get(f"/agency/reports/{original}", province).body)
    assert (after["version"], after["duplicates"]) == (before["version"], [duplicate])


def test_allowed_actions_offer_the_undo_of_a_merge_to_those_the_api_lets_undo_it(provinces: World) -> None:
    """Given a report merged as a duplicate (closed, Ditolak), when each reads it in the agency view, then
    "Batalkan duplikat" (``unduplicate``) is among its allowed actions exactly for those the API lets do it:
    the province's coordinator, not the officer, not a kota coordinator whose area excludes the original."""
    jakarta = provinces["jakarta"]
    original, duplicate, agency = _pair(provinces)
    assert _act(provinces, duplicate, "duplicate", {"of": original}, jakarta.token(agency)).status_code == 200

    def allowed(token: dict[str, str], key: str = duplicate) -> list[str]:
        return json.loads(jakarta.get(f"/agency/reports/{key}", token).body)["allowed_actions"]

    coordinator = jakarta.token("koordinator", "admin")
    assert allowed(coordinator) == ["unduplicate"]
    assert allowed(jakarta.token(agency)) == []  # the API answers it coordinator_only
    assert "unduplicate" not in allowed(coordinator, original)  # the original is no duplicate
    assert json.loads(jakarta.get(f"/reports/{duplicate}").body)["allowed_actions"] == []  # never citizens'
    # Jakarta Selatan's kota coordinator may act on this one (both lie in Tebet)...
    assert allowed(jakarta.token("walkot-js", "coordinator")) == ["unduplicate"]
    # ...and it is undone: the answer allows it no more
    undone = _act(provinces, duplicate, "unduplicate", {}, coordinator)
    assert undone.status_code == 200 and "unduplicate" not in json.loads(undone.body)["allowed_actions"]


def test_the_undo_is_not_offered_where_the_original_lies_outside_the_coordinator_s_area(
    provinces: World,
) -> None:
    jakarta = provinces["jakarta"]
    _, duplicate, province = _merged_into_pusat(provinces)
    kota = jakarta.token("walkot-js", "coordinator")
    seen = json.loads(jakarta.get(f"/agency/reports/{duplicate}", kota).body)
    assert seen["allowed_actions"] == []  # the API refuses it outside_your_area
    assert json.loads(jakarta.get(f"/agency/reports/{duplicate}", province).body)["allowed_actions"] == [
        "unduplicate"
    ]
