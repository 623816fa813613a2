"""``chalice local`` (as ``make run`` serves it) logs each request's line: never a query string, whose
coordinates are where a citizen stands, nor the one-click unsubscribe token in its path."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from chalice import local

from infra.local import chalice_local

TOKEN = "u.Zt9Qm4Kp2WcX8rLb7Yh3Nd6Vs"


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> local.ChaliceRequestHandler:
    """The request handler chalice local serves with, as ``install`` leaves it (restored afterwards)."""
    handler_class = local.ChaliceRequestHandler
    for name in ("__init__", "log_message"):
        monkeypatch.setattr(handler_class, name, getattr(handler_class, name))
    server = local.ThreadedHTTPServer
    monkeypatch.setattr(server, "request_queue_size", server.request_queue_size)
    chalice_local.install()
    served = handler_class.__new__(handler_class)  # what a connection would make, without one
    served.client_address = ("127.0.0.1", 50000)
    served.request_version = "HTTP/1.1"
    return served


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
    handler: local.ChaliceRequestHandler, requestline: str, logged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # When a request is answered
    handler.requestline = requestline
    handler.log_request(HTTPStatus.OK)
    # Then its line names the method and the route, without where the citizen stands or a token
    line = capsys.readouterr().err
    assert line.startswith("127.0.0.1 - - [") and line.rstrip("\n").endswith(logged)
    assert "6.171" not in line and TOKEN not in line


def test_an_error_quoting_a_malformed_request_line_leaves_them_out_too(
    handler: local.ChaliceRequestHandler, capsys: pytest.CaptureFixture[str]
) -> None:
    handler.requestline = f"POST /links/unsubscribe/{TOKEN}?lat=-6.1712345 HTTP/1.1 extra"
    handler.log_error("code %d, message %s", 400, f"Bad request syntax ({handler.requestline!r})")
    line = capsys.readouterr().err
    assert "Bad request syntax" in line and TOKEN not in line and "6.171" not in line
