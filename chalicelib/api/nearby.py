"""Citizen map endpoints: open reports near a place, and support of a report instead of a new one."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit, support_tokens
from chalicelib.api import responses as out
from chalicelib.api.http import json_response, read_json
from chalicelib.api.inputs import bounded_number, headers_in, query_in, report_ref
from chalicelib.api.schemas import (
    Latitude,
    Longitude,
    NearbyQueryIn,
    Radius,
    SupportIn,
    SupportListedIn,
    ViewportQueryIn,
)
from chalicelib.api.views import photo_links, report_view, status_view
from chalicelib.domain import geo
from chalicelib.domain.geo import DEFAULT_RADIUS_M
from chalicelib.domain.report import Visibility
from chalicelib.errors import ValidationFailed
from chalicelib.observability import count
from chalicelib.services.nearby import Nearby
from chalicelib.validation import convert


def _row(found: Nearby, *, tokens: bool = False) -> out.NearbyItem:
    """A public report's summary; of a private one only its category, status and rounded place (and,
    with ``tokens``, a token to support it by, if it is this province's own: ``support_tokens``)."""
    report = found.report
    row = out.NearbyItem(
        category=report.category,
        status=status_view(report.status),
        location=out.Point(lat=found.lat, lon=found.lon),
        distance_m=round(found.distance_m),
        visibility=report.visibility.value,
    )
    if other := report.origin_province or report.escalated_to:
        row.also_in = other  # a site asking both provinces lists the report once
    if report.visibility is Visibility.PUBLIC:
        row.id = report.id
        row.created_at = report.created_at.isoformat()
        row.support_count = report.support_count
        row.thumbnail = next(iter(photo_links(report.photos[:1])), None)
    elif (
        tokens
        and not report.is_received_escalation
        and (token := support_tokens.seal(report.province, report.key))
    ):
        row.support_token = token
    return row


def nearby(request: Request) -> Response:
    """``GET /reports/nearby``: open reports within ``radius`` metres of a point, nearest first."""
    ratelimit.enforce(request, "nearby")
    query = query_in(request, NearbyQueryIn)
    lat = bounded_number(query.lat, "lat", Latitude)
    lon = bounded_number(query.lon, "lon", Longitude)
    radius = DEFAULT_RADIUS_M
    if query.radius:
        radius = int(bounded_number(query.radius, "radius", Radius))
    found = container.nearby().around(lat, lon, radius_m=radius, category=query.category)
    items = [_row(f, tokens=True) for f in found.found]
    return json_response(out.Nearby(radius_m=radius, items=items, truncated=found.truncated))


def in_view(request: Request) -> Response:
    """``GET /reports/map``: open reports in a viewport (cut to the cap around its centre), public ones
    newest first, then private ones (``NearbyService.in_viewport``)."""
    ratelimit.enforce(request, "nearby")
    query = query_in(request, ViewportQueryIn)
    south = bounded_number(query.south, "south", Latitude)
    north = bounded_number(query.north, "north", Latitude)
    west = bounded_number(query.west, "west", Longitude)
    east = bounded_number(query.east, "east", Longitude)
    if south > north or west > east:
        raise ValidationFailed(
            "Batas peta tidak sah: south <= north dan west <= east (south must not exceed north, "
            "nor west east).",
            code="invalid_viewport",
        )
    shown = container.nearby().in_viewport(geo.Box(south, west, north, east), category=query.category)
    box = out.Viewport(south=shown.box.south, west=shown.box.west, north=shown.box.north, east=shown.box.east)
    items = [_row(f) for f in shown.found]
    return json_response(out.MapReports(box, shown.clipped, items, truncated=shown.truncated))


def support(request: Request, report_id: str) -> Response:
    """``POST /reports/{id}/support``: the report's view; a repeat by one supporter adds nothing."""
    ratelimit.enforce(request, "support")
    body = convert(SupportIn, read_json(request) if request.raw_body else {})
    result = container.nearby().support(report_ref(report_id), _supporters(request, body.device))
    if result.added:
        count("ReportsSupported")
    view = report_view(result.report, full_content=False)
    view.support_added = result.added
    return json_response(view)


def support_listed(request: Request) -> Response:
    """``POST /reports/nearby/support``: a private report listed nearby supported by its row's token;
    the answer says only whether this supporter was counted now."""
    ratelimit.enforce(request, "support")
    body = convert(SupportListedIn, read_json(request))
    supporters = _supporters(request, body.device)
    service = container.nearby()
    added = service.support_listed(support_tokens.open_token(service.province, body.token), supporters)
    if added is None:
        raise support_tokens.gone()
    if added:
        count("ReportsSupported")
    return json_response(out.SupportAdded(support_added=added))


def _supporters(request: Request, device: str | None) -> list[str]:
    """Who supports: the body's device id, else the Idempotency-Key header (422 without either), and
    the device a valid ``X-Device-Token`` names, which this stage minted: a client cannot count a report
    twice by sending another id with one token, nor one id twice with a renewed token."""
    supporter = device or headers_in(request).idempotency_key
    if supporter is None:
        raise ValidationFailed(
            "Sertakan 'device' atau header Idempotency-Key (a device id or an Idempotency-Key is required).",
            code="supporter_required",
        )
    minted = ratelimit.device_of(request)
    return [supporter] if minted is None else [supporter, f"minted:{minted}"]
