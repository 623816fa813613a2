"""``GET /reports/{id}``: a citizen tracks a report (the most frequent request, so it loads only what
it reads: no body schemas, no submission service, no rate limits)."""

from __future__ import annotations

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api.http import json_response
from chalicelib.api.inputs import headers_in, report_ref
from chalicelib.api.views import report_view
from chalicelib.observability import logger


def show(request: Request, report_id: str) -> Response:
    """Status, agency, deadlines and timeline; the content too if public or the secret is given."""
    tracked = container.tracking().view(report_ref(report_id), headers_in(request).report_secret)
    logger.thread_safe_append_keys(report_id=tracked.report.id)
    view = report_view(tracked.report, full_content=tracked.full_content)
    if tracked.followers is not None:
        view.followers = tracked.followers
    return json_response(view)
