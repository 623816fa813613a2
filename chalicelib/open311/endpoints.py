"""The Open311 views' bodies: each parses, calls one use case, answers in the requested format."""

from __future__ import annotations

from collections.abc import Sequence

from chalice.app import Request, Response

from chalicelib import container
from chalicelib.api import ratelimit
from chalicelib.api.inputs import headers_in, query_values
from chalicelib.errors import BadRequest
from chalicelib.observability import count, logger
from chalicelib.open311.discovery import base_url, discovery
from chalicelib.open311.formats import Format, answered, document
from chalicelib.open311.jurisdiction import serving
from chalicelib.open311.keys import client_for
from chalicelib.open311.mapping import request_entry
from chalicelib.open311.responses import Open311Created, Open311Request, Open311Token
from chalicelib.open311.search import next_query, parse_search
from chalicelib.open311.services import service_definition, service_list, service_of
from chalicelib.open311.submission import field, parse_form, submit_command
from chalicelib.provinces.registry import Province, registry


def _province(request: Request) -> Province:
    return serving(query_values(request).get("jurisdiction_id"))


def _requests(fmt: Format, entries: Sequence[Open311Request | Open311Token], status: int = 200) -> Response:
    return document(fmt, "service_requests", entries, status)


def discovery_document(request: Request) -> Response:
    """``GET discovery.{fmt}``."""
    url = base_url(request.headers, request.context or {})
    return answered(
        request.path, lambda _, fmt: document(fmt, "discovery", discovery(_province(request), url))
    )


def services(request: Request) -> Response:
    """``GET services.{fmt}``."""
    return answered(request.path, lambda _, fmt: document(fmt, "services", service_list(_province(request))))


def service(request: Request, name: str) -> Response:
    """``GET services/{service_code}.{fmt}``."""

    def produce(code: str, fmt: Format) -> Response:
        return document(fmt, "service_definition", service_definition(_province(request), code))

    return answered(name, produce)


def create(request: Request) -> Response:
    """``POST requests.{fmt}``: a new ordinary Aduan report; the token is the report id."""

    def produce(_: str, fmt: Format) -> Response:
        form = {**{k: [v] for k, v in query_values(request).items()}, **parse_form(request.raw_body or b"")}
        province = serving(field(form, "jurisdiction_id"))
        client = client_for(field(form, "api_key"))
        ratelimit.enforce_for("open311", client)  # per key: an integrator posts for many citizens
        code = field(form, "service_code")
        if code is None:
            raise BadRequest(
                "service_code wajib diisi (service_code is required).", code="missing_service_code"
            )
        command = submit_command(service_of(province, code), form)
        headers = headers_in(request)
        result = container.intake().submit(
            command, idempotency_key=headers.idempotency_key, correlation_id=headers.correlation_id
        )
        report = result.report
        logger.thread_safe_append_keys(report_id=report.id)
        logger.info("open311 request submitted", extra={"client": client, "category": report.category})
        if not result.replayed:
            count("ReportsSubmitted")
            count("Open311RequestsSubmitted")
        return _requests(fmt, [Open311Created(report.id, report.id)], 201)

    return answered(request.path, produce)


def search(request: Request) -> Response:
    """``GET requests.{fmt}``: one page; a ``Link: <...>; rel="next"`` header while the list goes on."""

    def produce(_: str, fmt: Format) -> Response:
        params = query_values(request)
        province = serving(params.get("jurisdiction_id"))
        wanted = parse_search(province, params)
        found, cursor = container.open311_requests().find(wanted)
        response = _requests(fmt, [request_entry(registry(), r) for r in found])
        if cursor:
            url = f"{base_url(request.headers, request.context or {})}/requests.{fmt.value}"
            response.headers["Link"] = f'<{url}?{next_query(params, wanted, cursor)}>; rel="next"'
        return response

    return answered(request.path, produce)


def show(request: Request, name: str) -> Response:
    """``GET requests/{service_request_id}.{fmt}``: a list of one."""

    def produce(request_id: str, fmt: Format) -> Response:
        _province(request)  # 404 for another jurisdiction
        report = container.open311_requests().request(request_id)
        return _requests(fmt, [request_entry(registry(), report)])

    return answered(name, produce)


def token(request: Request, name: str) -> Response:
    """``GET tokens/{token}.{fmt}``: tokens are report ids, so the id is known at once."""

    def produce(value: str, fmt: Format) -> Response:
        _province(request)  # 404 for another jurisdiction
        report = container.open311_requests().request(value)
        return _requests(fmt, [Open311Token(report.id, value)])

    return answered(name, produce)
