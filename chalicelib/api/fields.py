"""Caps and patterns of the inputs (headers, a report id in a path, the intake message, the
citizen's submit form), and the plain checks that apply them without pydantic.

A status read, a submit and the ``route`` handler check only these, so their cold start need not
load pydantic (~40 ms to import, more to build the models). The checks behave as pydantic fields
do: the value is stripped of the whitespace pydantic's ``str_strip_whitespace`` strips, then its
length and its pattern are checked (in that order, one problem per field), with pydantic's wording
and error types, so a 422 reads the same as one from ``chalicelib.api.http.parse_model``.
The pydantic models of ``chalicelib.api.schemas`` use the same caps, patterns and ``check_text``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from chalicelib.errors import ValidationFailed

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

# The citizen's submit form (``POST /reports``): caps and patterns of its fields.
CATEGORY_MAX_LENGTH = 40
DESCRIPTION_MAX_LENGTH = 4000
ADDRESS_MAX_LENGTH = 300
LATITUDE_LIMIT = 90  # -90 <= lat <= 90
LONGITUDE_LIMIT = 180  # -180 <= lon <= 180
AREA_CODE = r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$"
AREA_CODE_MAX_LENGTH = 13
NAME_MAX_LENGTH = 120
PHONE_PATTERN = r"^\+?[0-9 ()-]{6,20}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL_MAX_LENGTH = 254
VISIBILITIES = ("private", "public")
UPLOAD_KEY = r"^uploads/[0-9]{2}/[0-9a-f]{32}\.(jpg|png)$"
UPLOAD_KEY_MAX_LENGTH = 64
MAX_PHOTOS = 5

# Text is Unicode, but control characters (NUL and the other C0/C1 codes except tab, CR, LF),
# lone surrogates and bidi overrides are refused: they break storage or logs, or disguise text.
# (A Python pattern, compiled on first use: a status read never needs it.)
FORBIDDEN_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
FORBIDDEN_TEXT = (
    "berisi karakter kontrol yang tidak diizinkan (control, NUL, lone surrogate or bidi override)"
)


def check_text(value: Any) -> Any:
    """``value`` unchanged if no string in it holds a forbidden character; else ``ValueError``.

    The pydantic models' ``_safe_text`` validator (pydantic words the error ``Value error, ...``).
    """
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str) and _forbidden().search(text):
            raise ValueError(FORBIDDEN_TEXT)
    return value


@functools.cache
def _forbidden() -> re.Pattern[str]:
    return re.compile(FORBIDDEN_CHARACTERS)


# The patterns above are written for pydantic-core's (Rust) regex engine, whose classes are not
# Python's: its ``\s`` is Unicode White_Space (Python's also has U+001C..U+001F), its ``\d`` is
# Unicode's decimal digits as of a newer Unicode than Python 3.11's (these are the ones Python
# lacks; tests/unit/test_submit_form.py compares both engines on every code point).
_RUST_SPACE = "".join(f"\\u{ord(c):04x}" for c in WHITESPACE)
_RUST_DIGIT = (
    "\\d"
    "\U00010d40-\U00010d49\U000116d0-\U000116e3\U00011bf0-\U00011bf9\U00011f50-\U00011f59"
    "\U00016130-\U00016139\U00016d70-\U00016d79\U0001ccf0-\U0001ccf9\U0001e4f0-\U0001e4f9"
    "\U0001e5f1-\U0001e5fa"
)
_RUST_CLASSES = {"s": _RUST_SPACE, "d": _RUST_DIGIT}

_compiled: dict[str, re.Pattern[str]] = {}


def python_pattern(pattern: str) -> str:
    """``pattern`` (anchored ``^...$``, for pydantic's Rust regex) as a Python pattern for ``fullmatch``.

    The anchors are dropped (Python's ``$`` also matches before a final newline; ``fullmatch``
    ends at the end of the text, as Rust's ``$`` does) and ``\\s`` and ``\\d`` are spelled out as
    the Rust engine reads them. Other classes whose meaning differs are refused.
    """
    body = pattern.removeprefix("^").removesuffix("$")
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            escaped = body[i + 1]
            if escaped in _RUST_CLASSES:
                members = _RUST_CLASSES[escaped]
                out.append(members if in_class else f"[{members}]")
            elif escaped in "DSwWbB":
                raise ValueError(f"\\{escaped} differs between Rust's regex and Python's: {pattern!r}")
            else:
                out.append(body[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            if body[i : i + 1] == "^":
                out.append("^")
                i += 1
            if body[i : i + 1] == "]":  # a leading ] is a member
                out.append("\\]")
                i += 1
            continue
        if char == "[":
            raise ValueError(f"nested character classes are not supported: {pattern!r}")
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


def _matches(pattern: str, value: str) -> bool:
    """``pattern`` matches all of ``value`` as pydantic's Rust regex matches it (``python_pattern``)."""
    compiled = _compiled.get(pattern)
    if compiled is None:
        compiled = _compiled[pattern] = re.compile(python_pattern(pattern))
    return compiled.fullmatch(value) is not None


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def problem(field: str, message: str, kind: str) -> dict[str, str]:
    """One entry of a 422's ``details``, shaped as ``parse_model`` shapes pydantic's errors."""
    return {"field": field, "problem": message, "type": kind}


def validation_failed(problems: list[dict[str, str]]) -> ValidationFailed:
    """The 422 for field problems (``field``, ``problem``, ``type`` each), the first five in its message."""
    return ValidationFailed(
        "Data tidak valid: " + "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:5]),
        details=problems,
    )


def check_string(
    field: str,
    value: Any,
    *,
    pattern: str | None = None,
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
    if pattern is not None and not _matches(pattern, text):
        return None, problem(field, f"String should match pattern '{pattern}'", "string_pattern_mismatch")
    return text, None
