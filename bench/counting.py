"""Counting every AWS call of the application's clients through botocore's event hooks.

``CallCounter.attach(clients)`` registers, per client:

- ``provide-client-params.dynamodb``: asks DynamoDB for ``ReturnConsumedCapacity: TOTAL`` (moto
  answers with fixed numbers, so units are also *computed* from item sizes, see ``capacity``);
- ``provide-client-params`` (every service): remembers the call's parameters in its request context;
- ``after-call`` (every service): records the call (also failed ones: AWS bills those too) with the
  read/write units computed from the parameters, the response and the last image of each item seen.

The counter is thread-safe; ``snapshot()``/``since()`` give a window of calls.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bench.capacity import Item, index_write_units, item_size, read_units, write_units
from infra.templates.shared import PRIVATE_INDEXES, REPORTS_INDEXES

SQS_CHUNK_BYTES = 64 * 1024
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})
READ_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
CAPACITY_OPERATIONS = WRITE_OPERATIONS | READ_OPERATIONS

# Aduan's tables: key attribute and global secondary indexes (hash, range) of each.
DEFAULT_KEYS = {"aduan-reports": ("pk",), "aduan-private": ("pk",)}
DEFAULT_INDEXES = {"aduan-reports": REPORTS_INDEXES, "aduan-private": PRIVATE_INDEXES}


@dataclass(frozen=True)
class Call:
    """One AWS API call as the application made it."""

    service: str
    operation: str
    table: str | None = None
    read_units: float = 0.0
    write_units: int = 0
    index_write_units: int = 0
    sqs_requests: int = 0
    bytes_written: int = 0
    error: str | None = None
    reported_capacity: float | None = None  # what the endpoint said it consumed (moto: a constant)
    fifo: bool = False  # an SQS call on a FIFO queue (priced higher)
    index: str | None = None  # the DynamoDB index a Query read
    item_key: str = ""  # the ``pk`` of the DynamoDB item a single-item call read or wrote

    @property
    def is_write(self) -> bool:
        """A DynamoDB write request."""
        return self.service == "dynamodb" and self.operation in WRITE_OPERATIONS

    @property
    def is_read(self) -> bool:
        """A DynamoDB read request."""
        return self.service == "dynamodb" and self.operation in READ_OPERATIONS


@dataclass
class Totals:
    """Sums over a window of calls."""

    calls: int = 0
    write_requests: int = 0
    read_requests: int = 0
    write_units: int = 0
    index_write_units: int = 0
    read_units: float = 0.0
    sqs_requests: int = 0
    sqs_fifo_requests: int = 0
    messages_sent: int = 0
    scans: int = 0
    errors: int = 0
    operations: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, calls: Iterable[Call]) -> Totals:
        """Totals of ``calls``."""
        totals = cls()
        for call in calls:
            totals.calls += 1
            totals.operations[f"{call.service}:{call.operation}"] += 1
            totals.write_requests += call.is_write
            totals.read_requests += call.is_read
            totals.write_units += call.write_units
            totals.index_write_units += call.index_write_units
            totals.read_units += call.read_units
            totals.sqs_requests += call.sqs_requests
            totals.sqs_fifo_requests += call.sqs_requests if call.fifo else 0
            totals.messages_sent += call.operation == "SendMessage" and call.error is None
            totals.scans += call.operation == "Scan"
            totals.errors += call.error is not None
        return totals


def _key(item: Item | None, names: Sequence[str]) -> tuple[str, ...] | None:
    if not item or any(n not in item for n in names):
        return None
    return tuple(repr(item[n]) for n in names)


def sqs_payload_bytes(operation: str, params: Mapping[str, Any]) -> int:
    """Bytes SQS bills for in 64 KB chunks: message bodies and attributes."""

    def message_bytes(message: Mapping[str, Any]) -> int:
        size = len(str(message.get("MessageBody", "")).encode())
        for name, attribute in (message.get("MessageAttributes") or {}).items():
            size += len(name.encode()) + len(str(attribute.get("DataType", "")).encode())
            size += len(str(attribute.get("StringValue", "")).encode())
            size += len(attribute.get("BinaryValue", b"") or b"")
        return size

    if operation == "SendMessageBatch":
        return sum(message_bytes(entry) for entry in params.get("Entries", []))
    return message_bytes(params)


def sqs_requests(operation: str, params: Mapping[str, Any]) -> int:
    """Billed SQS requests of one call: one per started 64 KB of payload, at least one."""
    return max(1, math.ceil(sqs_payload_bytes(operation, params) / SQS_CHUNK_BYTES))


class CallCounter:
    """Counts calls and capacity of the botocore clients it is attached to."""

    def __init__(
        self,
        keys: Mapping[str, Sequence[str]] | None = None,
        indexes: Mapping[str, Mapping[str, tuple[str, str | None]]] | None = None,
    ) -> None:
        self.keys = {**DEFAULT_KEYS, **(keys or {})}
        self.indexes = {**DEFAULT_INDEXES, **(indexes or {})}
        self.calls: list[Call] = []
        self.images: dict[tuple[str, tuple[str, ...]], Item] = {}  # last item image seen, by table and key
        self._lock = threading.Lock()
        self._attached: list[tuple[Any, str, str]] = []

    # --- hooks -------------------------------------------------------------------------------------
    def attach(self, clients: Iterable[Any]) -> CallCounter:
        """Register the hooks on each distinct botocore client."""
        seen: set[int] = set()
        for client in clients:
            if id(client) in seen:
                continue
            seen.add(id(client))
            service_id = client.meta.service_model.service_id.hyphenize()
            for event, handler in (
                (f"provide-client-params.{service_id}", self._provide_params),
                (f"after-call.{service_id}", self._after_call),
            ):
                unique = f"bench-counter-{id(self)}-{event}"
                client.meta.events.register(event, handler, unique_id=unique)
                self._attached.append((client, event, unique))
        return self

    def detach(self) -> None:
        """Remove every hook this counter registered."""
        for client, event, unique in self._attached:
            client.meta.events.unregister(event, unique_id=unique)
        self._attached.clear()

    def _provide_params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if model.service_model.service_name == "dynamodb" and model.name in CAPACITY_OPERATIONS:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")
        context["bench_params"] = params

    def _after_call(
        self, parsed: Mapping[str, Any], model: Any, context: Mapping[str, Any], **_: Any
    ) -> None:
        params = context.get("bench_params", {})
        self.record(model.service_model.service_name, model.name, params, parsed)

    # --- accounting --------------------------------------------------------------------------------
    def record(
        self, service: str, operation: str, params: Mapping[str, Any], parsed: Mapping[str, Any]
    ) -> Call:
        """Account one call from its parameters and parsed response (public for tests)."""
        error = (parsed.get("Error") or {}).get("Code") if isinstance(parsed, Mapping) else None
        reported = _reported_capacity(parsed.get("ConsumedCapacity"))
        with self._lock:
            if service == "sqs":
                queue = str(params.get("QueueUrl") or params.get("QueueName") or "")
                call = Call(
                    service,
                    operation,
                    sqs_requests=sqs_requests(operation, params),
                    error=error,
                    fifo=queue.endswith(".fifo"),
                )
            elif service == "dynamodb":
                call = replace(
                    self._dynamodb(operation, params, parsed, error, reported),
                    index=params.get("IndexName"),
                    item_key=_item_key(params),
                )
            else:
                call = Call(service, operation, error=error)
            self.calls.append(call)
        return call

    def _table_key(self, table: str, item: Item | None) -> tuple[str, ...] | None:
        return _key(item, self.keys.get(table, ("pk",)))

    def _write(
        self, table: str, after: Item | None, key_item: Item, *, tx: bool, ok: bool
    ) -> tuple[int, int, int]:
        """(write units, index write units, bytes) of one item write; keeps the image if it took effect."""
        key = self._table_key(table, key_item)
        before = self.images.get((table, key)) if key else None
        units = write_units(item_size(before), item_size(after), transactional=tx)
        index_units = 0
        if ok:
            for hash_key, range_key in self.indexes.get(table, {}).values():
                index_units += index_write_units(before, after, hash_key, range_key)
            if key:
                if after is None:
                    self.images.pop((table, key), None)
                else:
                    self.images[(table, key)] = after
        return units, index_units, item_size(after)

    def _remember(self, table: str, item: Item | None) -> None:
        key = self._table_key(table, item)
        if key and item:
            self.images[(table, key)] = item

    def _dynamodb(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        """The capacity of one DynamoDB call, by DynamoDB's rules (moto reports constants)."""
        measure = {
            "GetItem": self._read,
            "Query": self._read,
            "Scan": self._read,
            "PutItem": self._single_write,
            "UpdateItem": self._single_write,
            "DeleteItem": self._single_write,
            "TransactWriteItems": self._transact_write,
            "BatchWriteItem": self._batch_write,
            "BatchGetItem": self._batch_get,
            "TransactGetItems": self._transact_get,
        }.get(operation)
        if measure is None:
            return Call("dynamodb", operation, params.get("TableName"), error=error)
        return measure(operation, params, parsed, error, reported)

    def _read(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        table = params.get("TableName")
        items = [parsed.get("Item")] if operation == "GetItem" else parsed.get("Items", [])
        for item in items:
            self._remember(str(table), item)
        consistent = bool(params.get("ConsistentRead"))
        units = read_units(sum(item_size(i) for i in items), consistent=consistent)
        return Call("dynamodb", operation, table, read_units=units, error=error, reported_capacity=reported)

    def _single_write(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        table = str(params.get("TableName"))
        ok = error is None
        if operation == "PutItem":
            item = params["Item"]
            return _write_call(
                operation, table, self._write(table, item, item, tx=False, ok=ok), error, reported
            )
        key_item = params["Key"]
        before = self.images.get((table, self._table_key(table, key_item) or ()))
        after = parsed.get("Attributes") if operation == "UpdateItem" else None
        if operation == "UpdateItem" and after is None:
            after = before  # size unknown without ReturnValues: assume unchanged
        return _write_call(
            operation, table, self._write(table, after, key_item, tx=False, ok=ok), error, reported
        )

    def _transact_write(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        ok = error is None
        total_w = total_iw = total_bytes = 0
        for entry in params.get("TransactItems", []):
            ((kind, body),) = entry.items()
            name = str(body["TableName"])
            if kind == "Put":
                w, iw, size = self._write(name, body["Item"], body["Item"], tx=True, ok=ok)
            elif kind == "Delete":
                w, iw, size = self._write(name, None, body["Key"], tx=True, ok=ok)
            else:  # Update or ConditionCheck: charged on the existing item
                before = self.images.get((name, self._table_key(name, body["Key"]) or ()))
                w, iw, size = write_units(item_size(before), 0, transactional=True), 0, 0
            total_w, total_iw, total_bytes = total_w + w, total_iw + iw, total_bytes + size
        return _multi_write_call(operation, (total_w, total_iw, total_bytes), error, reported)

    def _batch_write(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        ok = error is None
        total_w = total_iw = total_bytes = 0
        for name, requests in params.get("RequestItems", {}).items():
            for request in requests:
                if "PutRequest" in request:
                    item = request["PutRequest"]["Item"]
                    w, iw, size = self._write(name, item, item, tx=False, ok=ok)
                else:
                    w, iw, size = self._write(name, None, request["DeleteRequest"]["Key"], tx=False, ok=ok)
                total_w, total_iw, total_bytes = total_w + w, total_iw + iw, total_bytes + size
        return _multi_write_call(operation, (total_w, total_iw, total_bytes), error, reported)

    def _batch_get(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        units = 0.0
        for name, items in (parsed.get("Responses") or {}).items():
            consistent = bool(params.get("RequestItems", {}).get(name, {}).get("ConsistentRead"))
            units += sum(read_units(item_size(i), consistent=consistent) for i in items)
        return Call("dynamodb", operation, None, read_units=units, error=error, reported_capacity=reported)

    def _transact_get(
        self,
        operation: str,
        params: Mapping[str, Any],
        parsed: Mapping[str, Any],
        error: str | None,
        reported: float | None,
    ) -> Call:
        units = sum(
            read_units(item_size(r.get("Item")), consistent=True, transactional=True)
            for r in parsed.get("Responses", [])
        )
        return Call("dynamodb", operation, None, read_units=units, error=error, reported_capacity=reported)

    # --- windows -----------------------------------------------------------------------------------
    def mark(self) -> int:
        """A position to take totals from."""
        with self._lock:
            return len(self.calls)

    def since(self, mark: int) -> list[Call]:
        """Calls recorded after ``mark``."""
        with self._lock:
            return list(self.calls[mark:])

    def totals(self, mark: int = 0, keep: Callable[[Call], bool] | None = None) -> Totals:
        """Totals of the calls after ``mark`` (only those ``keep`` accepts)."""
        return Totals.of(c for c in self.since(mark) if keep is None or keep(c))


def _item_key(params: Mapping[str, Any]) -> str:
    item = params.get("Item") or params.get("Key") or {}
    return str((item.get("pk") or {}).get("S", ""))


def _reported_capacity(consumed: Any) -> float | None:
    if isinstance(consumed, Mapping):
        return float(consumed.get("CapacityUnits", 0.0))
    if isinstance(consumed, list):
        return float(sum(c.get("CapacityUnits", 0.0) for c in consumed))
    return None


def application_clients() -> list[Any]:
    """The botocore clients Aduan's data layer uses (created on first use, shared by provinces)."""
    from chalicelib.data.aws import sqs_client
    from chalicelib.data.models import PrivateModel, ReportModel
    from chalicelib.vendor_internals import table_connection

    return [
        sqs_client(),
        table_connection(ReportModel).connection.client,
        table_connection(PrivateModel).connection.client,
    ]


def _multi_write_call(
    operation: str, units: tuple[int, int, int], error: str | None, reported: float | None
) -> Call:
    """A transaction's or batch's record: (write units, index write units, bytes written) summed."""
    write_units, index_write_units, size = units
    return Call(
        "dynamodb",
        operation,
        None,
        write_units=write_units,
        index_write_units=index_write_units,
        bytes_written=size,
        error=error,
        reported_capacity=reported,
    )


def _write_call(
    operation: str, table: str | None, units: tuple[int, int, int], error: str | None, reported: float | None
) -> Call:
    """A single-item write's record: (table write units, index write units, bytes written)."""
    write_units, index_write_units, size = units
    return Call(
        "dynamodb",
        operation,
        table,
        write_units=write_units,
        index_write_units=index_write_units,
        bytes_written=size,
        error=error,
        reported_capacity=reported,
    )
