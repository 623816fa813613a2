"""The API's inputs, as ``chalicelib.api.schemas`` declares them: what is accepted, cleaned and refused.

Bodies go through the submit path's own steps (``read_json`` then ``validation.convert``); headers,
paths, query strings and the intake message through the functions the views and handlers call.
A seeded fuzz of a few thousand random and mutated bodies checks that the submit input only ever
accepts (with every declared constraint holding) or refuses with a 4xx, never anything else.
"""

from __future__ import annotations

import copy
import json
import random
import re
from typing import Any

import msgspec
import pytest
from chalice.app import Request

from chalicelib.api.headers import HeadersIn, version_of
from chalicelib.api.http import MAX_BODY_BYTES, error_response, read_json
from chalicelib.api.inputs import agency_action_in, agency_ref, counted, headers_in, query_in, report_ref
from chalicelib.api.messages import IntakeMessage, parse_intake_message
from chalicelib.api.schemas import (
    AgencyActionIn,
    ConfirmIn,
    InboxQueryIn,
    PhotoUploadIn,
    ReopenIn,
    ReporterIn,
    SubmitReportIn,
)
from chalicelib.errors import AduanError, BadRequest, NotFound, PayloadTooLarge, ValidationFailed
from chalicelib.validation import FORBIDDEN_CHARACTERS, AreaCode, convert

UPLOAD = "uploads/31/" + "0123456789abcdef" * 2 + ".jpg"
MINIMAL: dict[str, Any] = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan SDN Tebet 01",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}
FULL: dict[str, Any] = {
    **MINIMAL,
    "address": "Jl. Tebet Raya No. 10",
    "reporter": {"name": "Siti Rahma", "phone": "+62 812 3456 7890", "email": "siti@example.id"},
    "visibility": "public",
    "photos": [UPLOAD, UPLOAD.replace(".jpg", ".png")],
}


def request(
    raw: bytes | None = None, headers: dict[str, str] | None = None, query: dict[str, str] | None = None
) -> Request:
    """A Chalice request with this body, headers and query string."""
    event = {
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "headers": headers or {},
        "pathParameters": None,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/reports"},
        "body": raw.decode("latin-1") if raw is not None else None,
        "isBase64Encoded": False,
        "stageVariables": None,
    }
    req = Request(event)
    if raw is not None:
        req._raw_body = raw  # the bytes exactly as sent (the event's body is text)
    return req


def submit_input(raw: bytes) -> SubmitReportIn:
    """The submit view's input steps: the body read as JSON, then checked as ``SubmitReportIn``."""
    return convert(SubmitReportIn, read_json(request(raw)))


def submitted(body: Any) -> SubmitReportIn:
    return submit_input(json.dumps(body).encode())


def refusal(model: type[Any], data: Any) -> tuple[str, str]:
    """The field and type of the one problem a 422 names."""
    with pytest.raises(ValidationFailed) as caught:
        convert(model, data)
    assert (caught.value.http_status, caught.value.code) == (422, "validation_error")
    [detail] = caught.value.details
    assert set(detail) == {"field", "problem", "type"} and detail["problem"]
    return detail["field"], detail["type"]


def with_(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``body`` with ``value`` at the dotted ``path`` (``...`` removes the key)."""
    copied = copy.deepcopy(body)
    *parents, last = path.split(".")
    target = copied
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return copied


# --- accepted bodies ------------------------------------------------------------------------------


def test_a_minimal_body_gets_the_defaults() -> None:
    body = submitted(MINIMAL)
    assert (body.category, body.description) == (MINIMAL["category"], MINIMAL["description"])
    assert (body.location.lat, body.location.lon, body.location.area_code) == (-6.226, 106.853, "31.74.01")
    assert (body.address, body.reporter, body.visibility, body.photos) == (None, None, "private", [])


def test_a_full_body_is_kept() -> None:
    body = submitted(FULL)
    assert msgspec.to_builtins(body) == FULL


@pytest.mark.parametrize("area_code", ["31.74", "31.74.01", "31.74.01.1001"])
def test_every_area_level_below_the_province_is_accepted(area_code: str) -> None:
    assert submitted(with_(MINIMAL, "location.area_code", area_code)).location.area_code == area_code


def test_null_optionals_and_an_empty_reporter() -> None:
    body = submitted({**MINIMAL, "address": None, "reporter": {}, "photos": []})
    assert (body.address, body.photos) == (None, [])
    assert body.reporter is not None and (body.reporter.name, body.reporter.phone) == (None, None)
    assert submitted({**MINIMAL, "reporter": None}).reporter is None


def test_ints_are_floats_and_the_bounds_are_inclusive() -> None:
    location = submitted(with_(MINIMAL, "location", {"lat": -90, "lon": 180, "area_code": "31.74"})).location
    assert (location.lat, location.lon) == (-90.0, 180.0)
    assert type(location.lat) is float and type(location.lon) is float


def test_text_at_its_cap_and_unicode_text_are_kept() -> None:
    text = "Jalan rusak 🚧 شارع مكسور — קו 7\tbaris\r\nkedua"
    body = submitted({**MINIMAL, "description": text, "category": "k" * 40, "address": "a" * 300})
    assert (body.description, body.category, body.address) == (text, "k" * 40, "a" * 300)
    assert len(submitted({**MINIMAL, "description": "d" * 4000}).description) == 4000


# --- whitespace -----------------------------------------------------------------------------------


def test_surrounding_white_space_is_stripped() -> None:
    body = submitted(
        {
            **MINIMAL,
            "category": " jalan_rusak\n",
            "description": "\t Jalan berlubang \u3000",
            "address": "  Jl. Tebet  ",
            "reporter": {"name": " Siti ", "phone": " 0812 3456 7890 "},
        }
    )
    assert (body.category, body.description, body.address) == ("jalan_rusak", "Jalan berlubang", "Jl. Tebet")
    assert body.reporter is not None and (body.reporter.name, body.reporter.phone) == (
        "Siti",
        "0812 3456 7890",
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [("category", "   "), ("description", "\n\t "), ("reporter", {"name": "  "})],
)
def test_text_made_only_of_white_space_is_too_short(path: str, value: Any) -> None:
    field = "reporter.name" if path == "reporter" else path
    assert refusal(SubmitReportIn, {**MINIMAL, path: value}) == (field, "too_short")


@pytest.mark.parametrize("value", ["\u200b", " \u200b\u200d ", "\ufeff", "\u00ad\u2060", "\u3000\u200c"])
def test_text_of_characters_without_width_is_as_empty_as_white_space(value: str) -> None:
    # Given a description that shows nothing on any screen, then it is refused as a blank one is
    assert refusal(SubmitReportIn, {**MINIMAL, "description": value}) == ("description", "too_short")
    # ... while such a character inside words is kept
    body = convert(SubmitReportIn, {**MINIMAL, "description": f"Jalan{value}berlubang"})
    assert body.description == f"Jalan{value}berlubang"


def test_a_value_that_matches_its_pattern_only_with_its_spaces_is_refused() -> None:
    # "12345 " has six characters as sent; stripped, five are too few for a phone number
    assert refusal(ReporterIn, {"phone": "12345 "}) == ("phone", "pattern_mismatch")


# --- refused bodies -------------------------------------------------------------------------------

BAD: list[tuple[Any, str, str]] = [
    ({k: v for k, v in MINIMAL.items() if k != "category"}, "category", "missing"),
    ({}, "category", "missing"),
    (with_(MINIMAL, "location", ...), "location", "missing"),
    (with_(MINIMAL, "location.area_code", ...), "location.area_code", "missing"),
    ({**MINIMAL, "category": ""}, "category", "too_short"),
    ({**MINIMAL, "category": "k" * 41}, "category", "too_long"),
    ({**MINIMAL, "description": "d" * 4001}, "description", "too_long"),
    ({**MINIMAL, "address": "a" * 301}, "address", "too_long"),
    ({**MINIMAL, "category": 7}, "category", "wrong_type"),
    ({**MINIMAL, "location": "31.74.01"}, "location", "wrong_type"),
    ({**MINIMAL, "location": [-6.2, 106.8]}, "location", "wrong_type"),
    (with_(MINIMAL, "location.lat", "-6.226"), "location.lat", "wrong_type"),
    (with_(MINIMAL, "location.lat", True), "location.lat", "wrong_type"),
    (with_(MINIMAL, "location.lat", None), "location.lat", "wrong_type"),
    (with_(MINIMAL, "location.lat", 90.0001), "location.lat", "out_of_range"),
    (with_(MINIMAL, "location.lon", -180.5), "location.lon", "out_of_range"),
    (with_(MINIMAL, "location.area_code", "31"), "location.area_code", "pattern_mismatch"),
    (with_(MINIMAL, "location.area_code", "31.7"), "location.area_code", "pattern_mismatch"),
    (with_(MINIMAL, "location.area_code", "31.74.01.1001.1"), "location.area_code", "too_long"),
    (with_(MINIMAL, "location.area_code", 3174), "location.area_code", "wrong_type"),
    (with_(MINIMAL, "location.area_code", "31-74"), "location.area_code", "pattern_mismatch"),
    ({**MINIMAL, "extra": 1}, "extra", "unknown_field"),
    ({**MINIMAL, "": 1}, '""', "unknown_field"),
    (with_(MINIMAL, "location.alt", 3), "location.alt", "unknown_field"),
    ({**MINIMAL, "visibility": "PUBLIC"}, "visibility", "invalid_choice"),
    ({**MINIMAL, "visibility": True}, "visibility", "wrong_type"),
    ({**MINIMAL, "photos": UPLOAD}, "photos", "wrong_type"),
    ({**MINIMAL, "photos": [UPLOAD] * 6}, "photos", "too_many"),
    ({**MINIMAL, "photos": [UPLOAD, "uploads/31/x.gif"]}, "photos.1", "pattern_mismatch"),
    ({**MINIMAL, "photos": [UPLOAD, 5]}, "photos.1", "wrong_type"),
    ({**MINIMAL, "reporter": "Siti"}, "reporter", "wrong_type"),
    ({**MINIMAL, "reporter": {"name": ""}}, "reporter.name", "too_short"),
    ({**MINIMAL, "reporter": {"name": "n" * 121}}, "reporter.name", "too_long"),
    ({**MINIMAL, "reporter": {"phone": 812345678}}, "reporter.phone", "wrong_type"),
    ({**MINIMAL, "reporter": {"phone": "telepon saya"}}, "reporter.phone", "pattern_mismatch"),
    ({**MINIMAL, "reporter": {"email": "siti@example"}}, "reporter.email", "pattern_mismatch"),
    ({**MINIMAL, "reporter": {"nik": "3174"}}, "reporter.nik", "unknown_field"),
    (["jalan_rusak"], "(body)", "wrong_type"),
    ("jalan_rusak", "(body)", "wrong_type"),
    (None, "(body)", "wrong_type"),
]


@pytest.mark.parametrize(("data", "field", "kind"), BAD)
def test_a_bad_body_is_a_422_naming_the_field(data: Any, field: str, kind: str) -> None:
    assert refusal(SubmitReportIn, data) == (field, kind)


def test_the_422_response_is_the_error_envelope() -> None:
    with pytest.raises(ValidationFailed) as caught:
        submitted({**MINIMAL, "category": "k" * 41})
    response = error_response(caught.value)
    assert response.status_code == 422
    error = json.loads(response.body)["error"]
    assert error["code"] == "validation_error"
    assert error["details"] == [
        {"field": "category", "problem": "maksimal 40 karakter (at most 40 characters)", "type": "too_long"}
    ]
    assert error["message"].startswith("Data tidak valid") and "category" in error["message"]


# --- forbidden characters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("description", "rusak\x00parah", "description"),
        ("description", "rusak\x07", "description"),
        ("description", "rusak\x85", "description"),
        ("description", "rusak\ud800", "description"),
        ("address", "Jl. \u202eayaR tebeT", "address"),
        ("address", "Jl. \u2066Tebet", "address"),
        ("category", "jalan_rusak\x00", "category"),
        ("reporter", {"name": "Siti\x00"}, "reporter.name"),
        ("reporter", {"name": "Siti\x1c"}, "reporter.name"),
    ],
)
def test_control_characters_lone_surrogates_and_bidi_overrides_are_refused(
    path: str, value: Any, field: str
) -> None:
    assert refusal(SubmitReportIn, {**MINIMAL, path: value}) == (field, "forbidden_character")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**MINIMAL, "\ud800": 1}, "(body)"),
        ({**MINIMAL, "visibility": "\udc00"}, "visibility"),
        (with_(MINIMAL, "location.\ud800x", 1), "location"),
    ],
)
def test_a_lone_surrogate_in_a_key_or_a_choice_is_refused_and_the_422_is_utf8(data: Any, field: str) -> None:
    assert refusal(SubmitReportIn, data) == (field, "forbidden_character")
    with pytest.raises(ValidationFailed) as caught:
        convert(SubmitReportIn, data)
    error_response(caught.value).body.encode("utf-8")


# --- no silent coercion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (ConfirmIn, {"rating": "5"}, "rating"),
        (ConfirmIn, {"rating": True}, "rating"),
        (ConfirmIn, {"rating": 5.0}, "rating"),
        (PhotoUploadIn, {"content_type": "image/png", "size": "9"}, "size"),
        (PhotoUploadIn, {"content_type": "image/png", "size": True}, "size"),
        (AgencyActionIn, {"expected_version": "3"}, "expected_version"),
        (AgencyActionIn, {"expected_version": False}, "expected_version"),
        (AgencyActionIn, {"note": 5}, "note"),
        (AgencyActionIn, {"estimated_completion": 20261201}, "estimated_completion"),
        (ReopenIn, {"reason": ["tidak", "beres"]}, "reason"),
        (SubmitReportIn, {**MINIMAL, "description": 12345}, "description"),
        (SubmitReportIn, with_(MINIMAL, "location.lon", "106.853"), "location.lon"),
    ],
)
def test_no_value_is_coerced_to_another_type(model: type[Any], data: Any, field: str) -> None:
    assert refusal(model, data) == (field, "wrong_type")


def test_the_other_bodies_accept_their_canonical_form() -> None:
    assert convert(ConfirmIn, {"rating": 5, "comment": " Mantap "}) == ConfirmIn(rating=5, comment="Mantap")
    assert convert(ReopenIn, {"reason": "Lubangnya muncul lagi."}).reason == "Lubangnya muncul lagi."
    assert convert(PhotoUploadIn, {"content_type": "image/jpeg", "size": 9}).size == 9
    action = convert(
        AgencyActionIn,
        {"to_agency": "36:dlh-kota-tng", "estimated_completion": "2026-12-01", "expected_version": 3},
    )
    assert (action.to_agency, str(action.estimated_completion), action.expected_version) == (
        "36:dlh-kota-tng",
        "2026-12-01",
        3,
    )
    assert convert(AgencyActionIn, {}) == AgencyActionIn()


@pytest.mark.parametrize(
    ("model", "data", "field", "kind"),
    [
        (ConfirmIn, {"rating": 6}, "rating", "out_of_range"),
        (ConfirmIn, {}, "rating", "missing"),
        (ReopenIn, {"reason": " ok "}, "reason", "too_short"),
        (PhotoUploadIn, {"content_type": "image/gif", "size": 9}, "content_type", "invalid_choice"),
        (PhotoUploadIn, {"content_type": "image/png", "size": 5 * 1024 * 1024 + 1}, "size", "out_of_range"),
        (AgencyActionIn, {"estimated_completion": "2026-13-01"}, "estimated_completion", "invalid_date"),
        (AgencyActionIn, {"to_agency": "DLH"}, "to_agency", "pattern_mismatch"),
        (AgencyActionIn, {"expected_version": 0}, "expected_version", "out_of_range"),
        (AgencyActionIn, {"evidence_photo": "public/31/x.jpg"}, "evidence_photo", "pattern_mismatch"),
    ],
)
def test_the_other_bodies_refuse_with_the_field(model: type[Any], data: Any, field: str, kind: str) -> None:
    assert refusal(model, data) == (field, kind)


# --- read_json ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"{nope",
        b'{"description": "\xff\xfe rusak"}',  # not UTF-8
        b"\x00",
        b"[" * 5000 + b"]" * 5000,  # nested deeper than any reader's stack
        b'{"a": ' * 3000 + b"1" + b"}" * 3000,
        b'{"lat": NaN}',
        b'{"lat": Infinity}',
        b'{"lat": -Infinity}',
        b'{"lat": 1e400}',
        b'{"size": 99999999999999999999999}',
        b'{"size": ' + b"9" * 5000 + b"}",
        "\ufeff{}".encode(),
    ],
)
def test_unreadable_json_is_a_400_never_a_500(raw: bytes) -> None:
    with pytest.raises(BadRequest) as caught:
        read_json(request(raw))
    assert (caught.value.http_status, caught.value.code) == (400, "invalid_json")


def test_an_empty_or_oversized_body_is_refused() -> None:
    for raw in (b"", b"  \n"):
        with pytest.raises(BadRequest) as caught:
            read_json(request(raw))
        assert caught.value.code == "empty_body"
    with pytest.raises(PayloadTooLarge):
        read_json(request(b'"' + b"x" * MAX_BODY_BYTES + b'"'))


def test_numbers_at_the_edge_of_their_range_are_read() -> None:
    assert read_json(request(b'{"a": 9223372036854775807, "b": -1.5e308, "c": 1e-400}')) == {
        "a": 2**63 - 1,
        "b": -1.5e308,
        "c": 0.0,
    }


# --- headers, paths, query strings, the intake message --------------------------------------------


def test_headers_are_trimmed_and_empty_ones_are_absent() -> None:
    headers = headers_in(
        request(
            headers={
                "Idempotency-Key": " form-7f3a ",
                "X-Report-Secret": "kkU55EFUgbKPBMRZ",
                "If-Match": '"3"',
                "X-Correlation-Id": "web-1.2:abc",
                "X-Other": "not read",
            }
        )
    )
    assert headers == HeadersIn(
        idempotency_key="form-7f3a",
        report_secret="kkU55EFUgbKPBMRZ",
        if_match='"3"',
        correlation_id="web-1.2:abc",
    )
    assert headers_in(request(headers={})) == HeadersIn()
    assert headers_in(request(headers={"Idempotency-Key": "", "If-Match": ""})) == HeadersIn()


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("idempotency-key", "k" * 129, "too_long"),
        ("x-report-secret", "s" * 65, "too_long"),
        ("if-match", "1" * 41, "too_long"),
        ("idempotency-key", "dua kata", "pattern_mismatch"),
        ("idempotency-key", "kunci-é", "pattern_mismatch"),
        ("x-report-secret", "rahasia\x00", "pattern_mismatch"),
        ("if-match", "\x1c3", "pattern_mismatch"),
        ("if-match", "abc", "pattern_mismatch"),
        ("if-match", '"3', "pattern_mismatch"),
        ("if-match", "W/3", "pattern_mismatch"),
        ("if-match", "0", "pattern_mismatch"),
        ("idempotency-key", "\u202ekey", "pattern_mismatch"),
    ],
)
def test_a_bad_header_is_a_422_naming_it(name: str, value: str, kind: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        headers_in(request(headers={name: value}))
    assert [(d["field"], d["type"]) for d in caught.value.details] == [(name, kind)]


def test_headers_at_their_cap_are_kept() -> None:
    headers = headers_in(request(headers={"Idempotency-Key": "k" * 128, "X-Report-Secret": "s" * 64}))
    assert (headers.idempotency_key, headers.report_secret) == ("k" * 128, "s" * 64)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("web-1.2:abc", "web-1.2:abc"),
        ("x" * 129, None),
        ("abc def", None),
        ("<script>", None),
        ("abc\n", "abc"),
    ],
)
def test_an_odd_correlation_id_is_dropped_never_refused(value: str, kept: str | None) -> None:
    assert headers_in(request(headers={"X-Correlation-Id": value})).correlation_id == kept


@pytest.mark.parametrize(
    ("raw", "ref"),
    [
        ("31-261127-K3M9", "31-261127-K3M9"),
        (" 31-261127-k3m9\t", "31-261127-k3m9"),
        # the path parameter as sent: an id typed with spaces (normalise_report_id reads them)
        ("31%20261127%20K3M9", "31 261127 K3M9"),
        ("%2031-261127-K3M9%20", "31-261127-K3M9"),
    ],
)
def test_report_ref_keeps_a_short_printable_id(raw: str, ref: str) -> None:
    assert report_ref(raw) == ref


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "3" * 41,
        "٣١-٢٦١١٢٧-K3M9",
        "31-261127-K3M9é",
        "31\x00",
        "a\tb",
        "k\ud800",
        "31%00",
        "31-261127-K3M9%C3%A9",
        "%FF",
    ],
)
def test_report_ref_refuses_anything_else_with_a_404(raw: str) -> None:
    with pytest.raises(NotFound) as caught:
        report_ref(raw)
    assert caught.value.code == "invalid_report_id"


def test_agency_ref_refuses_a_malformed_key_with_404_and_an_odd_action_with_422() -> None:
    assert agency_ref("36~31-261127-K3M9", "take").key == "36~31-261127-K3M9"
    for key in ("3" * 300, "31-261127-K3M9' OR 1=1", "3~31-261127-K3M9", "36~", "31-261127-K3M9%00"):
        with pytest.raises(NotFound):
            agency_ref(key)
    with pytest.raises(ValidationFailed) as caught:
        agency_ref("31-261127-K3M9", "x" * 50)
    assert caught.value.code == "unknown_action"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("31-261127-k3m9", "31-261127-K3M9"),  # typed as a citizen read it out
        ("31%20261127%20k3m9", "31-261127-K3M9"),  # the console's #report= link, typed with spaces
        ("36~31-261127-k3m9", "36~31-261127-K3M9"),
        ("36~31261127K3M9", "36~31-261127-K3M9"),
        ("31-261127-K3MO", "31-261127-K3M0"),
    ],
)
def test_agency_ref_reads_a_key_as_a_citizen_s_id_is_read(raw: str, key: str) -> None:
    assert agency_ref(raw, "take").key == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("31-261127-k3m9", "31-261127-K3M9"),
        (" 31 261127 k3mo ", "31-261127-K3M0"),
        ("36~31261127k3m9", "36~31-261127-K3M9"),
    ],
)
def test_a_duplicate_s_of_is_read_as_the_path_s_key(raw: str, key: str) -> None:
    assert agency_action_in({"of": raw, "note": "Lokasi sama"}).of == key
    assert agency_action_in({"of": raw}).of == agency_ref(raw, "duplicate").key


def test_a_duplicate_s_of_that_reads_as_no_key_is_refused_as_before() -> None:
    for raw in ("bukan-nomor", 31, "3~31-261127-K3M9"):
        with pytest.raises(ValidationFailed) as caught:
            agency_action_in({"of": raw})
        assert caught.value.code == "validation_error"


def test_the_inbox_query_ignores_unknown_parameters_and_keeps_strings() -> None:
    raw = {"limit": "5", "status": "proses", "utm_source": "x", "overdue": "1"}
    query = query_in(request(query=raw), InboxQueryIn)
    assert (query.limit, query.status, query.overdue, query.agency) == ("5", "proses", "1", None)


@pytest.mark.parametrize(
    ("query", "field", "kind"),
    [
        ({"cursor": "A" * 3000}, "cursor", "too_long"),
        ({"limit": "99999"}, "limit", "too_long"),
        ({"agency": "../../etc"}, "agency", "pattern_mismatch"),
        ({"status": "P" * 50}, "status", "too_long"),
        ({"overdue": "maybe"}, "overdue", "invalid_choice"),
    ],
)
def test_inbox_query_parameters_are_capped(query: dict[str, str], field: str, kind: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        query_in(request(query=query), InboxQueryIn)
    assert [(d["field"], d["type"]) for d in caught.value.details] == [(field, kind)]


def test_a_valid_intake_message() -> None:
    assert parse_intake_message({"key": "31-261127-K3M9"}) == IntakeMessage(key="31-261127-K3M9")


@pytest.mark.parametrize(
    ("body", "field", "kind"),
    [
        ({}, "key", "missing"),
        ({"key": 31}, "key", "wrong_type"),
        ({"key": None}, "key", "wrong_type"),
        ({"key": "31-261127-k3m9"}, "key", "pattern_mismatch"),
        ({"key": " 1-261127-K3M9"}, "key", "pattern_mismatch"),
        ({"key": " 31-261127-K3M9"}, "key", "too_long"),
        ({"key": "31-261127-K3M9", "extra": True}, "extra", "unknown_field"),
        (["31-261127-K3M9"], "(body)", "wrong_type"),
    ],
)
def test_a_malformed_intake_message_is_a_validation_error(body: Any, field: str, kind: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_intake_message(body)
    assert caught.value.code == "validation_error"  # the reason the route handler's DLQ copy carries
    assert [(d["field"], d["type"]) for d in caught.value.details] == [(field, kind)]


def test_area_codes_have_one_definition() -> None:
    fields = {f.name: f.type for f in msgspec.inspect.type_info(SubmitReportIn).fields}
    location = fields["location"]
    assert isinstance(location, msgspec.inspect.StructType)
    [area] = [f.type for f in location.fields if f.name == "area_code"]
    assert area == msgspec.inspect.type_info(AreaCode)


# --- the seeded fuzz of the submit input ----------------------------------------------------------

FUZZ_BODIES = 4000
ODD_TEXT = [
    "", " ", "\t\n", "\u3000", "\x00", "\x07", "\x1c", "\x85", "\u202e", "\u2066", "\ud800", "\udfff", "é",
    "🚧", "ش", "٣", "'", '"', "\\", "<script>", "31.74.01", "31.74", "+62 812 3456 7890", "a@b.id",
    UPLOAD, "private", "public", "\n", "0", "true", "null",
]  # fmt: skip
ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 2**63 - 1, -(2**63), 1.5, -90, 90, 180, -180.0001, 90.0001, 1e308, -0.0,
    [], {}, [UPLOAD] * 6, {"lat": 0}, "x" * 41, "d" * 4001, "a" * 301,
]  # fmt: skip


def random_text(rng: random.Random) -> str:
    parts = [rng.choice(ODD_TEXT) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.3:
        parts.append(chr(rng.randint(0, 0x10FFFF)) * rng.randint(1, 3))
    if rng.random() < 0.1:
        parts.append(rng.choice("abc ") * rng.choice([39, 40, 41, 119, 120, 121, 253, 254, 255, 300, 301]))
    return "".join(parts)


def random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if roll < 0.35:
        return random_text(rng)
    if roll < 0.65:
        return copy.deepcopy(rng.choice(ODD_VALUES))
    if roll < 0.75:
        return rng.uniform(-200, 200)
    if depth < 2 and roll < 0.88:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 6))]
    if depth < 2:
        return {random_text(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return rng.randint(-(2**40), 2**40)


def mutated(rng: random.Random) -> Any:
    """A valid body with a few of its values, keys or nested objects changed."""
    body: Any = copy.deepcopy(rng.choice([MINIMAL, FULL]))
    for _ in range(rng.randint(1, 3)):
        target = _target(rng, body)
        if not isinstance(target, dict):
            break
        _change(rng, target)
    if rng.random() < 0.05:
        body = random_value(rng)
    return body


def _target(rng: random.Random, body: Any) -> Any:
    """The body itself, or now and then one of its nested objects."""
    if isinstance(body, dict) and rng.random() < 0.4:
        nested = [k for k, v in body.items() if isinstance(v, dict)]
        if nested:
            return body[rng.choice(nested)]
    return body


def _change(rng: random.Random, target: dict[str, Any]) -> None:
    """Drop a key, add an odd one, pad or grow a text, or replace a value with anything."""
    keys = list(target)
    action = rng.random()
    if action < 0.2 and keys:
        del target[rng.choice(keys)]
    elif action < 0.3:
        target[rng.choice(["extra", "Category", "lat ", "\x00", "", "photos"])] = random_value(rng)
    elif action < 0.5 and keys:  # pad or grow a text
        key = rng.choice(keys)
        if isinstance(target[key], str):
            target[key] = rng.choice([" ", "\t", "\n", "", "\u3000"]) + target[key] * rng.randint(1, 2)
            target[key] += rng.choice([" ", "\n", "", "x"])
    elif keys:
        target[rng.choice(keys)] = random_value(rng)


def raw_of(rng: random.Random, body: Any) -> bytes:
    """The body as JSON bytes; now and then with a few bytes broken."""
    raw = json.dumps(body).encode("utf-8", "surrogatepass")
    if rng.random() < 0.1 and raw:
        data = bytearray(raw)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data))
            if rng.random() < 0.5:
                data[at] = rng.randrange(256)
            else:
                del data[at]
        raw = bytes(data)
    return raw


def holds(value: Any, info: msgspec.inspect.Type, path: str) -> None:
    """``value`` satisfies ``info`` and every constraint declared on it (``AssertionError`` if not)."""
    if isinstance(info, msgspec.inspect.UnionType):
        options = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        if value is None:
            assert len(options) < len(info.types), path
            return
        [info] = options
    if isinstance(info, msgspec.inspect.StructType):
        assert type(value) is info.cls, path
        for field in info.fields:
            holds(getattr(value, field.name), field.type, f"{path}.{field.name}")
    elif isinstance(info, msgspec.inspect.StrType):
        assert type(value) is str, path
        assert value == value.strip() and not FORBIDDEN_CHARACTERS.search(value), (path, value)
        assert info.min_length is None or len(value) >= info.min_length, (path, value)
        assert info.max_length is None or len(value) <= info.max_length, (path, value)
        assert info.pattern is None or re.search(info.pattern, value), (path, value)
    elif isinstance(info, msgspec.inspect.FloatType):
        assert type(value) is float, path
        assert info.ge is None or value >= info.ge, (path, value)
        assert info.le is None or value <= info.le, (path, value)
    elif isinstance(info, msgspec.inspect.ListType):
        assert type(value) is list, path
        assert info.max_length is None or len(value) <= info.max_length, path
        for index, item in enumerate(value):
            holds(item, info.item_type, f"{path}.{index}")
    elif isinstance(info, msgspec.inspect.LiteralType):
        assert value in info.values, (path, value)
    else:
        raise AssertionError(f"{path}: no check for {info!r}")


def test_random_and_mutated_bodies_are_accepted_within_every_constraint_or_refused_with_a_4xx() -> None:
    rng = random.Random(20261127)
    schema = msgspec.inspect.type_info(SubmitReportIn)
    outcomes = {"accepted": 0, "400": 0, "422": 0}
    for number in range(FUZZ_BODIES):
        body = random_value(rng) if number % 10 == 0 else mutated(rng)
        raw = raw_of(rng, body)
        try:
            accepted = submit_input(raw)
        except (ValidationFailed, BadRequest) as error:
            assert isinstance(error, AduanError) and 400 <= error.http_status < 500, raw
            error_response(error).body.encode("utf-8")  # the answer can be sent
            if isinstance(error, ValidationFailed):
                [detail] = error.details
                assert detail["field"] and detail["problem"] and detail["type"] != "invalid", (raw, detail)
            outcomes[str(error.http_status)] += 1
            continue
        holds(accepted, schema, "(body)")
        outcomes["accepted"] += 1
    # the corpus reaches every outcome, each often enough to mean something
    assert all(count >= 100 for count in outcomes.values()), outcomes


@pytest.mark.parametrize(
    ("value", "version"), [("5", 5), ('"5"', 5), ('W/"12"', 12), ("*", None), (None, None)]
)
def test_if_match_names_a_version_as_a_number_or_an_entity_tag(
    value: str | None, version: int | None
) -> None:
    headers = headers_in(request(headers={"If-Match": value} if value else {}))
    assert version_of(headers.if_match) == version


@pytest.mark.parametrize("raw", ["", "0", "-1", "101", "abc", "²", "\uff11", " 5", "9999999999"])
def test_a_page_size_outside_1_to_100_or_not_ascii_digits_is_a_422_naming_it(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        counted(raw, "limit", 20, 100)
    assert refused.value.code == "invalid_limit"
    assert refused.value.message == "limit harus 1-100 (limit must be 1-100)."


def test_a_count_is_its_default_when_absent_and_capped_only_when_asked() -> None:
    assert counted(None, "limit", 20, 100) == 20
    assert counted("100", "limit", 20, 100) == 100
    assert counted("91", "days", 30, 90, capped=True) == 90
    with pytest.raises(ValidationFailed, match="days harus 1-90"):
        counted("0", "days", 30, 90, capped=True)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("31-261127-k3m9", "36~31-261127-K3M9"),  # the number the Jakarta reporter quotes: Banten's copy
        ("36~31-261127-k3m9", "36~31-261127-K3M9"),
        ("36-261127-k3m9", "36-261127-K3M9"),  # Banten's own report
    ],
)
def test_in_banten_another_province_s_number_names_banten_s_copy(raw: str, key: str) -> None:
    assert agency_ref(raw, "take", here="36").key == key
    assert agency_action_in({"of": raw}, here="36").of == key


def test_in_banten_a_key_that_reads_as_none_is_still_refused_in_its_own_words() -> None:
    with pytest.raises(NotFound):
        agency_ref("bukan-nomor", "take", here="36")
    with pytest.raises(ValidationFailed) as caught:
        agency_action_in({"of": "bukan-nomor"}, here="36")
    assert caught.value.code == "validation_error"
