"""Aduan: citizen complaints for Indonesian provinces. Routes and event handlers only."""

from __future__ import annotations

from typing import Any

from chalice.app import AuthRequest, AuthResponse, Chalice, CloudWatchEvent, CORSConfig, Response, SQSEvent

from chalicelib.api import agency, events, reports
from chalicelib.api.middleware import correlation_middleware, event_middleware, handled
from chalicelib.auth.authorizer import authorize
from chalicelib.config import event_source_names

app = Chalice(app_name="aduan", configure_logs=False)
app.register_middleware(correlation_middleware, "http")
app.register_middleware(event_middleware, "sqs")
app.register_middleware(event_middleware, "scheduled")

INTAKE_QUEUE, ESCALATION_QUEUE = event_source_names()
cors = CORSConfig(
    allow_origin="*",
    allow_headers=["Authorization", "Idempotency-Key", "X-Report-Secret", "X-Correlation-Id"],
    expose_headers=["X-Correlation-Id", "Location", "Retry-After", "Idempotent-Replayed"],
    max_age=600,
)


@app.route("/health", methods=["GET"], cors=cors)
@handled
def health() -> Response:
    return reports.health()


@app.route("/categories", methods=["GET"], cors=cors)
@handled
def list_categories() -> Response:
    return reports.categories()


@app.route("/reports", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def submit_report() -> Response:
    return reports.submit(app.current_request)


@app.route("/reports/{report_id}", methods=["GET"], cors=cors)
@handled
def report_status(report_id: str) -> Response:
    return reports.show(app.current_request, report_id)


@app.route("/reports/{report_id}/confirm", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def confirm_report(report_id: str) -> Response:
    return reports.confirm(app.current_request, report_id)


@app.route("/reports/{report_id}/reopen", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def reopen_report(report_id: str) -> Response:
    return reports.reopen(app.current_request, report_id)


@app.authorizer()
def agency_auth(auth_request: AuthRequest) -> AuthResponse:
    return authorize(auth_request)


@app.route("/agency/reports", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def agency_inbox() -> Response:
    return agency.inbox(app.current_request)


@app.route("/agency/reports/{key}", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def agency_report(key: str) -> Response:
    return agency.detail(app.current_request, key)


@app.route("/agency/reports/{key}/actions/{action}", methods=["POST"], cors=cors, authorizer=agency_auth,
           content_types=["application/json"])
@handled
def agency_action(key: str, action: str) -> Response:
    return agency.act(app.current_request, key, action)


@app.on_sqs_message(queue=INTAKE_QUEUE, batch_size=10, name="route")
def route(event: SQSEvent) -> dict[str, Any]:
    return events.route_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=ESCALATION_QUEUE, batch_size=10, name="escalations")
def escalations(event: SQSEvent) -> dict[str, Any]:
    return events.escalation_batch(event.to_dict(), event.context)


@app.schedule("rate(5 minutes)", name="sweep")
def sweep(event: CloudWatchEvent) -> dict[str, int]:
    return events.sweep()
