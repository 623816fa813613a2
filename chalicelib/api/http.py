"""HTTP plumbing: body parsing, the error envelope, and the one exception-to-response map."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec
from chalice.app import Request, Response

from chalicelib.api.responses import Error, ErrorDetail
from chalicelib.errors import AduanError, BadRequest, PayloadTooLarge
from chalicelib.observability import logger

MAX_BODY_BYTES = 64 * 1024
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
# The largest integer a body may hold (a 64-bit signed one): what a client's JSON library can round-trip.
MAX_INTEGER = 2**63 - 1


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``body`` (a struct of ``responses.py``, or plain data) as JSON, UTF-8 text left readable."""
    return Response(
        body=msgspec.json.encode(body).decode(),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_response(error: AduanError) -> Response:
    """The HTTP response for a domain error."""
    headers: dict[str, str] = {}
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return json_response(
        Error(ErrorDetail(error.code, error.message, error.details)), error.http_status, headers
    )


def read_json(request: Request) -> Any:
    """The request body as JSON, or a 400/413 naming what is wrong (never a 500).

    Refused with 400 ``invalid_json``: text that is not UTF-8 or not JSON, nesting too deep to
    read, ``NaN`` / ``Infinity``, and numbers out of range (a float that overflows, an integer
    beyond 64 bits). Strings are kept as written, lone surrogates too: the input's schema refuses
    those with a 422 naming the field.
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
        )
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadRequest(
            "Isi permintaan bukan JSON yang sah (malformed JSON).", code="invalid_json"
        ) from None


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


def unexpected_error_response(error: Exception) -> Response:
    """A 500 without internals, logged with its stack trace."""
    logger.exception("unhandled error", extra={"error_type": type(error).__name__})
    return json_response(
        Error(
            ErrorDetail(
                "internal_error", "Terjadi kesalahan di server; silakan coba lagi (unexpected server error)."
            )
        ),
        500,
    )
