"""Flat at scale: a status read, an inbox page and a nearby query, with a small and a large table.

The table is filled with ``batch_write_item`` (25 items a request, 4 threads) with items built by
the application's own mapping (``to_model(report).serialize()``): realistic description, a timeline
of two to four entries, all in **one province (31) and one agency (sudin-bm-js)** — the worst case for
the agency index. The small table is on one moto server and the large one on another, each read by
its own worker process (``bench/scaleworker.py``: Jakarta's app, the real HTTP handlers through
Chalice's test client). ``GET /reports/{id}`` and ``GET /agency/reports`` (first page, 20 items) are
timed ``requests`` times on each side, **interleaved** (small, large, large, small, ...), so that this
machine's drift over minutes falls on both sides alike. Read units are counted through the same
botocore hooks as the per-report figures.

moto's ``Query`` on a global secondary index walks every item of the table and sorts the matches
(it keeps no index), so an inbox page on moto costs time in proportion to the table. DynamoDB reads
an index page by key. Each request's time is therefore split into the time inside AWS calls and the
time in Aduan's code (everything else in the handler), and both ratios are reported.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_GROWTH = 1.25
AGENCY = "sudin-bm-js"
STATUSES = ("DISPOSISI", "PROSES", "SELESAI")
NEARBY_PATH = "/reports/nearby?lat=-6.226&lon=106.853&radius=500"  # where every loaded report is
READS = ("status", "inbox", "nearby")
# The nearby section's read timeout (seconds): moto walks the whole table for each of the up to six
# cell Queries, so at 100,000 reports one request takes longer than the application's 3 s.
NEARBY_READ_TIMEOUT = 600


def templates() -> dict[str, dict[str, Any]]:
    """One stored item per status, built by the application's mapping from a realistic report."""
    from bench.lifecycle import SAME_PROVINCE
    from chalicelib.data.mapping import to_model
    from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
    from chalicelib.domain.status import Action, Status

    body = SAME_PROVINCE
    now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    rid = "31-261101-AAAA"
    entries = [
        TimelineEntry(f"{rid}:submit", now, Action.SUBMIT, Status.MENUNGGU, "31"),
        TimelineEntry(
            f"{rid}:route",
            now,
            Action.ROUTE,
            Status.DISPOSISI,
            "31",
            AGENCY,
            note="Diteruskan ke Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan",
        ),
        TimelineEntry(f"{rid}:take:0123456789abcdef0123", now, Action.TAKE, Status.PROSES, "31", AGENCY),
        TimelineEntry(
            f"{rid}:resolve:0123456789abcdef0123",
            now,
            Action.RESOLVE,
            Status.SELESAI,
            "31",
            AGENCY,
            note="Lubang sudah ditambal dengan aspal hotmix.",
            evidence="bukti/tambal-1.jpg",
        ),
    ]
    out = {}
    for count, status in enumerate(STATUSES, start=2):
        report = Report(
            key=rid,
            id=rid,
            province="31",
            category=body["category"],
            description=body["description"],
            location=Location(**body["location"]),
            visibility=Visibility.PUBLIC,
            status=Status(status),
            created_at=now,
            updated_at=now,
            address=body["address"],
            agency=AGENCY,
            secret_hash="0" * 64,
            coordinate_due=now + timedelta(hours=6),
            finish_due=now + timedelta(days=7),
            timeline=tuple(entries[:count]),
            version=count,
        )
        out[status] = to_model(report).serialize()
    return out


def report_id(index: int, base: datetime) -> str:
    """A valid report id, unique per index (date plus four Crockford base-32 characters)."""
    from chalicelib.domain.ids import CROCKFORD

    day, number = divmod(index, 32**4)
    suffix = "".join(CROCKFORD[(number // 32**p) % 32] for p in (3, 2, 1, 0))
    return f"31-{(base + timedelta(days=day)).strftime('%y%m%d')}-{suffix}"


def _item(template: dict[str, Any], index: int, base: datetime) -> dict[str, Any]:
    from chalicelib.data.mapping import stored_time

    created = stored_time(base + timedelta(seconds=index))
    rid = report_id(index, base)
    item = dict(template)
    status = item["st"]["S"]
    item.update(
        {
            "pk": {"S": rid},
            "rid": {"S": rid},
            "ct": {"S": created},
            "up": {"S": created},
            "gs": {"S": f"{status}#{created}"},
            # the stored timeline names no report id (event ids are stored relative to the key)
        }
    )
    return item


def load(count: int, start: int, *, endpoint: str | None = None, threads: int = 4) -> float:
    """Write items ``start`` .. ``start + count - 1`` (to the moto server at ``endpoint``); seconds taken."""
    import boto3

    items = templates()
    base = datetime(2025, 1, 1, tzinfo=UTC)
    per_thread = -(-count // threads)

    def work(part: int) -> None:
        client = boto3.session.Session().client("dynamodb", endpoint_url=endpoint)
        first = start + part * per_thread
        last = min(start + count, first + per_thread)
        batch: list[dict[str, Any]] = []
        for index in range(first, last):
            item = _item(items[STATUSES[index % len(STATUSES)]], index, base)
            batch.append({"PutRequest": {"Item": item}})
            if len(batch) == 25 or index == last - 1:
                pending = {"aduan-reports": batch}
                while pending:
                    pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                batch = []

    workers = [threading.Thread(target=work, args=(p,)) for p in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


class AwsTimer:
    """Time spent inside botocore API calls of this process."""

    def __init__(self) -> None:
        from chalicelib.vendor_internals import ApiCall, wrap_api_calls

        self.seconds = 0.0

        def timing(original: ApiCall) -> ApiCall:
            def timed(client: Any, operation: str, params: dict[str, Any]) -> Any:
                start = time.perf_counter()
                try:
                    return original(client, operation, params)
                finally:
                    self.seconds += time.perf_counter() - start

            return timed

        self._restore = wrap_api_calls(timing)

    def close(self) -> None:
        """Stop timing."""
        self._restore()


def raw_query_seconds() -> float:
    """moto's own time for the inbox's index Query (boto3, a long read timeout): the engine's share."""
    import boto3
    from botocore.config import Config

    client = boto3.client("dynamodb", config=Config(read_timeout=120, retries={"max_attempts": 1}))
    start = time.perf_counter()
    client.query(
        TableName="aduan-reports",
        IndexName="by-agency",
        KeyConditionExpression="gp = :a",
        ExpressionAttributeValues={":a": {"S": f"31#{AGENCY}"}},
        Limit=20,
        ScanIndexForward=False,
    )
    return time.perf_counter() - start


class Side:
    """A worker process (``bench/scaleworker.py``) reading one moto server's table."""

    def __init__(self, endpoint: str) -> None:
        from infra.dev_issuer import dev_auth_env
        from infra.local.config import PROJECT_ROOT

        env = {**os.environ, **dev_auth_env(PROJECT_ROOT), "AWS_ENDPOINT_URL": endpoint}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.scaleworker"],
            cwd=str(Path(__file__).resolve().parents[1]),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        if not self.ask(None).get("ready"):
            raise RuntimeError("the scale worker did not start")

    def ask(self, command: dict[str, Any] | None) -> dict[str, Any]:
        """Send ``command`` (None: only read) and return the worker's answer."""
        assert self.process.stdin and self.process.stdout
        if command is not None:
            self.process.stdin.write(json.dumps(command) + "\n")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the scale worker stopped (exit {self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        """End the worker."""
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=60)


@contextmanager
def sides(*endpoints: str) -> Iterator[list[Side]]:
    """One worker per endpoint, closed on exit."""
    with ExitStack() as stack:
        started = []
        for endpoint in endpoints:
            side = Side(endpoint)
            stack.callback(side.close)
            started.append(side)
        yield started


def interleaved(pair: list[Side], command: dict[str, Any], rounds: int) -> list[list[dict[str, Any]]]:
    """``command`` asked of both sides ``rounds`` times, alternating who goes first; answers per side.

    A side whose first three requests all fail (moto slower than the application's read timeout)
    is not asked again: waiting longer tells nothing more.
    """
    answers: list[list[dict[str, Any]]] = [[] for _ in pair]
    for round_ in range(rounds):
        order = (0, 1) if round_ % 2 == 0 else (1, 0)
        for index in order:
            done = answers[index]
            if len(done) >= 3 and not any(a.get("status_code", 200) == 200 for a in done):
                continue
            done.append(pair[index].ask(command))
    return answers


def summary(reads: dict[str, list[dict[str, Any]]], query: list[dict[str, Any]]) -> dict[str, Any]:
    """Median latency (total, inside AWS, in Aduan) and read units of one side's reads, by kind."""
    out: dict[str, Any] = {}
    for name, answers in reads.items():
        ok = [a for a in answers if a["status_code"] == 200]
        out[name] = {
            "ms": round(statistics.median(a["seconds"] for a in ok) * 1000, 2) if ok else None,
            "aws_ms": round(statistics.median(a["aws_seconds"] for a in ok) * 1000, 2) if ok else None,
            "app_ms": (
                round(statistics.median(a["seconds"] - a["aws_seconds"] for a in ok) * 1000, 2)
                if ok
                else None
            ),
            "read_units": statistics.median(a["read_units"] for a in ok) if ok else None,
            "failed": len(answers) - len(ok),
            "requests": len(answers),
            "scans": max((a["scans"] for a in answers), default=0),
            **({"items": ok[-1].get("items", 0) if ok else 0} if name == "inbox" else {}),
        }
    out["moto_query_ms"] = round(statistics.median(a["seconds"] for a in query) * 1000, 2) if query else None
    return out


def measure(small: int = 1000, large: int = 20_000, requests: int = 30) -> dict[str, Any]:
    """``small`` items on a second moto server, ``large`` on the current one; the reads interleaved."""
    from bench.localaws import moto_server

    large_endpoint = os.environ["AWS_ENDPOINT_URL"]
    with moto_server() as small_endpoint:
        load_seconds = load(small, 0, endpoint=small_endpoint) + load(large, 0, endpoint=large_endpoint)
        report_id = _item(templates()["PROSES"], small // 2, datetime(2025, 1, 1, tzinfo=UTC))["pk"]["S"]
        status = {"op": "status", "id": report_id}
        with sides(small_endpoint, large_endpoint) as pair:
            interleaved(pair, status, 3)  # warm: first requests create clients and connections
            interleaved(pair, {"op": "inbox"}, 2)
            # a status read takes milliseconds: more of them steady the median on a noisy machine
            status_answers = interleaved(pair, status, requests * 3)
            inbox_answers = interleaved(pair, {"op": "inbox"}, requests)
            interleaved(pair, {"op": "nearby"}, 2)
            nearby_answers = interleaved(pair, {"op": "nearby"}, requests)
            query_answers = interleaved(pair, {"op": "query"}, min(requests, 5))
    at_small, at_large = (
        summary(
            {"status": status_answers[i], "inbox": inbox_answers[i], "nearby": nearby_answers[i]},
            query_answers[i],
        )
        for i in (0, 1)
    )
    result: dict[str, Any] = {
        "small": small,
        "large": large,
        "interleaved": True,
        "load_seconds": round(load_seconds, 1),
    }
    for name in READS:
        a, b = at_small[name], at_large[name]
        complete = a["ms"] is not None and b["ms"] is not None
        result[name] = {
            "small": a,
            "large": b,
            "growth": round(b["ms"] / a["ms"], 3) if complete else None,
            "app_growth": round(b["app_ms"] / a["app_ms"], 3) if complete else None,
            "units_equal": a["read_units"] == b["read_units"],
            "met": complete and b["ms"] / a["ms"] <= TARGET_GROWTH and a["read_units"] == b["read_units"],
        }
    result["moto_query_ms"] = {"small": at_small["moto_query_ms"], "large": at_large["moto_query_ms"]}
    result["scans"] = max(at_small["inbox"]["scans"], at_large["inbox"]["scans"])
    return result


def measure_nearby(small: int = 1000, large: int = 20_000, requests: int = 5) -> dict[str, Any]:
    """The nearby read alone at ``small`` and ``large`` reports, with a read timeout moto can meet.

    As ``measure``, but the workers' PynamoDB read timeout is ``NEARBY_READ_TIMEOUT`` (the application's
    3 s ends every 500 m query at 100,000 reports on moto, which walks the table per index Query) and
    fewer requests are timed (each takes tens of seconds at 100,000): latency on moto, read units and
    the time in Aduan's code are what it tells.
    """
    from bench.localaws import moto_server

    large_endpoint = os.environ["AWS_ENDPOINT_URL"]
    os.environ["ADUAN_BENCH_READ_TIMEOUT"] = str(NEARBY_READ_TIMEOUT)
    try:
        with moto_server() as small_endpoint:
            load_seconds = load(small, 0, endpoint=small_endpoint) + load(large, 0, endpoint=large_endpoint)
            with sides(small_endpoint, large_endpoint) as pair:
                interleaved(pair, {"op": "nearby"}, 1)  # warm: clients and connections
                started = time.perf_counter()
                answers = interleaved(pair, {"op": "nearby"}, requests)
                read_seconds = time.perf_counter() - started
    finally:
        os.environ.pop("ADUAN_BENCH_READ_TIMEOUT", None)
    a, b = (summary({"nearby": answers[i]}, [])["nearby"] for i in (0, 1))
    complete = a["ms"] is not None and b["ms"] is not None
    return {
        "small": small,
        "large": large,
        "interleaved": True,
        "read_timeout_s": NEARBY_READ_TIMEOUT,
        "load_seconds": round(load_seconds, 1),
        "read_seconds": round(read_seconds, 1),
        "nearby": {
            "small": a,
            "large": b,
            "growth": round(b["ms"] / a["ms"], 3) if complete else None,
            "app_growth": round(b["app_ms"] / a["app_ms"], 3) if complete else None,
            "units_equal": a["read_units"] == b["read_units"],
            "met": complete and b["ms"] / a["ms"] <= TARGET_GROWTH and a["read_units"] == b["read_units"],
        },
    }


if __name__ == "__main__":
    from bench.localaws import moto_stack, quiet_stdout

    large = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with moto_stack() as endpoint, quiet_stdout():
        from infra.dev_issuer import dev_auth_env
        from infra.local.config import PROJECT_ROOT

        os.environ.update(dev_auth_env(PROJECT_ROOT))
        out = measure(large=large)
    print(json.dumps(out, indent=2))
