"""The Open311 part of the OpenAPI document: paths and schemas of the GeoReport v2 routes."""

from __future__ import annotations

from typing import Any

import msgspec

from chalicelib.api import schemas as inputs
from chalicelib.open311.search import MAX_IDS
from chalicelib.open311.submission import MAX_MEDIA_URL

TAG = "Open311 GeoReport v2"
FORM = "application/x-www-form-urlencoded"
XML_NOTE = {
    "description": "GeoReport v2 XML: the same fields as the JSON form, under the spec's element names."
}
NULLABLE_STRING = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _content(schema_name: str, fmt: str | None) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if fmt in (None, "json"):
        content["application/json"] = {"schema": _ref(schema_name)}
    if fmt in (None, "xml"):
        content["text/xml"] = {"schema": XML_NOTE}
    return content


def _errors(fmt: str | None, *statuses: int) -> dict[str, Any]:
    meaning = {
        400: "Invalid input (GeoReport error list).",
        403: "Missing or unknown api_key.",
        404: "Unknown jurisdiction, service, request, token or format.",
        415: "Not form-encoded.",
        503: "Temporarily unavailable; retry after Retry-After seconds.",
    }
    return {str(s): {"description": meaning[s], "content": _content("Open311Errors", fmt)} for s in statuses}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


JURISDICTION = _query("jurisdiction_id", "jakarta.go.id or bantenprov.go.id; optional, the stage serves one.")
NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "The resource and its format: `<id>.json` or `<id>.xml`.",
    "schema": {"type": "string", "pattern": r"^[^./]+\.(json|xml)$"},
}


def _get(
    summary: str, schema: str, fmt: str | None, errors: tuple[int, ...], params: list[Any]
) -> dict[str, Any]:
    return {
        "tags": [TAG],
        "summary": summary,
        "parameters": [JURISDICTION, *params],
        "responses": {
            "200": {"description": "OK", "content": _content(schema, fmt)},
            **_errors(fmt, *errors),
        },
    }


SEARCH_PARAMS = [
    _query("service_request_id", f"Comma-separated ids (at most {MAX_IDS}); overrides every other filter."),
    _query("service_code", "Comma-separated service codes."),
    _query("start_date", "ISO 8601; without an offset WIB. Default: end_date - 90 days.", {"type": "string"}),
    _query("end_date", "ISO 8601; at most 90 days after start_date. Default: now.", {"type": "string"}),
    _query("status", "open, closed or open,closed (default both)."),
]

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["api_key", "service_code", "lat", "long", "attribute[area_code]"],
    "properties": {
        "api_key": {"type": "string", "minLength": 1, "maxLength": 200},
        "jurisdiction_id": {"type": "string"},
        "service_code": {"type": "string", "minLength": 1},
        "lat": msgspec.json.schema(inputs.Latitude),
        "long": msgspec.json.schema(inputs.Longitude),
        "attribute[area_code]": {
            **msgspec.json.schema(inputs.AreaCode),
            "description": "Kemendagri area code, e.g. 31.74.01.1001.",
        },
        "attribute[visibility]": {"type": "string", "enum": ["private", "public"]},
        "address_string": {"type": "string", "maxLength": inputs.ADDRESS_MAX_LENGTH},
        "email": {"type": "string"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "phone": {"type": "string"},
        "description": {"type": "string", "maxLength": inputs.DESCRIPTION_MAX_LENGTH},
        "media_url": {"type": "string", "maxLength": MAX_MEDIA_URL},
    },
    "additionalProperties": {"type": "string"},
    "description": "Other `attribute[<code>]` fields as the service definition lists them.",
}


def paths() -> dict[str, Any]:
    """The Open311 paths, one per route (static routes per format)."""
    result: dict[str, Any] = {}
    for fmt in ("json", "xml"):
        result[f"/open311/v2/discovery.{fmt}"] = {
            "get": _get("Discovery document", "Open311Discovery", fmt, (404,), [])
        }
        result[f"/open311/v2/services.{fmt}"] = {
            "get": _get("Services: one per category", "Open311Services", fmt, (404,), [])
        }
        result[f"/open311/v2/requests.{fmt}"] = {
            "get": _get(
                "Search requests (90-day window, no Scan)",
                "Open311Requests",
                fmt,
                (400, 404, 503),
                SEARCH_PARAMS,
            ),
            "post": {
                "tags": [TAG],
                "summary": "Create a request: an ordinary Aduan report (token = service_request_id)",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": False,
                        "schema": msgspec.json.schema(inputs.IdempotencyKey),
                    }
                ],
                "requestBody": {"required": True, "content": {FORM: {"schema": FORM_SCHEMA}}},
                "responses": {
                    "201": {"description": "Created", "content": _content("Open311Created", fmt)},
                    **_errors(fmt, 400, 403, 404, 415, 503),
                },
            },
        }
    result["/open311/v2/services/{name}"] = {
        "get": _get("Service definition (attributes)", "Open311ServiceDefinition", None, (404,), [NAME])
    }
    result["/open311/v2/requests/{name}"] = {
        "get": _get("One request, as a list of one", "Open311Requests", None, (404, 503), [NAME])
    }
    result["/open311/v2/tokens/{name}"] = {
        "get": _get("The request id of a token (tokens are ids)", "Open311Tokens", None, (404, 503), [NAME])
    }
    return result


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "lat",
    "long",
    "media_url",
]


def schemas() -> dict[str, Any]:
    """The Open311 component schemas (JSON form)."""
    string = {"type": "string"}
    nullable_number = {"type": ["number", "null"]}
    attribute = _object(
        [
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
            "values",
        ],
        {
            "variable": {"type": "boolean"},
            "code": string,
            "datatype": {
                "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
            },
            "required": {"type": "boolean"},
            "datatype_description": string,
            "order": {"type": "integer", "minimum": 1},
            "description": string,
            "values": _list_of(_object(["key", "name"], {"key": string, "name": string})),
        },
    )
    request_properties: dict[str, Any] = {name: NULLABLE_STRING for name in REQUEST_FIELDS}
    request_properties.update(
        service_request_id=string,
        status={"enum": ["open", "closed"]},
        description=string,
        requested_datetime={"type": "string", "format": "date-time"},
        updated_datetime={"type": "string", "format": "date-time"},
        lat=nullable_number,
        long=nullable_number,
    )
    return {
        "Open311Errors": _list_of(
            _object(["code", "description"], {"code": {"type": "integer"}, "description": string})
        ),
        "Open311Services": _list_of(
            _object(
                ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
                {
                    "service_code": string,
                    "service_name": string,
                    "description": string,
                    "metadata": {"type": "boolean"},
                    "type": {"enum": ["realtime", "batch", "blackbox"]},
                    "keywords": string,
                    "group": string,
                },
            )
        ),
        "Open311ServiceDefinition": _object(
            ["service_code", "attributes"], {"service_code": string, "attributes": _list_of(attribute)}
        ),
        "Open311Requests": _list_of(_object(REQUEST_FIELDS, request_properties)),
        "Open311Created": _list_of(
            _object(
                ["service_request_id", "token"],
                {
                    "service_request_id": string,
                    "token": string,
                    "service_notice": NULLABLE_STRING,
                    "account_id": NULLABLE_STRING,
                },
            )
        ),
        "Open311Tokens": _list_of(
            _object(["service_request_id", "token"], {"service_request_id": string, "token": string})
        ),
        "Open311Discovery": _object(
            ["changeset", "contact", "key_service", "endpoints"],
            {
                "changeset": {"type": "string", "format": "date-time"},
                "contact": string,
                "key_service": string,
                "endpoints": _list_of(
                    _object(
                        ["specification", "url", "changeset", "type", "formats"],
                        {
                            "specification": string,
                            "url": string,
                            "changeset": string,
                            "type": {"enum": ["production", "test"]},
                            "formats": _list_of(string),
                        },
                    )
                ),
            },
        ),
    }
