"""Citizen map endpoints: open reports near a place, and support of a report instead of a new one."""

from __future__ import annotations

import math

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api import responses as out
from chalicelib.api.http import json_response, read_json
from chalicelib.api.inputs import headers_in, nearby_query, report_ref
from chalicelib.api.photos import photo_links
from chalicelib.api.schemas import SupportIn
from chalicelib.api.views import report_view, status_view
from chalicelib.domain.geo import MAX_RADIUS_M
from chalicelib.domain.report import Visibility
from chalicelib.errors import ValidationFailed
from chalicelib.observability import metrics
from chalicelib.provinces.registry import registry
from chalicelib.services.nearby import DEFAULT_RADIUS_M, Nearby
from chalicelib.validation import convert


def _number(raw: str, name: str, low: float, high: float) -> float:
    value = float(raw)
    if not math.isfinite(value) or not low <= value <= high:
        raise ValidationFailed(
            f"{name} harus {low:g} sampai {high:g} ({name} must be {low:g} to {high:g}).",
            code=f"invalid_{name}",
        )
    return value


def _row(found: Nearby) -> out.NearbyItem:
    """A public report's summary; of a private one only its category, status and rounded place."""
    report = found.report
    row = out.NearbyItem(
        category=report.category,
        status=status_view(report.status),
        location=out.Point(lat=found.lat, lon=found.lon),
        distance_m=round(found.distance_m),
        visibility=report.visibility.value,
    )
    if report.visibility is Visibility.PUBLIC:
        row.id = report.id
        row.created_at = report.created_at.isoformat()
        row.support_count = report.support_count
        row.thumbnail = next(iter(photo_links(report.photos[:1])), None)
    return row


def nearby(request: Request) -> Response:
    """``GET /reports/nearby``: open reports within ``radius`` metres of a point, nearest first."""
    ratelimit.enforce(request, "nearby")
    query = nearby_query(request)
    lat = _number(query.lat, "lat", -90, 90)
    lon = _number(query.lon, "lon", -180, 180)
    radius = int(_number(query.radius, "radius", 1, MAX_RADIUS_M)) if query.radius else DEFAULT_RADIUS_M
    found = container.nearby().around(lat, lon, radius_m=radius, category=query.category)
    return json_response(out.Nearby(radius_m=radius, items=[_row(f) for f in found]))


def support(request: Request, report_id: str) -> Response:
    """``POST /reports/{id}/support``: the report's view; a repeat by one supporter adds nothing."""
    ratelimit.enforce(request, "support")
    body = convert(SupportIn, read_json(request) if request.raw_body else {})
    supporter = body.device or headers_in(request).idempotency_key
    if supporter is None:
        raise ValidationFailed(
            "Sertakan 'device' atau header Idempotency-Key (a device id or an Idempotency-Key is required).",
            code="supporter_required",
        )
    result = container.nearby().support(report_ref(report_id), supporter)
    if result.added:
        metrics.add_metric(name="ReportsSupported", unit="Count", value=1)
    view = report_view(registry(), result.report, full_content=False)
    view.support_added = result.added
    return json_response(view)
