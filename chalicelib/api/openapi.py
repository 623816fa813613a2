"""The OpenAPI 3.1 description of every HTTP route; published as ``docs/openapi.json``.

Request bodies and headers come from the structs in ``schemas.py``, responses from those in
``responses.py``. ``GET /openapi.json`` serves this same document, and
``python -m chalicelib.api.openapi docs/openapi.json`` rewrites the published copy (a test
fails when the two differ, or when a route and the document disagree).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec
from chalice.app import Response

from chalicelib.api import oas, responses, schemas
from chalicelib.api.http import json_response
from chalicelib.api.oas import IDEMPOTENCY, REF, header, json_body, query, ref
from chalicelib.domain.status import Status
from chalicelib.open311 import responses as open311_responses
from chalicelib.open311 import spec as open311_spec

AGENCY_ACTIONS = [
    "take",
    "estimate",
    "forward",
    "refuse",
    "reject",
    "resolve",
    "duplicate",
    "unduplicate",
    "accept_evidence",
    "reject_evidence",
]
ERRORS = {
    400: "Unreadable body (empty, malformed JSON).",
    401: "Missing, expired or invalid bearer token.",
    403: "The token may not do this.",
    404: "Not found (or another province's report).",
    409: "Conflict: illegal transition, changed version, reused Idempotency-Key.",
    413: "Body too large.",
    429: "Too many requests from this client; retry after Retry-After seconds.",
    422: "Validation failed; `details` lists each field.",
    503: "Temporarily unavailable; retry after Retry-After seconds.",
}


def any_case_pattern(words: list[str]) -> str:
    """An ECMA-262 pattern for ``words`` in any letter case, or empty (no inline flags there)."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" for c in word) for word in words)
    return "^(" + "|".join(spelled) + ")?$"


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
    "X-Report-Secret", "The reporter's secret from submission.", msgspec.json.schema(schemas.ReportSecret)
)
IF_MATCH = header("If-Match", "The version the officer saw.", msgspec.json.schema(schemas.IfMatch))
DEVICE = header(
    "X-Device-Token",
    "A device token from POST /devices: limits per device and a crowd-sized ceiling per address.",
    msgspec.json.schema(schemas.DeviceToken),
)
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
KEY = path_param("key", "Storage key: the report id, or `<province>~<origin id>` for a received escalation.")


def native_paths() -> dict[str, Any]:
    """The citizen and agency routes of ``app.py``."""
    report_id = path_param("report_id", "Report id, e.g. 31-261127-K3M9 (case, spaces, O/0 forgiven).")
    feedback_errors = errors(400, 403, 404, 409, 413, 422, 503)
    return {
        "/health": {
            "get": {
                "tags": ["Citizen"],
                "summary": "The stage is up and knows its province",
                "responses": {"200": json_body(ref("Health"))},
            }
        },
        "/categories": {
            "get": {
                "tags": ["Citizen"],
                "summary": "The province's categories",
                "responses": {"200": json_body(ref("Categories"))},
            }
        },
        "/areas": {
            "get": {
                "tags": ["Citizen"],
                "summary": "Administrative areas, one level at a time (every known province)",
                "parameters": [
                    query(
                        "parent",
                        "Parent code; none for the provinces.",
                        {"type": "string", "maxLength": schemas.AREA_CODE_MAX_LENGTH},
                    )
                ],
                "responses": {"200": json_body(ref("Areas")), **errors(404, 422)},
            }
        },
        "/dashboard": {
            "get": {
                "tags": ["Agency"],
                "summary": "Province dashboard (coordinators and admins)",
                "security": BEARER,
                "parameters": [
                    query("days", "Window in days (capped at 90).", {"type": "integer", "minimum": 1})
                ],
                "responses": {
                    "200": json_body(
                        {"type": "object", "description": "Counts and service levels per agency."}
                    ),
                    **errors(401, 403, 422, 503),
                },
            }
        },
        "/photos": {
            "post": {
                "tags": ["Citizen"],
                "summary": "A presigned upload for one photo (its key then goes into a report's photos)",
                "parameters": [DEVICE],
                "requestBody": body("PhotoUploadIn"),
                "responses": {
                    "201": json_body(ref("PhotoUpload"), "Created"),
                    **errors(400, 413, 422, 429, 503),
                },
            }
        },
        "/devices": {
            "post": {
                "tags": ["Citizen"],
                "summary": "A device token for X-Device-Token (minted per address at a limited rate)",
                "responses": {
                    "201": json_body(ref("DeviceTokenIssued"), "Created"),
                    **errors(429, 503),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["Meta"],
                "summary": "This document",
                "responses": {
                    "200": json_body({"type": "object", "required": ["openapi", "paths"], "properties": {}})
                },
            }
        },
        "/reports": {
            "post": {
                "tags": ["Citizen"],
                "summary": "Submit a report",
                "parameters": [IDEMPOTENCY, DEVICE],
                "requestBody": body("SubmitReportIn"),
                "responses": {
                    "201": json_body(ref("Submitted"), "Created (or replayed: Idempotent-Replayed: true)"),
                    **errors(400, 409, 413, 422, 429, 503),
                },
            }
        },
        "/reports/{report_id}": {
            "get": {
                "tags": ["Citizen"],
                "summary": "Track a report (content if public or with the secret)",
                "parameters": [report_id, SECRET],
                "responses": {"200": json_body(ref("Report")), **errors(404, 422, 503)},
            }
        },
        "/reports/nearby": {
            "get": {
                "tags": ["Citizen"],
                "summary": "Open reports near a place, nearest first (before reporting it again)",
                "parameters": [
                    {
                        "name": name,
                        "in": "query",
                        "required": True,
                        "description": f"{label} in decimal degrees.",
                        "schema": msgspec.json.schema(schemas.DecimalText),
                    }
                    for name, label in (("lat", "Latitude"), ("lon", "Longitude"))
                ]
                + [
                    query(
                        "radius",
                        "Metres, 1-500 (default 50).",
                        {"type": "integer", "minimum": 1, "maximum": 500},
                    ),
                    query("category", "Only this category.", msgspec.json.schema(schemas.CategoryCode)),
                ],
                "responses": {"200": json_body(ref("Nearby")), **errors(422, 429, 503)},
            }
        },
        "/reports/{report_id}/support": {
            "post": {
                "tags": ["Citizen"],
                "summary": "Support a report instead of reporting it again (once per device or key)",
                "parameters": [report_id, IDEMPOTENCY],
                "requestBody": {**body("SupportIn"), "required": False},
                "responses": {"200": json_body(ref("Report")), **errors(400, 404, 409, 422, 429, 503)},
            }
        },
        "/reports/{report_id}/confirm": {
            "post": {
                "tags": ["Citizen"],
                "summary": "The reporter confirms the fix",
                "parameters": [report_id, SECRET, IDEMPOTENCY],
                "requestBody": body("ConfirmIn"),
                "responses": {"200": json_body(ref("Report")), **feedback_errors},
            }
        },
        "/reports/{report_id}/reopen": {
            "post": {
                "tags": ["Citizen"],
                "summary": "The reporter says it is not fixed",
                "parameters": [report_id, SECRET, IDEMPOTENCY],
                "requestBody": body("ReopenIn"),
                "responses": {"200": json_body(ref("Report")), **feedback_errors},
            }
        },
        "/agency/reports": {
            "get": {
                "tags": ["Agency"],
                "summary": "The agency's inbox, newest first",
                "security": BEARER,
                "parameters": [
                    query("agency", "Another agency in scope (coordinators)."),
                    query(
                        "status",
                        "One status, any case; empty means all.",
                        {"type": "string", "pattern": any_case_pattern([s.value for s in Status])},
                    ),
                    query("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": 100}),
                    query("cursor", "`next_cursor` of the previous page."),
                    query("overdue", "`1` or `true`: only overdue reports."),
                ],
                "responses": {"200": json_body(ref("Inbox")), **errors(401, 403, 404, 422, 503)},
            }
        },
        "/agency/reports/{key}": {
            "get": {
                "tags": ["Agency"],
                "summary": "A report the agency handles (never the reporter's contact)",
                "security": BEARER,
                "parameters": [KEY],
                "responses": {"200": json_body(ref("AgencyReport")), **errors(401, 403, 404, 503)},
            }
        },
        "/agency/reports/{key}/evidence": {
            "post": {
                "tags": ["Agency"],
                "summary": "A presigned upload of the evidence photo for resolving this report, bound to the "
                "report and the officer's agency (the only upload `resolve` takes as `evidence_photo`)",
                "security": BEARER,
                "parameters": [KEY],
                "requestBody": body("PhotoUploadIn"),
                "responses": {
                    "201": json_body(ref("PhotoUpload"), "Created"),
                    **errors(400, 401, 403, 404, 409, 413, 422, 503),
                },
            }
        },
        "/agency/evidence/doubtful": {
            "get": {
                "tags": ["Agency"],
                "summary": "Bukti meragukan: reports resolved on an unverified evidence photo, awaiting "
                "a coordinator's accept_evidence or reject_evidence (coordinators and admins)",
                "security": BEARER,
                "parameters": [
                    query("limit", "Page size.", {"type": "integer", "minimum": 1, "maximum": 100}),
                    query("cursor", "`next_cursor` of the previous page."),
                ],
                "responses": {"200": json_body(ref("DoubtfulList")), **errors(401, 403, 422, 503)},
            }
        },
        "/agency/reports/{key}/actions/{action}": {
            "post": {
                "tags": ["Agency"],
                "summary": "Take, estimate, forward, refuse, reject, resolve, duplicate, unduplicate; "
                "accept_evidence, reject_evidence (coordinators)",
                "security": BEARER,
                "parameters": [
                    KEY,
                    {
                        "name": "action",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": AGENCY_ACTIONS},
                    },
                    IDEMPOTENCY,
                    IF_MATCH,
                ],
                "requestBody": body("AgencyActionIn"),
                "responses": {
                    "200": json_body(ref("AgencyReport")),
                    **errors(400, 401, 403, 404, 409, 413, 422, 503),
                },
            }
        },
    }


def struct_schemas() -> dict[str, Any]:
    """The request and response structs as JSON Schema, nested structs hoisted into components."""
    _refs, components = msgspec.json.schema_components(
        (*schemas.BODIES, *responses.RESPONSES, *open311_responses.RESPONSES), ref_template=REF
    )
    return components


def build_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
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
        "paths": {**native_paths(), **open311_spec.paths()},
        "components": {
            "schemas": struct_schemas(),
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
    Path(sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.json").write_text(
        document_text(), encoding="utf-8"
    )
