"""docs/openapi.json is the contract: it matches the routes, the builder, and what the API really answers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi

from chalicelib.api.openapi import document_text
from cli.devissuer import mint
from tests.integration.harness import Province, World, stage_app, world

pytestmark = pytest.mark.integration

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
DOC: dict[str, Any] = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang besar di depan SDN 01.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "reporter": {"name": "Siti Aminah", "phone": "081234567890"},
}
FLOOD_FORM = {
    "api_key": "dev-open311-key",
    "service_code": "banjir",
    "lat": "-6.2615",
    "long": "106.8106",
    "attribute[area_code]": "31.74.01",
    "attribute[visibility]": "public",
}
METHODS = {"get", "post", "put", "patch", "delete"}


def normalise(path: str) -> str:
    """A path with its parameter names erased: ``/reports/{report_id}`` -> ``/reports/{}``."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_published_document_is_what_the_builder_makes() -> None:
    assert DOCUMENT_PATH.read_text(encoding="utf-8") == document_text(), (
        "docs/openapi.json is stale: run `python -m chalicelib.api.openapi docs/openapi.json`"
    )


def test_document_is_valid_openapi_3_1() -> None:
    assert DOC["openapi"].startswith("3.1")
    validate_openapi(DOC)


@pytest.mark.parametrize("stage", ["jakarta", "banten"])
def test_every_route_is_documented_and_every_documented_operation_exists(stage: str) -> None:
    app = stage_app(stage)
    routes = {(normalise(path), method.lower()) for path, methods in app.routes.items() for method in methods}
    documented = {
        (normalise(path), method)
        for path, item in DOC["paths"].items()
        for method in item
        if method in METHODS
    }
    assert routes - documented == set(), "routes missing from docs/openapi.json"
    assert documented - routes == set(), "documented operations without a route"


def test_protected_routes_declare_bearer_auth() -> None:
    app = stage_app("jakarta")
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            [documented] = [item for p, item in DOC["paths"].items() if normalise(p) == normalise(path)]
            security = documented[method.lower()].get("security")
            assert (security == [{"bearerAuth": []}]) == (entry.authorizer is not None), (method, path)


# The routes limited per device token (``ratelimit.SCOPES_WITH_DEVICES``: submit, photos, support,
# nearby, links), each then crowd-sized per address.
DEVICE_LIMITED = {
    ("/reports", "post"),
    ("/photos", "post"),
    ("/reports/{}/support", "post"),
    ("/reports/nearby/support", "post"),
    ("/reports/nearby", "get"),
    ("/reports/map", "get"),
    ("/reports/{}/follow", "post"),
    ("/links/inspect", "post"),
    ("/links/confirm", "post"),
    ("/links/reopen", "post"),
    ("/links/unsubscribe", "post"),
    ("/links/unsubscribe/{}", "post"),
    ("/links/follow", "post"),
}


def test_exactly_the_routes_limited_per_device_declare_the_device_token() -> None:
    declared = {
        (normalise(path), method)
        for path, item in DOC["paths"].items()
        for method, operation in item.items()
        if method in METHODS
        and any(p.get("name") == "X-Device-Token" for p in operation.get("parameters", []))
    }
    assert declared == DEVICE_LIMITED


def _operation(template: str, method: str) -> dict[str, Any]:
    operation: dict[str, Any] = DOC["paths"][template][method.lower()]
    return operation


def assert_conforms(template: str, method: str, response: Any) -> Any:
    """Validate a response against the documented status, media type and JSON schema; return the body."""
    responses = _operation(template, method)["responses"]
    documented = responses.get(str(response.status_code))
    assert documented, (
        f"{method} {template}: status {response.status_code} undocumented ({response.body[:300]!r})"
    )
    # The test client leaves the gateway's own errors without a Content-Type; the gateway sends JSON.
    media_type = response.headers.get("Content-Type", "application/json").split(";")[0].strip()
    assert media_type in documented["content"], f"{method} {template}: {media_type} undocumented"
    if media_type != "application/json":
        return response.body
    body = json.loads(response.body)
    schema = {**documented["content"][media_type]["schema"], "components": DOC["components"]}
    errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(body), key=str)
    assert not errors, f"{method} {template} {response.status_code}: " + "; ".join(
        f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
    )
    return body


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _officer(stage: str, agency: str, role: str = "officer") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(stage, agency, role)}"}


def _form(province: Province, path: str, fields: dict[str, str]) -> Any:
    return province.client.http.post(
        path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body=urlencode(fields)
    )


def test_citizen_responses_match_the_document(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    for template in ("/health", "/categories", "/openapi.json"):
        assert_conforms(template, "GET", jakarta.get(template))
    if "/areas" in DOC["paths"]:
        assert_conforms("/areas", "GET", jakarta.get("/areas"))
        assert_conforms("/areas", "GET", jakarta.get("/areas?parent=31.74"))
        assert_conforms("/areas", "GET", jakarta.get("/areas?parent=99"))
    if "/photos" in DOC["paths"]:
        upload = assert_conforms(
            "/photos", "POST", jakarta.post("/photos", {"content_type": "image/jpeg", "size": 9})
        )
        assert upload["key"] and upload["upload"]["url"]
        assert_conforms("/photos", "POST", jakarta.post("/photos", {"content_type": "image/gif", "size": 9}))
    created = assert_conforms("/reports", "POST", jakarta.post("/reports", ROAD))
    assert_conforms("/reports", "POST", jakarta.post("/reports", {**ROAD, "category": "ufo"}))
    assert_conforms("/reports", "POST", jakarta.post("/reports", "{nope"))
    assert_conforms("/reports", "POST", jakarta.post("/reports", ROAD, {"Idempotency-Key": "x" * 129}))
    provinces.settle()
    private = assert_conforms("/reports/{report_id}", "GET", jakarta.get(f"/reports/{created['id']}"))
    assert "description" not in private
    full = assert_conforms(
        "/reports/{report_id}",
        "GET",
        jakarta.get(f"/reports/{created['id']}", {"X-Report-Secret": created["secret"]}),
    )
    assert full["description"] == ROAD["description"]
    assert_conforms("/reports/{report_id}", "GET", jakarta.get("/reports/31-261127-ZZZZ"))
    assert_conforms("/areas/at", "GET", jakarta.get("/areas/at?lat=-6.226&lon=106.853"))
    assert_conforms("/areas/at", "GET", jakarta.get("/areas/at?lat=-96&lon=106.853"))
    in_view = "/reports/map?south=-6.24&west=106.84&north=-6.21&east=106.87"
    assert assert_conforms("/reports/map", "GET", jakarta.get(in_view))["items"]
    assert_conforms(
        "/reports/map", "GET", jakarta.get("/reports/map?south=-6.2&west=106.84&north=-6.3&east=106.87")
    )


def test_agency_and_feedback_responses_match_the_document(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    officer = _officer("jakarta", "sudin-bm-js")
    first = json.loads(jakarta.post("/reports", ROAD).body)
    second = json.loads(jakarta.post("/reports", ROAD).body)
    provinces.settle()
    inbox = assert_conforms("/agency/reports", "GET", jakarta.get("/agency/reports?limit=5", officer))
    assert inbox["items"]
    assert_conforms("/agency/reports", "GET", jakarta.get("/agency/reports"))
    assert_conforms("/agency/reports", "GET", jakarta.get("/agency/reports?limit=0", officer))
    action = "/agency/reports/{key}/actions/{action}"
    for report in (first, second):
        key = quote(report["id"])
        assert_conforms("/agency/reports/{key}", "GET", jakarta.get(f"/agency/reports/{key}", officer))
        assert_conforms(action, "POST", jakarta.post(f"/agency/reports/{key}/actions/take", {}, officer))
        upload = jakarta.post(
            f"/agency/reports/{key}/evidence", {"content_type": "image/jpeg", "size": 1000}, officer
        )
        assert_conforms("/agency/reports/{key}/evidence", "POST", upload)
        resolved = jakarta.post(
            f"/agency/reports/{key}/actions/resolve",
            {"note": "Sudah ditambal.", **jakarta.evidence(report["id"], "sudin-bm-js")},
            officer,
        )
        assert_conforms(action, "POST", resolved)
    assert_conforms(
        action, "POST", jakarta.post(f"/agency/reports/{quote(first['id'])}/actions/take", {}, officer)
    )
    secret = {"X-Report-Secret": first["secret"]}
    confirm = "/reports/{report_id}/confirm"
    assert_conforms(confirm, "POST", jakarta.post(f"/reports/{first['id']}/confirm", {"rating": 5}, secret))
    assert_conforms(confirm, "POST", jakarta.post(f"/reports/{first['id']}/confirm", {"rating": 9}, secret))
    reopen = "/reports/{report_id}/reopen"
    body = {"reason": "Lubangnya muncul lagi."}
    assert_conforms(
        reopen,
        "POST",
        jakarta.post(f"/reports/{second['id']}/reopen", body, {"X-Report-Secret": second["secret"]}),
    )
    assert_conforms(
        reopen, "POST", jakarta.post(f"/reports/{second['id']}/reopen", body, {"X-Report-Secret": "no"})
    )
    if "/dashboard" in DOC["paths"]:
        coordinator = _officer("jakarta", "koordinator", "coordinator")
        assert_conforms("/dashboard", "GET", jakarta.get("/dashboard?days=7", coordinator))
        assert_conforms("/dashboard", "GET", jakarta.get("/dashboard", officer))
    doubtful = "/agency/evidence/doubtful"
    coordinator = _officer("jakarta", "koordinator", "coordinator")
    assert_conforms(doubtful, "GET", jakarta.get(f"{doubtful}?limit=5", coordinator))
    assert_conforms(doubtful, "GET", jakarta.get(doubtful, officer))  # 403: coordinators only
    assert_conforms(doubtful, "GET", jakarta.get(f"{doubtful}?cursor=x", coordinator))  # 422


def test_open311_json_responses_match_the_document(provinces: World) -> None:
    banten = provinces["banten"]
    jakarta = provinces["jakarta"]
    for fmt in ("json", "xml"):
        assert_conforms(f"/open311/v2/discovery.{fmt}", "GET", banten.get(f"/open311/v2/discovery.{fmt}"))
        assert_conforms(f"/open311/v2/services.{fmt}", "GET", jakarta.get(f"/open311/v2/services.{fmt}"))
        assert_conforms(
            f"/open311/v2/services.{fmt}", "GET", jakarta.get(f"/open311/v2/services.{fmt}?jurisdiction_id=x")
        )
    service = "/open311/v2/services/{name}"
    for name in ("banjir.json", "pohon.xml", "ufo.json", "banjir.yaml"):
        assert_conforms(service, "GET", jakarta.get(f"/open311/v2/services/{name}"))
    [created] = assert_conforms(
        "/open311/v2/requests.json", "POST", _form(jakarta, "/open311/v2/requests.json", FLOOD_FORM)
    )
    for fields in (
        {**FLOOD_FORM, "api_key": "nope"},
        {**FLOOD_FORM, "lat": ""},
        {**FLOOD_FORM, "service_code": "x"},
    ):
        assert_conforms(
            "/open311/v2/requests.json", "POST", _form(jakarta, "/open311/v2/requests.json", fields)
        )
    request_id = created["service_request_id"]
    for query in ("", f"?service_request_id={request_id}", "?start_date=bad", "?status=open"):
        assert_conforms("/open311/v2/requests.json", "GET", jakarta.get(f"/open311/v2/requests.json{query}"))
    for name in (f"{request_id}.json", "31-261127-ZZZZ.json", f"{request_id}.xml"):
        assert_conforms("/open311/v2/requests/{name}", "GET", jakarta.get(f"/open311/v2/requests/{name}"))
        assert_conforms("/open311/v2/tokens/{name}", "GET", jakarta.get(f"/open311/v2/tokens/{name}"))


def test_the_documented_officer_actions_are_exactly_those_the_api_takes(provinces: World) -> None:
    # Given a report routed to an agency in Jakarta, and the document's list of actions
    jakarta = provinces["jakarta"]
    created = jakarta.post("/reports", ROAD)
    assert created.status_code == 201, created.body
    key = json.loads(created.body)["id"]
    provinces.settle()
    agency = json.loads(jakarta.get(f"/reports/{key}").body)["agency"]["id"]
    path = DOC["paths"]["/agency/reports/{key}/actions/{action}"]["post"]
    [action] = [p for p in path["parameters"] if p["name"] == "action"]
    documented = action["schema"]["enum"]
    officer = jakarta.token(agency)
    # When its officer names each documented action with an empty body, and one the document does
    # not list (the name is checked before what an action needs from the body or the report)
    for name in documented:
        answer = jakarta.post(f"/agency/reports/{key}/actions/{name}", {}, officer)
        # Then each is known: applied, or refused for what its body, the report or the role lacks
        assert answer.status_code in (200, 403, 409, 422), (name, answer.body)
        assert "unknown_action" not in answer.body.decode(), (name, answer.body)
    unknown = jakarta.post(f"/agency/reports/{key}/actions/polish", {}, officer)
    assert unknown.status_code == 422
    assert json.loads(unknown.body)["error"]["details"]["valid"] == documented


@pytest.mark.parametrize(
    ("path", "query", "valid"),
    [
        ("/agency/reports", "sort", "support"),
        ("/agency/reports", "status", "pRoSeS"),
        ("/agency/reports", "overdue", "true"),
        ("/reports/nearby", "category", "banjir"),
    ],
)
def test_a_query_value_the_document_refuses_the_api_refuses_and_one_it_allows_passes(
    provinces: World, path: str, query: str, valid: str
) -> None:
    jakarta = provinces["jakarta"]
    [parameter] = [p for p in DOC["paths"][path]["get"]["parameters"] if p["name"] == query]
    schema = Draft202012Validator(parameter["schema"])
    base = "lat=-6.226&lon=106.853&" if path == "/reports/nearby" else ""
    headers = jakarta.token("koordinator", "coordinator") if path.startswith("/agency") else {}
    refused = "x" * 60
    assert not schema.is_valid(refused) and schema.is_valid(valid)
    bad = jakarta.get(f"{path}?{base}{query}={refused}", headers)
    good = jakarta.get(f"{path}?{base}{query}={valid}", headers)
    assert bad.status_code == 422 and json.loads(bad.body)["error"]["details"][0]["field"] == query
    assert good.status_code == 200, good.body
