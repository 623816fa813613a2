"""The Open311 part of the OpenAPI document: the GeoReport v2 paths (schemas: ``open311/responses.py``)."""

from __future__ import annotations

from typing import Any

import msgspec

from chalicelib.api import schemas as inputs
from chalicelib.api.oas import IDEMPOTENCY, errors, parameter, query_parameters, ref, struct_fields
from chalicelib.open311.search import PageQuery, SearchQuery
from chalicelib.open311.services import AREA_CODE_ATTRIBUTE, VISIBILITY_ATTRIBUTE
from chalicelib.open311.submission import RequestForm

TAG = "Open311 GeoReport v2"
FORM = "application/x-www-form-urlencoded"
XML_NOTE = {
    "description": "GeoReport v2 XML: the same fields as the JSON form, under the spec's element names."
}
ERRORS = {
    400: "Invalid input, or a query parameter given more than once (GeoReport error list).",
    403: "Missing or unknown api_key.",
    404: "Unknown jurisdiction, service, request, token or format.",
    415: "Not form-encoded.",
    503: "Temporarily unavailable; retry after Retry-After seconds.",
}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def _content(schema: dict[str, Any], fmt: str | None) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if fmt in (None, "json"):
        content["application/json"] = {"schema": schema}
    if fmt in (None, "xml"):
        content["text/xml"] = {"schema": XML_NOTE}
    return content


def _errors(fmt: str | None, *statuses: int) -> dict[str, Any]:
    return errors(ERRORS, _content(_list("Open311Error"), fmt), *statuses)


JURISDICTION = parameter(
    "jurisdiction_id", "query", "jakarta.go.id or bantenprov.go.id; optional, the stage serves one."
)
NAME = parameter(
    "name",
    "path",
    "The resource and its format: `<id>.json` or `<id>.xml`.",
    {"type": "string", "pattern": r"^[^./]+\.(json|xml)$"},
)


def _get(
    summary: str, schema: dict[str, Any], fmt: str | None, statuses: tuple[int, ...], params: list[Any]
) -> dict[str, Any]:
    return {
        "tags": [TAG],
        "summary": summary,
        "parameters": [JURISDICTION, *params],
        "responses": {
            "200": {"description": "OK", "content": _content(schema, fmt)},
            **_errors(fmt, 400, *(s for s in statuses if s != 400)),  # a query parameter given twice
        },
    }


SEARCH_PARAMS = [*query_parameters(SearchQuery), *query_parameters(PageQuery)]
NEXT_LINK = {
    "description": '`<URL of the next page>; rel="next"`, on a full page; absent on the last page.',
    "schema": {"type": "string"},
}


def _form_schema() -> dict[str, Any]:
    """The form: ``RequestForm``'s fields, the two attributes every service asks (``services.py``;
    the area code is then checked as the native location's), and the service's own."""
    properties, required = struct_fields(RequestForm)
    area, visibility = AREA_CODE_ATTRIBUTE, VISIBILITY_ATTRIBUTE
    properties[f"attribute[{area.code}]"] = {
        **msgspec.json.schema(inputs.AreaCode),
        "description": "Kemendagri area code, e.g. 31.74.01.1001.",
    }
    properties[f"attribute[{visibility.code}]"] = {
        "type": "string",
        "enum": [v["key"] for v in visibility.values],
    }
    required += [f"attribute[{a.code}]" for a in (area, visibility) if a.required]
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": {"type": "string"},
        "description": "Other `attribute[<code>]` fields as the service definition lists them.",
    }


FORM_SCHEMA = _form_schema()


def paths() -> dict[str, Any]:
    """The Open311 paths, one per route (static routes per format)."""
    result: dict[str, Any] = {}
    for fmt in ("json", "xml"):
        result[f"/open311/v2/discovery.{fmt}"] = {
            "get": _get("Discovery document", ref("Open311Discovery"), fmt, (404,), [])
        }
        result[f"/open311/v2/services.{fmt}"] = {
            "get": _get("Services: one per category", _list("Open311Service"), fmt, (404,), [])
        }
        result[f"/open311/v2/requests.{fmt}"] = {
            "get": _get(
                "Search public requests, a page at a time (90-day window, no Scan)",
                _list("Open311Request"),
                fmt,
                (400, 404, 503),
                SEARCH_PARAMS,
            ),
            "post": {
                "tags": [TAG],
                "summary": "Create a request: an ordinary Aduan report (token = service_request_id)",
                "parameters": [IDEMPOTENCY],
                "requestBody": {"required": True, "content": {FORM: {"schema": FORM_SCHEMA}}},
                "responses": {
                    "201": {"description": "Created", "content": _content(_list("Open311Created"), fmt)},
                    **_errors(fmt, 400, 403, 404, 415, 503),
                },
            },
        }
        result[f"/open311/v2/requests.{fmt}"]["get"]["responses"]["200"]["headers"] = {"Link": NEXT_LINK}
    result["/open311/v2/services/{name}"] = {
        "get": _get("Service definition (attributes)", ref("Open311ServiceDefinition"), None, (404,), [NAME])
    }
    result["/open311/v2/requests/{name}"] = {
        "get": _get("One request, as a list of one", _list("Open311Request"), None, (404, 503), [NAME])
    }
    result["/open311/v2/tokens/{name}"] = {
        "get": _get(
            "The request id of a token (tokens are ids)", _list("Open311Token"), None, (404, 503), [NAME]
        )
    }
    return result
