"""Hostile inputs at the code that answers them: a 4xx with a machine-readable code, never a 500."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from chalice.app import Request, Response, error_response

from chalicelib.api.http import json_response, json_text, read_json
from chalicelib.api.inputs import whole_number
from chalicelib.api.middleware import in_own_words
from chalicelib.api.schemas import LocationIn
from chalicelib.errors import BadRequest, ValidationFailed
from chalicelib.open311.formats import Format, document, format_of_request
from chalicelib.open311.submission import field, parse_form
from chalicelib.validation import AreaCode, ProvinceCode, convert


def request(path: str, raw: bytes = b"", uri_params: dict[str, str] | None = None) -> Request:
    """A Chalice request to the route ``path`` with this body."""
    event = {
        "multiValueQueryStringParameters": None,
        "headers": {},
        "pathParameters": uri_params,
        "requestContext": {"httpMethod": "POST", "resourcePath": path},
        "body": raw.decode("latin-1"),
        "isBase64Encoded": False,
        "stageVariables": None,
    }
    return Request(event)


# --- duplicate keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        (b'{"rating": 5, "rating": 1}', "rating"),
        (b'{"location": {"lat": 1, "lat": 2}}', "lat"),
        (b'{"photos": [{"a": 1, "a": 1}]}', "a"),
        (b'{"a": 1, "\\u0061": 2}', "a"),  # the same key, once escaped
    ],
)
def test_a_key_named_twice_is_a_400_not_last_wins(raw: bytes, key: str) -> None:
    with pytest.raises(BadRequest) as caught:
        read_json(request("/reports", raw))
    assert caught.value.code == "duplicate_key" and repr(key) in caught.value.message


def test_equal_keys_in_different_objects_are_fine() -> None:
    raw = b'{"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 3}, {"x": 4}]}'
    assert read_json(request("/reports", raw)) == {"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 3}, {"x": 4}]}


# --- whole numbers in query strings (dashboard ``days``, inbox ``limit``) -------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("7", 7),
        ("0", 0),
        ("007", 7),
        ("999999999", 999_999_999),
        ("\u00b2", None),  # str.isdigit() says yes, int() refuses it
        ("\u0663\u0661", None),  # Arabic-Indic digits: int() reads them, the API does not
        ("9" * 10_000, None),  # beyond int()'s 4,300-digit limit: int() refuses it
        ("9999999999", None),
        ("", None),
        ("-1", None),
        ("+1", None),
        (" 1", None),
        ("1e3", None),
        ("1_000", None),
    ],
)
def test_a_whole_number_is_ascii_digits_only(raw: str, value: int | None) -> None:
    assert whole_number(raw) == value


@pytest.mark.parametrize(
    ("model", "value"),
    [
        (ProvinceCode, "\u0663\u0661"),  # Arabic-Indic digits: Python's \\d matches them
        (ProvinceCode, "\uff13\uff11"),  # full-width digits
        (AreaCode, "\u0663\u0661.\u0667\u0664"),
        (AreaCode, "31.74.\u0660\u0661"),
    ],
)
def test_province_and_area_codes_are_ascii_digits_only(model: Any, value: str) -> None:
    with pytest.raises(ValidationFailed):
        convert(model, value)
    with pytest.raises(ValidationFailed):
        convert(LocationIn, {"lat": -6.2, "lon": 106.8, "area_code": value})


# --- Chalice's own answers in the API's words -----------------------------------------------------


def _body(response: Response) -> Any:
    return json.loads(response.body)


def test_chalice_415_and_405_become_the_error_envelope_and_keep_their_headers() -> None:
    unsupported = error_response("Unsupported media type: text/plain", "UnsupportedMediaType", 415)
    answer = in_own_words(unsupported, request("/reports"))
    assert answer.status_code == 415
    assert _body(answer)["error"]["code"] == "unsupported_media_type"
    assert answer.headers["Content-Type"].startswith("application/json")
    not_allowed = error_response("Unsupported method: PUT", "MethodNotAllowedError", 405, {"Allow": "GET"})
    answer = in_own_words(not_allowed, request("/health"))
    assert (answer.status_code, _body(answer)["error"]["code"]) == (405, "method_not_allowed")
    assert answer.headers["Allow"] == "GET"


def test_on_open311_routes_they_become_the_georeport_error_list_in_the_asked_format() -> None:
    unsupported = error_response("Unsupported media type: application/json", "UnsupportedMediaType", 415)
    as_json = in_own_words(unsupported, request("/open311/v2/requests.json"))
    [error] = _body(as_json)
    assert as_json.status_code == 415 and error["code"] == 415 and error["description"]
    as_xml = in_own_words(unsupported, request("/open311/v2/requests.xml"))
    root = ET.fromstring(as_xml.body)
    assert (root.tag, root.findtext("error/code")) == ("errors", "415")
    assert as_xml.headers["Content-Type"].startswith("text/xml")


def test_the_apps_own_responses_pass_unchanged() -> None:
    own = Response(body='{"error": {"code": "x", "message": "y"}}', status_code=400)
    assert in_own_words(own, request("/reports")) is own
    ok = Response(body={"Code": "looks like Chalice", "Message": "but a 200"}, status_code=200)
    assert in_own_words(ok, request("/reports")) is ok


@pytest.mark.parametrize(
    ("path", "params", "fmt"),
    [
        ("/open311/v2/requests.json", None, Format.JSON),
        ("/open311/v2/services.xml", None, Format.XML),
        ("/open311/v2/services/{name}", {"name": "banjir.json"}, Format.JSON),
        ("/open311/v2/services/{name}", {"name": "banjir.json.xml"}, Format.XML),
        ("/open311/v2/services/{name}", {"name": "banjir.yaml"}, Format.XML),
        ("/open311/v2/services/{name}", {"name": "x" * 10_000}, Format.XML),
        ("/open311/v2/services/{name}", None, Format.XML),
    ],
)
def test_the_format_of_an_open311_request(path: str, params: dict[str, str] | None, fmt: Format) -> None:
    assert format_of_request(path, params) is fmt


# --- Open311 forms: a single-valued field sent twice ----------------------------------------------


def test_a_repeated_single_valued_form_field_is_a_400_not_first_wins() -> None:
    form = parse_form(b"service_code=banjir&lat=-6.2&lat=106.8")
    assert field(form, "service_code") == "banjir"
    with pytest.raises(BadRequest) as caught:
        field(form, "lat")
    assert caught.value.code == "repeated_field"
    assert field(parse_form(b"lat=&x=1"), "lat") is None


# --- a lone surrogate echoed from a path, query or header ----------------------------------------


def test_a_lone_surrogate_echoed_in_a_message_is_written_as_utf8() -> None:
    echoed = {"error": {"code": "unknown_area", "message": "Wilayah '\ud800x' tidak dikenal"}}
    response = json_response(echoed)
    assert response.body.encode("utf-8")  # what the gateway does with it: a lone surrogate cannot be encoded
    assert json.loads(response.body)["error"]["message"] == "Wilayah '\ufffdx' tidak dikenal"
    assert json_text(["Jalan rusak 🚧", "شارع"]) == '["Jalan rusak 🚧", "شارع"]'  # readable, not escaped
    listed = document(Format.JSON, "errors", [{"code": 404, "description": "x\udcff.json"}], 404)
    assert json.loads(listed.body.encode("utf-8")) == [{"code": 404, "description": "x\ufffd.json"}]


# --- Open311: an api_key no configured key could be, and an unexpected failure ----------------------


@pytest.mark.parametrize("key", ["\ud800", "kunci\udfff", "\udcff" * 10])
def test_an_api_key_with_a_lone_surrogate_is_a_403(key: str) -> None:
    # A query string may carry one (the form's own field wins only when sent)
    from chalicelib.errors import Forbidden
    from chalicelib.open311.keys import client_for

    with pytest.raises(Forbidden) as caught:
        client_for(key)
    assert caught.value.code == "invalid_api_key"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_unexpected_failure_is_a_500_error_list_in_the_format_asked_for(fmt: str) -> None:
    from chalicelib.open311.formats import answered

    def broken(_stem: str, _fmt: Format) -> Response:
        raise RuntimeError("a bug")

    response = answered(f"requests.{fmt}", broken)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == Format(fmt).content_type
    body = str(response.body)
    if fmt == "xml":
        error = ET.fromstring(body).find("error")
        assert error is not None and error.findtext("code") == "500"
    else:
        assert json.loads(body)[0]["code"] == 500
    assert "a bug" not in body and "RuntimeError" not in body


@pytest.mark.parametrize(
    ("headers", "context", "url"),
    [
        (
            {"host": "abc.execute-api.ap-southeast-3.amazonaws.com", "x-forwarded-proto": "https"},
            {"stage": "api"},
            "https://abc.execute-api.ap-southeast-3.amazonaws.com/api/open311/v2",
        ),
        ({"host": "127.0.0.1:8031"}, {}, "http://127.0.0.1:8031/open311/v2"),
        ({"host": "evil.example<x>", "x-forwarded-proto": "javascript"}, {}, "http://localhost/open311/v2"),
        ({"host": "a.example/path?q", "x-forwarded-proto": "HTTPS"}, {}, "https://localhost/open311/v2"),
    ],
)
def test_the_discovered_endpoint_takes_only_a_host_name_and_http_or_https_from_headers(
    monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], context: dict[str, Any], url: str
) -> None:
    from chalicelib.open311.discovery import base_url

    monkeypatch.delenv("ADUAN_PUBLIC_BASE_URL", raising=False)
    assert base_url(headers, context) == url
