"""``GET /dashboard``: the province dashboard, for coordinators and admins (a kota's: its kota)."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api.http import json_response
from chalicelib.api.inputs import query_in, whole_number
from chalicelib.api.schemas import DashboardQueryIn
from chalicelib.auth.identity import actor_from_request
from chalicelib.errors import ValidationFailed
from chalicelib.services.dashboard import MAX_DAYS

DEFAULT_DAYS = 30


def _days(raw: str | None) -> int:
    """``days`` from the query, 1 or more; windows longer than 90 days are capped at 90."""
    if raw is None:
        return DEFAULT_DAYS
    days = whole_number(raw)
    if days is None or days < 1:
        raise ValidationFailed(f"days harus 1-{MAX_DAYS} (days must be 1-{MAX_DAYS}).", code="invalid_days")
    return min(days, MAX_DAYS)


def dashboard(request: Request) -> Response:
    """Counts by status and category over time and service-level compliance per agency."""
    actor = actor_from_request(request)
    days = _days(query_in(request, DashboardQueryIn).days)
    return json_response(container.dashboard().build(days, actor=actor))
