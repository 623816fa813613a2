"""The OpenAPI 3.1 description of every HTTP route; published as ``docs/openapi.json``.

Request bodies and headers come from the structs in ``schemas.py``, responses from those in
``responses.py``. ``GET /openapi.json`` serves this same document, and
``python -m chalicelib.api.openapi docs/openapi.json`` rewrites the published copy (a test
fails when the two differ, or when a route and the document disagree).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec
from chalice.app import Response

from chalicelib.api import headers, oas, responses, schemas
from chalicelib.api.http import json_response
from chalicelib.api.oas import (
    IDEMPOTENCY,
    REF,
    STEP_IDEMPOTENCY,
    header,
    json_body,
    query_parameters,
    ref,
)
from chalicelib.open311 import responses as open311_responses
from chalicelib.open311 import spec as open311_spec
from chalicelib.services.agency import OFFICER_ACTIONS

ERRORS = {
    400: "Unreadable body (empty, malformed JSON), or a query parameter given more than once.",
    401: "Missing, expired or invalid bearer token.",
    403: "The token may not do this.",
    404: "Not found (or another province's report).",
    409: "Conflict: illegal transition, changed version, reused Idempotency-Key.",
    413: "Body too large.",
    429: "Too many requests from this client; retry after Retry-After seconds.",
    422: "Validation failed; `details` lists each field.",
    503: "Temporarily unavailable; retry after Retry-After seconds.",
}


def errors(*statuses: int) -> dict[str, Any]:
    """Error responses in the envelope ``{"error": {code, message, details?}}``."""
    result = oas.errors(ERRORS, {"application/json": {"schema": ref("Error")}}, *statuses)
    if 401 in statuses:  # without a header the gateway answers itself
        result["401"] = json_body({"anyOf": [ref("Error"), ref("GatewayMessage")]}, ERRORS[401])
    return result


def path_param(name: str, description: str) -> dict[str, Any]:
    """A required string path parameter."""
    return oas.parameter(name, "path", description, {"type": "string", "minLength": 1})


def body(model: str) -> dict[str, Any]:
    """A required JSON request body of an input struct."""
    return {"required": True, "content": {"application/json": {"schema": ref(model)}}}


SECRET = header(
    headers.HEADER_NAMES["report_secret"].title(),
    "The reporter's secret from submission.",
    msgspec.json.schema(headers.ReportSecret),
)
IF_MATCH = header(
    headers.HEADER_NAMES["if_match"].title(),
    'The version the officer saw (`5`, `"5"` or `W/"5"`); a report changed since is a 409.',
    msgspec.json.schema(headers.IfMatch),
)
DEVICE = header(
    headers.DEVICE_TOKEN_HEADER.title(),
    "A device token from POST /devices: limits per device and a crowd-sized ceiling per address.",
    msgspec.json.schema(headers.DeviceToken),
)
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
REPORT_ID = path_param("report_id", "Report id, e.g. 31-261127-K3M9 (case, spaces, O/0 forgiven).")
KEY = path_param(
    "key",
    "The report's number (`31-261127-K3M9`) or storage key (`<province>~<origin id>` for a received "
    "escalation). Another province's number, the one its reporter quotes, is accepted: it names this "
    "province's copy of that report (in Banten `31-261127-K3M9` is `36~31-261127-K3M9`). Read as a citizen's "
    "number is (case, spaces, O for 0 forgiven); a 404 names the number as typed.",
)


def operation(
    method: str,
    tag: str,
    summary: str,
    responses: dict[str, Any],
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One route's operation; the Agency ones need a bearer token, and one with query parameters may
    answer 400 (a parameter given more than once: ``inputs.only_value``)."""
    if any(p.get("in") == "query" for p in parameters or []):
        responses = {**errors(400), **responses}
    described: dict[str, Any] = {"tags": [tag], "summary": summary, "responses": responses}
    if parameters:
        described["parameters"] = parameters
    if request_body:
        described["requestBody"] = request_body
    if tag == "Agency":
        described["security"] = BEARER
    return {method: described}


def link_paths() -> dict[str, Any]:
    """Following a public report, and what a message's links do (tokens in the body, never the URL)."""

    def post(summary: str, model: str, response: str, *codes: int) -> dict[str, Any]:
        answers = {"200": json_body(ref(response)), **errors(*codes)}
        return operation("post", "Citizen", summary, answers, [DEVICE], body(model))

    return {
        "/reports/{report_id}/follow": operation(
            "post",
            "Citizen",
            "Follow a public report by e-mail (a confirmation e-mail first)",
            {"202": json_body(ref("Followed")), **errors(400, 404, 422, 429, 503)},
            [REPORT_ID, DEVICE],
            body("FollowIn"),
        ),
        "/links/inspect": post("What a message's link is for", "LinkIn", "LinkInfo", 400, 404, 422, 429),
        "/links/confirm": post(
            "Confirm the link's report (once)", "LinkConfirmIn", "Report", 400, 404, 409, 422, 429, 503
        ),
        "/links/reopen": post(
            "Reopen the link's report (once)", "LinkReopenIn", "Report", 400, 404, 409, 422, 429, 503
        ),
        "/links/unsubscribe": post(
            "No more messages on the link's channel", "LinkIn", "Unsubscribed", 400, 404, 422, 429, 503
        ),
        "/links/unsubscribe/{token}": operation(
            "post",
            "Citizen",
            "One-click unsubscribe (RFC 8058) from an e-mail's List-Unsubscribe header",
            {"200": json_body(ref("Unsubscribed")), **errors(404, 422, 429, 503)},
            [path_param("token", "The e-mail's unsubscribe token."), DEVICE],
            {
                "required": False,
                "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
            },
        ),
        "/links/follow": post("Confirm following a report", "LinkIn", "Followed", 400, 404, 422, 429, 503),
    }


def native_paths() -> dict[str, Any]:
    """The citizen and agency routes of ``app.py``."""
    feedback = {"200": json_body(ref("Report")), **errors(400, 403, 404, 409, 413, 422, 503)}
    action = {
        "name": "action",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(OFFICER_ACTIONS)},
    }
    return {
        "/health": operation(
            "get", "Citizen", "The stage is up and knows its province", {"200": json_body(ref("Health"))}
        ),
        "/categories": operation(
            "get", "Citizen", "The province's categories", {"200": json_body(ref("Categories"))}
        ),
        "/areas": operation(
            "get",
            "Citizen",
            "Administrative areas, one level at a time (every known province)",
            {"200": json_body(ref("Areas")), **errors(404, 422)},
            query_parameters(schemas.AreasQueryIn),
        ),
        "/areas/at": operation(
            "get",
            "Citizen",
            "The areas at a point, province first (nearest area centroid: approximate)",
            {"200": json_body(ref("AreasAt")), **errors(422)},
            query_parameters(schemas.PointQueryIn),
        ),
        "/dashboard": operation(
            "get",
            "Agency",
            "Province dashboard (coordinators and admins)",
            {
                "200": json_body({"type": "object", "description": "Counts and service levels per agency."}),
                **errors(401, 403, 422, 503),
            },
            query_parameters(schemas.DashboardQueryIn),
        ),
        "/photos": operation(
            "post",
            "Citizen",
            "A presigned upload for one photo (its key then goes into a report's photos)",
            {"201": json_body(ref("PhotoUpload"), "Created"), **errors(400, 413, 422, 429, 503)},
            [DEVICE],
            body("PhotoUploadIn"),
        ),
        "/devices": operation(
            "post",
            "Citizen",
            "A device token for X-Device-Token (minted per address at a limited rate)",
            {"201": json_body(ref("DeviceTokenIssued"), "Created"), **errors(429, 503)},
        ),
        "/openapi.json": operation(
            "get",
            "Meta",
            "This document",
            {"200": json_body({"type": "object", "required": ["openapi", "paths"], "properties": {}})},
        ),
        "/reports": operation(
            "post",
            "Citizen",
            "Submit a report",
            {
                "201": json_body(ref("Submitted"), "Created (or replayed: Idempotent-Replayed: true)"),
                **errors(400, 409, 413, 422, 429, 503),
            },
            [IDEMPOTENCY, DEVICE],
            body("SubmitReportIn"),
        ),
        "/reports/{report_id}": operation(
            "get",
            "Citizen",
            "Track a report (content if public or with the secret)",
            {"200": json_body(ref("Report")), **errors(404, 422, 503)},
            [REPORT_ID, SECRET],
        ),
        "/reports/nearby": operation(
            "get",
            "Citizen",
            "Open reports near a place, nearest first (before reporting it again)",
            {"200": json_body(ref("Nearby")), **errors(422, 429, 503)},
            [*query_parameters(schemas.NearbyQueryIn), DEVICE],
        ),
        "/reports/map": operation(
            "get",
            "Citizen",
            "Open reports in a map viewport, newest first (cut to 0.1° a side; 500 at most)",
            {"200": json_body(ref("MapReports")), **errors(422, 429, 503)},
            [*query_parameters(schemas.ViewportQueryIn), DEVICE],
        ),
        "/reports/{report_id}/support": operation(
            "post",
            "Citizen",
            "Support a report instead of reporting it again (once per device or key)",
            {"200": json_body(ref("Report")), **errors(400, 404, 409, 422, 429, 503)},
            [REPORT_ID, IDEMPOTENCY, DEVICE],
            {**body("SupportIn"), "required": False},
        ),
        "/reports/nearby/support": operation(
            "post",
            "Citizen",
            "Support a private report listed nearby by its row's support_token (answers only: added or not)",
            {"200": json_body(ref("SupportAdded")), **errors(400, 404, 409, 422, 429, 503)},
            [IDEMPOTENCY, DEVICE],
            body("SupportListedIn"),
        ),
        "/reports/{report_id}/confirm": operation(
            "post",
            "Citizen",
            "The reporter confirms the fix",
            feedback,
            [REPORT_ID, SECRET, STEP_IDEMPOTENCY],
            body("ConfirmIn"),
        ),
        "/reports/{report_id}/reopen": operation(
            "post",
            "Citizen",
            "The reporter says it is not fixed",
            feedback,
            [REPORT_ID, SECRET, STEP_IDEMPOTENCY],
            body("ReopenIn"),
        ),
        "/reports/{report_id}/unsubscribe": operation(
            "post",
            "Citizen",
            "The reporter stops every message about the report (SMS and e-mail; followers keep theirs)",
            {"200": json_body(ref("Unsubscribed")), **errors(403, 404, 422, 503)},
            [REPORT_ID, SECRET],
        ),
        "/agency/reports": operation(
            "get",
            "Agency",
            "The agency's inbox, newest first",
            {"200": json_body(ref("Inbox")), **errors(401, 403, 404, 422, 503)},
            query_parameters(schemas.InboxQueryIn),
        ),
        "/agency/reports/{key}": operation(
            "get",
            "Agency",
            "A report the agency handles (never the reporter's contact)",
            {"200": json_body(ref("AgencyReport")), **errors(401, 403, 404, 503)},
            [KEY],
        ),
        "/agency/reports/{key}/evidence": operation(
            "post",
            "Agency",
            "A presigned upload of the evidence photo for resolving this report, bound to the report and the "
            "officer's agency (the only upload `resolve` takes as `evidence_photo`)",
            {
                "201": json_body(ref("PhotoUpload"), "Created"),
                **errors(400, 401, 403, 404, 409, 413, 422, 503),
            },
            [KEY],
            body("PhotoUploadIn"),
        ),
        "/agency/handed": operation(
            "get",
            "Agency",
            "Diserahkan ke provinsi lain: the reports this province handed to a neighbouring province (`to`; "
            "every neighbour without it), newest first, with their status there and whether "
            "it accepted them (coordinators and admins; a report handed back is in an agency's inbox again)",
            {"200": json_body(ref("HandedList")), **errors(401, 403, 404, 422, 503)},
            query_parameters(schemas.HandedQueryIn),
        ),
        "/agency/evidence/doubtful": operation(
            "get",
            "Agency",
            "Bukti meragukan: reports resolved on an unverified evidence photo, awaiting a coordinator's "
            "accept_evidence or reject_evidence (coordinators and admins)",
            {"200": json_body(ref("DoubtfulList")), **errors(401, 403, 422, 503)},
            query_parameters(schemas.DoubtfulQueryIn),
        ),
        "/agency/reports/{key}/actions/{action}": operation(
            "post",
            "Agency",
            "Take, estimate, forward, refuse, reject, resolve, duplicate, unduplicate; "
            "accept_evidence, reject_evidence (coordinators)",
            {"200": json_body(ref("AgencyReport")), **errors(400, 401, 403, 404, 409, 413, 422, 503)},
            [KEY, action, STEP_IDEMPOTENCY, IF_MATCH],
            body("AgencyActionIn"),
        ),
    }


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    # The request and response structs as JSON Schema, nested structs hoisted into components.
    _refs, structs = msgspec.json.schema_components(
        (*schemas.BODIES, *responses.RESPONSES, *open311_responses.RESPONSES), ref_template=REF
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aduan API",
            "version": "1.0.0",
            "description": "Citizen complaints for Indonesian provinces: one stage (base URL) per province. "
            "Errors use the envelope `Error`; Open311 routes use the GeoReport v2 error list instead "
            "(see docs/open311.md).",
        },
        # Relative: each province's stage serves the document at its own base URL.
        "servers": [{"url": "/", "description": "the province stage that serves this document"}],
        "paths": {**native_paths(), **link_paths(), **open311_spec.paths()},
        "components": {
            "schemas": structs,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


@lru_cache(maxsize=1)
def document_text() -> str:
    """The document as published: sorted keys, two-space indent, UTF-8."""
    return json.dumps(build_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def served() -> Response:
    """``GET /openapi.json``."""
    return json_response(json.loads(document_text()))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the API's OpenAPI document (docs/openapi.json).")
    parser.add_argument("path", nargs="?", default="docs/openapi.json", help="where to write it")
    Path(parser.parse_args().path).write_text(document_text(), encoding="utf-8")
