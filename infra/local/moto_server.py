"""moto in server mode, in a thread of this process or as a child process."""

from __future__ import annotations

import functools
import logging
import os
import sys
import tempfile
import threading
import urllib.request
import warnings
from pathlib import Path
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.server import ThreadedMotoServer

from infra.local.moto_query import speed_up_queries
from infra.local.moto_serialize import speed_up_attribute_values
from infra.local.moto_sqs import speed_up_sqs
from infra.local.processes import ChildProcess, PortInUse, free_port, port_is_free

HOST = "127.0.0.1"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PORT = 5055


def quiet_about_skipped_alarms() -> None:
    """moto's CloudFormation skips alarms, with a warning per alarm; locally there is nothing to alarm on."""
    warnings.filterwarnings("ignore", message=r"Tried to parse AWS::CloudWatch::Alarm", category=UserWarning)
    moto_log = logging.getLogger("moto")
    if not any(isinstance(f, _SkipAlarmRecords) for f in moto_log.filters):
        moto_log.addFilter(_SkipAlarmRecords())


def serialise_dynamodb() -> None:
    """One DynamoDB request at a time in this process, and transactions that copy only their items.

    moto runs ``TransactWriteItems`` by deep-copying every table it touches, to restore it if the
    transaction fails: unlocked, a concurrent write changes the table during the copy (an HTTP 500),
    and the copy costs time in proportion to the table (tens of milliseconds at ten thousand
    reports). Here moto's DynamoDB requests run one at a time (as DynamoDB isolates transactions;
    moto serves requests under one interpreter lock anyway), and a transaction keeps copies of the
    items it names only, which it puts back if it fails: the same outcome at a cost per item.
    """
    original = DynamoHandler.call_action
    if getattr(original, "serialised", False):
        return
    lock = threading.Lock()

    @functools.wraps(original)
    def call_action(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    call_action.serialised = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    _transactions_copy_items_only()


class _CopyButNotTables:
    """moto's DynamoDB backend's ``copy`` module, except that a table is not deep-copied."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table):
            return value
        return self._real.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _transactions_copy_items_only() -> None:
    import copy

    import moto.dynamodb.models as backend_module

    original = DynamoDBBackend.transact_write_items
    backend_module.copy = _CopyButNotTables(copy)  # type: ignore[assignment]

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = []
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName", ""))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            if table.hash_key_attr not in key:
                continue
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            bucket = table.items.get(hash_value)
            old = (bucket or {}).get(range_value) if table.has_range_key else bucket
            saved.append((table, hash_value, range_value, copy.deepcopy(old)))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, old in reversed(saved):
                if table.has_range_key:
                    if old is None:
                        table.items.get(hash_value, {}).pop(range_value, None)
                    else:
                        table.items[hash_value][range_value] = old
                elif old is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = old
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


class _SkipAlarmRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "AWS::CloudWatch::Alarm" not in record.getMessage()


class MotoServer:
    """moto on ``127.0.0.1:<port>``.

    ``in_process=True`` uses ``ThreadedMotoServer`` (fast to start). Its state is moto's process-wide
    backend: it is reset when the server starts and stops, and any ``mock_aws()`` in the same process
    wipes it when it exits, so test sessions that also use ``mock_aws`` should pass
    ``in_process=False`` (a child process: ``python -m infra.local.moto_child``, moto's server
    without its per-request access log).
    """

    def __init__(
        self, port: int | None = DEFAULT_PORT, *, in_process: bool = True, log_dir: Path | None = None
    ):
        self.port = port if port is not None else free_port()
        self.in_process = in_process
        self.log_dir = log_dir or Path(tempfile.gettempdir())
        self._thread_server: ThreadedMotoServer | None = None
        self._child: ChildProcess | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The child process's id (``in_process=False``, while it runs)."""
        return self._child.process.pid if self._child is not None and self._child.process else None

    def start(self, timeout: float = 30.0) -> str:
        """Start serving and return the endpoint URL."""
        if not port_is_free(self.port):
            raise PortInUse(
                f"port {self.port} on {HOST} is in use: pick another moto port "
                "(make run MOTO_PORT=<port>; python -m infra.local.stack run --moto-port <port>)"
            )
        if self.in_process:
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            quiet_about_skipped_alarms()
            serialise_dynamodb()
            speed_up_sqs()
            speed_up_attribute_values()
            speed_up_queries()
            self._thread_server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
            self._thread_server.start()
            self.reset()  # in-process state outlives a stopped server: start from nothing
        else:
            argv = [sys.executable, "-m", "infra.local.moto_child", "-H", HOST, "-p", str(self.port)]
            self._child = ChildProcess(
                "moto", argv, cwd=PROJECT_ROOT, env=dict(os.environ), log_dir=self.log_dir
            )
            self._child.start()
            self._child.wait_until(f"{self.endpoint_url}/moto-api/", timeout)
        return self.endpoint_url

    def reset(self) -> None:
        """Wipe every resource moto holds (``POST /moto-api/reset``)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        if self._thread_server is not None:
            self.reset()
            self._thread_server.stop()
            self._thread_server = None
        if self._child is not None:
            self._child.stop()
            self._child = None
