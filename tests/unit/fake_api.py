"""A stand-in HTTP API on loopback for the CLI's tests: a handler class answers, ``serving`` runs it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from infra.local.processes import free_port


class FakeApi(BaseHTTPRequestHandler):
    """Subclasses answer in ``do_GET`` with ``send``; nothing is logged."""

    def send(self, status: int, body: Any, content_type: str = "application/json") -> None:
        """Answer ``status`` with ``body``: bytes as they are, anything else as JSON."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serving(handler: type[FakeApi]) -> Iterator[str]:
    """``handler`` served on a free loopback port while inside; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
