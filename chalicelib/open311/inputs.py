"""Open311 inputs arrive as text (a form, a query string): each is read into its msgspec struct, the
input's one schema. What it documents (``spec.py``) is what is checked: a field documented as a number
is read as Python reads one (``float``: finite only; ``int``: ASCII digits), then its limits apply.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from chalicelib.api.inputs import whole_number
from chalicelib.api.oas import struct_fields
from chalicelib.errors import BadRequest, ValidationFailed
from chalicelib.validation import convert

S = TypeVar("S", bound=msgspec.Struct)
Problem = dict[str, str]  # one entry of ``ValidationFailed.details``: field, problem, type


def _decimal(text: str) -> float | str:
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text  # left as text, it is refused as not a number


def _whole(text: str) -> int | str:
    number = whole_number(text)
    return text if number is None else number


_NUMBERS: dict[str, Callable[[str], Any]] = {"number": _decimal, "integer": _whole}


@functools.cache
def _fields(model: type[msgspec.Struct]) -> dict[str, Callable[[str], Any] | None]:
    """Each field's name as sent, and how its text becomes a number (None: it stays text)."""
    properties, _required = struct_fields(model)
    return {name: _NUMBERS.get(schema.get("type", "")) for name, schema in properties.items()}


def read(
    model: type[S], text: Callable[[str], str | None], code: Callable[[Problem], str] | None = None
) -> S:
    """``model`` from ``text(name)`` (a field's text, None when absent; other names are never read),
    or a 400 naming the first problem, with the code ``code(problem)`` (default ``validation_error``).

    A number's surrounding white space is ignored; blank, it is absent.
    """
    values: dict[str, Any] = {}
    for name, number in _fields(model).items():
        raw = text(name)
        if raw is not None and number is not None:
            raw = raw.strip() or None
        if raw is not None:
            values[name] = number(raw) if number is not None else raw
    try:
        return convert(model, values)
    except ValidationFailed as failed:
        kind = code(failed.details[0]) if code is not None else failed.code
        raise BadRequest(failed.message, code=kind, details=failed.details) from None
