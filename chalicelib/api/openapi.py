"""The OpenAPI 3.1 description of every HTTP route; published as ``docs/openapi.json``.

Request bodies come from the pydantic models in ``schemas.py``; responses mirror ``views.py``,
``reports.py`` and ``agency.py``. ``GET /openapi.json`` serves this same document, and
``python -m chalicelib.api.openapi docs/openapi.json`` rewrites the published copy (a test
fails when the two differ, or when a route and the document disagree).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice.app import Response
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib.api import fields
from chalicelib.api.http import json_response
from chalicelib.api.schemas import AgencyActionIn, ConfirmIn, PhotoUploadIn, ReopenIn, SubmitReportIn
from chalicelib.domain.status import Status
from chalicelib.open311 import spec as open311_spec

REF = "#/components/schemas/{model}"
STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
AGENCY_ACTIONS = ["take", "estimate", "forward", "refuse", "reject", "resolve"]


def any_case_pattern(words: list[str]) -> str:
    """An ECMA-262 pattern for ``words`` in any letter case, or empty (no inline flags there)."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" for c in word) for word in words)
    return "^(" + "|".join(spelled) + ")?$"


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": REF.format(model=name)}


def obj(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """An object schema (extra properties allowed: clients must ignore what they do not know)."""
    return {"type": "object", "required": required, "properties": properties}


def json_body(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*statuses: int) -> dict[str, Any]:
    """Error responses in the envelope ``{"error": {code, message, details?}}``."""
    meaning = {
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
    result = {str(s): json_body(ref("Error"), meaning[s]) for s in statuses}
    if 401 in statuses:  # without a header the gateway answers itself
        result["401"] = json_body({"anyOf": [ref("Error"), ref("GatewayMessage")]}, meaning[401])
    return result


def path_param(name: str, description: str) -> dict[str, Any]:
    """A required string path parameter."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
    }


def header(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An optional request header."""
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": schema or STRING,
    }


def query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or STRING,
    }


def body(model: str) -> dict[str, Any]:
    """A required JSON request body of a pydantic model."""
    return {"required": True, "content": {"application/json": {"schema": ref(model)}}}


PRINTABLE = fields.PRINTABLE_ASCII  # what chalicelib.api.inputs.headers_in accepts
IDEMPOTENCY = header(
    "Idempotency-Key",
    "Retries with the same key answer the first result (or apply the action once).",
    {
        "type": "string",
        "minLength": 1,
        "maxLength": fields.HEADER_MAX_LENGTHS[fields.IDEMPOTENCY_KEY_HEADER],
        "pattern": PRINTABLE,
    },
)
SECRET = header(
    "X-Report-Secret",
    "The reporter's secret from submission.",
    {
        "type": "string",
        "maxLength": fields.HEADER_MAX_LENGTHS[fields.REPORT_SECRET_HEADER],
        "pattern": PRINTABLE,
    },
)
IF_MATCH = header(
    "If-Match",
    "The version the officer saw.",
    {"type": "string", "maxLength": fields.HEADER_MAX_LENGTHS[fields.IF_MATCH_HEADER], "pattern": PRINTABLE},
)
DEVICE = header(
    "X-Device-Token",
    "A device token from POST /devices: limits per device and a crowd-sized ceiling per address.",
    {"type": "string", "maxLength": 100, "pattern": PRINTABLE},
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
                        "parent", "Parent code; none for the provinces.", {"type": "string", "maxLength": 13}
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
                    "201": json_body(
                        obj(
                            ["token", "expires_in"],
                            {"token": {"type": "string"}, "expires_in": {"type": "integer"}},
                        ),
                        "Created",
                    ),
                    **errors(429, 503),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "tags": ["Meta"],
                "summary": "This document",
                "responses": {"200": json_body(obj(["openapi", "paths"], {}))},
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
                "responses": {"200": json_body(ref("Report")), **errors(404, 503)},
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
        "/agency/reports/{key}/actions/{action}": {
            "post": {
                "tags": ["Agency"],
                "summary": "Take, estimate, forward, refuse, reject or resolve",
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


def response_schemas() -> dict[str, Any]:
    """What the native routes answer (mirrors ``views.py``)."""
    status_ref = obj(
        ["code", "label", "label_en"],
        {"code": {"enum": [s.value for s in Status]}, "label": STRING, "label_en": STRING},
    )
    agency_ref = {
        "type": ["object", "null"],
        "required": ["id", "province", "name", "short_name"],
        "properties": {k: STRING for k in ("id", "province", "name", "short_name")},
    }
    entry = obj(
        ["at", "action", "status", "province", "agency", "note", "evidence", "evidence_photo"],
        {
            "at": DATETIME,
            "action": STRING,
            "status": ref("StatusRef"),
            "province": obj(["code", "name"], {"code": STRING, "name": STRING}),
            "agency": ref("AgencyRef"),
            "note": NULLABLE_STRING,
            "evidence": NULLABLE_STRING,
            "evidence_photo": NULLABLE_STRING,
        },
    )
    report = obj(
        [
            "id",
            "province",
            "status",
            "closed",
            "overdue",
            "category",
            "area",
            "agency",
            "escalated_to",
            "deadlines",
            "rating",
            "visibility",
            "created_at",
            "updated_at",
            "resolved_at",
            "allowed_actions",
            "timeline",
        ],
        {
            "id": STRING,
            "province": STRING,
            "status": ref("StatusRef"),
            "closed": {"type": "boolean"},
            "overdue": {"type": "boolean"},
            "category": obj(
                ["code", "name", "name_en", "icon"],
                {"code": STRING, "name": STRING, "name_en": STRING, "icon": NULLABLE_STRING},
            ),
            "area": obj(
                ["code", "province", "names"],
                {"code": STRING, "province": STRING, "names": {"type": "array", "items": STRING}},
            ),
            "agency": ref("AgencyRef"),
            "escalated_to": NULLABLE_STRING,
            "deadlines": obj(
                ["coordinate_by", "finish_by", "estimated_completion"],
                {
                    "coordinate_by": NULLABLE_DATETIME,
                    "finish_by": NULLABLE_DATETIME,
                    "estimated_completion": {"type": ["string", "null"], "format": "date"},
                },
            ),
            "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
            "visibility": {"enum": ["private", "public"]},
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "resolved_at": NULLABLE_DATETIME,
            "allowed_actions": {"type": "array", "items": STRING},
            "timeline": {"type": "array", "items": ref("TimelineEntry")},
            "description": {
                "type": "string",
                "description": "Only for public reports, the secret or agencies.",
            },
            "address": NULLABLE_STRING,
            "location": obj(["lat", "lon"], {"lat": {"type": "number"}, "lon": {"type": "number"}}),
            "photos": {"type": "array", "items": STRING},
        },
    )
    agency_report = {
        "allOf": [
            ref("Report"),
            obj(
                ["key", "version"],
                {
                    "key": STRING,
                    "version": {"type": "integer"},
                    "origin_province": NULLABLE_STRING,
                    "escalated_from_other_province": {"type": "boolean"},
                },
            ),
        ]
    }
    summary = obj(
        [
            "key",
            "id",
            "status",
            "category",
            "area_code",
            "agency",
            "overdue",
            "closed",
            "created_at",
            "version",
        ],
        {
            "key": STRING,
            "id": STRING,
            "status": ref("StatusRef"),
            "category": STRING,
            "area_code": STRING,
            "agency": NULLABLE_STRING,
            "origin_province": NULLABLE_STRING,
            "escalated_from_other_province": {"type": "boolean"},
            "overdue": {"type": "boolean"},
            "closed": {"type": "boolean"},
            "coordinate_by": NULLABLE_DATETIME,
            "finish_by": NULLABLE_DATETIME,
            "created_at": DATETIME,
            "updated_at": DATETIME,
            "version": {"type": "integer"},
        },
    )
    return {
        "Error": obj(
            ["error"], {"error": obj(["code", "message"], {"code": STRING, "message": STRING, "details": {}})}
        ),
        "GatewayMessage": obj(["message"], {"message": STRING}),
        "PhotoUpload": obj(
            ["key", "upload", "expires_in", "max_bytes"],
            {
                "key": STRING,
                "upload": obj(
                    ["url", "fields"],
                    {"url": STRING, "fields": {"type": "object", "additionalProperties": STRING}},
                ),
                "expires_in": {"type": "integer"},
                "max_bytes": {"type": "integer"},
            },
        ),
        "Areas": obj(
            ["parent", "province", "items"],
            {
                "parent": NULLABLE_STRING,
                "province": STRING,
                "items": {
                    "type": "array",
                    "items": obj(
                        ["code", "name", "level"], {"code": STRING, "name": STRING, "level": STRING}
                    ),
                },
            },
        ),
        "StatusRef": status_ref,
        "AgencyRef": agency_ref,
        "TimelineEntry": entry,
        "Report": report,
        "AgencyReport": agency_report,
        "InboxItem": summary,
        "Inbox": obj(
            ["agency", "items", "next_cursor"],
            {
                "agency": STRING,
                "next_cursor": NULLABLE_STRING,
                "items": {"type": "array", "items": ref("InboxItem")},
            },
        ),
        "Health": obj(
            ["status", "stage", "province", "name"],
            {"status": {"const": "ok"}, "stage": STRING, "province": STRING, "name": STRING},
        ),
        "Categories": obj(
            ["province", "categories"],
            {
                "province": STRING,
                "categories": {
                    "type": "array",
                    "items": obj(
                        ["code", "name", "name_en", "icon", "group", "keywords"],
                        {
                            "code": STRING,
                            "name": STRING,
                            "name_en": STRING,
                            "icon": STRING,
                            "group": STRING,
                            "keywords": {"type": "array", "items": STRING},
                        },
                    ),
                },
            },
        ),
        "Submitted": obj(
            ["id", "status", "secret", "tracking_url"],
            {"id": STRING, "status": ref("StatusRef"), "secret": STRING, "tracking_url": STRING},
        ),
    }


def request_schemas() -> dict[str, Any]:
    """The pydantic input models as JSON Schema, nested models hoisted into components."""
    models: list[type[BaseModel]] = [SubmitReportIn, ConfirmIn, ReopenIn, AgencyActionIn, PhotoUploadIn]
    _keys, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    return dict(defs.get("$defs", {}))


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
            "schemas": {**request_schemas(), **response_schemas(), **open311_spec.schemas()},
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
