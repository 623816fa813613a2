"""The submit form (``POST /reports``) checked without pydantic, as ``SubmitReportIn`` checks it.

``parse_submit`` replaced ``parse_model(SubmitReportIn, ...)`` in the submit view. Besides the
cases below, every case and a few thousand random bodies are compared with the model (still in
``chalicelib.api.schemas``, the documented schema): both accept with the same cleaned values, or
both refuse with the same 422 (message and ``details``: field, problem, type, in the same order).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, get_args

import pytest
from pydantic import Field as PydanticField
from pydantic import TypeAdapter, ValidationError

from chalicelib.api import fields, schemas
from chalicelib.api.fields import WHITESPACE, python_pattern
from chalicelib.api.http import error_response, parse_model
from chalicelib.api.schemas import SubmitReportIn
from chalicelib.api.submit_form import LocationForm, ReporterForm, SubmitForm, parse_submit
from chalicelib.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]

KEY_1 = "uploads/31/" + "0123456789abcdef" * 2 + ".jpg"
KEY_2 = "uploads/31/" + "fedcba9876543210" * 2 + ".png"
LOCATION = {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"}
MINIMAL: dict[str, Any] = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang besar di depan SDN Tebet 01.",
    "location": LOCATION,
}
FULL: dict[str, Any] = {
    **MINIMAL,
    "address": "Jl. Tebet Raya No. 10",
    "reporter": {"name": "Siti", "phone": "+62 (812) 3456-7890", "email": "siti@example.id"},
    "visibility": "public",
    "photos": [KEY_1, KEY_2],
}

CONTROL = (
    "Value error, berisi karakter kontrol yang tidak diizinkan "
    "(control, NUL, lone surrogate or bidi override)"
)
UNICODE = "Input should be a valid string, unable to parse raw data as a unicode string"
NOT_STRING = "Input should be a valid string"
NOT_NUMBER = "Input should be a valid number"
EXTRA = "Extra inputs are not permitted"
VISIBILITY = "Input should be 'private' or 'public'"
AREA = "String should match pattern '^\\d{2}\\.\\d{2}(\\.\\d{2}(\\.\\d{4})?)?$'"
PHONE = "String should match pattern '^\\+?[0-9 ()-]{6,20}$'"
EMAIL = "String should match pattern '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'"
UPLOAD = "String should match pattern '^uploads/[0-9]{2}/[0-9a-f]{32}\\.(jpg|png)$'"


DROP = object()


def body(**changes: Any) -> dict[str, Any]:
    """``FULL`` with top-level changes (``None`` values kept; ``DROP`` removes the key)."""
    out = copy.deepcopy(FULL)
    for name, value in changes.items():
        if value is DROP:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def at(part: str, **changes: Any) -> dict[str, Any]:
    """``FULL`` with changes inside ``location`` or ``reporter``."""
    out = copy.deepcopy(FULL)
    for name, value in changes.items():
        if value is DROP:
            out[part].pop(name, None)
        else:
            out[part][name] = value
    return out


def from_json(lat: str, lon: str) -> Any:
    """A body as ``json.loads`` reads it, with these JSON texts (NaN, Infinity...) as lat and lon."""
    location = f'{{"lat": {lat}, "lon": {lon}, "area_code": "31.74"}}'
    return json.loads(f'{{"category": "c", "description": "d", "location": {location}}}')


def p(field: str, problem: str, kind: str) -> dict[str, str]:
    return {"field": field, "problem": problem, "type": kind}


def refused(data: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse_submit(data)
    return caught.value


# Valid bodies


def test_a_minimal_body_gets_the_models_defaults() -> None:
    checked = parse_submit(copy.deepcopy(MINIMAL))
    assert checked == SubmitForm(
        category="jalan_rusak",
        description="Jalan berlubang besar di depan SDN Tebet 01.",
        location=LocationForm(lat=-6.226, lon=106.853, area_code="31.74.01"),
        address=None,
        reporter=None,
        visibility="private",
        photos=(),
    )


def test_a_full_body_is_kept() -> None:
    checked = parse_submit(copy.deepcopy(FULL))
    assert checked.reporter == ReporterForm(name="Siti", phone="+62 (812) 3456-7890", email="siti@example.id")
    assert (checked.address, checked.visibility, checked.photos) == (
        "Jl. Tebet Raya No. 10",
        "public",
        (KEY_1, KEY_2),
    )


def test_the_form_is_a_frozen_dataclass_not_a_model() -> None:
    checked = parse_submit(copy.deepcopy(FULL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        checked.category = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        checked.location.lat = 0.0  # type: ignore[misc]
    assert not hasattr(checked, "model_dump")


def test_a_null_or_empty_reporter_and_a_null_address() -> None:
    assert parse_submit(body(reporter=None, address=None)).reporter is None
    assert parse_submit(body(reporter={})).reporter == ReporterForm(None, None, None)
    assert parse_submit(body(reporter={"name": None, "phone": None, "email": None})).reporter == (
        ReporterForm(None, None, None)
    )
    assert parse_submit(body(photos=[])).photos == ()


def test_ints_become_floats_and_the_bounds_are_inclusive() -> None:
    location = parse_submit(at("location", lat=-6, lon=106)).location
    assert (location.lat, location.lon) == (-6.0, 106.0)
    assert type(location.lat) is float and type(location.lon) is float
    for lat, lon in [(90, 180), (-90, -180), (90.0, -180.0), (0, -0.0), (10**0, 1e-300)]:
        assert parse_submit(at("location", lat=lat, lon=lon)).location.lat == float(lat)


def test_strings_are_stripped_of_what_pydantic_strips() -> None:
    checked = parse_submit(
        body(
            category="  jalan_rusak\t",
            description="\n Jalan berlubang \u3000",
            location={"lat": 1, "lon": 2, "area_code": " 31.74.01\n"},
            address="\xa0Jl. Tebet\u2003",
            reporter={"name": "\u2028Siti\x85", "phone": " 0812345678 ", "email": "\tsiti@example.id "},
            photos=[f" {KEY_1}\r\n"],
        )
    )
    assert (checked.category, checked.description, checked.address) == (
        "jalan_rusak",
        "Jalan berlubang",
        "Jl. Tebet",
    )
    assert checked.location.area_code == "31.74.01"
    assert checked.reporter == ReporterForm("Siti", "0812345678", "siti@example.id")
    assert checked.photos == (KEY_1,)
    # \x0b and \x0c are forbidden inside a text, but whitespace at its ends (stripped first)
    assert parse_submit(body(description="\x0bteks\x0c")).description == "teks"
    # only whitespace: an optional text becomes empty
    assert parse_submit(body(address="   ")).address == ""


def test_a_value_over_its_cap_only_by_surrounding_spaces_is_kept() -> None:
    checked = parse_submit(
        body(
            category=" " + "k" * 40 + " ",
            description="d" * 4000 + "\n\n",
            address="\t" + "a" * 300,
            location={"lat": 0, "lon": 0, "area_code": "  31.74.01.1001  "},
            reporter={"name": " " + "n" * 120 + " ", "email": " " + "e" * 243 + "@example.id "},
        )
    )
    assert (len(checked.category), len(checked.description), len(checked.address or "")) == (40, 4000, 300)
    assert checked.location.area_code == "31.74.01.1001"
    assert checked.reporter is not None and len(checked.reporter.email or "") == 254


def test_unicode_text_is_kept() -> None:
    text = "Jalan rusak 😀 — جاده خراب — 道路 — jalan ke-٣"
    assert parse_submit(body(description=text, address=text)).description == text
    # the area pattern's \d is Unicode's decimal digits, as pydantic's (Rust) regex reads it
    assert parse_submit(at("location", area_code="٣١.٧٤")).location.area_code == "٣١.٧٤"


# Refused bodies: (body, the 422's details)

LAT = "location.lat"
LON = "location.lon"
CODE = "location.area_code"

CASES: list[tuple[str, Any, list[dict[str, str]]]] = [
    # missing
    ("no category", body(category=DROP), [p("category", "Field required", "missing")]),
    ("no description", body(description=DROP), [p("description", "Field required", "missing")]),
    ("no location", body(location=DROP), [p("location", "Field required", "missing")]),
    ("no lat", at("location", lat=DROP), [p(LAT, "Field required", "missing")]),
    ("no lon", at("location", lon=DROP), [p(LON, "Field required", "missing")]),
    ("no area code", at("location", area_code=DROP), [p(CODE, "Field required", "missing")]),
    (
        "empty body",
        {},
        [
            p("category", "Field required", "missing"),
            p("description", "Field required", "missing"),
            p("location", "Field required", "missing"),
        ],
    ),
    (
        "empty location",
        body(location={}),
        [
            p(LAT, "Field required", "missing"),
            p(LON, "Field required", "missing"),
            p(CODE, "Field required", "missing"),
        ],
    ),
    # wrong types
    ("category a number", body(category=5), [p("category", NOT_STRING, "string_type")]),
    ("category null", body(category=None), [p("category", NOT_STRING, "string_type")]),
    ("description a list", body(description=["x"]), [p("description", NOT_STRING, "string_type")]),
    ("description an object", body(description={"id": "x"}), [p("description", NOT_STRING, "string_type")]),
    ("address a number", body(address=10), [p("address", NOT_STRING, "string_type")]),
    ("address a bool", body(address=False), [p("address", NOT_STRING, "string_type")]),
    (
        "location a string",
        body(location="-6.2,106.8"),
        [p("location", "Input should be a valid dictionary or instance of LocationIn", "model_type")],
    ),
    (
        "location null",
        body(location=None),
        [p("location", "Input should be a valid dictionary or instance of LocationIn", "model_type")],
    ),
    (
        "location a list",
        body(location=[-6.2, 106.8]),
        [p("location", "Input should be a valid dictionary or instance of LocationIn", "model_type")],
    ),
    ("lat a string", at("location", lat="-6.2"), [p(LAT, NOT_NUMBER, "float_type")]),
    ("lat null", at("location", lat=None), [p(LAT, NOT_NUMBER, "float_type")]),
    ("lat true", at("location", lat=True), [p(LAT, NOT_NUMBER, "float_type")]),
    ("lon false", at("location", lon=False), [p(LON, NOT_NUMBER, "float_type")]),
    ("lon a list", at("location", lon=[106]), [p(LON, NOT_NUMBER, "float_type")]),
    ("area code a number", at("location", area_code=3174), [p(CODE, NOT_STRING, "string_type")]),
    (
        "reporter a string",
        body(reporter="Siti"),
        [p("reporter", "Input should be a valid dictionary or instance of ReporterIn", "model_type")],
    ),
    (
        "reporter a list",
        body(reporter=[]),
        [p("reporter", "Input should be a valid dictionary or instance of ReporterIn", "model_type")],
    ),
    ("name a number", at("reporter", name=7), [p("reporter.name", NOT_STRING, "string_type")]),
    ("phone a number", at("reporter", phone=812345678), [p("reporter.phone", NOT_STRING, "string_type")]),
    ("email true", at("reporter", email=True), [p("reporter.email", NOT_STRING, "string_type")]),
    ("visibility a number", body(visibility=1), [p("visibility", VISIBILITY, "literal_error")]),
    ("visibility null", body(visibility=None), [p("visibility", VISIBILITY, "literal_error")]),
    ("visibility a list", body(visibility=["public"]), [p("visibility", VISIBILITY, "literal_error")]),
    ("visibility upper case", body(visibility="PUBLIC"), [p("visibility", VISIBILITY, "literal_error")]),
    ("visibility not stripped", body(visibility=" public"), [p("visibility", VISIBILITY, "literal_error")]),
    ("visibility unknown", body(visibility="secret"), [p("visibility", VISIBILITY, "literal_error")]),
    (
        "visibility lone surrogate",
        body(visibility="public\udc00"),
        [p("visibility", UNICODE, "string_unicode")],
    ),
    ("photos a string", body(photos=KEY_1), [p("photos", "Input should be a valid list", "list_type")]),
    ("photos null", body(photos=None), [p("photos", "Input should be a valid list", "list_type")]),
    (
        "photos an object",
        body(photos={"0": KEY_1}),
        [p("photos", "Input should be a valid list", "list_type")],
    ),
    (
        "photos not strings",
        body(photos=[1, KEY_1, None, [KEY_2]]),
        [
            p("photos.0", NOT_STRING, "string_type"),
            p("photos.2", NOT_STRING, "string_type"),
            p("photos.3", NOT_STRING, "string_type"),
        ],
    ),
    # too long, too short
    (
        "category too long",
        body(category="k" * 41),
        [p("category", "String should have at most 40 characters", "string_too_long")],
    ),
    (
        "category empty",
        body(category=""),
        [p("category", "String should have at least 1 character", "string_too_short")],
    ),
    (
        "category only spaces",
        body(category=" \t\n"),
        [p("category", "String should have at least 1 character", "string_too_short")],
    ),
    (
        "description too long",
        body(description="d" * 4001),
        [p("description", "String should have at most 4000 characters", "string_too_long")],
    ),
    (
        "description only whitespace",
        body(description="\u3000\xa0 "),
        [p("description", "String should have at least 1 character", "string_too_short")],
    ),
    (
        "address too long",
        body(address="a" * 301),
        [p("address", "String should have at most 300 characters", "string_too_long")],
    ),
    (
        "area code too long (before its pattern)",
        at("location", area_code="31.74.01.10011"),
        [p(CODE, "String should have at most 13 characters", "string_too_long")],
    ),
    (
        "area code too long and malformed",
        at("location", area_code="x" * 14),
        [p(CODE, "String should have at most 13 characters", "string_too_long")],
    ),
    (
        "name empty",
        at("reporter", name=""),
        [p("reporter.name", "String should have at least 1 character", "string_too_short")],
    ),
    (
        "name only spaces",
        at("reporter", name="  "),
        [p("reporter.name", "String should have at least 1 character", "string_too_short")],
    ),
    (
        "name too long",
        at("reporter", name="n" * 121),
        [p("reporter.name", "String should have at most 120 characters", "string_too_long")],
    ),
    (
        "email too long",
        at("reporter", email="e" * 245 + "@example.id"),
        [p("reporter.email", "String should have at most 254 characters", "string_too_long")],
    ),
    (
        "photo key too long",
        body(photos=[KEY_1 + "x" * 18]),
        [p("photos.0", "String should have at most 64 characters", "string_too_long")],
    ),
    (
        "six photos",
        body(photos=[KEY_1] * 6),
        [p("photos", "List should have at most 5 items after validation, not 6", "too_long")],
    ),
    (
        "seven bad photos: only the count",
        body(photos=[1, "x", None, KEY_1, KEY_2, "y", 3.5]),
        [p("photos", "List should have at most 5 items after validation, not 7", "too_long")],
    ),
    # patterns
    (
        "area code with dashes",
        at("location", area_code="31-74-01"),
        [p(CODE, AREA, "string_pattern_mismatch")],
    ),
    ("area code of a province", at("location", area_code="31"), [p(CODE, AREA, "string_pattern_mismatch")]),
    (
        "area code half a level",
        at("location", area_code="31.74.0"),
        [p(CODE, AREA, "string_pattern_mismatch")],
    ),
    (
        "area code newline inside",
        at("location", area_code="31.74\n01"),
        [p(CODE, AREA, "string_pattern_mismatch")],
    ),
    ("area code empty", at("location", area_code=""), [p(CODE, AREA, "string_pattern_mismatch")]),
    ("area code NUL", at("location", area_code="31.74\x00"), [p(CODE, AREA, "string_pattern_mismatch")]),
    (
        "phone too short",
        at("reporter", phone="12345"),
        [p("reporter.phone", PHONE, "string_pattern_mismatch")],
    ),
    (
        "phone too long",
        at("reporter", phone="1" * 21),
        [p("reporter.phone", PHONE, "string_pattern_mismatch")],
    ),
    (
        "phone letters",
        at("reporter", phone="0812-CALL-ME"),
        [p("reporter.phone", PHONE, "string_pattern_mismatch")],
    ),
    ("phone empty", at("reporter", phone=""), [p("reporter.phone", PHONE, "string_pattern_mismatch")]),
    (
        "email no at",
        at("reporter", email="siti.example.id"),
        [p("reporter.email", EMAIL, "string_pattern_mismatch")],
    ),
    (
        "email no dot",
        at("reporter", email="siti@example"),
        [p("reporter.email", EMAIL, "string_pattern_mismatch")],
    ),
    (
        "email a space",
        at("reporter", email="siti nur@example.id"),
        [p("reporter.email", EMAIL, "string_pattern_mismatch")],
    ),
    (
        "email a NEL",
        at("reporter", email="siti\x85@example.id"),
        [p("reporter.email", EMAIL, "string_pattern_mismatch")],
    ),
    (
        "photo key short",
        body(photos=["uploads/31/abc.jpg"]),
        [p("photos.0", UPLOAD, "string_pattern_mismatch")],
    ),
    ("photo key gif", body(photos=[KEY_1[:-3] + "gif"]), [p("photos.0", UPLOAD, "string_pattern_mismatch")]),
    ("photo key upper hex", body(photos=[KEY_1.upper()]), [p("photos.0", UPLOAD, "string_pattern_mismatch")]),
    (
        "photo key trailing newline inside",
        body(photos=[KEY_2, KEY_1 + "\nx"]),
        [p("photos.1", UPLOAD, "string_pattern_mismatch")],
    ),
    # ranges and non-finite numbers
    (
        "lat above 90",
        at("location", lat=90.0001),
        [p(LAT, "Input should be less than or equal to 90", "less_than_equal")],
    ),
    (
        "lat below -90",
        at("location", lat=-90.5),
        [p(LAT, "Input should be greater than or equal to -90", "greater_than_equal")],
    ),
    (
        "lon above 180",
        at("location", lon=181),
        [p(LON, "Input should be less than or equal to 180", "less_than_equal")],
    ),
    (
        "lon below -180",
        at("location", lon=-180.01),
        [p(LON, "Input should be greater than or equal to -180", "greater_than_equal")],
    ),
    (
        "lat a big int",
        at("location", lat=10**20),
        [p(LAT, "Input should be less than or equal to 90", "less_than_equal")],
    ),
    ("lat an int no float holds", at("location", lat=10**400), [p(LAT, NOT_NUMBER, "float_type")]),
    ("lon a negative int no float holds", at("location", lon=-(10**400)), [p(LON, NOT_NUMBER, "float_type")]),
    (
        "NaN and Infinity from JSON",
        from_json("NaN", "Infinity"),
        [
            p(LAT, "Input should be less than or equal to 90", "less_than_equal"),
            p(LON, "Input should be less than or equal to 180", "less_than_equal"),
        ],
    ),
    (
        "-Infinity and NaN from JSON",
        from_json("-Infinity", "NaN"),
        [
            p(LAT, "Input should be greater than or equal to -90", "greater_than_equal"),
            p(LON, "Input should be less than or equal to 180", "less_than_equal"),
        ],
    ),
    (
        "1e999 from JSON",
        from_json("1e999", "-1e999"),
        [
            p(LAT, "Input should be less than or equal to 90", "less_than_equal"),
            p(LON, "Input should be greater than or equal to -180", "greater_than_equal"),
        ],
    ),
    # unknown keys
    ("an unknown key", body(secret="x"), [p("secret", EXTRA, "extra_forbidden")]),
    ("an empty key", body(**{"": 1}), [p("(body)", EXTRA, "extra_forbidden")]),
    ("an unknown key in location", at("location", alt=12), [p("location.alt", EXTRA, "extra_forbidden")]),
    ("an empty key in location", at("location", **{"": 0}), [p("location.", EXTRA, "extra_forbidden")]),
    ("an unknown key in reporter", at("reporter", nik="3174"), [p("reporter.nik", EXTRA, "extra_forbidden")]),
    (
        "a camel-case field is unknown",
        {**copy.deepcopy(MINIMAL), "areaCode": "31.74"},
        [p("areaCode", EXTRA, "extra_forbidden")],
    ),
    (
        "keys that are not strings (not from JSON)",
        {**copy.deepcopy(MINIMAL), 1: "x", None: "y", 1.5: "z"},
        [
            p("1", "Keys should be strings", "invalid_key"),
            p("None", "Keys should be strings", "invalid_key"),
            p("1.5", "Keys should be strings", "invalid_key"),
        ],
    ),
    (
        "a bool key (not from JSON)",
        {True: "t", **copy.deepcopy(MINIMAL)},
        [p("1", "Keys should be strings", "invalid_key")],
    ),
    (
        "a key that is not a string in location",
        body(location={**LOCATION, 7: 1}),
        [p("location.7", "Keys should be strings", "invalid_key")],
    ),
    # a key with a lone surrogate: the object's one problem, whatever else is wrong with it
    ("a key with a lone surrogate", body(**{"x\ud800": 1}), [p("(body)", UNICODE, "string_unicode")]),
    (
        "a key with a lone surrogate hides every other problem",
        {"zz": 1, 5: 1, "category": 5, "a\udfff": 1},
        [p("(body)", UNICODE, "string_unicode")],
    ),
    (
        "a key with a lone surrogate in location and in reporter",
        body(
            category=3,
            q=1,
            location={"x\ud800": 1, "lat": "s"},
            reporter={"name": "", "\udc00": None},
        ),
        [
            p("category", NOT_STRING, "string_type"),
            p("location", UNICODE, "string_unicode"),
            p("reporter", UNICODE, "string_unicode"),
            p("q", EXTRA, "extra_forbidden"),
        ],
    ),
    # control characters, lone surrogates, bidi overrides
    ("category NUL", body(category="jalan\x00rusak"), [p("category", CONTROL, "value_error")]),
    ("description ESC", body(description="a\x1b[31mb"), [p("description", CONTROL, "value_error")]),
    ("description DEL", body(description="a\x7fb"), [p("description", CONTROL, "value_error")]),
    (
        "description a vertical tab inside",
        body(description="a\x0bb"),
        [p("description", CONTROL, "value_error")],
    ),
    (
        "description \\x1c at the end (not stripped)",
        body(description="teks\x1c"),
        [p("description", CONTROL, "value_error")],
    ),
    ("address C1", body(address="Jl.\x9f Tebet"), [p("address", CONTROL, "value_error")]),
    ("name NEL inside", at("reporter", name="Si\x85ti"), [p("reporter.name", CONTROL, "value_error")]),
    (
        "email \\x1c (no whitespace to the pattern)",
        at("reporter", email="siti\x1c@example.id"),
        [p("reporter.email", CONTROL, "value_error")],
    ),
    (
        "phone NUL",
        at("reporter", phone="0812345678\x00"),
        [p("reporter.phone", PHONE, "string_pattern_mismatch")],
    ),
    ("category bidi", body(category="\u202ejalan"), [p("category", CONTROL, "value_error")]),
    (
        "description bidi isolate",
        body(description="teks \u2066x\u2069"),
        [p("description", CONTROL, "value_error")],
    ),
    ("address bidi", body(address="Jl. \u202dTebet"), [p("address", CONTROL, "value_error")]),
    ("name bidi", at("reporter", name="\u202bSiti"), [p("reporter.name", CONTROL, "value_error")]),
    (
        "email bidi",
        at("reporter", email="siti\u202e@example.id"),
        [p("reporter.email", CONTROL, "value_error")],
    ),
    (
        "phone bidi",
        at("reporter", phone="\u202e0812345678"),
        [p("reporter.phone", PHONE, "string_pattern_mismatch")],
    ),
    ("area code bidi", at("location", area_code="31.74\u202e"), [p(CODE, AREA, "string_pattern_mismatch")]),
    ("category lone surrogate", body(category="jalan\ud800"), [p("category", UNICODE, "string_unicode")]),
    ("description lone surrogate", body(description="\udfff"), [p("description", UNICODE, "string_unicode")]),
    ("address lone surrogate", body(address="a\udc80b"), [p("address", UNICODE, "string_unicode")]),
    (
        "area code lone surrogate",
        at("location", area_code="31.74\ud800"),
        [p(CODE, UNICODE, "string_unicode")],
    ),
    (
        "name lone surrogate",
        at("reporter", name="\ud83dSiti"),
        [p("reporter.name", UNICODE, "string_unicode")],
    ),
    (
        "phone lone surrogate",
        at("reporter", phone="\ud8000812345678"),
        [p("reporter.phone", UNICODE, "string_unicode")],
    ),
    (
        "email lone surrogate",
        at("reporter", email="s\udfff@example.id"),
        [p("reporter.email", UNICODE, "string_unicode")],
    ),
    ("photo key lone surrogate", body(photos=[KEY_1, "\ud800"]), [p("photos.1", UNICODE, "string_unicode")]),
    # not an object at all
    *[
        (
            f"a body that is {kind}",
            value,
            [p("(body)", "Input should be a valid dictionary or instance of SubmitReportIn", "model_type")],
        )
        for kind, value in [
            ("a list", [copy.deepcopy(FULL)]),
            ("a string", json.dumps(FULL)),
            ("null", None),
            ("a number", 5),
            ("true", True),
        ]
    ],
    # every problem at once, in the model's field order, unknown keys last in the body's order
    (
        "every problem listed",
        {
            "zzz": 1,
            "photos": ["x", KEY_1],
            "visibility": "semua",
            "reporter": {"email": "@", "x": 1, "name": ""},
            "location": {"area_code": "3", "lat": True, "q": 0},
            "description": "",
            "aaa": 2,
        },
        [
            p("category", "Field required", "missing"),
            p("description", "String should have at least 1 character", "string_too_short"),
            p(LAT, NOT_NUMBER, "float_type"),
            p(LON, "Field required", "missing"),
            p(CODE, AREA, "string_pattern_mismatch"),
            p("location.q", EXTRA, "extra_forbidden"),
            p("reporter.name", "String should have at least 1 character", "string_too_short"),
            p("reporter.email", EMAIL, "string_pattern_mismatch"),
            p("reporter.x", EXTRA, "extra_forbidden"),
            p("visibility", VISIBILITY, "literal_error"),
            p("photos.0", UPLOAD, "string_pattern_mismatch"),
            p("zzz", EXTRA, "extra_forbidden"),
            p("aaa", EXTRA, "extra_forbidden"),
        ],
    ),
]


@pytest.mark.parametrize(("data", "details"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_body_is_a_422_listing_every_problem(data: Any, details: list[dict[str, str]]) -> None:
    error = refused(copy.deepcopy(data))
    assert (error.http_status, error.code) == (422, "validation_error")
    assert error.details == details
    assert error.message == "Data tidak valid: " + "; ".join(
        f"{d['field']}: {d['problem']}" for d in details[:5]
    )


def test_the_422_response_reads_as_before() -> None:
    error = refused(body(category="", secret=1))
    response = error_response(error)
    assert response.status_code == 422
    assert json.loads(response.body)["error"] == {
        "code": "validation_error",
        "message": (
            "Data tidak valid: category: String should have at least 1 character; "
            "secret: Extra inputs are not permitted"
        ),
        "details": [
            p("category", "String should have at least 1 character", "string_too_short"),
            p("secret", EXTRA, "extra_forbidden"),
        ],
    }


def test_the_input_is_not_changed() -> None:
    data = body(category="  c  ", location={"lat": 1, "lon": 2, "area_code": " 31.74 "})
    before = copy.deepcopy(data)
    parse_submit(data)
    assert data == before


# The same definitions as the model's


def test_the_model_and_the_plain_check_share_their_definitions() -> None:
    assert schemas.check_text is fields.check_text
    assert schemas.AREA_CODE is fields.AREA_CODE and schemas.UPLOAD_KEY is fields.UPLOAD_KEY
    assert get_args(SubmitReportIn.model_fields["visibility"].annotation) == fields.VISIBILITIES
    defs = SubmitReportIn.model_json_schema()["$defs"]
    assert defs["LocationIn"]["properties"]["area_code"] == {
        "maxLength": fields.AREA_CODE_MAX_LENGTH,
        "pattern": fields.AREA_CODE,
        "title": "Area Code",
        "type": "string",
    }
    assert defs["LocationIn"]["properties"]["lat"]["maximum"] == fields.LATITUDE_LIMIT


def test_the_submit_form_module_loads_no_pydantic() -> None:
    code = (
        "import json, sys; import chalicelib.api.submit_form; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('pydantic', 'chalice')))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=str(ROOT), capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [
        "chalicelib",
        "chalicelib.api",
        "chalicelib.api.fields",
        "chalicelib.api.submit_form",
        "chalicelib.errors",
    ]


# Rust's regex (pydantic's) and Python's read \s and \d differently: python_pattern spells them out.


@pytest.mark.parametrize("pattern", [r"^\d$", r"^\s$", r"^[^@\s]$", r"^[\s\d]$"])
def test_python_pattern_matches_what_pydantics_regex_matches_on_every_code_point(pattern: str) -> None:
    rust = TypeAdapter(Annotated[str, PydanticField(pattern=pattern)])
    compiled = re.compile(python_pattern(pattern))
    differ = []
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        try:
            rust.validate_python(char)
            matched = True
        except ValidationError:
            matched = False
        if matched != (compiled.fullmatch(char) is not None):
            differ.append(hex(code))
    assert differ == []


def test_python_pattern_refuses_classes_it_does_not_translate() -> None:
    for pattern in [r"^\w+$", r"^\S$", r"^\bx$", r"^[[a]]$"]:
        with pytest.raises(ValueError):
            python_pattern(pattern)
    assert python_pattern(r"^[]a]\d$").startswith(r"[\]a]")


# The differential test: parse_submit against SubmitReportIn


def outcome(check: Any, data: Any) -> tuple[Any, ...]:
    """What the check gave: the form as plain data (repr: float vs int, key order), or the 422."""
    try:
        value = check(data)
    except ValidationFailed as error:
        return ("error", error.http_status, error.code, error.message, error.details)
    if isinstance(value, SubmitForm):
        plain = dataclasses.asdict(value)
        plain["photos"] = list(plain["photos"])
    else:
        plain = value.model_dump()
    return ("ok", repr(plain))


def by_model(data: Any) -> Any:
    return parse_model(SubmitReportIn, data)


RUST_ONLY_DIGITS = ["\U00011f50", "\U0001e4f9", "\U000116e3"]
ALPHABET = (
    list("abcxyzKLM0123456789") * 3
    + list(".@+-() /_\\'\"")
    + list(WHITESPACE)
    + ["\x00", "\x07", "\x0b", "\x1b", "\x1c", "\x1f", "\x7f", "\x85", "\x9f", "\u200b", "\ufeff", "\u180e"]
    + [
        "é",
        "ñ",
        "٣",
        "漢",
        "😀",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ud800",
        "\udfff",
        *RUST_ONLY_DIGITS,
    ]
)


def noisy(rng: random.Random, text: str) -> str:
    """``text`` with, at random, characters swapped, inserted, removed, or whitespace around it."""
    chars = list(text)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        action = rng.random()
        position = rng.randrange(len(chars) + 1)
        if action < 0.4:
            chars.insert(position, rng.choice(ALPHABET))
        elif action < 0.7 and chars:
            chars[min(position, len(chars) - 1)] = rng.choice(ALPHABET)
        elif chars:
            del chars[min(position, len(chars) - 1)]
    out = "".join(chars)
    if rng.random() < 0.2:
        out = rng.choice(WHITESPACE) * rng.randint(1, 3) + out
    if rng.random() < 0.2:
        out += rng.choice(WHITESPACE) * rng.randint(1, 3)
    return out


def random_text(rng: random.Random) -> str:
    length = rng.choice([0, 1, 2, 5, 13, 14, 20, 21, 40, 41, 64, 65, 120, 121, 254, 255, 300, 301])
    if rng.random() < 0.5:  # mostly plain letters, so that long values reach their caps
        return noisy(rng, "".join(rng.choice("abcdefghij klmn") for _ in range(length)))
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def area_code(rng: random.Random) -> str:
    levels = [2, 2, 2, 4][: rng.randint(1, 4)]
    code = ".".join("".join(rng.choice("0123456789") for _ in range(n)) for n in levels)
    return noisy(rng, code)


def phone(rng: random.Random) -> str:
    digits = "".join(
        rng.choice("0123456789 ()-") for _ in range(rng.choice([4, 5, 6, 7, 12, 19, 20, 21, 22]))
    )
    return noisy(rng, ("+" if rng.random() < 0.5 else "") + digits)


def email(rng: random.Random) -> str:
    local = "".join(rng.choice("abcxyz.1") for _ in range(rng.choice([1, 4, 8, 240, 250])))
    return noisy(rng, f"{local}@{rng.choice(['example', 'a', 'x.y'])}.{rng.choice(['id', 'co.id', ''])}")


def upload_key(rng: random.Random) -> str:
    hexes = "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice([31, 32, 32, 32, 33])))
    key = f"uploads/{rng.randint(0, 99):02d}/{hexes}.{rng.choice(['jpg', 'png', 'jpg', 'gif', 'JPG'])}"
    return noisy(rng, key)


def number(rng: random.Random) -> Any:
    return rng.choice(
        [
            0,
            -6,
            90,
            -90,
            91,
            180,
            -180,
            -181,
            90.0,
            90.000001,
            -90.000001,
            180.5,
            -6.226,
            106.853,
            10**20,
            10**400,
            -(10**400),
            math.nan,
            math.inf,
            -math.inf,
            True,
            False,
            rng.uniform(-200, 200),
            rng.randint(-200, 200),
        ]
    )


def any_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(10)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return number(rng)
    if kind == 3 and depth < 2:
        return [any_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if kind == 4 and depth < 2:
        return {random_text(rng)[:8]: any_value(rng, depth + 1) for _ in range(rng.randint(0, 2))}
    if kind == 5:
        return rng.choice(["private", "public", " public", "PUBLIC", ""])
    return random_text(rng)


FIELD_VALUES = {
    "category": lambda rng: rng.choice([random_text, lambda r: noisy(r, "jalan_rusak")])(rng),
    "description": random_text,
    "address": random_text,
    "visibility": lambda rng: rng.choice(["private", "public", "public", noisy(rng, "public")]),
    "location.lat": number,
    "location.lon": number,
    "location.area_code": area_code,
    "reporter.name": random_text,
    "reporter.phone": phone,
    "reporter.email": email,
}


def mutate(rng: random.Random) -> Any:
    """A valid body with a few random changes (a value, a type, a missing or extra key, a shape)."""
    data: dict[str, Any] = copy.deepcopy(rng.choice([FULL, FULL, MINIMAL]))
    for _ in range(rng.choice([1, 1, 2, 3, 4])):
        action = rng.random()
        path = rng.choice([*FIELD_VALUES, "photos", "location", "reporter"])
        parent: Any = data
        name = path
        if "." in path:
            outer, name = path.split(".")
            if not isinstance(data.get(outer), dict):
                data[outer] = copy.deepcopy(FULL[outer])
            parent = data[outer]
        if action < 0.55 and path in FIELD_VALUES:
            parent[name] = FIELD_VALUES[path](rng)
        elif action < 0.65:
            parent.pop(name, None)
        elif action < 0.75:
            parent[rng.choice(["x", "extra", "", "lat", "Category", "name"]) + rng.choice(["", "_"])] = (
                any_value(rng)
            )
        elif action < 0.85:
            parent[name] = any_value(rng)
        else:
            count = rng.choice([0, 1, 2, 5, 5, 6, 7])
            data["photos"] = [
                rng.choice([upload_key, lambda r: KEY_1, lambda r: any_value(r, 2)])(rng)
                for _ in range(count)
            ]
    return data


RANDOM_BODIES = [mutate(random.Random(seed)) for seed in range(4000)]


def test_every_case_is_checked_as_the_model_checks_it() -> None:
    valid = [copy.deepcopy(MINIMAL), copy.deepcopy(FULL)]
    for data in [*valid, *(case[1] for case in CASES)]:
        assert outcome(parse_submit, copy.deepcopy(data)) == outcome(by_model, copy.deepcopy(data)), data


def test_random_bodies_are_checked_as_the_model_checks_them() -> None:
    accepted = 0
    kinds: set[str] = set()
    for data in RANDOM_BODIES:
        plain, model = outcome(parse_submit, data), outcome(by_model, data)
        assert plain == model, data
        if plain[0] == "ok":
            accepted += 1
        else:
            kinds.update(d["type"] for d in plain[4])
    # the mutations reach both outcomes and every kind of problem
    assert 300 < accepted < 3700
    assert kinds >= {
        "missing",
        "extra_forbidden",
        "string_type",
        "string_unicode",
        "string_too_short",
        "string_too_long",
        "string_pattern_mismatch",
        "value_error",
        "float_type",
        "less_than_equal",
        "greater_than_equal",
        "model_type",
        "literal_error",
        "list_type",
        "too_long",
    }
