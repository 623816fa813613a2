"""The citizen's submit form (``POST /reports``), checked without pydantic.

``parse_submit`` accepts and refuses what ``chalicelib.api.schemas.SubmitReportIn`` does (strict
types, unknown fields refused, strings stripped, the same caps and patterns, no control characters,
lone surrogates or bidi overrides) and cleans values the same way, so a submit's cold start need not
import pydantic nor build the model (~90 ms). A refused body is the same 422 as ``parse_model``'s:
every problem of the body, in the model's field order (a nested model's own problems in its place,
then each unknown key in the body's order), worded and typed as pydantic words and types them.
``tests/unit/test_submit_form.py`` compares both over edge cases and random bodies.

The body is what ``json.loads`` gives (dicts with string keys, lists, str, int, float, bool, None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from chalicelib.api.fields import (
    ADDRESS_MAX_LENGTH,
    AREA_CODE,
    AREA_CODE_MAX_LENGTH,
    CATEGORY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    EMAIL_PATTERN,
    LATITUDE_LIMIT,
    LONGITUDE_LIMIT,
    MAX_PHOTOS,
    NAME_MAX_LENGTH,
    PHONE_PATTERN,
    UPLOAD_KEY,
    UPLOAD_KEY_MAX_LENGTH,
    VISIBILITIES,
    check_string,
    check_text,
    problem,
    validation_failed,
)

Problems = list[dict[str, str]]
Loc = tuple[Any, ...]

# What ``_fields`` gives for a key the object lacks (a default, or pydantic's "Field required").
_ABSENT = object()
_NOT_UNICODE = "Input should be a valid string, unable to parse raw data as a unicode string"


@dataclass(frozen=True)
class LocationForm:
    """Where the problem is (``LocationIn``)."""

    lat: float
    lon: float
    area_code: str


@dataclass(frozen=True)
class ReporterForm:
    """Optional contact data (``ReporterIn``)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SubmitForm:
    """A checked ``POST /reports`` body (``SubmitReportIn``)."""

    category: str
    description: str
    location: LocationForm
    address: str | None = None
    reporter: ReporterForm | None = None
    visibility: Literal["private", "public"] = "private"
    photos: tuple[str, ...] = ()


def parse_submit(data: Any) -> SubmitForm:
    """The checked, stripped form; ``ValidationFailed`` (422) listing every problem otherwise."""
    problems: Problems = []
    form = _submit(data, problems)
    if problems or form is None:
        raise validation_failed(problems)
    return form


def _field(loc: Loc) -> str:
    """``parse_model``'s ``field``: the location joined with dots, ``(body)`` for the body itself."""
    return ".".join(str(part) for part in loc) or "(body)"


def _fields(
    data: Any, loc: Loc, model: str, names: tuple[str, ...], problems: Problems
) -> dict[str, Any] | None:
    """The known fields of an object (``_ABSENT`` when absent), or None and the object's one problem.

    Not an object; or a key holding a lone surrogate, at which pydantic-core gives up on the object
    and drops what it had found wrong in it. The caller checks the fields, then ``_unknown_keys``.
    """
    if not isinstance(data, dict):
        problems.append(
            problem(_field(loc), f"Input should be a valid dictionary or instance of {model}", "model_type")
        )
        return None
    for key in data:
        if isinstance(key, str) and not _is_unicode(key):
            problems.append(problem(_field(loc), _NOT_UNICODE, "string_unicode"))
            return None
    return {name: data.get(name, _ABSENT) for name in names}


def _is_unicode(text: str) -> bool:
    """``text`` holds no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unknown_keys(data: dict[Any, Any], loc: Loc, names: tuple[str, ...], problems: Problems) -> None:
    for key in data:
        if not isinstance(key, str):
            # pydantic names an int key (bool as 0/1) by its number, any other by its str()
            part = str(int(key)) if isinstance(key, int) else str(key)
            problems.append(problem(_field((*loc, part)), "Keys should be strings", "invalid_key"))
        elif key not in names:
            problems.append(problem(_field((*loc, key)), "Extra inputs are not permitted", "extra_forbidden"))


def _missing(loc: Loc, problems: Problems) -> None:
    problems.append(problem(_field(loc), "Field required", "missing"))


def _text(
    value: Any,
    loc: Loc,
    problems: Problems,
    *,
    pattern: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> str | None:
    """A strict, stripped, capped string without forbidden characters (None and a problem if not)."""
    text, found = check_string(
        _field(loc), value, pattern=pattern, min_length=min_length, max_length=max_length
    )
    if found is not None:
        problems.append(found)
        return None
    try:
        check_text(text)  # the models' ``_safe_text`` validator, run on the stripped value
    except ValueError as error:
        problems.append(problem(_field(loc), f"Value error, {error}", "value_error"))
        return None
    return text


def _optional_text(value: Any, loc: Loc, problems: Problems, **checks: Any) -> str | None:
    """``_text`` for a field that may be absent or null (both are None)."""
    if value is _ABSENT or value is None:
        return None
    return _text(value, loc, problems, **checks)


def _number(value: Any, loc: Loc, limit: int, problems: Problems) -> float | None:
    """A strict float within ``-limit..limit``: an int becomes a float, a bool is refused.

    As pydantic-core: an int too large for a float is not a number; the upper bound is checked
    first, and NaN fails it (``not nan <= limit``); infinities fail their bound.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(problem(_field(loc), "Input should be a valid number", "float_type"))
        return None
    try:
        number = float(value)
    except OverflowError:
        problems.append(problem(_field(loc), "Input should be a valid number", "float_type"))
        return None
    if not number <= limit:
        problems.append(
            problem(_field(loc), f"Input should be less than or equal to {limit}", "less_than_equal")
        )
        return None
    if not number >= -limit:
        problems.append(
            problem(_field(loc), f"Input should be greater than or equal to {-limit}", "greater_than_equal")
        )
        return None
    return number


_LOCATION = ("lat", "lon", "area_code")


def _location(data: Any, loc: Loc, problems: Problems) -> LocationForm | None:
    values = _fields(data, loc, "LocationIn", _LOCATION, problems)
    if values is None:
        return None
    before = len(problems)
    checked: dict[str, Any] = {}
    for name in ("lat", "lon"):
        if values[name] is _ABSENT:
            _missing((*loc, name), problems)
        else:
            limit = LATITUDE_LIMIT if name == "lat" else LONGITUDE_LIMIT
            checked[name] = _number(values[name], (*loc, name), limit, problems)
    if values["area_code"] is _ABSENT:
        _missing((*loc, "area_code"), problems)
    else:
        checked["area_code"] = _text(
            values["area_code"],
            (*loc, "area_code"),
            problems,
            pattern=AREA_CODE,
            max_length=AREA_CODE_MAX_LENGTH,
        )
    _unknown_keys(data, loc, _LOCATION, problems)
    if len(problems) > before:
        return None
    return LocationForm(lat=checked["lat"], lon=checked["lon"], area_code=checked["area_code"])


_REPORTER = ("name", "phone", "email")


def _reporter(data: Any, loc: Loc, problems: Problems) -> ReporterForm | None:
    values = _fields(data, loc, "ReporterIn", _REPORTER, problems)
    if values is None:
        return None
    before = len(problems)
    name = _optional_text(values["name"], (*loc, "name"), problems, min_length=1, max_length=NAME_MAX_LENGTH)
    phone = _optional_text(values["phone"], (*loc, "phone"), problems, pattern=PHONE_PATTERN)
    email = _optional_text(
        values["email"], (*loc, "email"), problems, pattern=EMAIL_PATTERN, max_length=EMAIL_MAX_LENGTH
    )
    _unknown_keys(data, loc, _REPORTER, problems)
    if len(problems) > before:
        return None
    return ReporterForm(name=name, phone=phone, email=email)


def _visibility(value: Any, loc: Loc, problems: Problems) -> str | None:
    if value is _ABSENT:
        return "private"
    if type(value) is str and value in VISIBILITIES:  # a literal: neither stripped nor coerced
        return value
    if isinstance(value, str) and not _is_unicode(value):  # pydantic reads the text first
        problems.append(problem(_field(loc), _NOT_UNICODE, "string_unicode"))
        return None
    choices = " or ".join(f"'{choice}'" for choice in VISIBILITIES)
    problems.append(problem(_field(loc), f"Input should be {choices}", "literal_error"))
    return None


def _photos(value: Any, loc: Loc, problems: Problems) -> tuple[str, ...]:
    """Upload keys, each checked; more than ``MAX_PHOTOS`` is one problem, whatever the keys."""
    if value is _ABSENT:
        return ()
    if not isinstance(value, list):
        problems.append(problem(_field(loc), "Input should be a valid list", "list_type"))
        return ()
    if len(value) > MAX_PHOTOS:
        # pydantic-core stops at the first key past the cap and reports only the length
        problems.append(
            problem(
                _field(loc),
                f"List should have at most {MAX_PHOTOS} items after validation, not {len(value)}",
                "too_long",
            )
        )
        return ()
    # (the models' ``_safe_text`` also sees the list: keys that match UPLOAD_KEY always pass it)
    keys = [
        _text(item, (*loc, index), problems, pattern=UPLOAD_KEY, max_length=UPLOAD_KEY_MAX_LENGTH)
        for index, item in enumerate(value)
    ]
    return tuple(key for key in keys if key is not None)


_SUBMIT = ("category", "description", "location", "address", "reporter", "visibility", "photos")


def _submit(data: Any, problems: Problems) -> SubmitForm | None:
    values = _fields(data, (), "SubmitReportIn", _SUBMIT, problems)
    if values is None:
        return None
    checked: dict[str, Any] = {}
    for name, max_length in (("category", CATEGORY_MAX_LENGTH), ("description", DESCRIPTION_MAX_LENGTH)):
        if values[name] is _ABSENT:
            _missing((name,), problems)
        else:
            checked[name] = _text(values[name], (name,), problems, min_length=1, max_length=max_length)
    if values["location"] is _ABSENT:
        _missing(("location",), problems)
    else:
        checked["location"] = _location(values["location"], ("location",), problems)
    address = _optional_text(values["address"], ("address",), problems, max_length=ADDRESS_MAX_LENGTH)
    reporter = values["reporter"]
    contact = (
        None if reporter is _ABSENT or reporter is None else _reporter(reporter, ("reporter",), problems)
    )
    visibility = _visibility(values["visibility"], ("visibility",), problems)
    photos = _photos(values["photos"], ("photos",), problems)
    _unknown_keys(data, (), _SUBMIT, problems)
    if problems:
        return None
    return SubmitForm(
        category=checked["category"],
        description=checked["description"],
        location=checked["location"],
        address=address,
        reporter=contact,
        visibility=cast(Literal["private", "public"], visibility),
        photos=photos,
    )
