"""``chalice local`` (as ``make run`` serves it) logs each request's line: never a query string, whose
coordinates are where a citizen stands, nor the one-click unsubscribe token in its path."""

from __future__ import annotations

from typing import Any

import pytest
from chalice import local

from infra.local import chalice_local

TOKEN = "u.Zt9Qm4Kp2WcX8rLb7Yh3Nd6Vs"


class _Handler:
    """What ``log_request`` reads of a request handler."""

    def __init__(self, requestline: str) -> None:
        self.requestline = requestline
        self.client_address = ("127.0.0.1", 50000)
        self.lines: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:
        self.lines.append(format % args)


@pytest.mark.parametrize(
    ("requestline", "logged"),
    [
        (
            "GET /reports/nearby?lat=-6.1712345&lon=106.8304567&radius_m=300 HTTP/1.1",
            '"GET /reports/nearby?… HTTP/1.1" 200 -',
        ),
        ("GET /areas/at?lat=-6.1712345&lon=106.8304567 HTTP/1.1", '"GET /areas/at?… HTTP/1.1" 200 -'),
        (f"POST /links/unsubscribe/{TOKEN} HTTP/1.1", '"POST /links/unsubscribe/… HTTP/1.1" 200 -'),
        ("GET /reports/31-261127-K3M9 HTTP/1.1", '"GET /reports/31-261127-K3M9 HTTP/1.1" 200 -'),
    ],
)
def test_a_request_is_logged_by_its_method_and_route_without_a_query_or_a_token(
    requestline: str, logged: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the request handler chalice local serves with (Chalice's classes restored afterwards)
    handler_class = local.ChaliceRequestHandler
    for name in ("__init__", "log_request"):
        monkeypatch.setattr(handler_class, name, getattr(handler_class, name))
    monkeypatch.setattr(
        local.ThreadedHTTPServer, "request_queue_size", local.ThreadedHTTPServer.request_queue_size
    )
    chalice_local.install()
    handler = _Handler(requestline)
    # When a request is answered
    local.ChaliceRequestHandler.log_request(handler, 200)
    # Then its line names the method and the route, without where the citizen stands or a token
    assert handler.lines == [logged]
    assert "6.171" not in handler.lines[0] and TOKEN not in handler.lines[0]
