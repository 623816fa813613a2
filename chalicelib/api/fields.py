"""Caps and patterns of the small inputs (headers, a report id in a path, the intake message),
and the plain checks that apply them without pydantic.

A status read and the ``route`` handler check only these, so their cold start need not load
pydantic (~40 ms). The checks behave as the pydantic fields they replace did: the value is
stripped of the whitespace pydantic's ``str_strip_whitespace`` strips, then its length and its
pattern are checked (in that order, one problem per field), with pydantic's wording and error
types, so a 422 reads the same as one from ``chalicelib.api.http.parse_model``.
"""

from __future__ import annotations

import re
from typing import Any

# What pydantic-core's ``str_strip_whitespace`` strips (Rust's ``str::trim``: Unicode White_Space).
# Not ``str.strip()``: that also strips U+001C..U+001F, which pydantic keeps (and a pattern refuses).
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

# Headers the API reads (lower-case names), printable ASCII without spaces, capped.
PRINTABLE_ASCII = r"^[\x21-\x7e]+$"
IDEMPOTENCY_KEY_HEADER = "idempotency-key"
REPORT_SECRET_HEADER = "x-report-secret"
IF_MATCH_HEADER = "if-match"
CORRELATION_ID_HEADER = "x-correlation-id"
HEADER_NAMES = (IDEMPOTENCY_KEY_HEADER, REPORT_SECRET_HEADER, IF_MATCH_HEADER, CORRELATION_ID_HEADER)
HEADER_MAX_LENGTHS = {IDEMPOTENCY_KEY_HEADER: 128, REPORT_SECRET_HEADER: 64, IF_MATCH_HEADER: 40}

# A report id in a path (``/reports/{report_id}``): short printable ASCII (spaces allowed).
REPORT_ID_PATTERN = r"^[\x20-\x7e]+$"
REPORT_ID_MAX_LENGTH = 40

# The intake queue's message: ``{"key": "31-261127-K3M9"}``.
INTAKE_KEY_PATTERN = r"^\d{2}-\d{6}-[0-9A-Z]{4}$"

_compiled: dict[str, re.Pattern[str]] = {}


def _matches(pattern: str, value: str) -> bool:
    """``pattern`` matches all of ``value``: pydantic's Rust regex ``$`` is the end of the text.

    Python's ``$`` also matches before a final newline, so the anchored pattern is run with
    ``fullmatch`` (whose end is the end of the text) on the ``^...$`` pattern's body.
    """
    compiled = _compiled.get(pattern)
    if compiled is None:
        body = pattern.removeprefix("^").removesuffix("$")
        compiled = _compiled[pattern] = re.compile(body)
    return compiled.fullmatch(value) is not None


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def problem(field: str, message: str, kind: str) -> dict[str, str]:
    """One entry of a 422's ``details``, shaped as ``parse_model`` shapes pydantic's errors."""
    return {"field": field, "problem": message, "type": kind}


def check_string(
    field: str,
    value: Any,
    *,
    pattern: str,
    max_length: int | None = None,
    min_length: int | None = None,
    strip: bool = True,
) -> tuple[str | None, dict[str, str] | None]:
    """``(cleaned value, None)`` if ``value`` passes, else ``(None, problem)`` as pydantic words it."""
    if not isinstance(value, str):
        return None, problem(field, "Input should be a valid string", "string_type")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None, problem(
            field,
            "Input should be a valid string, unable to parse raw data as a unicode string",
            "string_unicode",
        )
    text = value.strip(WHITESPACE) if strip else value
    if min_length is not None and len(text) < min_length:
        return None, problem(
            field, f"String should have at least {_characters(min_length)}", "string_too_short"
        )
    if max_length is not None and len(text) > max_length:
        return None, problem(
            field, f"String should have at most {_characters(max_length)}", "string_too_long"
        )
    if not _matches(pattern, text):
        return None, problem(field, f"String should match pattern '{pattern}'", "string_pattern_mismatch")
    return text, None
