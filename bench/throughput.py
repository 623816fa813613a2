"""Pipeline throughput: reports a second from submit to routed, against moto's raw PutItem rate.

Both figures come from the same moto server (a child process on loopback) in the same run:

- **raw floor**: 16 threads, each with its own boto3 client, ``PutItem`` report-shaped items
  (``to_model(report).serialize()``: the stored shape and size of a new report) as fast as they can;
- **pipeline**: 16 threads submit through the service layer (``container.intake().submit``, exactly
  what ``POST /reports`` calls after parsing; a realistic report with reporter contact and an
  Idempotency-Key, as the web client sends: the key's record, then the report), while 5 consumers (the
  ``route`` handler through the local event source mapping, as Lambda's SQS poller starts with 5
  concurrent batches) route them. The rate is reports / (last routed - first submitted), and each
  report's submit-to-assigned time is taken from the submit call's start to the end of its routing.

Why the service layer and not HTTP: Chalice's test client is not thread-safe (``app.current_request``
is one shared attribute), and ``chalice local`` adds a single-threaded-per-request WSGI server that
API Gateway does not have. Each thread here stands for one API Gateway → Lambda invocation; what
is left out is Chalice's request parsing (about a millisecond), the same for every report.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

CLIENTS = 16
CONSUMERS = 5
TARGET_SHARE = 0.40


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _run_threads(count: int, work: Callable[[int], None]) -> float:
    """Run ``work(i)`` in ``count`` threads; returns the wall time."""
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def report_item(report_id: str) -> dict[str, Any]:
    """A new report as stored (DynamoDB JSON), built by the application's own mapping."""
    from datetime import UTC, datetime

    from bench.lifecycle import SAME_PROVINCE
    from chalicelib.data.mapping import to_model
    from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
    from chalicelib.domain.status import Action, Status

    now = datetime.now(UTC)
    body = SAME_PROVINCE
    report = Report(
        key=report_id,
        id=report_id,
        province="31",
        category=body["category"],
        description=body["description"],
        location=Location(**body["location"]),
        visibility=Visibility.PRIVATE,
        status=Status.MENUNGGU,
        created_at=now,
        updated_at=now,
        address=body["address"],
        secret_hash="0" * 64,
        timeline=(TimelineEntry(f"{report_id}:submit", now, Action.SUBMIT, Status.MENUNGGU, "31"),),
        version=0,
    )
    model = to_model(report)
    model.version = 1
    item: dict[str, Any] = model.serialize()
    return item


RAW_TABLE = "aduan-bench-raw"


def clone_table(source: str, target: str) -> None:
    """An empty table with ``source``'s keys and indexes (so raw puts pay for the same index upkeep)."""
    import boto3

    dynamodb = boto3.client("dynamodb")
    described = dynamodb.describe_table(TableName=source)["Table"]
    indexes = [
        {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
        for i in described.get("GlobalSecondaryIndexes", [])
    ]
    dynamodb.create_table(
        TableName=target,
        KeySchema=described["KeySchema"],
        AttributeDefinitions=described["AttributeDefinitions"],
        BillingMode="PAY_PER_REQUEST",
        **({"GlobalSecondaryIndexes": indexes} if indexes else {}),
    )


def raw_put_rate(puts: int, clients: int = CLIENTS, table: str = RAW_TABLE) -> dict[str, float]:
    """PutItem a second with ``clients`` threads (one boto3 client each)."""
    import boto3

    per_thread = puts // clients
    sessions = [boto3.session.Session().client("dynamodb") for _ in range(clients)]
    templates = [report_item(f"99-000000-{i:04d}") for i in range(clients)]

    def work(index: int) -> None:
        client, item = sessions[index], dict(templates[index])
        for n in range(per_thread):
            item["pk"] = {"S": f"99-{index:02d}{n:04d}-{uuid.uuid4().hex[:6]}"}
            client.put_item(TableName=table, Item=item)

    seconds = _run_threads(clients, work)
    return {"puts": per_thread * clients, "seconds": seconds, "per_second": per_thread * clients / seconds}


def pipeline(
    reports: int, clients: int = CLIENTS, consumers: int = CONSUMERS, *, anonymous: bool = False
) -> dict[str, Any]:
    """Submit ``reports`` with ``clients`` threads while ``consumers`` route them; rate and latencies.

    ``anonymous``: no reporter contact and no Idempotency-Key, so the submission is one conditional
    PutItem instead of two and no read of the key's record (see ``measure``).
    """
    from bench.lifecycle import SAME_PROVINCE
    from chalicelib import container
    from chalicelib.domain.private import Contact
    from chalicelib.domain.report import Location, Visibility
    from chalicelib.services.intake import SubmitCommand
    from chalicelib.services.routing import RoutingService
    from infra.local.config import stage_config
    from infra.local.pipeline import EventRunner, patched_env
    from tests.integration.harness import stage_app

    env = stage_config("jakarta").environment
    app = stage_app("jakarta")
    submitted: dict[str, float] = {}
    routed: dict[str, float] = {}
    lock = threading.Lock()
    original_route = RoutingService.route

    def timed_route(self: RoutingService, key: str, **kwargs: Any) -> Any:
        result = original_route(self, key, **kwargs)
        with lock:
            routed.setdefault(key, time.perf_counter())
        return result

    body = SAME_PROVINCE
    per_thread = reports // clients
    errors: list[str] = []

    def submit(index: int) -> None:
        service = container.intake()
        for _ in range(per_thread):
            command = SubmitCommand(
                category=body["category"],
                description=body["description"],
                location=Location(**body["location"]),
                visibility=Visibility.PRIVATE,
                address=body["address"],
                contact=None if anonymous else Contact(**body["reporter"]),
            )
            start = time.perf_counter()
            try:
                result = service.submit(command, idempotency_key=None if anonymous else uuid.uuid4().hex)
            except Exception as error:
                errors.append(repr(error))
                continue
            with lock:
                submitted[result.report.key] = start

    stop = threading.Event()
    runners = [EventRunner(app, env, stage="jakarta", sources=["route"]) for _ in range(consumers)]
    RoutingService.route = timed_route  # type: ignore[method-assign]
    try:
        with patched_env(env):
            container.intake()  # warm: queue URL, connections (the floor's clients are warm too)
            for runner in runners:
                runner.prepare()
            workers = [threading.Thread(target=r.run, args=(stop,), daemon=True) for r in runners]
            for worker in workers:
                worker.start()
            first = time.perf_counter()
            _run_threads(clients, submit)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                with lock:
                    if all(k in routed for k in submitted):
                        break
                time.sleep(0.05)
            stop.set()
            for worker in workers:
                worker.join(timeout=30)
    finally:
        RoutingService.route = original_route  # type: ignore[method-assign]
    done = [k for k in submitted if k in routed]
    last = max(routed[k] for k in done)
    latencies = [(routed[k] - submitted[k]) * 1000 for k in done]
    return {
        "reports": len(submitted),
        "routed": len(done),
        "errors": len(errors),
        "first_errors": errors[:3],
        "seconds": last - first,
        "per_second": len(done) / (last - first),
        "latency_ms_median": round(statistics.median(latencies), 1),
        "latency_ms_p99": round(_percentile(latencies, 0.99), 1),
        "latency_ms_max": round(max(latencies), 1),
    }


def measure(endpoint: str, reports: int = 320, puts: int = 1600) -> dict[str, Any]:
    """Raw floor, pipeline, anonymous pipeline, raw floor again; the floor is the mean of its two runs.

    Diagnostics: the moto server's CPU time per raw PutItem and per report through the pipeline,
    and moto's SQS calls on an empty and a deep queue (``bench/motocost.py``).

    The realistic pipeline is the target's figure. The anonymous one (a single conditional PutItem at
    submit, no key record to read or write) is shown beside it as what the submit's idempotency costs.
    (Submissions with contact but no key still use a two-item ``TransactWriteItems``, which moto runs by
    deep-copying every table it touches; the benchmark's web-client submissions use none.)
    """
    from bench.localaws import reset_and_deploy
    from bench.motocost import server_cpu_seconds, sqs_depth_costs

    def moto_cpu(run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """``run()``'s result with the moto server's CPU seconds during it."""
        before = server_cpu_seconds(endpoint)
        result = run()
        return {**result, "moto_cpu_seconds": round(server_cpu_seconds(endpoint) - before, 2)}

    clone_table("aduan-reports", RAW_TABLE)
    raw = [moto_cpu(lambda: raw_put_rate(puts))]
    pipe = moto_cpu(lambda: pipeline(reports))
    reset_and_deploy(endpoint)  # the next run starts with empty tables too
    clone_table("aduan-reports", RAW_TABLE)
    anonymous = pipeline(reports, anonymous=True)
    raw.append(moto_cpu(lambda: raw_put_rate(puts)))
    raw_rate = statistics.mean(r["per_second"] for r in raw)
    moto_ms_per_put = 1000 * sum(r["moto_cpu_seconds"] for r in raw) / sum(r["puts"] for r in raw)
    return {
        "raw_put_per_second": round(raw_rate, 1),
        "pipeline_per_second": round(pipe["per_second"], 1),
        "share": round(pipe["per_second"] / raw_rate, 3),
        "met": pipe["per_second"] / raw_rate >= TARGET_SHARE,
        "burst": reports,
        "latency_ms_median": pipe["latency_ms_median"],
        "latency_ms_p99": pipe["latency_ms_p99"],
        "errors": pipe["errors"],
        "anonymous_per_second": round(anonymous["per_second"], 1),
        "anonymous_share": round(anonymous["per_second"] / raw_rate, 3),
        "anonymous_latency_ms_median": anonymous["latency_ms_median"],
        "anonymous_latency_ms_p99": anonymous["latency_ms_p99"],
        "moto_cpu_ms_per_put": round(moto_ms_per_put, 2),
        "moto_cpu_ms_per_report": round(1000 * pipe["moto_cpu_seconds"] / pipe["routed"], 2),
        "sqs_by_depth": sqs_depth_costs(),
        "runs": {"raw": raw, "pipeline": pipe, "anonymous": anonymous},
    }


if __name__ == "__main__":
    import json
    import os
    import sys

    from bench.localaws import moto_stack, quiet_stdout

    reports = int(sys.argv[1]) if len(sys.argv) > 1 else 320
    with moto_stack() as endpoint, quiet_stdout():
        from infra.dev_issuer import dev_auth_env
        from infra.local.config import PROJECT_ROOT

        os.environ.update(dev_auth_env(PROJECT_ROOT))
        out = measure(endpoint, reports=reports)
    print(json.dumps(out, indent=2))
