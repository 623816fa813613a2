"""Path parameters, query strings and headers, through their pydantic models (chalicelib/api/schemas.py)."""

from __future__ import annotations

from collections.abc import Mapping

from chalice.app import Request

from chalicelib.api.http import parse_model
from chalicelib.api.schemas import AgencyRefIn, HeadersIn, InboxQueryIn, ReportRefIn
from chalicelib.errors import NotFound, ValidationFailed

HEADER_NAMES = ("idempotency-key", "x-report-secret", "if-match", "x-correlation-id")


def headers_in(request: Request) -> HeadersIn:
    """The headers the API reads, each capped and checked (422 naming the header)."""
    headers: Mapping[str, str] = request.headers or {}
    return parse_model(HeadersIn, {name: headers.get(name) for name in HEADER_NAMES if headers.get(name)})


def report_ref(report_id: str) -> str:
    """A citizen's report id from the path; anything too long or not printable ASCII is a 404."""
    try:
        return parse_model(ReportRefIn, {"report_id": report_id}).report_id
    except ValidationFailed:
        raise NotFound(
            "Nomor laporan tidak dikenali (expected e.g. 31-261127-K3M9).", code="invalid_report_id"
        ) from None


def agency_ref(key: str, action: str | None = None) -> AgencyRefIn:
    """A report key (``31-...`` or ``36~31-...``) and action from the path; 404 / 422 when malformed."""
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
    return parse_model(InboxQueryIn, dict(request.query_params or {}))
