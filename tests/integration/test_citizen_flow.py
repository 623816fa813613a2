"""A citizen submits, the route handler routes, the citizen tracks: through the API and real queues (moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang besar di depan SDN 01, membahayakan pengendara motor.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "address": "Jl. Tebet Raya No. 10",
    "reporter": {"name": "Siti Aminah", "phone": "081234567890", "email": "siti@example.id"},
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def test_submitted_report_is_routed_and_tracked(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    # Given a citizen submits a road report in Jakarta Selatan
    created = jakarta.post("/reports", ROAD)
    assert created.status_code == 201, created.body
    body = json.loads(created.body)
    assert body["id"].startswith("31-") and body["status"]["code"] == "MENUNGGU" and body["secret"]
    # When the route handler consumes the intake queue
    provinces.settle()
    # Then the status shows the Suku Dinas, its deadlines and the timeline
    status = json.loads(jakarta.get(f"/reports/{body['id']}").body)
    assert status["status"] == {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"}
    assert status["agency"]["id"] == "sudin-bm-js"
    assert status["deadlines"]["coordinate_by"] and status["deadlines"]["finish_by"]
    assert [e["action"] for e in status["timeline"]] == ["submit", "route"]
    # And neither the reporter's contact nor (for a private report) its content is shown
    text = json.dumps(status)
    assert "Siti" not in text and "081234567890" not in text and "example.id" not in text
    assert "description" not in status


def test_secret_holder_sees_the_content_of_a_private_report(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    body = json.loads(jakarta.post("/reports", ROAD).body)
    view = json.loads(jakarta.get(f"/reports/{body['id']}", headers={"X-Report-Secret": body["secret"]}).body)
    assert view["description"] == ROAD["description"]
    wrong = json.loads(jakarta.get(f"/reports/{body['id']}", headers={"X-Report-Secret": "nope"}).body)
    assert "description" not in wrong


def test_public_report_shows_its_content_to_anyone(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    body = json.loads(jakarta.post("/reports", {**ROAD, "visibility": "public"}).body)
    view = json.loads(jakarta.get(f"/reports/{body['id']}").body)
    assert view["description"] == ROAD["description"] and view["visibility"] == "public"
    assert "Siti" not in json.dumps(view)


def test_report_about_kota_tangerang_is_kept_in_jakarta_and_handed_to_banten(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    garbage = {
        **ROAD,
        "category": "sampah",
        "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    }
    body = json.loads(jakarta.post("/reports", garbage).body)
    assert body["id"].startswith("31-")
    provinces.settle()
    status = json.loads(jakarta.get(f"/reports/{body['id']}").body)
    assert status["escalated_to"] == "36"
    assert status["agency"]["province"] == "36"
    assert [e["province"]["code"] for e in status["timeline"]] == ["31", "31", "36"]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ("{not json", 400, "invalid_json"),
        ("", 400, "empty_body"),
        ({**ROAD, "category": "ufo"}, 422, "unknown_category"),
        ({**ROAD, "location": {"lat": -6.2, "lon": 106.8, "area_code": "33.74.01"}}, 422, "unknown_area"),
        ({**ROAD, "location": {"lat": -6.2, "lon": 106.8, "area_code": "31.99.99"}}, 422, "unknown_area"),
        ({**ROAD, "description": "x" * 4001}, 422, "validation_error"),
        ({**ROAD, "description": ""}, 422, "validation_error"),
        (
            {**ROAD, "location": {"lat": "-6.2", "lon": 106.8, "area_code": "31.74.01"}},
            422,
            "validation_error",
        ),
        (
            {**ROAD, "location": {"lat": 3.59, "lon": 98.67, "area_code": "31.74.01"}},
            422,
            "location_mismatch",
        ),
        ({**ROAD, "visibility": "secret"}, 422, "validation_error"),
        ({**ROAD, "extra": 1}, 422, "validation_error"),
        ([1, 2, 3], 422, "validation_error"),
        ({**ROAD, "reporter": {"email": "not-an-email"}}, 422, "validation_error"),
    ],
)
def test_bad_input_gets_a_clear_4xx_never_a_500(
    provinces: World, payload: object, status: int, code: str
) -> None:
    response = provinces["jakarta"].post("/reports", payload)
    assert response.status_code == status, response.body
    error = json.loads(response.body)["error"]
    assert error["code"] == code and error["message"]


def test_unknown_report_and_other_provinces_ids_are_404_with_a_code(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    assert json.loads(jakarta.get("/reports/31-261127-ZZZZ").body)["error"]["code"] == "report_not_found"
    other = jakarta.get("/reports/36-261127-ABCD")
    assert other.status_code == 404
    assert json.loads(other.body)["error"]["details"] == {"province": "36"}
    assert json.loads(jakarta.get("/reports/hello").body)["error"]["code"] == "invalid_report_id"


def test_categories_and_health_per_province(provinces: World) -> None:
    for stage, code in (("jakarta", "31"), ("banten", "36")):
        health = json.loads(provinces[stage].get("/health").body)
        assert health["province"] == code
        names = {
            c["code"]: c["name"] for c in json.loads(provinces[stage].get("/categories").body)["categories"]
        }
        assert names["banjir"] == "Banjir/Genangan" and len(names) >= 11


def test_idempotency_key_returns_the_same_report_and_rejects_a_different_body(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    first = jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-7f3a"})
    again = jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-7f3a"})
    assert json.loads(first.body) == json.loads(again.body)
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = jakarta.post("/reports", {**ROAD, "description": "lain"}, {"Idempotency-Key": "form-7f3a"})
    assert other.status_code == 409 and json.loads(other.body)["error"]["code"] == "idempotency_key_reused"


def test_a_key_whose_report_went_missing_stores_the_report_again_under_the_same_id(provinces: World) -> None:
    import boto3

    jakarta = provinces["jakarta"]
    first = json.loads(jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-repair-1"}).body)
    # Given the store lost the report but kept the key's record (moto's rollback under concurrent retries)
    boto3.client("dynamodb").delete_item(TableName="aduan-reports", Key={"pk": {"S": first["id"]}})
    # When the client retries with the same key and body
    again = jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-repair-1"})
    # Then it gets the same id and secret, and the report exists again and is routed
    assert again.status_code == 201 and json.loads(again.body) == first
    provinces.settle()
    assert json.loads(jakarta.get(f"/reports/{first['id']}").body)["status"]["code"] == "DISPOSISI"


def test_a_claimed_key_whose_drawn_id_is_taken_moves_to_a_new_id(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    from chalicelib.domain import ids, private
    from chalicelib.services import intake

    jakarta = provinces["jakarta"]
    # Given an anonymous report already holds an id
    taken = json.loads(jakarta.post("/reports", {**ROAD, "reporter": None}).body)["id"]
    # When a submission with an Idempotency-Key first draws that same id
    drawn = iter([taken])
    monkeypatch.setattr(
        intake, "new_report_id", lambda province, now: next(drawn, None) or ids.new_report_id(province, now)
    )
    created = jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-collide-1"})
    # Then it is stored under a new id, the existing report is untouched, and the key names the new id
    assert created.status_code == 201, created.body
    body = json.loads(created.body)
    assert body["id"] != taken
    dynamodb = boto3.client("dynamodb")
    key = f"31#idem#{private.hash_idempotency_key('form-collide-1')}"
    record = dynamodb.get_item(TableName="aduan-private", Key={"pk": {"S": key}}, ConsistentRead=True)
    assert record["Item"]["rid"]["S"] == body["id"]
    old = json.loads(jakarta.get(f"/reports/{taken}").body)
    assert old["id"] == taken and "description" not in old  # still the other (private) report
    # And a retry gets the moved report, with the same secret
    again = jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-collide-1"})
    assert json.loads(again.body) == body


def test_a_key_whose_id_now_holds_another_report_is_stored_again_elsewhere(provinces: World) -> None:
    import boto3

    jakarta = provinces["jakarta"]
    first = json.loads(jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-owner-1"}).body)
    # Given the key's first attempt stopped after its claim, and another report took that id meanwhile
    dynamodb = boto3.client("dynamodb")
    dynamodb.delete_item(TableName="aduan-reports", Key={"pk": {"S": first["id"]}})
    other = json.loads(jakarta.post("/reports", {**ROAD, "reporter": None}).body)
    item = dynamodb.get_item(TableName="aduan-reports", Key={"pk": {"S": other["id"]}})["Item"]
    dynamodb.delete_item(TableName="aduan-reports", Key={"pk": {"S": other["id"]}})
    dynamodb.put_item(TableName="aduan-reports", Item={**item, "pk": {"S": first["id"]}})
    # When the client retries with the same key
    again = jakarta.post("/reports", ROAD, {"Idempotency-Key": "form-owner-1"})
    # Then it gets its own secret and a report of its own, not the other one
    body = json.loads(again.body)
    assert again.status_code == 201 and body["secret"] == first["secret"] and body["id"] != first["id"]
    mine = json.loads(jakarta.get(f"/reports/{body['id']}", {"X-Report-Secret": body["secret"]}).body)
    assert mine["description"] == ROAD["description"]


def test_answers_holding_the_secret_or_private_words_are_never_stored_by_a_cache(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    # Given a private report's answer, which holds its secret
    created = jakarta.post("/reports", ROAD)
    secret = json.loads(created.body)["secret"]
    # When it and the secret holder's view of the report are answered
    view = jakarta.get(f"/reports/{json.loads(created.body)['id']}", headers={"X-Report-Secret": secret})
    assert json.loads(view.body)["description"] == ROAD["description"]
    # Then neither may be kept by a browser's or a proxy's cache (a shared phone, an office proxy)
    assert created.headers["Cache-Control"] == "no-store"
    assert view.headers["Cache-Control"] == "no-store"
    # And the public area list, the same for everyone, is still cached for an hour
    assert jakarta.get("/areas").headers["Cache-Control"] == "public, max-age=3600"
