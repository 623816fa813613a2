"""``python -m infra.local.chalice_local --stage jakarta --port 8031``: ``chalice local`` for bursts.

Runs ``chalice local <arguments> --no-autoreload`` in this process, with two changes:

- the listen backlog of its ``http.server`` class is raised from the standard library's 5 (with 5,
  a burst of a few dozen clients overflows the kernel's accept queue and connections are reset);
- each request's ``requestContext.identity.sourceIp`` is the connection's peer address, as API
  Gateway records it, instead of Chalice's constant ``127.0.0.1`` (the rate limits are per address;
  a benchmark binds its clients to distinct loopback addresses, ``127.0.x.y``);
- each request is logged by its method and route only: ``http.server`` would write the whole request
  line to stderr, with the query string (``/reports/nearby?lat=…&lon=…``: where a citizen stands) and
  the one-click unsubscribe link's token (``/links/unsubscribe/<token>``, the only token in a path).
"""

from __future__ import annotations

import re
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from chalice import local
from chalice.cli import cli

LISTEN_BACKLOG = 1024
# A request line's target: a query string, and the token of a one-click unsubscribe link
QUERY = re.compile(r"\?\S*")
ONE_CLICK_TOKEN = re.compile(r"(/links/unsubscribe/)[^/?\s]+")


def logged_request_line(text: str) -> str:
    """A request line (or a message quoting one) as the local server logs it: without a query string
    or a one-click token."""
    return ONE_CLICK_TOKEN.sub(r"\1…", QUERY.sub("?…", text))


def _log_message(self: BaseHTTPRequestHandler, format: str, *args: Any) -> None:
    """Every line the server writes (requests answered, and errors quoting a malformed request line)."""
    BaseHTTPRequestHandler.log_message(self, "%s", logged_request_line(format % args))


def _handler_init(
    self: local.ChaliceRequestHandler,
    request: bytes,
    client_address: tuple[str, int],
    server: HTTPServer,
    app_object: Any,
    config: Any,
) -> None:
    self.local_gateway = local.LocalGateway(app_object, config)
    self.local_gateway.event_converter.LOCAL_SOURCE_IP = client_address[0]
    BaseHTTPRequestHandler.__init__(self, request, client_address, server)  # type: ignore[arg-type]


def install() -> None:
    """Change ``chalice local``'s server and request handler as this module's docstring says."""
    local.ThreadedHTTPServer.request_queue_size = LISTEN_BACKLOG
    local.ChaliceRequestHandler.__init__ = _handler_init  # type: ignore[method-assign]
    local.ChaliceRequestHandler.log_message = _log_message


def main(argv: list[str] | None = None) -> None:
    """Serve like ``chalice local`` with the given options (``--stage``, ``--port``, ``--host``)."""
    install()
    arguments = ["local", *(sys.argv[1:] if argv is None else argv), "--no-autoreload"]
    cli.main(args=arguments, prog_name="chalice", obj={})


if __name__ == "__main__":
    main()
