"""Open311 inputs arrive as text (a form, a query string): each is read into its msgspec struct.

The struct is the input's one schema: its fields' names, types and limits are what is checked here
and what ``open311/spec.py`` documents. Numbers are read as Python reads them (``float``: finite
only; ``int``: ASCII digits, ``api.inputs.whole_number``), then the struct's limits apply.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from chalicelib.api.inputs import whole_number
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


_NUMBERS: dict[type[msgspec.inspect.Type], Callable[[str], Any]] = {
    msgspec.inspect.FloatType: _decimal,
    msgspec.inspect.IntType: _whole,
}


@functools.cache
def _fields(model: type[msgspec.Struct]) -> tuple[tuple[str, Callable[[str], Any] | None], ...]:
    """Each field's name as sent, and how its text becomes a number (None: it stays text)."""
    info = msgspec.inspect.type_info(model)
    assert isinstance(info, msgspec.inspect.StructType)
    found = []
    for field in info.fields:
        options = field.type.types if isinstance(field.type, msgspec.inspect.UnionType) else (field.type,)
        kinds = [type(o.type if isinstance(o, msgspec.inspect.Metadata) else o) for o in options]
        number = next((_NUMBERS[k] for k in kinds if k in _NUMBERS), None)
        found.append((field.encode_name, number))
    return tuple(found)


def _invalid(problem: Problem) -> str:
    return "validation_error"


def read(model: type[S], text: Callable[[str], str | None], code: Callable[[Problem], str] = _invalid) -> S:
    """``model`` from ``text(name)`` (a field's text, None when absent; other names are never read),
    or a 400 naming the first problem with the code ``code(problem)``.

    A number's surrounding white space is ignored; blank, it is absent.
    """
    values: dict[str, Any] = {}
    for name, number in _fields(model):
        raw = text(name)
        if raw is not None and number is not None:
            raw = raw.strip() or None
        if raw is not None:
            values[name] = number(raw) if number is not None else raw
    try:
        return convert(model, values)
    except ValidationFailed as failed:
        raise BadRequest(failed.message, code=code(failed.details[0]), details=failed.details) from None
