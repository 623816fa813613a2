"""Flat at scale: a status read and an agency inbox page with a small and a large reports table.

The table is filled with ``batch_write_item`` (25 items a request, 4 threads) with items built by
the application's own mapping (``to_model(report).serialize()``): realistic description, a timeline
of two to four entries, all in **one province (31) and one agency (sudin-bm-js)** — the worst case for
the agency index. Then, through the real HTTP handlers (Chalice's test client, API Gateway proxy
events), ``GET /reports/{id}`` and ``GET /agency/reports`` (first page, 20 items) are timed ``requests``
times each, with the small table and again after growing it to the large size. Read units are counted
through the same botocore hooks as the per-report figures.

moto's ``Query`` on a global secondary index walks every item of the table and sorts the matches
(it keeps no index), so an inbox page on moto costs time in proportion to the table. DynamoDB reads
an index page by key. Each request's time is therefore split into the time inside AWS calls and the
time in Aduan's code (everything else in the handler), and both ratios are reported.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

TARGET_GROWTH = 1.25
AGENCY = "sudin-bm-js"
STATUSES = ("DISPOSISI", "PROSES", "SELESAI")


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


def load(count: int, start: int, *, threads: int = 4) -> float:
    """Write items ``start`` .. ``start + count - 1``; returns the seconds it took."""
    import boto3

    items = templates()
    base = datetime(2025, 1, 1, tzinfo=UTC)
    per_thread = -(-count // threads)

    def work(part: int) -> None:
        client = boto3.session.Session().client("dynamodb")
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
        import botocore.client

        self.seconds = 0.0
        self._original = botocore.client.BaseClient._make_api_call
        timer = self

        def timed(client: Any, operation: str, params: dict[str, Any]) -> Any:
            start = time.perf_counter()
            try:
                return timer._original(client, operation, params)
            finally:
                timer.seconds += time.perf_counter() - start

        botocore.client.BaseClient._make_api_call = timed

    def close(self) -> None:
        import botocore.client

        botocore.client.BaseClient._make_api_call = self._original


def raw_query_ms(requests: int) -> float:
    """moto's own time for the inbox's index Query (boto3, a long read timeout): the engine's share."""
    import boto3
    from botocore.config import Config

    client = boto3.client("dynamodb", config=Config(read_timeout=120, retries={"max_attempts": 1}))
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.query(
            TableName="aduan-reports",
            IndexName="by-agency",
            KeyConditionExpression="gp = :a",
            ExpressionAttributeValues={":a": {"S": f"31#{AGENCY}"}},
            Limit=20,
            ScanIndexForward=False,
        )
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def probe(world: Any, counter: Any, report_id: str, requests: int) -> dict[str, Any]:
    """Median latency (total, inside AWS, in Aduan) and read units of the two reads.

    A request that fails (moto slower than the application's 3-second read timeout gives a 503) is
    counted in ``failed``; the medians are over the requests that succeeded.
    """
    jakarta = world["jakarta"]
    token = jakarta.token(AGENCY)
    timer = AwsTimer()
    try:
        out: dict[str, Any] = {}
        for name, call in (
            ("status", lambda: jakarta.get(f"/reports/{report_id}")),
            ("inbox", lambda: jakarta.get("/agency/reports", token)),
        ):
            total: list[float] = []
            aws: list[float] = []
            units: list[float] = []
            items = failed = 0
            # a status read takes milliseconds: more of them steady the median on a noisy machine
            for _ in range(requests * 3 if name == "status" else requests):
                mark, before = counter.mark(), timer.seconds
                start = time.perf_counter()
                response = call()
                elapsed, in_aws = time.perf_counter() - start, timer.seconds - before
                if response.status_code != 200:
                    failed += 1
                    if failed >= 3 and not total:
                        break  # moto cannot answer in time at this size: no point in waiting longer
                    continue
                total.append(elapsed)
                aws.append(in_aws)
                units.append(counter.totals(mark).read_units)
                if name == "inbox":
                    items = len(json.loads(response.body)["items"])
            ok = bool(total)
            app = [t - a for t, a in zip(total, aws, strict=True)]
            out[name] = {
                "ms": round(statistics.median(total) * 1000, 2) if ok else None,
                "aws_ms": round(statistics.median(aws) * 1000, 2) if ok else None,
                "app_ms": round(statistics.median(app) * 1000, 2) if ok else None,
                "read_units": statistics.median(units) if ok else None,
                "failed": failed,
                "scans": counter.totals(0).scans,
                **({"items": items} if name == "inbox" else {}),
            }
        out["moto_query_ms"] = raw_query_ms(min(requests, 5))
        return out
    finally:
        timer.close()


def measure(small: int = 1000, large: int = 20_000, requests: int = 30) -> dict[str, Any]:
    """Load ``small`` items, probe; grow to ``large``, probe; ratios."""
    from bench.counting import CallCounter, application_clients
    from tests.integration.harness import world

    load_small = load(small, 0)
    report_id = _item(templates()["PROSES"], small // 2, datetime(2025, 1, 1, tzinfo=UTC))["pk"]["S"]
    with world() as w:
        counter = CallCounter().attach(application_clients())
        probe(w, counter, report_id, 3)  # warm
        at_small = probe(w, counter, report_id, requests)
        load_large = load(large - small, small)
        probe(w, counter, report_id, 3)
        at_large = probe(w, counter, report_id, requests)
        counter.detach()
    result: dict[str, Any] = {
        "small": small,
        "large": large,
        "load_seconds": round(load_small + load_large, 1),
    }
    for name in ("status", "inbox"):
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
    result["scans"] = at_large["inbox"]["scans"]
    return result


if __name__ == "__main__":
    import os
    import sys

    from bench.localaws import moto_stack, quiet_stdout

    large = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with moto_stack() as endpoint, quiet_stdout():
        from cli.devissuer import dev_auth_env
        from infra.local.config import PROJECT_ROOT

        os.environ.update(dev_auth_env(PROJECT_ROOT))
        out = measure(large=large)
    print(json.dumps(out, indent=2))
