"""The two Open311 inputs read as text, without AWS: the ``POST requests`` form and the search query.

Each refusal is pinned by its status and machine-readable code (the GeoReport error list carries only
the status and a message; the code is logged), the field its message names, and the order of the
checks a request fails first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

import pytest
from chalice.app import Request
from msgspec import Meta

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api.oas import query_parameters, struct_fields
from chalicelib.domain.ids import WIB
from chalicelib.domain.report import Visibility
from chalicelib.errors import AduanError
from chalicelib.open311 import endpoints, keys, spec
from chalicelib.open311.inputs import read
from chalicelib.open311.search import (
    DEFAULT_PAGE_SIZE,
    MAX_IDS,
    MAX_PAGE_SIZE,
    PageQuery,
    next_query,
    parse_search,
)
from chalicelib.open311.submission import RequestForm, parse_form, submit_command
from chalicelib.provinces.registry import registry
from infra.local.config import stage_config
from tests.open311_forms import FLOOD

JAKARTA = registry().get("31")


def _form(fields: dict[str, str], *repeated: tuple[str, str]) -> dict[str, list[str]]:
    return parse_form(urlencode([*fields.items(), *repeated]))


def _without(name: str) -> dict[str, str]:
    return {k: v for k, v in FLOOD.items() if k != name}


def _refusal(call: Callable[..., Any], *args: Any) -> AduanError:
    with pytest.raises(AduanError) as caught:
        call(*args)
    return caught.value


# --- POST requests: the form after the gate (jurisdiction, api_key, service_code) --------------------


def test_a_valid_form_is_the_submission_it_stands_for() -> None:
    command = submit_command(JAKARTA.categories["banjir"], _form(FLOOD))
    assert command.category == "banjir"
    assert command.description == (
        "Genangan setinggi lutut di depan pasar sejak pagi.\n- Perkiraan kedalaman genangan (cm): 40"
    )
    assert (command.location.lat, command.location.lon) == (-6.2615, 106.8106)
    assert command.location.area_code == "31.74.01"
    assert command.visibility is Visibility.PRIVATE
    assert command.address == "Jl. Tebet Raya No. 10"
    assert command.contact is not None
    assert (command.contact.name, command.contact.email, command.contact.phone) == (
        "Siti Aminah",
        "siti@example.id",
        "081234567890",
    )
    assert command.contact.notify == ("email", "sms")
    assert command.photos == ()


def test_optional_fields_may_be_left_out_or_blank() -> None:
    gate = ("api_key", "service_code")  # checked before (endpoints.create), so always there
    fields = {k: FLOOD[k] for k in (*gate, "lat", "long", "attribute[area_code]")}
    bare = submit_command(JAKARTA.categories["banjir"], _form({**fields, "description": "  ", "email": ""}))
    assert bare.description == "Banjir/Genangan" and bare.contact is None and bare.address is None
    spaced = {**fields, "lat": " -6.2615 ", "description": " " + "x" * 4000 + " "}
    public = {"attribute[visibility]": "public", "media_url": "HTTPS://foto.example.id/a.jpg"}
    command = submit_command(JAKARTA.categories["banjir"], _form({**spaced, **public}))
    assert command.location.lat == -6.2615 and command.description == "x" * 4000
    assert command.visibility is Visibility.PUBLIC and command.photos == ("HTTPS://foto.example.id/a.jpg",)


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("description", "Bel\x07 di pos"),
        ("description", "Genangan\x00"),
        ("description", "x\x1b[31my"),
        ("description", "x\x85y"),  # C1 control (NEL)
        ("description", "x\u202ey"),  # bidi override
        ("address_string", "Jl. \x00"),
        ("media_url", "http://x.id/\x00"),
        ("attribute[kedalaman_cm]", "4\x000"),
    ],
)
def test_text_with_control_or_bidi_characters_is_refused_as_post_reports_refuses_it(
    field: str, text: str
) -> None:
    # Given a form whose text holds what the native API refuses (and the hand-over to another
    # province would refuse later, losing the report), when it is read, then it is a 400 naming it
    error = _refusal(submit_command, JAKARTA.categories["banjir"], _form({**FLOOD, field: text}))
    assert error.http_status == 400
    assert field.removeprefix("attribute[").removesuffix("]") in f"{error.message} {error.details}"


def test_a_description_whose_attribute_lines_pass_the_cap_is_refused() -> None:
    # Given a description of the full 4,000 characters and an attribute answered, whose line joins it
    form = _form({**FLOOD, "description": "x" * 4000, "attribute[kedalaman_cm]": "40"})
    # Then the report text would pass every report's cap: refused, not stored to be lost at hand-over
    error = _refusal(submit_command, JAKARTA.categories["banjir"], form)
    assert (error.code, error.http_status) == ("too_long", 400)


@pytest.mark.parametrize(
    ("fields", "repeated", "code", "named"),
    [
        (_without("lat"), (), "missing_location", "lat"),
        (_without("long"), (), "missing_location", "long"),
        ({**FLOOD, "lat": ""}, (), "missing_location", "lat"),
        ({**FLOOD, "lat": "north"}, (), "missing_location", "lat"),
        ({**FLOOD, "lat": "nan"}, (), "missing_location", "lat"),
        ({**FLOOD, "long": "-inf"}, (), "missing_location", "long"),
        ({**FLOOD, "lat": "1e400"}, (), "missing_location", "lat"),
        ({**FLOOD, "lat": "95"}, (), "validation_error", "lat"),
        (FLOOD, (("lat", "-6.3"),), "repeated_field", "lat"),
        (FLOOD, (("description", "lagi"),), "repeated_field", "description"),
        (
            {**FLOOD, "media_url": "https://x.id/b.jpg"},
            (("media_url", "https://x.id/a.jpg"),),
            "repeated_field",
            "media_url",
        ),
        ({**FLOOD, "description": "x" * 4001}, (), "too_long", "description"),
        ({**FLOOD, "address_string": "x" * 301}, (), "too_long", "address_string"),
        ({**FLOOD, "media_url": "https://x.id/" + "a" * 490}, (), "too_long", "media_url"),
        ({**FLOOD, "media_url": "javascript:alert(1)"}, (), "invalid_media_url", "media_url"),
        ({**FLOOD, "media_url": "ftp://x.id/a.jpg"}, (), "invalid_media_url", "media_url"),
        ({**FLOOD, "email": "not-an-email"}, (), "validation_error", "email"),
        ({**FLOOD, "phone": "call me"}, (), "validation_error", "phone"),
        ({**FLOOD, "first_name": "x" * 130}, (), "validation_error", "name"),
        (_without("attribute[area_code]"), (), "invalid_attribute", "attribute[area_code]"),
        ({**FLOOD, "attribute[area_code]": "3174"}, (), "validation_error", "area_code"),
        ({**FLOOD, "attribute[kedalaman_cm]": "dalam"}, (), "invalid_attribute", "attribute[kedalaman_cm]"),
        ({**FLOOD, "attribute[kondisi]": "tumbang"}, (), "unknown_attribute", "attribute[kondisi]"),
        ({**FLOOD, "attribute[visibility]": "secret"}, (), "invalid_attribute", "attribute[visibility]"),
    ],
)
def test_each_refusal_has_its_code_and_names_its_field(
    fields: dict[str, str], repeated: tuple[tuple[str, str], ...], code: str, named: str
) -> None:
    error = _refusal(submit_command, JAKARTA.categories["banjir"], _form(fields, *repeated))
    assert (error.code, error.http_status in (400, 422)) == (code, True), error.message
    assert named in error.message and "(" in error.message  # Bahasa Indonesia, then English


# --- POST requests: the order of the checks (jurisdiction -> api_key -> service_code -> the rest) -----


@pytest.fixture
def jakarta_stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The Jakarta stage's variables; no rate limit; intake must not be reached. Yields refusal codes."""
    for name, value in stage_config("jakarta").environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(ratelimit, "enforce_for", lambda *_: None)
    monkeypatch.setattr(container, "intake", lambda: pytest.fail("a refused request reached intake"))
    codes: list[str] = []
    monkeypatch.setattr(endpoints, "answered", _recording(endpoints.answered, codes))
    yield codes


def _recording(answered: Any, codes: list[str]) -> Any:
    def recorded(name: str, produce: Any) -> Any:
        def wrapped(stem: str, fmt: Any) -> Any:
            try:
                return produce(stem, fmt)
            except AduanError as error:
                codes.append(error.code)
                raise

        return answered(name, wrapped)

    return recorded


def _post(fields: dict[str, str], *repeated: tuple[str, str]) -> int:
    event = {
        "multiValueQueryStringParameters": None,
        "headers": {"content-type": "application/x-www-form-urlencoded"},
        "pathParameters": None,
        "requestContext": {"httpMethod": "POST", "resourcePath": "/open311/v2/requests.json"},
        "body": urlencode([*fields.items(), *repeated]),
        "isBase64Encoded": False,
        "stageVariables": None,
    }
    return endpoints.create(Request(event)).status_code


@pytest.mark.parametrize(
    ("fields", "repeated", "status", "code"),
    [
        ({**_without("api_key"), "jurisdiction_id": "bantenprov.go.id"}, (), 404, "unknown_jurisdiction"),
        (
            {**FLOOD, "jurisdiction_id": "atlantis.go.id", "api_key": "x" * 500},
            (),
            404,
            "unknown_jurisdiction",
        ),
        (FLOOD, (("jurisdiction_id", "jakarta.go.id"), ("jurisdiction_id", "x")), 400, "repeated_field"),
        ({**_without("api_key"), "lat": "north"}, (), 403, "invalid_api_key"),
        ({**FLOOD, "api_key": "x" * 201, "lat": "north"}, (), 403, "invalid_api_key"),
        ({**FLOOD, "api_key": "not-a-key"}, (), 403, "invalid_api_key"),
        (FLOOD, (("api_key", "dev-open311-key"),), 400, "repeated_field"),
        ({**_without("service_code"), "lat": "north"}, (), 400, "missing_service_code"),
        ({**FLOOD, "service_code": "ufo", "lat": "north"}, (), 404, "unknown_service"),
        ({**FLOOD, "service_code": "ufo", "description": "x" * 4001}, (), 404, "unknown_service"),
        ({**FLOOD, "lat": "north"}, (), 400, "missing_location"),
    ],
)
def test_the_gate_answers_before_the_rest_of_the_form(
    jakarta_stage: list[str],
    fields: dict[str, str],
    repeated: tuple[tuple[str, str], ...],
    status: int,
    code: str,
) -> None:
    assert _post(fields, *repeated) == status
    assert jakarta_stage == [code]


# --- GET requests: the search query --------------------------------------------------------------------


def test_an_empty_query_is_the_last_90_days_of_everything_a_page_at_a_time() -> None:
    search = parse_search(JAKARTA, {})
    assert search.ids is None and search.service_codes is None and search.cursor is None
    assert search.page_size == DEFAULT_PAGE_SIZE and len(search.statuses) > 2
    assert search.end - search.start == timedelta(days=90)
    assert abs(search.end - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_query_is_read_as_given() -> None:
    search = parse_search(
        JAKARTA,
        {
            "service_request_id": " 31-261127-K3M9, ,31-261127-ABCD",
            "service_code": "banjir, pohon",
            "start_date": "2026-01-01T08:00:00 07:00",  # a + decoded as a space
            "end_date": "2026-01-31",  # no offset: WIB
            "status": "closed",
            "page_size": " 010 ",
            "cursor": "abc",
            "jurisdiction_id": "jakarta.go.id",
            "unknown": "ignored",
        },
    )
    assert search.ids == ("31-261127-K3M9", "31-261127-ABCD")
    assert search.service_codes == frozenset({"banjir", "pohon"})
    assert search.start == datetime(2026, 1, 1, 1, tzinfo=UTC)
    assert search.end == datetime(2026, 1, 31, tzinfo=WIB)
    assert search.page_size == 10 and search.cursor == "abc"
    for blank in ("", "  "):
        assert parse_search(JAKARTA, {"page_size": blank, "status": blank}).page_size == DEFAULT_PAGE_SIZE
    assert parse_search(JAKARTA, {"page_size": str(MAX_PAGE_SIZE)}).page_size == MAX_PAGE_SIZE


@pytest.mark.parametrize(
    ("params", "status", "code", "named"),
    [
        (
            {"service_request_id": ",".join(["31-261127-K3M9"] * (MAX_IDS + 1))},
            400,
            "too_many_ids",
            "service_request_id",
        ),
        ({"service_code": "banjir,ufo"}, 404, "unknown_service", "service_code"),
        ({"start_date": "yesterday"}, 400, "invalid_date", "start_date"),
        ({"start_date": " "}, 400, "invalid_date", "start_date"),
        ({"end_date": "2026-13-01"}, 400, "invalid_date", "end_date"),
        ({"start_date": "0001-01-01T00:00:00Z"}, 400, "invalid_date", "start_date"),
        ({"start_date": "2026-03-01", "end_date": "2026-01-01"}, 400, "invalid_date_range", "end_date"),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:01Z"},
            400,
            "date_range_too_long",
            "90",
        ),
        ({"status": "open,pending"}, 400, "invalid_status", "status"),
        *(
            ({"page_size": bad}, 400, "invalid_page_size", "page_size")
            for bad in ("0", "-1", str(MAX_PAGE_SIZE + 1), "ten", "1e2", "10.0", "+5", "99999", "1" * 12, "²")
        ),
        # several problems: the first in the order of the checks
        ({"page_size": "0", "service_code": "ufo"}, 404, "unknown_service", "service_code"),
        ({"page_size": "0", "status": "x"}, 400, "invalid_status", "status"),
        ({"status": "x", "start_date": "x"}, 400, "invalid_date", "start_date"),
    ],
)
def test_each_bad_query_has_its_status_and_code(
    params: dict[str, str], status: int, code: str, named: str
) -> None:
    error = _refusal(parse_search, JAKARTA, params)
    assert (error.http_status, error.code) == (status, code), error.message
    assert named in error.message and "(" in error.message


def test_the_next_page_repeats_the_filters_and_writes_out_the_window() -> None:
    params = {
        "jurisdiction_id": "jakarta.go.id",
        "service_code": "banjir",
        "status": "open",
        "page_size": "7",
        "cursor": "old",
        "other": "dropped",
    }
    search = parse_search(JAKARTA, params)
    query = parse_qs(next_query(params, search, "next"))
    assert query == {
        "jurisdiction_id": ["jakarta.go.id"],
        "service_code": ["banjir"],
        "status": ["open"],
        "start_date": [search.start.isoformat()],
        "end_date": [search.end.isoformat()],
        "page_size": ["7"],
        "cursor": ["next"],
    }


# --- one schema: the document's limits are the ones checked ------------------------------------------


def test_every_limit_the_document_gives_the_form_is_the_limit_checked() -> None:
    properties = spec.FORM_SCHEMA["properties"]
    longest = {name: p["maxLength"] for name, p in properties.items() if "maxLength" in p}
    assert set(longest) == {
        "api_key",
        "attribute[area_code]",
        "address_string",
        "description",
        "email",
        "media_url",
    }
    category = JAKARTA.categories["banjir"]
    filler = {"media_url": "https://foto.example.id/", "attribute[area_code]": "31.74.01.1001"}
    # (the description's limit holds the answered attributes' lines too: none is answered for it)
    unanswered = {k: v for k, v in FLOOD.items() if k != "attribute[kedalaman_cm]"}
    for name in ("attribute[area_code]", "address_string", "description", "email", "media_url"):
        text = (filler.get(name, "") + "x" * longest[name])[: longest[name]]
        if name == "email":  # still an address at the limit, and one character beyond it
            text = text[: -len("@contoh.id")] + "@contoh.id"
        base = unanswered if name == "description" else FLOOD
        assert submit_command(category, _form({**base, name: text}))  # at the documented limit
        beyond = "1" + text if name == "email" else text + "1"
        error = _refusal(submit_command, category, _form({**base, name: beyond}))
        assert name.removeprefix("attribute[").removesuffix("]") in error.message
    for name in ("lat", "long"):
        low, high = properties[name]["minimum"], properties[name]["maximum"]
        for bound in (low, high):
            assert submit_command(category, _form({**FLOOD, name: str(bound)}))
        for beyond in (low - 0.001, high + 0.001):
            error = _refusal(submit_command, category, _form({**FLOOD, name: str(beyond)}))
            assert error.code == "validation_error" and f"{name}:" in error.message
    required = set(spec.FORM_SCHEMA["required"])
    assert required == {"api_key", "service_code", "lat", "long", "attribute[area_code]"}
    for name in required - {"api_key", "service_code"}:  # those two: the gate's (test above)
        assert _refusal(submit_command, category, _form(_without(name))).http_status in (400, 422)


def test_the_documented_api_key_length_is_the_length_the_gate_takes(
    jakarta_stage: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "k" * spec.FORM_SCHEMA["properties"]["api_key"]["maxLength"]
    monkeypatch.setattr(keys, "configured_clients", lambda: {keys.hash_key(key): "longest"})
    assert _post({**FLOOD, "api_key": key, "lat": "north"}) == 400  # past the gate, to the form
    assert _post({**FLOOD, "api_key": key + "k", "lat": "north"}) == 403
    assert jakarta_stage == ["missing_location", "invalid_api_key"]


def test_the_documented_page_size_range_is_the_range_checked() -> None:
    [schema] = [p["schema"] for p in spec.SEARCH_PARAMS if p["name"] == "page_size"]
    assert schema["type"] == "integer"
    for size in (schema["minimum"], schema["maximum"]):
        assert parse_search(JAKARTA, {"page_size": str(size)}).page_size == size
    for size in (schema["minimum"] - 1, schema["maximum"] + 1):
        assert _refusal(parse_search, JAKARTA, {"page_size": str(size)}).code == "invalid_page_size"


def test_a_limit_changed_in_the_struct_changes_both_the_check_and_the_document() -> None:
    class Narrower(RequestForm, kw_only=True):
        description: Annotated[str, Meta(max_length=10)] | None = None

    class Fewer(PageQuery, kw_only=True):
        page_size: Annotated[int, Meta(ge=1, le=20)] | None = None

    assert struct_fields(Narrower)[0]["description"]["maxLength"] == 10
    text = {**FLOOD, "description": "x" * 11}.get
    assert "description: maksimal 10 karakter" in _refusal(read, Narrower, text).message
    assert read(Narrower, {**FLOOD, "description": "x" * 10}.get).description == "x" * 10
    [page_size] = [p for p in query_parameters(Fewer) if p["name"] == "page_size"]
    assert page_size["schema"]["maximum"] == 20
    assert "page_size: di luar rentang ≤ 20" in _refusal(read, Fewer, {"page_size": "21"}.get).message
    assert read(Fewer, {"page_size": "20"}.get).page_size == 20
