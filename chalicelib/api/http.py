"""HTTP plumbing: body parsing, the error envelope, and the one exception-to-response map."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
from chalice.app import Request, Response

from chalicelib.api.responses import Error, ErrorDetail
from chalicelib.errors import AduanError, BadRequest, PayloadTooLarge, malformed_json
from chalicelib.observability import logger
from chalicelib.validation import LONE_SURROGATE

MAX_BODY_BYTES = 64 * 1024
# Answers may hold a report's secret, its private words or an agency's view: no cache keeps them (a
# shared phone's browser, an office proxy) unless a view says otherwise (the public areas).
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
# The largest integer a body may hold (a 64-bit signed one): what a client's JSON library can round-trip.
MAX_INTEGER = 2**63 - 1


def json_text(value: Any) -> str:
    """``value`` as JSON text that is valid UTF-8: readable Unicode, a lone surrogate as U+FFFD."""
    plain = msgspec.to_builtins(value)  # structs of responses.py, or plain data
    # A lone surrogate (from a path, query or header echoed in a message) cannot be written as UTF-8.
    return LONE_SURROGATE.sub("\ufffd", json.dumps(plain, ensure_ascii=False))


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``body`` (a struct of ``responses.py``, or plain data) as JSON, UTF-8 text left readable."""
    return Response(
        body=json_text(body),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_response(error: AduanError) -> Response:
    """The HTTP response for a domain error."""
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return json_response(
        Error(ErrorDetail(error.code, error.message, error.details)), error.http_status, headers
    )


def read_json(request: Request) -> Any:
    """The request body as JSON, or a 400/413 naming what is wrong (never a 500).

    Refused with 400 ``invalid_json``: text that is not UTF-8 or not JSON, nesting too deep to
    read, ``NaN`` / ``Infinity``, and numbers out of range (a float that overflows, an integer
    beyond 64 bits). An object naming a key twice is a 400 ``duplicate_key``: which of the two
    values counts would depend on the parser, so neither does. Strings are kept as written, lone
    surrogates too: the input's schema refuses those with a 422 naming the field.
    """
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Isi permintaan melebihi {MAX_BODY_BYTES // 1024} KB (body too large).")
    if not raw.strip():
        raise BadRequest("Isi permintaan kosong (empty body).", code="empty_body")
    try:
        return json.loads(
            raw if isinstance(raw, str) else raw.decode("utf-8"),
            parse_float=_finite,
            parse_int=_bounded,
            parse_constant=_refused,
            object_pairs_hook=_unique_keys,
        )
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise malformed_json() from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's keys and values; 400 ``duplicate_key`` when it names a key more than once (an
    ``AduanError``, not a ``ValueError``: it passes through the decoder and ``read_json`` as it is)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise BadRequest(
                f"Kunci {key[:40]!r} muncul dua kali dalam satu objek (duplicate key).", code="duplicate_key"
            )
        found[key] = value
    return found


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _bounded(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise ValueError("number out of range")
    return value


def _refused(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


INTERNAL_ERROR = (
    "internal_error",
    "Terjadi kesalahan di server; silakan coba lagi (unexpected server error).",
)
# Chalice answers a few requests before any view runs, in its own ``{"Code", "Message"}`` shape: a
# content type the route does not declare (415), a method it lacks (405), an unexpected error (500).
CHALICE_ERRORS = {
    "UnsupportedMediaType": (
        "unsupported_media_type",
        "Jenis isi tidak didukung untuk alamat ini (unsupported Content-Type).",
    ),
    "MethodNotAllowedError": (
        "method_not_allowed",
        "Metode HTTP tidak didukung untuk alamat ini (method not allowed).",
    ),
}


def chalice_error(response: Response) -> tuple[str, str] | None:
    """The code and message of an error Chalice answered itself, or None for the app's responses."""
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return None
    return CHALICE_ERRORS.get(
        str(body["Code"]),
        ("bad_request", "Permintaan tidak dapat diproses (bad request).")
        if response.status_code < 500
        else INTERNAL_ERROR,
    )


def log_unexpected(error: Exception) -> None:
    """Log an error no view expected, with its stack trace (masked as every line is)."""
    logger.exception("unhandled error", extra={"error_type": type(error).__name__})


def unexpected_error_response(error: Exception) -> Response:
    """A 500 without internals, logged with its stack trace."""
    log_unexpected(error)
    return json_response(Error(ErrorDetail(*INTERNAL_ERROR)), 500)
