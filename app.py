"""Aduan: citizen complaints for Indonesian provinces. Routes and event handlers only.

Each view imports its ``chalicelib.api`` module when it first runs, not here: Lambda imports this
file for every function (the API, ``route``, ``escalations``, ``notify``, ``sweep``), and a cold start
should load only what the handler it serves needs. Chalice still sees every route and event source at import.
"""

from __future__ import annotations

from typing import Any

from chalice.app import (
    AuthRequest,
    AuthResponse,
    Chalice,
    CloudWatchEvent,
    CORSConfig,
    Request,
    Response,
    SQSEvent,
)

from chalicelib.api.middleware import (
    correlation_middleware,
    event_middleware,
    handled,
    request_being_served,
)
from chalicelib.coldstart import freeze_after_init
from chalicelib.config import event_source_names

app = Chalice(app_name="aduan", configure_logs=False)

app.register_middleware(correlation_middleware, "http")
app.register_middleware(event_middleware, "sqs")
app.register_middleware(event_middleware, "scheduled")

INTAKE_QUEUE, ESCALATION_QUEUE, NOTIFY_QUEUE = event_source_names()
cors = CORSConfig(
    allow_origin="*",
    allow_headers=[
        "Authorization",
        "Idempotency-Key",
        "If-Match",
        "X-Report-Secret",
        "X-Correlation-Id",
        "X-Device-Token",
    ],
    expose_headers=["X-Correlation-Id", "Location", "Retry-After", "Idempotent-Replayed"],
    max_age=600,
)


def current_request() -> Request:
    """The request this thread is serving (not ``app.current_request``: one per app, shared by threads)."""
    return request_being_served()


@app.route("/health", methods=["GET"], cors=cors)
@handled
def health() -> Response:
    from chalicelib.api import reports

    return reports.health()


@app.route("/categories", methods=["GET"], cors=cors)
@handled
def list_categories() -> Response:
    from chalicelib.api import reports

    return reports.categories()


@app.route("/reports", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def submit_report() -> Response:
    from chalicelib.api import reports

    return reports.submit(current_request())


@app.route("/reports/nearby", methods=["GET"], cors=cors)
@handled
def nearby_reports() -> Response:
    from chalicelib.api import nearby

    return nearby.nearby(current_request())


@app.route("/reports/map", methods=["GET"], cors=cors)
@handled
def map_reports() -> Response:
    from chalicelib.api import nearby

    return nearby.in_view(current_request())


@app.route("/reports/nearby/support", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def support_listed_report() -> Response:
    from chalicelib.api import nearby

    return nearby.support_listed(current_request())


@app.route("/reports/{report_id}/support", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def support_report(report_id: str) -> Response:
    from chalicelib.api import nearby

    return nearby.support(current_request(), report_id)


@app.route("/reports/{report_id}", methods=["GET"], cors=cors)
@handled
def report_status(report_id: str) -> Response:
    from chalicelib.api import status

    return status.show(current_request(), report_id)


@app.route("/reports/{report_id}/confirm", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def confirm_report(report_id: str) -> Response:
    from chalicelib.api import reports

    return reports.confirm(current_request(), report_id)


@app.route("/reports/{report_id}/reopen", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def reopen_report(report_id: str) -> Response:
    from chalicelib.api import reports

    return reports.reopen(current_request(), report_id)


@app.route(
    "/reports/{report_id}/unsubscribe", methods=["POST"], cors=cors, content_types=["application/json"]
)
@handled
def unsubscribe_reporter(report_id: str) -> Response:
    from chalicelib.api import reports

    return reports.unsubscribe(current_request(), report_id)


@app.route("/reports/{report_id}/follow", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def follow_report(report_id: str) -> Response:
    from chalicelib.api import links

    return links.follow(current_request(), report_id)


@app.route("/links/inspect", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def link_inspect() -> Response:
    from chalicelib.api import links

    return links.inspect(current_request())


@app.route("/links/confirm", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def link_confirm() -> Response:
    from chalicelib.api import links

    return links.confirm(current_request())


@app.route("/links/reopen", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def link_reopen() -> Response:
    from chalicelib.api import links

    return links.reopen(current_request())


@app.route("/links/unsubscribe", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def link_unsubscribe() -> Response:
    from chalicelib.api import links

    return links.unsubscribe(current_request())


@app.route(
    "/links/unsubscribe/{token}",
    methods=["POST"],
    cors=cors,
    content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"],
)
@handled
def link_one_click_unsubscribe(token: str) -> Response:
    from chalicelib.api import links

    return links.one_click(current_request(), token)


@app.route("/links/follow", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def link_follow() -> Response:
    from chalicelib.api import links

    return links.follow_confirm(current_request())


@app.authorizer()
def agency_auth(auth_request: AuthRequest) -> AuthResponse:
    from chalicelib.auth.authorizer import authorize

    return authorize(auth_request)


@app.route("/agency/reports", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def agency_inbox() -> Response:
    from chalicelib.api import agency

    return agency.inbox(current_request())


@app.route("/agency/reports/{key}", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def agency_report(key: str) -> Response:
    from chalicelib.api import agency

    return agency.detail(current_request(), key)


@app.route(
    "/agency/reports/{key}/actions/{action}",
    methods=["POST"],
    cors=cors,
    authorizer=agency_auth,
    content_types=["application/json"],
)
@handled
def agency_action(key: str, action: str) -> Response:
    from chalicelib.api import agency

    return agency.act(current_request(), key, action)


@app.route(
    "/agency/reports/{key}/evidence",
    methods=["POST"],
    cors=cors,
    authorizer=agency_auth,
    content_types=["application/json"],
)
@handled
def agency_evidence_upload(key: str) -> Response:
    from chalicelib.api import agency

    return agency.evidence_upload(current_request(), key)


@app.route("/agency/handed", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def agency_handed() -> Response:
    from chalicelib.api import agency

    return agency.handed(current_request())


@app.route("/agency/evidence/doubtful", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def agency_doubtful_evidence() -> Response:
    from chalicelib.api import agency

    return agency.doubtful(current_request())


@app.route("/areas", methods=["GET"], cors=cors)
@handled
def list_areas() -> Response:
    from chalicelib.api import areas

    return areas.areas(current_request())


@app.route("/areas/at", methods=["GET"], cors=cors)
@handled
def areas_at_point() -> Response:
    from chalicelib.api import areas

    return areas.at(current_request())


@app.route("/dashboard", methods=["GET"], cors=cors, authorizer=agency_auth)
@handled
def province_dashboard() -> Response:
    from chalicelib.api import dashboard

    return dashboard.dashboard(current_request())


@app.route("/openapi.json", methods=["GET"], cors=cors)
@handled
def openapi_document() -> Response:
    from chalicelib.api.openapi import served as openapi_json

    return openapi_json()


@app.route("/open311/v2/discovery.json", methods=["GET"], cors=cors)
@app.route("/open311/v2/discovery.xml", methods=["GET"], cors=cors)
@handled
def open311_discovery() -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.discovery_document(current_request())


@app.route("/open311/v2/services.json", methods=["GET"], cors=cors)
@app.route("/open311/v2/services.xml", methods=["GET"], cors=cors)
@handled
def open311_services() -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.services(current_request())


@app.route("/open311/v2/services/{name}", methods=["GET"], cors=cors)
@handled
def open311_service(name: str) -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.service(current_request(), name)


OPEN311_FORM = ["application/x-www-form-urlencoded"]


@app.route("/open311/v2/requests.json", methods=["POST"], cors=cors, content_types=OPEN311_FORM)
@app.route("/open311/v2/requests.xml", methods=["POST"], cors=cors, content_types=OPEN311_FORM)
@handled
def open311_create() -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.create(current_request())


@app.route("/open311/v2/requests.json", methods=["GET"], cors=cors)
@app.route("/open311/v2/requests.xml", methods=["GET"], cors=cors)
@handled
def open311_search() -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.search(current_request())


@app.route("/open311/v2/requests/{name}", methods=["GET"], cors=cors)
@handled
def open311_request(name: str) -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.show(current_request(), name)


@app.route("/open311/v2/tokens/{name}", methods=["GET"], cors=cors)
@handled
def open311_token(name: str) -> Response:
    from chalicelib.open311 import endpoints as open311

    return open311.token(current_request(), name)


@app.route("/photos", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def photo_upload() -> Response:
    from chalicelib.api import photos as photo_api

    return photo_api.upload(current_request())


@app.route("/devices", methods=["POST"], cors=cors, content_types=["application/json"])
@handled
def device_token() -> Response:
    from chalicelib.api import reports

    return reports.new_device(current_request())


@app.on_sqs_message(queue=INTAKE_QUEUE, batch_size=10, name="route")
def route(event: SQSEvent) -> dict[str, Any]:
    from chalicelib.api import events

    return events.route_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=ESCALATION_QUEUE, batch_size=10, name="escalations")
def escalations(event: SQSEvent) -> dict[str, Any]:
    from chalicelib.api import events

    return events.escalation_batch(event.to_dict(), event.context)


@app.on_sqs_message(queue=NOTIFY_QUEUE, batch_size=10, name="notify")
def notify(event: SQSEvent) -> dict[str, Any]:
    from chalicelib.api import events

    return events.notify_batch(event.to_dict(), event.context)


@app.schedule("rate(5 minutes)", name="sweep")
def sweep(event: CloudWatchEvent) -> dict[str, int]:
    from chalicelib.api import events

    return events.sweep(event.context)


freeze_after_init()
