"""``GET /dashboard``: the province dashboard, for coordinators and admins (a kota's: its kota)."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api.http import json_response
from chalicelib.api.inputs import counted, query_in
from chalicelib.api.schemas import DashboardQueryIn
from chalicelib.auth.identity import actor_from_request
from chalicelib.services.dashboard import MAX_DAYS

DEFAULT_DAYS = 30


def dashboard(request: Request) -> Response:
    """Counts by status and category over time and service-level compliance per agency."""
    actor = actor_from_request(request)
    # ``days``: 1 or more; windows longer than 90 days are capped at 90
    days = counted(query_in(request, DashboardQueryIn).days, "days", DEFAULT_DAYS, MAX_DAYS, capped=True)
    return json_response(container.dashboard().build(days, actor=actor))
