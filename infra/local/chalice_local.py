"""``python -m infra.local.chalice_local --stage jakarta --port 8031``: ``chalice local`` for bursts.

Runs ``chalice local <arguments> --no-autoreload`` in this process, with two changes:

- the listen backlog of its ``http.server`` class is raised from the standard library's 5 (with 5,
  a burst of a few dozen clients overflows the kernel's accept queue and connections are reset);
- each request's ``requestContext.identity.sourceIp`` is the connection's peer address, as API
  Gateway records it, instead of Chalice's constant ``127.0.0.1`` (the rate limits are per address;
  a benchmark binds its clients to distinct loopback addresses, ``127.0.x.y``).
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from chalice import local
from chalice.cli import cli

LISTEN_BACKLOG = 1024


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


def main(argv: list[str] | None = None) -> None:
    """Serve like ``chalice local`` with the given options (``--stage``, ``--port``, ``--host``)."""
    local.ThreadedHTTPServer.request_queue_size = LISTEN_BACKLOG
    local.ChaliceRequestHandler.__init__ = _handler_init  # type: ignore[method-assign]
    arguments = ["local", *(sys.argv[1:] if argv is None else argv), "--no-autoreload"]
    cli.main(args=arguments, prog_name="chalice", obj={})


if __name__ == "__main__":
    main()
