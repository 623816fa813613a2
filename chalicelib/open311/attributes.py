"""Posted ``attribute[code]`` values, checked against the service definition."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime

from chalicelib.errors import BadRequest
from chalicelib.provinces.model import CategoryAttribute
from chalicelib.validation import FORBIDDEN_CHARACTERS

_FIELD = re.compile(r"^attribute\[([^\[\]]{1,60})\](\[\])?$")
MAX_LENGTH = {"string": 300, "text": 2000}


def posted_attributes(form: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """``attribute[x]`` and ``attribute[x][]`` fields by code; blank ones count as not answered."""
    found: dict[str, list[str]] = {}
    for field, values in form.items():
        match = _FIELD.match(field)
        answered = [v.strip() for v in values if v.strip()]
        if match and answered:
            found.setdefault(match.group(1), []).extend(answered)
    return found


def _bad(attribute: CategoryAttribute, problem: str) -> BadRequest:
    return BadRequest(f"attribute[{attribute.code}]: {problem}", code="invalid_attribute")


def _check(attribute: CategoryAttribute, values: list[str]) -> str:
    """The value as text to store, or 400 naming the problem."""
    if attribute.datatype == "multivaluelist":
        for value in values:
            _check_key(attribute, value)
        return ", ".join(dict.fromkeys(values))
    if len(values) > 1:
        raise _bad(attribute, "hanya satu nilai (a single value is expected).")
    check = _VALUE_CHECKS.get(attribute.datatype, _check_length)
    check(attribute, values[0])
    return values[0]


def _check_key(attribute: CategoryAttribute, value: str) -> None:
    if value not in {v["key"] for v in attribute.values}:
        raise _bad(attribute, f"kunci tidak dikenal {value[:40]!r} (unknown key).")


def _check_number(attribute: CategoryAttribute, value: str) -> None:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise _bad(attribute, "harus angka (must be a number).")


def _check_datetime(attribute: CategoryAttribute, value: str) -> None:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise _bad(attribute, "harus tanggal-waktu ISO 8601 (must be an ISO 8601 datetime).") from None


def _check_length(attribute: CategoryAttribute, value: str) -> None:
    if len(value) > MAX_LENGTH[attribute.datatype]:
        raise _bad(attribute, f"maks. {MAX_LENGTH[attribute.datatype]} karakter (too long).")
    if FORBIDDEN_CHARACTERS.search(value):  # the text joins the report's description
        raise _bad(attribute, "berisi karakter yang tidak diizinkan (forbidden character).")


_VALUE_CHECKS = {"singlevaluelist": _check_key, "number": _check_number, "datetime": _check_datetime}


def validated_attributes(
    definition: list[CategoryAttribute], posted: Mapping[str, list[str]]
) -> dict[str, str]:
    """Each answered attribute's value; 400 for unknown codes, missing required ones or bad values."""
    known = {a.code: a for a in definition}
    unknown = sorted(set(posted) - set(known))
    if unknown:
        raise BadRequest(
            f"attribute[{unknown[0][:40]}] tidak ada pada layanan ini (unknown attribute).",
            code="unknown_attribute",
        )
    answers: dict[str, str] = {}
    for attribute in definition:
        values = posted.get(attribute.code)
        if values:
            answers[attribute.code] = _check(attribute, values)
        elif attribute.required:
            raise _bad(attribute, "wajib diisi (required).")
    return answers
