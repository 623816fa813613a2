"""Headers, a report id in a path and the intake message, checked without pydantic.

``headers_in``, ``report_ref`` and ``parse_intake_message`` replaced pydantic models; besides the
cases below, each is compared, value by value over a few thousand inputs, with the pydantic model
it replaced (kept here, as it was, as the reference): same values, same errors, same 422 details.
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping
from typing import Any

import pytest
from chalice.app import Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.api.correlation import safe_correlation_id
from chalicelib.api.fields import HEADER_MAX_LENGTHS, HEADER_NAMES, WHITESPACE
from chalicelib.api.http import error_response, parse_model
from chalicelib.api.inputs import HeadersIn, headers_in, report_ref
from chalicelib.api.messages import IntakeMessage, parse_intake_message
from chalicelib.api.schemas import Loose
from chalicelib.errors import NotFound, ValidationFailed

PRINTABLE = r"^[\x21-\x7e]+$"
PATTERN_PROBLEM = "String should match pattern '^[\\x21-\\x7e]+$'"
KEY_PROBLEM = "String should match pattern '^\\d{2}-\\d{6}-[0-9A-Z]{4}$'"


# The pydantic models these checks replaced, as they were (the reference for the comparisons).


class OldHeadersIn(Loose):
    idempotency_key: str | None = Field(
        default=None, alias="idempotency-key", max_length=128, pattern=PRINTABLE
    )
    report_secret: str | None = Field(default=None, alias="x-report-secret", max_length=64, pattern=PRINTABLE)
    if_match: str | None = Field(default=None, alias="if-match", max_length=40, pattern=PRINTABLE)
    correlation_id: str | None = Field(default=None, alias="x-correlation-id")

    @field_validator("correlation_id", mode="before")
    @classmethod
    def _plain_correlation_id(cls, value: Any) -> Any:
        return safe_correlation_id(value)


class OldReportRefIn(Loose):
    report_id: str = Field(min_length=1, max_length=40, pattern=r"^[\x20-\x7e]+$")


class Old:
    class IntakeMessage(BaseModel):  # its name is in one of its errors
        model_config = ConfigDict(extra="forbid")
        key: str = Field(pattern=r"^\d{2}-\d{6}-[0-9A-Z]{4}$")


def request(headers: dict[str, str]) -> Request:
    """A Chalice request with these headers (Chalice looks them up case-insensitively)."""
    event = {
        "multiValueQueryStringParameters": None,
        "headers": headers,
        "pathParameters": None,
        "requestContext": {"httpMethod": "GET", "resourcePath": "/reports/{report_id}"},
        "body": None,
        "isBase64Encoded": False,
        "stageVariables": None,
    }
    return Request(event)


def outcome(call: Any, *args: Any) -> tuple[Any, ...]:
    """What a check returned, or the error it raised (class, status, code, message, details)."""
    try:
        value = call(*args)
    except (ValidationFailed, NotFound) as error:
        return ("error", type(error), error.http_status, error.code, error.message, error.details)
    if isinstance(value, BaseModel):
        return ("ok", value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return ("ok", dataclasses.asdict(value))
    return ("ok", value)


def old_headers_in(req: Request) -> OldHeadersIn:
    headers: Mapping[str, str] = req.headers or {}
    return parse_model(OldHeadersIn, {name: headers.get(name) for name in HEADER_NAMES if headers.get(name)})


def old_report_ref(report_id: str) -> str:
    try:
        return parse_model(OldReportRefIn, {"report_id": report_id}).report_id
    except ValidationFailed:
        raise NotFound(
            "Nomor laporan tidak dikenali (expected e.g. 31-261127-K3M9).", code="invalid_report_id"
        ) from None


def old_intake(body: Any) -> str:
    return parse_model(Old.IntakeMessage, body).key


def new_intake(body: Any) -> str:
    return parse_intake_message(body).key


# Hand-picked edge cases, then random strings mixing every kind of character that matters.
EDGE_TEXTS = [
    "",
    " ",
    "a",
    "form-7f3a",
    "31-261127-K3M9",
    " 31-261127-K3M9 ",
    "31-261127-K3M9\n",
    "31-261127-k3m9",
    "٣١-٢٦١١٢٧-K3M9",
    "k" * 40,
    "k" * 41,
    "k" * 64,
    "k" * 65,
    "k" * 128,
    "k" * 129,
    " " * 200 + "k",
    "k" + "\t" * 200,
    "dua kata",
    "kunci-é",
    '"3"',
    'W/"3"',
    "\x00",
    "k\x00",
    "\x1ck",
    "k\x1f",
    "\t k \n",
    "\xa0k\xa0",
    "\xa0",
    "\u2003k",
    "\u3000",
    "k\x85",
    "\x7f",
    "k\x9f",
    "\u202eabc",
    "\ud800",
    "k\udfff",
    "😀",
    "<script>",
    "web-1.2:abc",
    "abc\tdef",
    "x" * 500,
]
ALPHABET = (
    [chr(c) for c in range(0x21, 0x7F)] * 3
    + list(WHITESPACE)
    + ["\x1c", "\x1d", "\x1e", "\x1f", "\x00", "\x07", "\x7f", "\x85", "\x9f", "\u180e", "\u200b", "\ufeff"]
    + ["é", "ñ", "٣", "漢", "😀", "\u202e", "\u2066", "\ud800", "\udfff"]
)


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        length = rng.choice([0, 1, 2, 5, 14, 39, 40, 41, 63, 64, 65, 127, 128, 129, 140])
        texts.append("".join(rng.choice(ALPHABET) for _ in range(length)))
    return texts


CORPUS = EDGE_TEXTS + random_texts(1500, seed=20261127)


# headers_in


def test_valid_headers_are_stripped_and_kept() -> None:
    headers = headers_in(
        request(
            {
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


def test_absent_or_empty_headers_are_none() -> None:
    assert headers_in(request({})) == HeadersIn()
    assert headers_in(request({name: "" for name in HEADER_NAMES})) == HeadersIn()


def test_headers_at_their_cap_are_kept() -> None:
    capped = {name: "k" * cap for name, cap in HEADER_MAX_LENGTHS.items()}
    assert dataclasses.asdict(headers_in(request(capped))) == {
        "idempotency_key": "k" * 128,
        "report_secret": "k" * 64,
        "if_match": "k" * 40,
        "correlation_id": None,
    }


@pytest.mark.parametrize(
    ("name", "value", "problem", "kind"),
    [
        ("idempotency-key", "k" * 129, "String should have at most 128 characters", "string_too_long"),
        ("x-report-secret", "s" * 65, "String should have at most 64 characters", "string_too_long"),
        ("if-match", "1" * 41, "String should have at most 40 characters", "string_too_long"),
        ("idempotency-key", "é" * 129, "String should have at most 128 characters", "string_too_long"),
        ("idempotency-key", "dua kata", PATTERN_PROBLEM, "string_pattern_mismatch"),
        ("idempotency-key", "kunci-é", PATTERN_PROBLEM, "string_pattern_mismatch"),
        ("x-report-secret", "rahasia\x00", PATTERN_PROBLEM, "string_pattern_mismatch"),
        ("if-match", "\x1c3", PATTERN_PROBLEM, "string_pattern_mismatch"),  # not whitespace to pydantic
        ("idempotency-key", "   ", PATTERN_PROBLEM, "string_pattern_mismatch"),  # empty once stripped
        ("idempotency-key", "\u202ekey", PATTERN_PROBLEM, "string_pattern_mismatch"),
        (
            "x-report-secret",
            "s\ud800",
            "Input should be a valid string, unable to parse raw data as a unicode string",
            "string_unicode",
        ),
    ],
)
def test_a_bad_header_is_a_422_naming_it(name: str, value: str, problem: str, kind: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        headers_in(request({name: value}))
    error = caught.value
    assert (error.http_status, error.code) == (422, "validation_error")
    assert error.details == [{"field": name, "problem": problem, "type": kind}]
    assert error.message == f"Data tidak valid: {name}: {problem}"


def test_every_bad_header_is_listed_in_one_422() -> None:
    with pytest.raises(ValidationFailed) as caught:
        headers_in(request({"If-Match": "x y", "Idempotency-Key": "k" * 129, "X-Report-Secret": "ok"}))
    assert [(d["field"], d["type"]) for d in caught.value.details] == [
        ("idempotency-key", "string_too_long"),
        ("if-match", "string_pattern_mismatch"),
    ]
    response = error_response(caught.value)
    assert response.status_code == 422
    assert json.loads(response.body)["error"] == {
        "code": "validation_error",
        "message": (
            "Data tidak valid: idempotency-key: String should have at most 128 characters; "
            f"if-match: {PATTERN_PROBLEM}"
        ),
        "details": caught.value.details,
    }


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("web-1.2:abc", "web-1.2:abc"),
        ("x" * 128, "x" * 128),
        ("x" * 129, None),
        ("abc def", None),
        (" abc", None),  # checked before stripping, as the model did
        ("abc\n", "abc"),
        ("<script>", None),
        ("kunci-é", None),
    ],
)
def test_an_odd_correlation_id_is_dropped_never_refused(value: str, kept: str | None) -> None:
    assert headers_in(request({"X-Correlation-Id": value})).correlation_id == kept


def test_headers_in_is_a_frozen_dataclass() -> None:
    headers = headers_in(request({"Idempotency-Key": "k"}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        headers.idempotency_key = "other"  # type: ignore[misc]
    assert not isinstance(headers, BaseModel)


@pytest.mark.parametrize("name", HEADER_NAMES)
def test_each_header_is_checked_as_the_pydantic_model_checked_it(name: str) -> None:
    for value in CORPUS:
        assert outcome(headers_in, request({name: value})) == outcome(
            old_headers_in, request({name: value})
        ), (
            name,
            value,
        )


def test_headers_together_are_checked_as_the_pydantic_model_checked_them() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        headers = {name: rng.choice(CORPUS) for name in HEADER_NAMES if rng.random() < 0.8}
        assert outcome(headers_in, request(headers)) == outcome(old_headers_in, request(headers)), headers


# report_ref


@pytest.mark.parametrize(
    ("raw", "ref"),
    [
        ("31-261127-K3M9", "31-261127-K3M9"),
        (" 31-261127-K3M9\t", "31-261127-K3M9"),
        ("hello", "hello"),  # well formed or not, an unknown id is the lookup's 404
        ("a b", "a b"),
        ("3" * 40, "3" * 40),
    ],
)
def test_report_ref_keeps_a_short_printable_id(raw: str, ref: str) -> None:
    assert report_ref(raw) == ref


@pytest.mark.parametrize(
    "raw",
    ["", "  ", "3" * 41, "3" * 300, "٣١-٢٦١١٢٧-K3M9", "31-261127-K3M9é", "31\x00", "a\tb", "\x7f", "k\ud800"],
)
def test_report_ref_refuses_anything_else_with_a_404(raw: str) -> None:
    with pytest.raises(NotFound) as caught:
        report_ref(raw)
    assert (caught.value.http_status, caught.value.code) == (404, "invalid_report_id")
    assert caught.value.message == "Nomor laporan tidak dikenali (expected e.g. 31-261127-K3M9)."


def test_report_ref_is_checked_as_the_pydantic_model_checked_it() -> None:
    for raw in CORPUS:
        assert outcome(report_ref, raw) == outcome(old_report_ref, raw), raw


# The intake message


def test_a_valid_intake_message() -> None:
    message = parse_intake_message({"key": "31-261127-K3M9"})
    assert message == IntakeMessage(key="31-261127-K3M9")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.key = "31-261127-XXXX"  # type: ignore[misc]
    assert not isinstance(message, BaseModel)


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, [{"field": "key", "problem": "Field required", "type": "missing"}]),
        ({"key": 31}, [{"field": "key", "problem": "Input should be a valid string", "type": "string_type"}]),
        (
            {"key": None},
            [{"field": "key", "problem": "Input should be a valid string", "type": "string_type"}],
        ),
        (
            {"key": "31-261127-k3m9"},
            [{"field": "key", "problem": KEY_PROBLEM, "type": "string_pattern_mismatch"}],
        ),
        (
            {"key": " 31-261127-K3M9"},
            [{"field": "key", "problem": KEY_PROBLEM, "type": "string_pattern_mismatch"}],
        ),
        (
            {"key": "31-261127-K3M9\n"},  # no final newline slips past the pattern's $
            [{"field": "key", "problem": KEY_PROBLEM, "type": "string_pattern_mismatch"}],
        ),
        (
            {"key": "31-261127-K3M9", "extra": True},
            [{"field": "extra", "problem": "Extra inputs are not permitted", "type": "extra_forbidden"}],
        ),
        (
            ["31-261127-K3M9"],
            [
                {
                    "field": "(body)",
                    "problem": "Input should be a valid dictionary or instance of IntakeMessage",
                    "type": "model_type",
                }
            ],
        ),
    ],
)
def test_a_malformed_intake_message_is_a_validation_error(body: Any, details: list[dict[str, str]]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_intake_message(body)
    assert caught.value.code == "validation_error"  # the reason the route handler's DLQ copy carries
    assert caught.value.details == details


def test_the_intake_message_is_checked_as_the_pydantic_model_checked_it() -> None:
    keys: list[Any] = [*CORPUS, 31, 3.5, True, None, [], {}, ["31-261127-K3M9"]]
    bodies: list[Any] = [{"key": key} for key in keys]
    bodies += [
        {},
        {"x": 1},
        {"z": 2, "key": 1, "a": 3},
        {"": 1, "key": "31-261127-K3M9"},
        {"key": "x", "k": None},
    ]
    bodies += [None, 5, "31-261127-K3M9", [], ["key"], True, 1.5]
    for body in bodies:
        assert outcome(new_intake, body) == outcome(old_intake, body), body
