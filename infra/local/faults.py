"""Fault injection on AWS clients through botocore's event hooks (tests and benchmarks only).

A :class:`FaultInjector` is attached to botocore clients and makes a set fraction of calls
fail the ways AWS fails: throttling and 5xx answers (inside botocore's retry loop, so the
configured retries see them), connection timeouts, and *lost responses* — the call took
effect, but the caller sees an error (the hardest case for idempotency).
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError

THROTTLE_BODIES = {
    "dynamodb": (
        400,
        b'{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"injected"}',
    ),
    "sqs": (400, b'{"__type":"com.amazonaws.sqs#ThrottlingException","message":"injected"}'),
    # SES and SNS answer in XML (the query protocol)
    "ses": (
        400,
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>injected</Message></Error></ErrorResponse>",
    ),
    "sns": (
        400,
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>injected</Message></Error></ErrorResponse>",
    ),
}
SERVER_ERROR_BODY = (500, b'{"__type":"InternalServerError","message":"injected"}')
KINDS = ("throttle", "server_error", "timeout", "lost_response")


class InjectedCrash(BaseException):
    """A consumer killed mid-batch: not an Exception, so no handler catches it."""


@dataclass
class FaultInjector:
    """Fails ``rate`` of the calls whose operation is in ``operations`` (all when empty)."""

    rate: float
    seed: int = 7
    sticky: float = 0.5  # share of faults that persist through botocore's own retries
    kinds: tuple[str, ...] = KINDS
    operations: frozenset[str] = frozenset()
    crash_rate: float = 0.0  # chance that a call made inside a consumer kills it (InjectedCrash)
    counts: Counter[str] = field(default_factory=Counter)
    enabled: bool = True

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._attached: list[tuple[Any, str, Any]] = []

    def _roll(self, operation: str) -> str | None:
        if not self.enabled or (self.operations and operation not in self.operations):
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            return self._random.choice(self.kinds)

    def attach(self, clients: Iterable[Any]) -> FaultInjector:
        """Register the hooks on each botocore client (idempotent per client)."""
        for client in clients:
            service = client.meta.service_model.service_name
            for event, handler in (
                (f"before-send.{client.meta.service_model.service_id.hyphenize()}", self._before_send),
                (f"after-call.{client.meta.service_model.service_id.hyphenize()}", self._after_call),
            ):
                unique = f"fault-injector-{id(self)}-{event}"
                client.meta.events.register(event, handler, unique_id=unique)
                self._attached.append((client, event, unique))
            client.meta.events.register(
                f"before-call.{client.meta.service_model.service_id.hyphenize()}",
                lambda service=service, **kw: self._remember(service, kw),
                unique_id=f"fault-injector-{id(self)}-remember-{service}",
            )
        return self

    def detach(self) -> None:
        """Remove every hook this injector registered."""
        for client, event, unique in self._attached:
            client.meta.events.unregister(event, unique_id=unique)
        self._attached.clear()
        self.enabled = False

    _local = threading.local()

    @contextmanager
    def consumer(self) -> Iterator[None]:
        """Calls made inside this block may also kill the consumer mid-batch."""
        self._local.in_consumer = True
        try:
            yield
        finally:
            self._local.in_consumer = False

    def _remember(self, service: str, kwargs: dict[str, Any]) -> None:
        """Decide once per API call (before botocore's retry loop) whether and how it fails."""
        if self.enabled and getattr(self._local, "in_consumer", False) and self.crash_rate:
            with self._lock:
                crash = self._random.random() < self.crash_rate
            if crash:
                self.counts["crash"] += 1
                raise InjectedCrash(kwargs["model"].name)
        self._local.service = service
        self._local.kind = self._roll(kwargs["model"].name)
        with self._lock:
            self._local.sticky = self._random.random() < self.sticky

    def _before_send(self, request: Any, **_: Any) -> AWSResponse | None:
        kind = getattr(self._local, "kind", None)
        if kind in (None, "lost_response"):
            return None
        if not self._local.sticky:
            self._local.kind = None  # transient: botocore's retry of this call succeeds
        self.counts[kind] += 1
        if kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        service = getattr(self._local, "service", "dynamodb")
        status, body = (
            THROTTLE_BODIES.get(service, SERVER_ERROR_BODY) if kind == "throttle" else SERVER_ERROR_BODY
        )
        return AWSResponse(request.url, status, {"x-amzn-RequestId": "injected"}, _Raw(body))

    def _after_call(self, **_: Any) -> None:
        if getattr(self._local, "kind", None) == "lost_response":
            self._local.kind = None
            self.counts["lost_response"] += 1
            raise ReadTimeoutError(endpoint_url="injected://lost-response")


class _Raw:
    """The minimal raw-body object botocore reads a response from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterable[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body
