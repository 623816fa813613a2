"""Aduan's own CPU per report through the whole pipeline, against plain boto3 making the same calls.

An engine-independent figure: on moto or on AWS, a report costs Aduan the CPU of its handlers and
the CPU of the SDK calls it makes; the second is the floor any implementation pays for the same
calls. Both provinces run in this process (``tests/integration/harness.py``: each stage's app and
the local event runner for ``route`` and ``escalations``), one report at a time: 70 % in Jakarta,
30 % Jakarta's citizens about Kota Tangerang (route, escalate, Banten accepts and answers, Jakarta
mirrors). ``POST /reports`` is handed to the app as the API Gateway event Lambda delivers.

- **app**: this thread's CPU time (``time.thread_time``) inside each handler call (the app's own
  entry for HTTP, ``app.handler_map`` for events), and the AWS calls made there (operation and
  parameters, recorded at ``BaseClient._make_api_call``), with the CPU spent inside those calls
  (serialising, signing, sending, parsing: the SDK's part, and the wait for moto, which costs this
  thread no CPU). Not counted, as on AWS it is not Aduan's: building the API Gateway event, the
  event runner's polling (Lambda's event source mapping) and the meter's own record of each call.
- **floor**: the very same calls, conditions included, replayed with plain boto3 clients (one per
  service, created before timing) on stand-in tables and queues, CPU time as above; a replayed call
  its stand-in refuses is counted (``replay_refused``; expected 0).

Each report is followed at once by the replay of its own calls, so that the machine's speed, which
drifts on a shared machine, is the same for a report and for its floor; ``rounds`` rounds of
``reports`` reports. Reported per report: app CPU, of which inside AWS calls, and the floor; the
median of the rounds' ratios app / floor (target <= 1.5x) and their spread. After a warm-up round, so
imports and first connections are not counted on either side.
"""

from __future__ import annotations

import gc
import json
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

TARGET_RATIO = 1.5


class Meter:
    """CPU time inside the application (requests and handler invocations), and its AWS calls."""

    def __init__(self) -> None:
        self.app_cpu = 0.0
        self.call_cpu = 0.0
        self.recording_cpu = 0.0
        self.calls: list[tuple[str, str, str]] = []
        self.inside = threading.local()

    @contextmanager
    def app(self) -> Iterator[None]:
        """Count this block as the application's (nested blocks count once)."""
        if getattr(self.inside, "app", False):
            yield
            return
        self.inside.app = True
        start = time.thread_time()
        try:
            yield
        finally:
            self.app_cpu += time.thread_time() - start
            self.inside.app = False

    def wrap_client_calls(self) -> Callable[[], None]:
        """Record calls made inside ``app()`` blocks; returns the undo."""
        from bench.coldchild import _encode
        from chalicelib.vendor_internals import ApiCall, wrap_api_calls

        meter = self

        def wrap(original: ApiCall) -> ApiCall:
            def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
                if not getattr(meter.inside, "app", False):
                    return original(client, operation, params)
                start = time.thread_time()
                try:
                    return original(client, operation, params)
                finally:
                    end = time.thread_time()
                    meter.call_cpu += end - start
                    service = client.meta.service_model.service_name
                    meter.calls.append((service, operation, json.dumps(params, default=_encode)))
                    meter.recording_cpu += time.thread_time() - end  # the meter's, not the app's

            return recording

        return wrap_api_calls(wrap)

    def reset(self) -> None:
        """Forget what was counted (after the warm-up)."""
        self.app_cpu = self.call_cpu = self.recording_cpu = 0.0
        self.calls = []


REPLAY_PREFIX = "aduan-bench-replay-"


def replay_targets() -> dict[str, str]:
    """Scratch tables and queues shaped like the application's, for the replay (table/queue name -> its
    stand-in), so the replay changes nothing the application reads."""
    import boto3

    from bench.throughput import clone_table

    targets = {}
    for table in ("aduan-reports", "aduan-private"):
        clone_table(table, REPLAY_PREFIX + table)
        targets[table] = REPLAY_PREFIX + table
    sqs = boto3.client("sqs")
    for fifo in (False, True):
        name = REPLAY_PREFIX + ("queue.fifo" if fifo else "queue")
        attributes = {"FifoQueue": "true"} if fifo else {}
        targets["fifo" if fifo else "standard"] = sqs.create_queue(QueueName=name, Attributes=attributes)[
            "QueueUrl"
        ]
    return targets


def retarget(params: dict[str, Any], targets: dict[str, str]) -> dict[str, Any]:
    """``params`` with the table or queue replaced by its stand-in."""
    out = dict(params)
    if "TableName" in out:
        out["TableName"] = targets[out["TableName"]]
    if "QueueUrl" in out:
        out["QueueUrl"] = targets["fifo" if out["QueueUrl"].endswith(".fifo") else "standard"]
    if "QueueName" in out:
        out["QueueName"] = targets["fifo" if out["QueueName"].endswith(".fifo") else "standard"].rsplit(
            "/", 1
        )[1]
    if "TransactItems" in out:
        out["TransactItems"] = [
            {kind: retarget(body, targets) for kind, body in entry.items()} for entry in out["TransactItems"]
        ]
    return out


class Replayer:
    """Makes recorded calls again with plain boto3 clients (created before any timing), on stand-ins.

    The calls are made as recorded, conditions included: the stand-ins receive every write the
    application made, in its order, so each condition holds there as it did for the application.
    A call refused all the same is counted in ``refused`` (and its CPU in the floor).
    """

    def __init__(self, targets: dict[str, str]) -> None:
        self.targets = targets
        self.clients: dict[str, Any] = {}
        self.refused = 0

    def __call__(self, calls: list[tuple[str, str, str]]) -> float:
        """CPU seconds of making ``calls`` (this thread's)."""
        import boto3
        from botocore.exceptions import ClientError

        from bench.coldchild import _decode, _snake

        for service in {c[0] for c in calls} - set(self.clients):
            self.clients[service] = boto3.client(service)
        decoded = [
            (s, _snake(o), retarget(json.loads(p, object_hook=_decode), self.targets)) for s, o, p in calls
        ]
        start = time.thread_time()
        for service, method, params in decoded:
            try:
                getattr(self.clients[service], method)(**params)
            except ClientError:
                self.refused += 1
        return time.thread_time() - start


def one_report(world: Any, meter: Meter, index: int) -> None:
    """Report ``index`` through submit and every queue (three in ten across the border).

    The submit is the API Gateway event Lambda would hand the app, so the meter counts the app's
    handler and not the local gateway's work of building that event (API Gateway's, on AWS).
    """
    from chalice.local import LambdaContext

    from bench.lifecycle import CROSS_PROVINCE, SAME_PROVINCE
    from infra.local.events import api_proxy_event
    from infra.local.pipeline import patched_env

    body = CROSS_PROVINCE if index % 10 in (0, 3, 6) else SAME_PROVINCE
    jakarta = world["jakarta"]
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    event = api_proxy_event("POST", "/reports", "/reports", body=body, headers=headers)
    with patched_env(jakarta.env), meter.app():
        answer = jakarta.app(event, LambdaContext("aduan-jakarta-api", 512))
    if answer["statusCode"] != 201:
        raise AssertionError(f"submit: HTTP {answer['statusCode']} {answer['body'][:200]!r}")
    world.settle()


def run_round(world: Any, meter: Meter, replayer: Replayer, count: int) -> dict[str, Any]:
    """``count`` reports, each followed at once by the replay of its own calls (so a drift of the
    machine's speed touches the app and its floor alike); the round's figures per report."""
    gc.collect()
    meter.reset()
    floor = 0.0
    for index in range(count):
        mark = len(meter.calls)
        one_report(world, meter, index)
        floor += replayer(meter.calls[mark:])
    calls = meter.calls
    app_cpu = meter.app_cpu - meter.recording_cpu
    app_ms, inside_ms, floor_ms = (1000 * t / count for t in (app_cpu, meter.call_cpu, floor))
    return {
        "app_ms": round(app_ms, 2),
        "inside_calls_ms": round(inside_ms, 2),
        "outside_calls_ms": round(app_ms - inside_ms, 2),
        "floor_ms": round(floor_ms, 2),
        "ratio": round(app_ms / floor_ms, 3),
        "recording_ms": round(1000 * meter.recording_cpu / count, 2),
        "calls_per_report": round(len(calls) / count, 2),
        "operations": dict(Counter(f"{c[0]}.{c[1]}" for c in calls)),
    }


def measure(reports: int = 30, warmup: int = 10, rounds: int = 5) -> dict[str, Any]:
    """App and floor CPU per report in ``rounds`` rounds: medians, the median of the rounds' ratios
    and their spread."""
    from tests.integration.harness import world as harness_world

    meter = Meter()
    replayer = Replayer(replay_targets())
    undo = meter.wrap_client_calls()
    try:
        with harness_world() as world:
            for province in world.provinces.values():
                handlers = province.app.handler_map
                for name, handler in list(handlers.items()):

                    def metered(event: Any, context: Any, _handler: Any = handler) -> Any:
                        with meter.app():
                            return _handler(event, context)

                    handlers[name] = metered
            run_round(world, meter, replayer, warmup)  # imports, connections, on both sides
            runs = [run_round(world, meter, replayer, reports) for _ in range(rounds)]
    finally:
        undo()
    ratios = [r["ratio"] for r in runs]
    ratio = statistics.median(ratios)
    return {
        "reports": reports,
        "rounds": rounds,
        "cross_share": 0.3,
        "app_ms": statistics.median(r["app_ms"] for r in runs),
        "inside_calls_ms": statistics.median(r["inside_calls_ms"] for r in runs),
        "outside_calls_ms": statistics.median(r["outside_calls_ms"] for r in runs),
        "floor_ms": statistics.median(r["floor_ms"] for r in runs),
        "calls_per_report": runs[0]["calls_per_report"],
        "ratio": ratio,
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "met": ratio <= TARGET_RATIO,
        "replay_refused": replayer.refused,
        "runs": runs,
    }


if __name__ == "__main__":
    import sys

    from bench.localaws import moto_stack, quiet_stdout

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with moto_stack(), quiet_stdout():
        out = measure(count, rounds=rounds)
    print(json.dumps(out, indent=2))
