"""Open311 GeoReport v2 as a third-party client uses it: form posts, XML and JSON, every error case."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from chalicelib.data.reports import ReportRepository
from cli.devissuer import mint
from tests.integration.harness import Province, World, world
from tests.open311_forms import FLOOD

pytestmark = pytest.mark.integration

PRIVATE_BITS = ("Siti", "Aminah", "siti@example.id", "081234567890")


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def post_form(province: Province, path: str, fields: dict[str, str]) -> Any:
    """POST form-encoded fields, as Open311 clients do."""
    return province.client.http.post(
        path,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode(fields),
    )


def created_id(province: Province, fields: dict[str, str], fmt: str = "json") -> str:
    response = post_form(province, f"/open311/v2/requests.{fmt}", fields)
    assert response.status_code == 201, response.body
    if fmt == "xml":
        return ET.fromstring(response.body).findtext("request/service_request_id") or ""
    [entry] = json.loads(response.body)
    assert entry["token"] == entry["service_request_id"]
    return str(entry["service_request_id"])


def errors_of(response: Any, fmt: str = "json") -> list[dict[str, Any]]:
    """The GeoReport error list of a response, from either format."""
    if fmt == "xml":
        root = ET.fromstring(response.body)
        assert root.tag == "errors"
        return [
            {"code": int(e.findtext("code") or 0), "description": e.findtext("description")} for e in root
        ]
    return list(json.loads(response.body))


def assert_error(response: Any, status: int, fmt: str = "json") -> None:
    assert response.status_code == status, response.body
    [error] = errors_of(response, fmt)
    assert error["code"] == status and error["description"]


# --- services ----------------------------------------------------------------------------------


def test_services_list_every_category_in_both_formats(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    services = json.loads(jakarta.get("/open311/v2/services.json").body)
    by_code = {s["service_code"]: s for s in services}
    assert len(by_code) >= 11
    assert by_code["banjir"] == {
        "service_code": "banjir",
        "service_name": "Banjir/Genangan",
        "description": "Banjir/Genangan (Flood or standing water)",
        "metadata": True,
        "type": "realtime",
        "keywords": "banjir, genangan, air meluap, rob, pompa air",
        "group": "Air dan Drainase",
    }
    xml = jakarta.get("/open311/v2/services.xml")
    assert xml.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(xml.body)
    assert root.tag == "services" and {s.tag for s in root} == {"service"}
    assert [s.findtext("service_code") for s in root] == list(by_code)
    assert root.find("service[service_code='pohon']/metadata").text == "true"  # type: ignore[union-attr]


def test_service_definitions_carry_the_category_attributes(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    flood = json.loads(jakarta.get("/open311/v2/services/banjir.json").body)
    assert flood["service_code"] == "banjir"
    attributes = {a["code"]: a for a in flood["attributes"]}
    assert [a["order"] for a in flood["attributes"]] == [1, 2, 3]
    assert attributes["area_code"]["required"] is True and attributes["area_code"]["datatype"] == "string"
    depth = attributes["kedalaman_cm"]
    assert depth["datatype"] == "number" and depth["variable"] is True and depth["required"] is False
    assert depth["description"].startswith("Perkiraan kedalaman genangan") and depth["datatype_description"]
    tree = ET.fromstring(jakarta.get("/open311/v2/services/pohon.xml").body)
    assert tree.tag == "service_definition" and tree.findtext("service_code") == "pohon"
    condition = tree.find("attributes/attribute[code='kondisi']")
    assert condition is not None and condition.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in condition.findall("values/value")] == ["tumbang", "rawan"]


def test_unknown_service_and_unknown_format_are_404(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    assert_error(jakarta.get("/open311/v2/services/ufo.json"), 404)
    assert_error(jakarta.get("/open311/v2/services/ufo.xml"), 404, "xml")
    assert_error(jakarta.get("/open311/v2/services/banjir.yaml"), 404, "xml")
    assert_error(jakarta.get("/open311/v2/services/banjir"), 404, "xml")


def test_discovery_names_the_endpoint_and_formats(provinces: World) -> None:
    discovery = json.loads(provinces["banten"].get("/open311/v2/discovery.json").body)
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == ["text/xml", "application/json"]
    assert "Banten" in discovery["contact"]
    root = ET.fromstring(provinces["banten"].get("/open311/v2/discovery.xml").body)
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


# --- jurisdictions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "jurisdiction", "status"),
    [
        ("jakarta", "", 200),
        ("jakarta", "jakarta.go.id", 200),
        ("banten", "bantenprov.go.id", 200),
        ("jakarta", "bantenprov.go.id", 404),
        ("banten", "jakarta.go.id", 404),
        ("jakarta", "atlantis.go.id", 404),
    ],
)
def test_jurisdiction_id_is_optional_and_must_be_the_stages(
    provinces: World, stage: str, jurisdiction: str, status: int
) -> None:
    query = f"?jurisdiction_id={jurisdiction}" if jurisdiction else ""
    for fmt in ("json", "xml"):
        response = provinces[stage].get(f"/open311/v2/services.{fmt}{query}")
        if status == 200:
            assert response.status_code == 200, response.body
        else:
            assert_error(response, status, fmt)


def test_post_with_a_foreign_jurisdiction_is_404(provinces: World) -> None:
    response = post_form(
        provinces["jakarta"], "/open311/v2/requests.json", {**FLOOD, "jurisdiction_id": "bantenprov.go.id"}
    )
    assert_error(response, 404)


# --- creating and reading requests -------------------------------------------------------------


def test_a_posted_request_is_an_ordinary_report_routed_and_tracked(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    request_id = created_id(jakarta, {**FLOOD, "jurisdiction_id": "jakarta.go.id"})
    assert request_id.startswith("31-")
    provinces.settle()
    native = json.loads(jakarta.get(f"/reports/{request_id}").body)
    assert native["category"]["code"] == "banjir" and native["agency"]["id"] == "sudin-sda-js"
    assert native["visibility"] == "private"
    [entry] = json.loads(jakarta.get(f"/open311/v2/requests/{request_id}.json").body)
    assert entry["service_request_id"] == request_id and entry["status"] == "open"
    assert entry["service_code"] == "banjir" and entry["service_name"] == "Banjir/Genangan"
    assert entry["status_notes"].startswith("Disposisi")
    assert entry["agency_responsible"] == native["agency"]["name"]
    assert entry["expected_datetime"] and entry["expected_datetime"].endswith("+07:00")
    assert entry["requested_datetime"].endswith("+07:00") and entry["updated_datetime"]
    # a private report: no description, coordinates, street address or media; never the reporter
    assert entry["description"] == "" and entry["lat"] is None and entry["long"] is None
    assert entry["media_url"] is None and "Tebet Raya" not in entry["address"]
    assert "Tebet" in entry["address"]
    for path in (
        f"/open311/v2/requests/{request_id}.json",
        f"/open311/v2/requests/{request_id}.xml",
        f"/reports/{request_id}",
    ):
        body = jakarta.get(path).body.decode()
        assert request_id in body and not any(bit in body for bit in PRIVATE_BITS), path


def test_a_request_with_a_media_url_about_a_neighbours_area_is_handed_over(provinces: World) -> None:
    """Given an Open311 client's public request with a media_url about Kota Tangerang, posted to Jakarta,
    when Jakarta routes it to Banten, then Banten accepts the hand-over (nothing is quarantined as naming
    photos Jakarta did not publish: the client's link is not one of Jakarta's photos and is not handed
    over) and Jakarta still shows its client's media_url."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    fields = {
        **FLOOD,
        "lat": "-6.17",
        "long": "106.63",
        "attribute[area_code]": "36.71.01",
        "attribute[visibility]": "public",
        "media_url": "https://foto.example.id/banjir-tangerang.jpg",
    }
    request_id = created_id(jakarta, fields)
    provinces.settle()
    native = json.loads(jakarta.get(f"/reports/{request_id}").body)
    assert native["agency"]["province"] == "36", native["agency"]
    copy = banten.get(f"/agency/reports/36~{request_id}", banten.token("koordinator", "coordinator"))
    assert copy.status_code == 200, copy.body
    assert json.loads(copy.body)["photos"] == []
    [entry] = json.loads(jakarta.get(f"/open311/v2/requests/{request_id}.json").body)
    assert entry["media_url"] == "https://foto.example.id/banjir-tangerang.jpg"


def test_a_public_xml_request_shows_its_content_escaped(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    fields = {
        **FLOOD,
        "attribute[visibility]": "public",
        "description": 'Air masuk rumah <b>warga</b> & "toko"',
        "media_url": "https://foto.example.id/banjir.jpg",
    }
    request_id = created_id(jakarta, fields, fmt="xml")
    response = jakarta.get(f"/open311/v2/requests/{request_id}.xml")
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.body)
    assert root.tag == "service_requests" and len(root) == 1
    request = root.find("request")
    assert request is not None
    assert request.findtext("description") == (
        'Air masuk rumah <b>warga</b> & "toko"\n- Perkiraan kedalaman genangan (cm): 40'
    )
    assert request.findtext("lat") == "-6.2615" and request.findtext("long") == "106.8106"
    assert request.findtext("media_url") == "https://foto.example.id/banjir.jpg"
    assert (request.findtext("address") or "").startswith("Jl. Tebet Raya No. 10, ")
    assert not any(bit in response.body.decode() for bit in PRIVATE_BITS)


def test_xml_stays_well_formed_with_characters_xml_cannot_carry(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    text = "Bel\x07 berbunyi\x1b di pos"
    # The form refuses such characters, as POST /reports does ...
    assert_error(post_form(jakarta, "/open311/v2/requests.json", {**FLOOD, "description": text}), 400)
    # ... but a report stored before that rule may still hold them
    request_id = created_id(jakarta, {**FLOOD, "attribute[visibility]": "public"})
    repository = ReportRepository()
    stored = repository.get(request_id, consistent=True)
    assert stored is not None
    repository.save(replace(stored, description=text))
    root = ET.fromstring(jakarta.get(f"/open311/v2/requests/{request_id}.xml").body)
    assert (root.findtext("request/description") or "").startswith("Bel\ufffd berbunyi\ufffd di pos")
    [entry] = json.loads(jakarta.get(f"/open311/v2/requests/{request_id}.json").body)
    assert entry["description"].startswith("Bel\x07 berbunyi\x1b di pos")  # JSON carries them escaped


def test_token_maps_to_the_request_id(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    request_id = created_id(jakarta, FLOOD)
    assert json.loads(jakarta.get(f"/open311/v2/tokens/{request_id}.json").body) == [
        {"service_request_id": request_id, "token": request_id}
    ]
    root = ET.fromstring(jakarta.get(f"/open311/v2/tokens/{request_id}.xml").body)
    assert root.findtext("request/service_request_id") == request_id
    assert_error(jakarta.get("/open311/v2/tokens/31-261127-ZZZZ.json"), 404)
    assert_error(jakarta.get("/open311/v2/tokens/nonsense.xml"), 404, "xml")


def test_status_notes_tell_people_the_agencys_estimate_in_words(provinces: World) -> None:
    # Given a request the agency took and estimated (the estimate entry's note is the officer's words only)
    jakarta = provinces["jakarta"]
    request_id = created_id(jakarta, {**FLOOD, "attribute[visibility]": "public"})
    provinces.settle()
    agency = json.loads(jakarta.get(f"/reports/{request_id}").body)["agency"]["id"]
    assert jakarta.act(request_id, "take", agency).status_code == 200
    day = datetime.now(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=14)
    estimated = jakarta.act(request_id, "estimate", agency, {"estimated_completion": day.isoformat()})
    assert estimated.status_code == 200, estimated.body
    # Then a client showing status_notes to people shows the date in words, Indonesian first with English
    [entry] = json.loads(jakarta.get(f"/open311/v2/requests/{request_id}.json").body)
    id_month = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
    words = (
        f"Estimasi selesai {day.day} {id_month.split()[day.month - 1]} {day.year} "
        f"(estimated completion: {day.day} {day.strftime('%B')} {day.year})"
    )
    notes = entry["status_notes"]
    assert notes.startswith("Proses") and notes.endswith(f". {words}.") and notes.count("Estimasi") == 1
    assert entry["expected_datetime"] == f"{day.isoformat()}T23:59:59+07:00"
    xml = ET.fromstring(jakarta.get(f"/open311/v2/requests/{request_id}.xml").body)
    assert xml.findtext("request/status_notes") == entry["status_notes"]


def test_unknown_requests_are_404(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    assert_error(jakarta.get("/open311/v2/requests/31-261127-ZZZZ.json"), 404)
    assert_error(jakarta.get("/open311/v2/requests/36-261127-ABCD.xml"), 404, "xml")
    assert_error(jakarta.get("/open311/v2/requests/hello.json"), 404)


def test_banten_takes_requests_with_its_own_jurisdiction(provinces: World) -> None:
    banten = provinces["banten"]
    fields = {
        **FLOOD,
        "service_code": "sampah",
        "jurisdiction_id": "bantenprov.go.id",
        "lat": "-6.17",
        "long": "106.63",
        "attribute[area_code]": "36.71.01",
    }
    fields.pop("attribute[kedalaman_cm]")
    request_id = created_id(banten, fields)
    assert request_id.startswith("36-")
    [entry] = json.loads(
        banten.get(f"/open311/v2/requests/{request_id}.json?jurisdiction_id=bantenprov.go.id").body
    )
    assert entry["service_code"] == "sampah"


# --- searching ---------------------------------------------------------------------------------


def test_search_by_ids_service_status_and_window(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    public = {"attribute[visibility]": "public"}
    flood = created_id(jakarta, {**FLOOD, **public})
    tree = created_id(
        jakarta,
        {**FLOOD, **public, "service_code": "pohon", "attribute[kondisi]": "rawan"}
        | {"attribute[kedalaman_cm]": ""},
    )
    provinces.settle()
    # the agency rejects the tree report: Ditolak is closed
    rejected = jakarta.post(
        f"/agency/reports/{tree}/actions/reject",
        {"note": "Bukan pohon di ruang publik."},
        {"Authorization": f"Bearer {mint('jakarta', 'sudin-tamhut-js', 'officer')}"},
    )
    assert rejected.status_code == 200, rejected.body

    def ids(query: str) -> list[str]:
        response = jakarta.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 200, response.body
        return [r["service_request_id"] for r in json.loads(response.body)]

    assert ids(f"service_request_id={tree},{flood},31-261127-ZZZZ") == [tree, flood]
    everything = ids("")
    assert flood in everything and tree in everything
    private = created_id(jakarta, FLOOD)
    assert private not in ids("") and private not in ids("service_code=banjir")  # public ones only
    assert ids(f"service_request_id={private}") == [private]  # by id: status without notes
    assert flood in ids("service_code=banjir") and tree not in ids("service_code=banjir")
    assert tree in ids("status=closed") and flood not in ids("status=closed")
    assert flood in ids("status=open") and tree not in ids("status=open")
    assert tree in ids("status=open,closed&service_code=pohon,banjir")
    [closed] = json.loads(jakarta.get(f"/open311/v2/requests/{tree}.json").body)
    assert closed["status"] == "closed" and closed["status_notes"] == "Ditolak: Bukan pohon di ruang publik."
    assert flood not in ids("start_date=2026-01-01T00:00:00%2B07:00&end_date=2026-02-01T00:00:00%2B07:00")
    assert flood not in ids("end_date=2001-01-01")
    xml = ET.fromstring(jakarta.get(f"/open311/v2/requests.xml?service_request_id={flood}").body)
    assert xml.tag == "service_requests" and xml.findtext("request/service_request_id") == flood


def test_requests_asked_for_by_id_are_read_in_one_request_in_the_order_asked(provinces: World) -> None:
    from bench.counting import CallCounter, application_clients

    # Given three public requests in Jakarta
    jakarta = provinces["jakarta"]
    made = [created_id(jakarta, {**FLOOD, "attribute[visibility]": "public"}) for _ in range(3)]
    asked = [made[2], "31-261127-ZZZZ", made[0], "36-261127-AAAA", made[1], made[2]]
    # When a client asks for them by id, in its own order, with an unknown id and Banten's among them
    counter = CallCounter().attach(application_clients())
    try:
        answer = jakarta.get(f"/open311/v2/requests.json?service_request_id={','.join(asked)}")
    finally:
        counter.detach()
    # Then it gets Jakarta's known ones in the order asked, each once, read in one BatchGetItem
    assert answer.status_code == 200, answer.body
    assert [r["service_request_id"] for r in json.loads(answer.body)] == [made[2], made[0], made[1]]
    reads = {k: v for k, v in counter.totals().operations.items() if k.startswith("dynamodb:")}
    assert reads == {"dynamodb:BatchGetItem": 1}


def test_a_recent_window_finds_todays_request(provinces: World) -> None:
    from datetime import UTC, datetime, timedelta

    jakarta = provinces["jakarta"]
    request_id = created_id(jakarta, {**FLOOD, "attribute[visibility]": "public"})
    start = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = json.loads(jakarta.get(f"/open311/v2/requests.json?start_date={start}").body)
    assert request_id in [r["service_request_id"] for r in found]
    future = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = json.loads(jakarta.get(f"/open311/v2/requests.json?start_date={future}").body)
    assert request_id not in [r["service_request_id"] for r in later]


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "end_date=2026-13-01",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:01Z",  # > 90 days
        "start_date=2026-03-01&end_date=2026-01-01",  # end before start
        "start_date=0001-01-01T00:00:00Z",
        "status=pending",
    ],
)
def test_bad_search_parameters_are_400(provinces: World, query: str) -> None:
    for fmt in ("json", "xml"):
        assert_error(provinces["jakarta"].get(f"/open311/v2/requests.{fmt}?{query}"), 400, fmt)


def test_search_for_an_unknown_service_is_404(provinces: World) -> None:
    assert_error(provinces["jakarta"].get("/open311/v2/requests.json?service_code=ufo"), 404)


# --- refused submissions -----------------------------------------------------------------------


def _without(name: str) -> dict[str, str]:
    return {k: v for k, v in FLOOD.items() if k != name}


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        (_without("api_key"), 403),
        ({**FLOOD, "api_key": "not-a-key"}, 403),
        ({**FLOOD, "api_key": "x" * 500}, 403),
        ({**FLOOD, "service_code": "ufo"}, 404),
        (_without("service_code"), 400),
        (_without("lat"), 400),
        (_without("long"), 400),
        ({**FLOOD, "lat": "north"}, 400),
        ({**FLOOD, "lat": "nan"}, 400),
        (_without("attribute[area_code]"), 400),
        ({**FLOOD, "attribute[area_code]": "3174"}, 400),  # a BPS code, not Kemendagri
        ({**FLOOD, "attribute[area_code]": "33.74.01"}, 400),  # no province served has it
        ({**FLOOD, "lat": "3.59", "long": "98.67"}, 400),  # Medan, not Jakarta
        ({**FLOOD, "description": "x" * 4001}, 400),
        ({**FLOOD, "address_string": "x" * 301}, 400),
        ({**FLOOD, "attribute[kedalaman_cm]": "dalam"}, 400),
        ({**FLOOD, "attribute[kondisi]": "tumbang"}, 400),  # pohon's attribute, not banjir's
        (
            {**FLOOD, "service_code": "pohon", "attribute[kondisi]": "miring", "attribute[kedalaman_cm]": ""},
            400,
        ),
        ({**FLOOD, "attribute[visibility]": "secret"}, 400),
        ({**FLOOD, "email": "not-an-email"}, 400),
        ({**FLOOD, "media_url": "javascript:alert(1)"}, 400),
    ],
)
def test_refused_submissions_answer_the_spec_error_list(
    provinces: World, fields: dict[str, str], status: int
) -> None:
    for fmt in ("json", "xml"):
        assert_error(post_form(provinces["jakarta"], f"/open311/v2/requests.{fmt}", fields), status, fmt)


@pytest.fixture
def tight_key_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Open311 limited to 6 requests a minute per key, burst 2; a second client's key configured."""
    from chalicelib.api import ratelimit
    from chalicelib.open311 import keys

    # The stage's key list comes from its config (Chalice's test client sets it per request): the
    # second client's key is added to what the stage configures.
    other_key = "second-integrator-key"
    configured = keys.configured_clients
    monkeypatch.setattr(
        keys, "configured_clients", lambda: {**configured(), keys.hash_key(other_key): "second integrator"}
    )
    monkeypatch.setenv("ADUAN_OPEN311_RATE_PER_MINUTE", "6")
    monkeypatch.setenv("ADUAN_OPEN311_BURST", "2")
    ratelimit.buckets.clear()
    yield other_key
    ratelimit.buckets.clear()


def test_each_api_key_has_its_own_submission_limit(provinces: World, tight_key_limit: str) -> None:
    jakarta = provinces["jakarta"]
    # Given an integrator that used its burst of two requests
    first = [post_form(jakarta, "/open311/v2/requests.json", FLOOD).status_code for _ in range(2)]
    assert first == [201, 201]
    # When it posts again at once, in either format
    for fmt in ("json", "xml"):
        flooded = post_form(jakarta, f"/open311/v2/requests.{fmt}", FLOOD)
        # Then it gets the spec's error list with 429 and when to come back (one every 10 s at 6 a minute)
        assert_error(flooded, 429, fmt)
        assert flooded.headers["Retry-After"] == "10"
    # And another integrator, from the same address, is not held back
    assert created_id(jakarta, {**FLOOD, "api_key": tight_key_limit}).startswith("31-")
    # And a refused key is refused before it costs anyone a token
    assert_error(post_form(jakarta, "/open311/v2/requests.json", {**FLOOD, "api_key": "not-a-key"}), 403)


def test_a_description_of_exactly_4000_characters_is_accepted(provinces: World) -> None:
    # (with no attribute answered: an answer's line joins the description, within the same 4000)
    unanswered = {k: v for k, v in FLOOD.items() if k != "attribute[kedalaman_cm]"}
    assert created_id(provinces["jakarta"], {**unanswered, "description": "x" * 4000}).startswith("31-")
    too_long = post_form(
        provinces["jakarta"], "/open311/v2/requests.json", {**FLOOD, "description": "x" * 4000}
    )
    assert_error(too_long, 400)


def test_malformed_bodies_are_400_and_json_bodies_415(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    bad_utf8 = jakarta.client.http.post(
        "/open311/v2/requests.json",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="api_key=dev-open311-key&description=%ff%fe",
    )
    assert_error(bad_utf8, 400)
    as_json = jakarta.post("/open311/v2/requests.json", FLOOD)
    assert as_json.status_code == 415
