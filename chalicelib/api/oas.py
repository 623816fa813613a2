"""OpenAPI parts shared by the native routes (``openapi.py``) and the Open311 ones (``open311/spec.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from chalicelib.api import headers

REF = "#/components/schemas/{name}"


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": REF.format(name=name)}


def json_body(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(meaning: Mapping[int, str], content: dict[str, Any], *statuses: int) -> dict[str, Any]:
    """One response per error status, each with its ``meaning`` and the same ``content``."""
    return {str(s): {"description": meaning[s], "content": content} for s in statuses}


def parameter(
    name: str, where: str, description: str, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A parameter: required in a path, optional in a query or header; a string unless ``schema``."""
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def struct_fields(struct: type[msgspec.Struct]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """A struct's fields as JSON Schema properties (by the name sent; ``None`` of an optional field
    means absent, so it is left out) and the names of the required ones, in declaration order."""
    _refs, components = msgspec.json.schema_components([struct], ref_template=REF)
    described = components[struct.__name__]
    properties = {}
    for name, schema in described["properties"].items():
        (one,) = [s for s in schema.get("anyOf", [schema]) if s != {"type": "null"}]
        properties[name] = dict(one)
    return properties, list(described.get("required", ()))


def query_parameters(struct: type[msgspec.Struct]) -> list[dict[str, Any]]:
    """A query struct's fields as query parameters: name, whether required, schema and description,
    all from the struct (a field's ``Meta(description=...)`` is its parameter's description)."""
    properties, required = struct_fields(struct)
    found = []
    for name, schema in properties.items():
        description = schema.pop("description", "")
        found.append({**parameter(name, "query", description, schema), "required": name in required})
    return found


def header(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An optional request header."""
    return parameter(name, "header", description, schema)


IDEMPOTENCY = header(
    "Idempotency-Key",
    "Retries with the same key answer the first result (or apply the action once).",
    msgspec.json.schema(headers.IdempotencyKey),
)

STEP_IDEMPOTENCY = header(
    "Idempotency-Key",
    "A retry (the same account or report secret, the same key, the identical body; expected_version aside) "
    "applies the step once and answers the report as it stands. The key is the caller's: another account's "
    "request with the same key is its own step. The same key with another body is 409 "
    "idempotency_key_reused.",
    msgspec.json.schema(headers.IdempotencyKey),
)
