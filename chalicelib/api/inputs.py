"""Path parameters, query strings and headers.

Headers and a citizen's report id are checked plainly (``chalicelib.api.fields``), so a status
read does not load pydantic; the agency's path and query string go through their pydantic models
(``chalicelib.api.schemas``, imported by those functions: the agency views load it anyway).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalice.app import Request

from chalicelib.api.correlation import safe_correlation_id
from chalicelib.api.fields import (
    CORRELATION_ID_HEADER,
    HEADER_MAX_LENGTHS,
    IDEMPOTENCY_KEY_HEADER,
    IF_MATCH_HEADER,
    PRINTABLE_ASCII,
    REPORT_ID_MAX_LENGTH,
    REPORT_ID_PATTERN,
    REPORT_SECRET_HEADER,
    WHITESPACE,
    check_string,
)
from chalicelib.api.http import parse_model, validation_failed
from chalicelib.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from chalicelib.api.schemas import AgencyRefIn, InboxQueryIn


@dataclass(frozen=True)
class HeadersIn:
    """The request headers the API reads, stripped and checked (None when absent)."""

    idempotency_key: str | None = None
    report_secret: str | None = None
    if_match: str | None = None
    correlation_id: str | None = None


def headers_in(request: Request) -> HeadersIn:
    """The headers the API reads, each capped and checked (422 naming the header).

    An empty header counts as absent; the others are stripped, capped and must be printable ASCII
    without spaces. An odd correlation id is dropped (a new id is made), never refused.
    """
    headers: Mapping[str, str] = request.headers or {}
    values: dict[str, str | None] = {}
    problems: list[dict[str, str]] = []
    for name, max_length in HEADER_MAX_LENGTHS.items():
        raw = headers.get(name)
        if not raw:
            values[name] = None
            continue
        values[name], found = check_string(name, raw, pattern=PRINTABLE_ASCII, max_length=max_length)
        if found:
            problems.append(found)
    if problems:
        raise validation_failed(problems)
    # Checked before it is stripped (so " id " is dropped, "id\n" kept as "id"): what the model did.
    correlation_id = safe_correlation_id(headers.get(CORRELATION_ID_HEADER))
    return HeadersIn(
        idempotency_key=values[IDEMPOTENCY_KEY_HEADER],
        report_secret=values[REPORT_SECRET_HEADER],
        if_match=values[IF_MATCH_HEADER],
        correlation_id=correlation_id.strip(WHITESPACE) if correlation_id else None,
    )


def report_ref(report_id: str) -> str:
    """A citizen's report id from the path, stripped; anything too long or not printable ASCII is a 404."""
    cleaned, found = check_string(
        "report_id", report_id, pattern=REPORT_ID_PATTERN, min_length=1, max_length=REPORT_ID_MAX_LENGTH
    )
    if found or cleaned is None:
        raise NotFound(
            "Nomor laporan tidak dikenali (expected e.g. 31-261127-K3M9).", code="invalid_report_id"
        )
    return cleaned


def agency_ref(key: str, action: str | None = None) -> AgencyRefIn:
    """A report key (``31-...`` or ``36~31-...``) and action from the path; 404 / 422 when malformed."""
    from chalicelib.api.schemas import AgencyRefIn

    try:
        parse_model(AgencyRefIn, {"key": key})
    except ValidationFailed:
        raise NotFound(
            f"Laporan {key[:40]!r} tidak ditemukan (report not found).", code="report_not_found"
        ) from None
    try:
        return parse_model(AgencyRefIn, {"key": key, "action": action})
    except ValidationFailed:
        raise ValidationFailed(
            f"Aksi '{(action or '')[:20]}' tidak dikenal (unknown action).", code="unknown_action"
        ) from None


def inbox_query(request: Request) -> InboxQueryIn:
    """``GET /agency/reports`` query parameters, capped (422 naming the parameter)."""
    from chalicelib.api.schemas import InboxQueryIn

    return parse_model(InboxQueryIn, dict(request.query_params or {}))
