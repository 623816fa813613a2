"""Run a Chalice app's event handlers against moto: continuously (threads) or one drain at a time."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig
from chalice.local import LambdaContext

from chalicelib.texts import both
from infra.local.aws import REGION, client
from infra.local.config import NotInStack
from infra.local.events import ACCOUNT_ID
from infra.local.sources import (
    SQS_LONG_POLL_SECONDS,
    BatchResult,
    ScheduleSource,
    Source,
    SqsSource,
    StreamSource,
)

log = logging.getLogger("aduan.local.runner")

SCHEDULE_OVERRIDE_ENV = "ADUAN_LOCAL_SCHEDULE_SECONDS"
WAIT_SECONDS = {"sqs": float(SQS_LONG_POLL_SECONDS), "dynamodb": 0.5, "schedule": 1.0}
STOP_POLL_SECONDS = 0.05


@dataclass
class SourceStats:
    """Totals for one event source."""

    batches: int = 0
    records: int = 0
    failures: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, result: BatchResult) -> None:
        """Count one batch."""
        self.batches += 1
        self.records += result.count
        self.failures += result.failures
        if result.error:
            self.errors.append(result.error)


class DrainTimeout(TimeoutError):
    """The event sources were still busy when ``max_seconds`` ran out."""

    def __init__(self, message: str, stats: dict[str, SourceStats]) -> None:
        super().__init__(message)
        self.stats = stats


@contextlib.contextmanager
def patched_env(values: Mapping[str, str] | None) -> Iterator[None]:
    """Set environment variables for the duration of a block, then restore them."""
    saved = {k: os.environ.get(k) for k in values or {}}
    os.environ.update(values or {})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def log_batch(result: BatchResult) -> None:
    """One structured line per batch."""
    line = {
        "source": result.source,
        "kind": result.kind,
        "count": result.count,
        "failures": result.failures,
        "duration_ms": result.duration_ms,
    }
    if result.error:
        line["error"] = result.error
    log.info(json.dumps(line))


def _schedule_override() -> float | None:
    text = os.environ.get(SCHEDULE_OVERRIDE_ENV, "").strip()
    return float(text) if text else None


class EventRunner:
    """Delivers SQS, DynamoDB stream and schedule events to ``app.handler_map`` as Lambda would.

    Handlers run one at a time (one Lambda container). Stream iterators are taken at the
    configured starting position by :meth:`prepare` (called by ``drain``/``run`` if needed),
    so with ``LATEST`` call ``prepare()`` before writing the items you want delivered.
    """

    def __init__(
        self,
        app: Any,
        stage_env: Mapping[str, str] | None = None,
        *,
        stage: str = "local",
        sources: Iterable[str] | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        memory_mb: int = 256,
        timeout_s: int = 20,
        schedule_seconds: float | None = None,
        sqs_concurrency: int = 1,
    ) -> None:
        self.app = app
        self.stage_env = dict(stage_env or {})
        self.stage = stage
        self.only = set(sources) if sources is not None else None
        self.endpoint_url = endpoint_url
        self.region = region or os.environ.get("AWS_DEFAULT_REGION") or REGION
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s
        self.schedule_seconds = schedule_seconds
        self._sources: list[Source] | None = None
        self.sqs_concurrency = max(1, sqs_concurrency)
        self._slots = threading.BoundedSemaphore(self.sqs_concurrency)

    def function_name(self, handler: str) -> str:
        """``<app>-<stage>-<handler>``, as Chalice names deployed functions."""
        return f"{self.app.app_name}-{self.stage}-{handler}"

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        """Call handler ``name`` with ``event`` and a Lambda context; at most ``sqs_concurrency`` at once."""
        context = LambdaContext(
            self.function_name(name), self.memory_mb, max_runtime_ms=self.timeout_s * 1000
        )
        context.invoked_function_arn = (
            f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{context.function_name}"
        )
        with self._slots:
            return self.app.handler_map[name](event, context)

    def _build(self) -> list[Source]:
        sources: list[Source] = []
        override = self.schedule_seconds if self.schedule_seconds is not None else _schedule_override()
        for config in self.app.event_sources:
            if self.only is not None and config.name not in self.only:
                continue
            if isinstance(config, SQSEventConfig):
                sources.append(SqsSource(config, self.invoke, self._client("sqs"), self.region))
            elif isinstance(config, DynamoDBEventConfig):
                streams, tables = self._client("dynamodbstreams"), self._client("dynamodb")
                sources.append(StreamSource(config, self.invoke, streams, tables, self.region))
            elif isinstance(config, ScheduledEventConfig):
                rule = f"arn:aws:events:{self.region}:{ACCOUNT_ID}:rule/{self.function_name(config.name)}"
                sources.append(ScheduleSource(config, self.invoke, self.region, rule, override))
            else:
                log.warning("event source %s (%s) is not run locally", config.name, type(config).__name__)
        unknown = (self.only or set()) - {s.name for s in sources}
        if unknown:
            named = sorted(unknown)
            raise NotInStack(
                both(
                    f"tidak ada handler SQS, stream atau jadwal bernama {named}",
                    f"no SQS, stream or schedule handler named {named}",
                )
            )
        return sources

    def _client(self, service: str) -> Any:
        return client(service, self.endpoint_url, self.region)

    def prepare(self) -> list[Source]:
        """Create the sources (and take stream iterators) once; returns them."""
        if self._sources is None:
            with patched_env(self.stage_env):
                self._sources = self._build()
                for source in self._sources:
                    if isinstance(source, StreamSource):
                        source.start()
        return self._sources

    def drain(self, max_seconds: float = 30.0) -> dict[str, SourceStats]:
        """Deliver SQS and stream batches until one full round finds every source empty.

        Schedules are not fired. Messages a handler failed stay invisible until their visibility
        timeout, so a drain does not wait for them. Raises :class:`DrainTimeout` past ``max_seconds``.
        """
        sources = [s for s in self.prepare() if s.kind != "schedule"]
        stats = {s.name: SourceStats() for s in sources}
        never = threading.Event()
        deadline = time.monotonic() + max_seconds
        with patched_env(self.stage_env):
            busy = True
            while busy:
                busy = False
                for source in sources:
                    result = source.poll(never, 0)
                    if result is not None:
                        log_batch(result)
                        stats[source.name].add(result)
                        busy = True
                if busy and time.monotonic() > deadline:
                    raise DrainTimeout(f"sources still busy after {max_seconds} s", stats)
        return stats

    def _loop(self, source: Source, stop: threading.Event) -> None:
        wait = WAIT_SECONDS.get(source.kind, 1.0)
        while not stop.is_set():
            try:
                result = source.poll(stop, wait)
            except Exception:
                if stop.is_set():
                    return  # a poller left waiting at stop, its engine gone since
                log.exception("source %s failed to poll; retrying", source.name)
                stop.wait(2.0)
                continue
            if result is not None:
                log_batch(result)

    def run(self, stop: threading.Event) -> None:
        """Poll every source in its own thread until ``stop`` is set; return once no batch is in hand.

        An SQS queue gets ``sqs_concurrency`` pollers (Lambda's SQS event source mapping starts with
        five concurrent batches and adds more as the queue deepens; on a FIFO queue SQS hands out no
        message of a group while another of it is in flight, so each group stays in order); a
        stream or a schedule gets one. SQS pollers long-poll for 20 s, as Lambda's do, so an idle
        queue costs the engine one receive per 20 s, and a message wakes a waiting poller at once.
        On ``stop``, batches being handled finish (at most the function's timeout) and stream and
        schedule threads end; pollers still waiting on an empty queue are left behind (daemon
        threads): a batch one of them receives after ``stop`` is handed back, visible again.
        Concurrent pollers hold each batch for the function's timeout (``SqsSource.hold_seconds``).
        """
        with patched_env(self.stage_env):
            sources = self.prepare()
            for source in sources:
                if isinstance(source, SqsSource):
                    source.hold_seconds = self.timeout_s
            threads = [
                threading.Thread(
                    target=self._loop, args=(s, stop), name=f"{s.kind}-{s.name}-{n}", daemon=True
                )
                for s in sources
                for n in range(self.sqs_concurrency if isinstance(s, SqsSource) else 1)
            ]
            for thread in threads:
                thread.start()
            log.info(json.dumps({"runner": "started", "sources": [f"{s.kind}:{s.name}" for s in sources]}))
            while not stop.wait(1.0):
                pass
            self._finish(sources, threads)

    def _finish(self, sources: list[Source], threads: list[threading.Thread]) -> None:
        """After ``stop``: wait for the batches in hand and the non-SQS threads (bounded)."""
        deadline = time.monotonic() + self.timeout_s + 5
        queues = [s for s in sources if isinstance(s, SqsSource)]
        while any(q.busy for q in queues) and time.monotonic() < deadline:
            time.sleep(STOP_POLL_SECONDS)
        for thread in threads:
            if not thread.name.startswith("sqs-"):
                thread.join(timeout=max(0.0, deadline - time.monotonic()))


def drain(
    app: Any,
    stage_env: Mapping[str, str] | None = None,
    sources: Iterable[str] | None = None,
    max_seconds: float = 30.0,
    **options: Any,
) -> dict[str, SourceStats]:
    """One-shot :meth:`EventRunner.drain` of ``app``'s SQS (and stream) handlers; returns stats by handler."""
    return EventRunner(app, stage_env, sources=sources, **options).drain(max_seconds)
