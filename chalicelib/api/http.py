"""HTTP plumbing: body parsing, the error envelope, and the one exception-to-response map."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Request, Response

from chalicelib.api.fields import validation_failed
from chalicelib.errors import AduanError, BadRequest, PayloadTooLarge
from chalicelib.observability import logger

if TYPE_CHECKING:
    from pydantic import BaseModel

MAX_BODY_BYTES = 64 * 1024
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}

M = TypeVar("M", bound="BaseModel")


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response with UTF-8 text (Indonesian names stay readable)."""
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={**JSON_HEADERS, **(headers or {})},
    )


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The error envelope every endpoint uses."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(error: AduanError) -> Response:
    """The HTTP response for a domain error."""
    headers: dict[str, str] = {}
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return json_response(error_body(error.code, error.message, error.details), error.http_status, headers)


def read_json(request: Request) -> Any:
    """The request body as JSON, or a 400/413 naming what is wrong."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Isi permintaan melebihi {MAX_BODY_BYTES // 1024} KB (body too large).")
    if not raw.strip():
        raise BadRequest("Isi permintaan kosong (empty body).", code="empty_body")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(
            "Isi permintaan bukan JSON yang sah (malformed JSON).", code="invalid_json"
        ) from None


def parse_model(model: type[M], data: Any) -> M:
    """Validate ``data`` against ``model``; field errors become a 422 listing each problem."""
    # pydantic is loaded by the models passed in; imported here so that the error paths of this
    # module (every handler's) do not load it
    from pydantic import ValidationError as PydanticValidationError

    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]) or "(body)", "problem": e["msg"], "type": e["type"]}
            for e in error.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise validation_failed(problems) from None


def unexpected_error_response(error: Exception) -> Response:
    """A 500 without internals, logged with its stack trace."""
    logger.exception("unhandled error", extra={"error_type": type(error).__name__})
    return json_response(
        error_body(
            "internal_error", "Terjadi kesalahan di server; silakan coba lagi (unexpected server error)."
        ),
        500,
    )
