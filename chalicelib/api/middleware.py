"""Cross-cutting concerns wired once: error mapping, correlation ids, log keys, metrics.

``app.py`` imports this module for every function; the HTTP error machinery (``chalicelib.api.http``
and the response structs) is imported where an HTTP response is made, so the queue and schedule
handlers never load it.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from chalice.app import Request, Response

from chalicelib.api.correlation import safe_correlation_id
from chalicelib.config import settings
from chalicelib.errors import AduanError
from chalicelib.observability import flush_metrics, logger

# Chalice keeps one ``app.current_request`` per app, set as each request arrives: in a threaded
# server (``chalice local``) a view reading it can get another thread's request. The middleware is
# handed the request it serves and keeps it here, per thread.
_serving: ContextVar[Request | None] = ContextVar("aduan_request_being_served", default=None)


def request_being_served() -> Request:
    """The request this thread is serving (set by ``correlation_middleware`` around the view)."""
    request = _serving.get()
    assert request is not None, "no request is being served"
    return request


def handled(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view so domain errors become their HTTP response and nothing leaks a stack trace."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except AduanError as error:
            from chalicelib.api.http import error_response

            # A 4xx's words may repeat what the caller sent (a category, a field name, coordinates):
            # the code says enough. A 5xx's words are the service's own.
            extra: dict[str, Any] = {"code": error.code, "http_status": error.http_status}
            if error.http_status >= 500:
                extra["reason"] = error.message
            logger.info("request refused", extra=extra)
            return error_response(error)
        except Exception as error:
            from chalicelib.api.http import unexpected_error_response

            return unexpected_error_response(error)

    return wrapper


def correlation_middleware(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Tag every log line with province and correlation id; echo the id; flush metrics."""
    headers: Mapping[str, str] = event.headers or {}
    correlation_id = safe_correlation_id(headers.get("x-correlation-id")) or str(uuid.uuid4())
    stage = settings()
    logger.append_keys(province=stage.province, stage=stage.stage)
    # Per request, per thread (a threaded local server serves several at once): ids that vary.
    logger.thread_safe_append_keys(correlation_id=correlation_id)
    serving = _serving.set(event)
    try:
        response = get_response(event)
    finally:
        _serving.reset(serving)
        flush_metrics(stage.province)
        logger.thread_safe_clear_keys()
    response = in_own_words(response, event)
    response.headers["X-Correlation-Id"] = correlation_id
    return response


def in_own_words(response: Response, request: Request) -> Response:
    """An error Chalice answered itself (415, 405) as the API's error envelope, or on an Open311
    route as the GeoReport error list; any other response as it is."""
    from chalicelib.api.http import chalice_error, json_response
    from chalicelib.api.responses import Error, ErrorDetail

    found = chalice_error(response)
    if found is None:
        return response
    code, message = found
    if request.path.startswith("/open311/"):
        from chalicelib.open311.formats import error_list, format_of_request

        answer = error_list(
            format_of_request(request.path, request.uri_params), response.status_code, message
        )
    else:
        answer = json_response(Error(ErrorDetail(code, message)), response.status_code)
    kept = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    answer.headers.update(kept)
    return answer


def event_middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Province keys on log lines of queue and schedule handlers; flush their metrics."""
    stage = settings()
    logger.append_keys(province=stage.province, stage=stage.stage)
    try:
        return get_response(event)
    finally:
        flush_metrics(stage.province)
        logger.thread_safe_clear_keys()  # this invocation's correlation and report ids
