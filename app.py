"""Aduan: citizen complaints for Indonesian provinces. Routes and event handlers only."""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice, CORSConfig, Response, SQSEvent

from chalicelib.api import events, reports
from chalicelib.api.middleware import correlation_middleware, event_middleware, handled
from chalicelib.config import event_source_names
from chalicelib.observability import logger

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


@app.on_sqs_message(queue=INTAKE_QUEUE, batch_size=10, name="route")
def route(event: SQSEvent) -> dict[str, Any]:
    return events.route_batch(event.to_dict(), app.lambda_context)
