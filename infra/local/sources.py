"""Pollers that feed handlers the way Lambda event source mappings and EventBridge rules do."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from infra.local.events import scheduled_event, sqs_record, stream_record
from infra.local.schedule import parse_schedule

log = logging.getLogger("aduan.local.runner")

Invoke = Callable[[str, dict[str, Any]], Any]
"""Calls handler ``name`` with a Lambda event and returns what the handler returned."""

SQS_MAX_MESSAGES = 10
SQS_LONG_POLL_SECONDS = 20  # what Lambda's pollers ask for: an idle queue costs one receive per 20 s


@dataclass(frozen=True)
class BatchResult:
    """What happened to one batch given to a handler."""

    source: str
    kind: str
    count: int
    failures: int
    duration_ms: float
    error: str | None = None


class Source(Protocol):
    """One event source: ``poll`` hands at most one batch to its handler."""

    name: str
    kind: str

    def poll(self, stop: threading.Event, wait_seconds: float) -> BatchResult | None:
        """Deliver one batch if there is one (waiting up to ``wait_seconds``); ``None`` when idle."""
        ...


def failed_item_ids(result: Any, batch_ids: Sequence[str]) -> set[str] | None:
    """The ids a partial batch response marks failed; ``None`` means the whole batch failed.

    As Lambda does, a response naming an empty or unknown id fails the whole batch.
    """
    if not isinstance(result, dict) or "batchItemFailures" not in result:
        return set()
    failures = result.get("batchItemFailures") or []
    ids = {str(f.get("itemIdentifier") or "") if isinstance(f, dict) else "" for f in failures}
    if "" in ids or not ids <= set(batch_ids):
        return None
    return ids


def _invoke_batch(
    invoke: Invoke, name: str, event: dict[str, Any], ids: Sequence[str]
) -> tuple[set[str], str | None]:
    """Run the handler; returns (failed ids, error text). An exception fails every id."""
    try:
        result = invoke(name, event)
    except Exception as exc:
        log.exception("handler %s raised", name)
        return set(ids), f"{type(exc).__name__}: {exc}"
    failed = failed_item_ids(result, ids)
    if failed is None:
        return set(ids), "invalid batchItemFailures"
    return failed, None


class SqsSource:
    """An SQS event source mapping: receive, invoke, delete what succeeded.

    ``hold_seconds`` (the function's timeout, set by :meth:`EventRunner.run`): a received batch stays
    invisible at least that long, as on AWS, where an event source mapping needs the queue's
    visibility timeout to be at least the function's: a slow batch is never delivered a second time
    while it is being handled. The local queues keep a short visibility timeout so that failures
    are retried soon: a message the handler failed becomes visible when the queue's own timeout,
    counted from the receive, runs out (at once if it already has), as it would without the hold.
    """

    kind = "sqs"

    def __init__(self, config: Any, invoke: Invoke, sqs: Any, region: str) -> None:
        self.name: str = config.name
        self.batch_size = max(1, int(config.batch_size or 10))
        self.window = float(getattr(config, "maximum_batching_window_in_seconds", 0) or 0)
        self._queue_name: str = config.queue or str(config.queue_arn).rsplit(":", 1)[-1]
        self._invoke = invoke
        self._sqs = sqs
        self._region = region
        self._url: str | None = None
        self._arn: str = config.queue_arn or ""
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._visibility = 0
        self.hold_seconds = 0

    @property
    def busy(self) -> bool:
        """A batch received by this source is being handled (or handed back)."""
        return self._busy > 0

    def _resolve(self) -> str:
        if self._url is None:
            self._url = self._sqs.get_queue_url(QueueName=self._queue_name)["QueueUrl"]
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=self._url, AttributeNames=["QueueArn", "VisibilityTimeout"]
            )["Attributes"]
            self._arn = attributes["QueueArn"]
            self._visibility = int(attributes.get("VisibilityTimeout") or 0)
        return self._url

    @property
    def _holding(self) -> bool:
        return self.hold_seconds > self._visibility

    def _receive(self, count: int, wait: int) -> list[dict[str, Any]]:
        url = self._resolve()  # first: it reads the queue's visibility timeout
        options = {"VisibilityTimeout": self.hold_seconds} if self._holding else {}
        response = self._sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(SQS_MAX_MESSAGES, count),
            WaitTimeSeconds=wait,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
            **options,
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages

    def _collect(self, wait: int) -> list[dict[str, Any]]:
        """Up to ``batch_size`` messages; keeps receiving within the batching window."""
        messages = self._receive(self.batch_size, wait)
        deadline = time.monotonic() + self.window
        while messages and len(messages) < self.batch_size and time.monotonic() < deadline:
            more = self._receive(self.batch_size - len(messages), 0)
            if not more:
                break
            messages += more
        return messages

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), SQS_MAX_MESSAGES):
            chunk = messages[start : start + SQS_MAX_MESSAGES]
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
            response = self._sqs.delete_message_batch(QueueUrl=self._resolve(), Entries=entries)
            for failure in response.get("Failed", []):
                log.warning("%s: could not delete a message: %s", self.name, failure)

    def _release(self, messages: list[dict[str, Any]], seconds: int = 0) -> None:
        """Make received messages visible again in ``seconds`` (0: at once)."""
        for start in range(0, len(messages), SQS_MAX_MESSAGES):
            chunk = messages[start : start + SQS_MAX_MESSAGES]
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": seconds}
                for i, m in enumerate(chunk)
            ]
            self._sqs.change_message_visibility_batch(QueueUrl=self._resolve(), Entries=entries)

    def poll(self, stop: threading.Event, wait_seconds: float) -> BatchResult | None:
        """Receive a batch (long-polling up to ``wait_seconds``), invoke, delete the successes.

        A batch received once ``stop`` is set is handed back (visible again) instead of invoked.
        """
        messages = self._collect(int(wait_seconds))
        if not messages:
            return None
        with self._busy_lock:
            self._busy += 1
        try:
            if stop.is_set():
                self._release(messages)
                return None
            return self._handle(messages)
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _handle(self, messages: list[dict[str, Any]]) -> BatchResult:
        started = time.monotonic()
        records = [sqs_record(m, self._arn, self._region) for m in messages]
        ids = [r["messageId"] for r in records]
        failed, error = _invoke_batch(self._invoke, self.name, {"Records": records}, ids)
        self._delete([m for m in messages if m["MessageId"] not in failed])
        if failed and self._holding:
            remaining = math.ceil(self._visibility - (time.monotonic() - started))
            self._release([m for m in messages if m["MessageId"] in failed], max(0, remaining))
        return BatchResult(self.name, self.kind, len(messages), len(failed), _ms(started), error)


class StreamSource:
    """A DynamoDB stream event source mapping, shard by shard, retrying a failed batch in order."""

    kind = "dynamodb"

    def __init__(
        self, config: Any, invoke: Invoke, streams: Any, dynamodb: Any, region: str, max_attempts: int = 3
    ) -> None:
        self.name: str = config.name
        self.batch_size = max(1, int(config.batch_size or 100))
        self.starting_position = str(config.starting_position or "LATEST")
        self.max_attempts = max_attempts
        self._configured_arn = str(config.stream_arn)
        self._invoke = invoke
        self._streams = streams
        self._dynamodb = dynamodb
        self._region = region
        self._arn: str | None = None
        self._iterators: dict[str, str] = {}
        self._pending: dict[str, list[dict[str, Any]]] = {}
        self._attempts = 0

    def _resolve_arn(self) -> str:
        """The table's current stream. Locally the configured ARN's label (its creation time) rarely
        matches moto's, and moto's ``describe_stream`` accepts any label, so the table decides."""
        table = self._configured_arn.split(":table/", 1)[-1].split("/", 1)[0]
        arn = self._dynamodb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
        if not arn:
            raise RuntimeError(f"{self.name}: table {table} has no stream")
        if arn != self._configured_arn:
            log.info("%s: stream %s is %s here", self.name, self._configured_arn, arn)
        return str(arn)

    def start(self) -> None:
        """Take shard iterators at the starting position (as when a mapping is created)."""
        self._arn = self._resolve_arn()
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = self._streams.get_shard_iterator(
                StreamArn=self._arn, ShardId=shard_id, ShardIteratorType=self.starting_position
            )["ShardIterator"]
            self._iterators[shard_id] = iterator
            self._pending[shard_id] = []

    def _fetch(self) -> None:
        for shard_id, iterator in list(self._iterators.items()):
            if self._pending[shard_id]:
                continue
            response = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            self._pending[shard_id] += response.get("Records", [])
            following = response.get("NextShardIterator")
            if following:
                self._iterators[shard_id] = following
            else:
                del self._iterators[shard_id]

    def poll(self, stop: threading.Event, wait_seconds: float) -> BatchResult | None:
        """Hand the oldest pending records of one shard to the handler."""
        if self._arn is None:
            self.start()
        self._fetch()
        shard_id = next((s for s, records in self._pending.items() if records), None)
        if shard_id is None:
            stop.wait(wait_seconds)
            return None
        assert self._arn is not None
        started = time.monotonic()
        batch = self._pending[shard_id][: self.batch_size]
        records = [stream_record(r, self._arn, self._region) for r in batch]
        ids = [r["dynamodb"]["SequenceNumber"] for r in records]
        failed, error = _invoke_batch(self._invoke, self.name, {"Records": records}, ids)
        done = len(batch) if not failed else min(ids.index(i) for i in failed)
        if failed:
            self._attempts += 1
            if self._attempts >= self.max_attempts:
                log.error(
                    "%s: dropping %d records after %d attempts", self.name, len(batch) - done, self._attempts
                )
                done, self._attempts = len(batch), 0
        else:
            self._attempts = 0
        del self._pending[shard_id][:done]
        return BatchResult(self.name, self.kind, len(batch), len(failed), _ms(started), error)


class ScheduleSource:
    """An EventBridge schedule rule: invoke the handler when the schedule comes due."""

    kind = "schedule"

    def __init__(
        self, config: Any, invoke: Invoke, region: str, rule_arn: str, override_seconds: float | None = None
    ) -> None:
        self.name: str = config.name
        expression = config.schedule_expression
        text = expression if isinstance(expression, str) else expression.to_string()
        self.schedule = parse_schedule(text, override_seconds)
        self._invoke = invoke
        self._region = region
        self._rule_arn = rule_arn
        self.next_at = self.schedule.next_after(datetime.now(UTC))

    def poll(self, stop: threading.Event, wait_seconds: float) -> BatchResult | None:
        """Fire if due, otherwise wait (at most ``wait_seconds``) for the due time."""
        now = datetime.now(UTC)
        if now < self.next_at:
            stop.wait(min(wait_seconds, (self.next_at - now).total_seconds()))
            return None
        following = self.schedule.next_after(self.next_at)
        self.next_at = following if following > now else self.schedule.next_after(now)
        started = time.monotonic()
        failed, error = _invoke_batch(
            self._invoke, self.name, scheduled_event(self._rule_arn, self._region, now), ["x"]
        )
        return BatchResult(self.name, self.kind, 1, len(failed), _ms(started), error)


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
