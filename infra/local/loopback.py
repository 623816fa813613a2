"""HTTP from a chosen loopback source address (``127.0.x.y``), so the local API sees many clients.

Linux routes all of 127.0.0.0/8 to the loopback interface: a socket bound to ``127.0.3.7`` before
it connects reaches ``chalice local`` on 127.0.0.1 with that peer address, which
``infra/local/chalice_local.py`` passes on as ``requestContext.identity.sourceIp``.
"""

from __future__ import annotations

import http.client
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


def loopback_address(index: int) -> str:
    """The ``index``-th client address: 127.0.1.1, 127.0.1.2, ... 127.0.1.254, 127.0.2.1, ..."""
    if index < 0 or index >= 254 * 254:
        raise ValueError("index out of range")
    return f"127.0.{1 + index // 254}.{1 + index % 254}"


@dataclass
class Answer:
    """An HTTP answer: status, headers (lower-case names) and the JSON body (None if not JSON)."""

    status: int
    headers: dict[str, str]
    body: Any = None


@dataclass
class LoopbackClient:
    """Keep-alive connections per (source address, API); one per thread."""

    timeout: float = 30.0
    _local: threading.local = field(default_factory=threading.local)

    def _connection(self, source: str, netloc: str) -> http.client.HTTPConnection:
        pool: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault("pool", {})
        key = (source, netloc)
        connection = pool.get(key)
        if connection is None:
            host, _, port = netloc.partition(":")
            connection = http.client.HTTPConnection(
                host, int(port or 80), timeout=self.timeout, source_address=(source, 0)
            )
            pool[key] = connection
        return connection

    def request(
        self, method: str, url: str, source: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        """Send one request from ``source``; retried once on a connection the server closed."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        payload = None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            connection = self._connection(source, parts.netloc)
            try:
                connection.request(method, path, body=payload, headers=sent)
                response = connection.getresponse()
                raw = response.read()
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                self._local.pool.pop((source, parts.netloc), None)
                if attempt == 2:
                    raise
                continue
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                self._local.pool.pop((source, parts.netloc), None)
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, parsed)
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close this thread's connections."""
        for connection in self._local.__dict__.get("pool", {}).values():
            connection.close()
        self._local.__dict__["pool"] = {}
