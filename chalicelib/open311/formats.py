"""Response formats: the extension of the resource name decides JSON or XML; errors in either."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

import msgspec
from chalice.app import Response

from chalicelib.api.http import INTERNAL_ERROR, json_text, log_unexpected
from chalicelib.errors import AduanError, NotFound
from chalicelib.observability import logger
from chalicelib.open311.responses import Open311Error
from chalicelib.open311.xml import to_xml


class Format(StrEnum):
    """The two formats GeoReport v2 defines (XML is the required one)."""

    JSON = "json"
    XML = "xml"

    @property
    def content_type(self) -> str:
        """The response Content-Type."""
        return "application/json; charset=utf-8" if self is Format.JSON else "text/xml; charset=utf-8"


# Open311 knows 400, 403 and 404; retry-able states keep their status so clients back off.
PASSED_THROUGH = frozenset({403, 404, 429, 503})


def split_name(name: str) -> tuple[str, Format]:
    """``banjir.json`` -> (``banjir``, JSON); 404 for a missing or unknown extension."""
    stem, _, extension = name.rpartition(".")
    if not stem or extension not in list(Format):  # without a dot, the stem is empty too
        raise NotFound(
            f"Format '{name[-20:]}' tidak dikenal; gunakan .xml atau .json (unknown format).",
            code="unknown_format",
        )
    return stem, Format(extension)


def document(fmt: Format, root_tag: str, value: Any, status: int = 200) -> Response:
    """``value`` (structs of ``responses.py``) as a JSON document or as XML under ``root_tag``."""
    plain = msgspec.to_builtins(value)
    body = json_text(plain) if fmt is Format.JSON else to_xml(root_tag, plain)
    return Response(body=body, status_code=status, headers={"Content-Type": fmt.content_type})


def error_list(fmt: Format, status: int, description: str) -> Response:
    """The GeoReport error list: ``[{code, description}]`` / ``<errors><error>...``."""
    return document(fmt, "errors", [Open311Error(status, description)], status)


def error_document(fmt: Format, error: AduanError) -> Response:
    """A domain error as the GeoReport error list: 403/404 (and 429/503) as they are, 400 otherwise."""
    status = error.http_status if error.http_status in PASSED_THROUGH else 400
    logger.info("open311 request refused", extra={"code": error.code, "http_status": status})
    response = error_list(fmt, status, error.message)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def answered(name: str, produce: Callable[[str, Format], Response]) -> Response:
    """What ``produce(resource, format)`` answers for ``name`` (``banjir.json``, or a static route's
    path), or the GeoReport error list for a domain error (and for a 500, in the format asked for);
    a bad extension is a 404 in XML."""
    try:
        stem, fmt = split_name(name)
    except AduanError as error:
        return error_document(Format.XML, error)
    try:
        return produce(stem, fmt)
    except AduanError as error:
        return error_document(fmt, error)
    except Exception as error:
        log_unexpected(error)
        return error_list(fmt, 500, INTERNAL_ERROR[1])


def format_of_request(path: str, uri_params: Mapping[str, str] | None) -> Format:
    """The format a request to ``path`` (a route, e.g. ``.../services/{name}``) asks for; XML if unknown."""
    name = path.rsplit("/", 1)[-1]
    if name == "{name}":
        name = (uri_params or {}).get("name", "")
    try:
        return split_name(name)[1]
    except NotFound:
        return Format.XML
