"""One side of the scale check: Jakarta's app against one moto server, serving reads on request.

``python -m bench.scaleworker`` (environment: the benchmark's, ``AWS_ENDPOINT_URL`` naming this
side's moto server). Reads one JSON command per line on stdin and answers one JSON line each:

- ``{"op": "status", "id": "31-..."}``: one ``GET /reports/{id}`` through the real HTTP handler;
- ``{"op": "inbox"}``: one ``GET /agency/reports`` (first page) as the agency's officer;
- ``{"op": "nearby"}``: one ``GET /reports/nearby`` (500 m) around the place every report is at;
- ``{"op": "query"}``: moto's own time for the inbox's index Query (boto3, no application code).

Each answer: ``status_code``, ``seconds`` (the whole request), ``aws_seconds`` (inside botocore
calls), ``read_units`` (counted as in the per-report figures), ``scans``, ``items`` (inbox).
The app's log lines go to /dev/null; answers go to the original stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any


def main() -> None:
    """Serve commands until stdin closes."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)

    from bench.counting import CallCounter, application_clients
    from bench.localaws import apply_bench_env
    from bench.scale import AGENCY, NEARBY_PATH, AwsTimer, raw_query_seconds
    from tests.integration.harness import world

    apply_bench_env(os.environ["AWS_ENDPOINT_URL"])
    if os.environ.get("ADUAN_BENCH_READ_TIMEOUT"):  # the nearby section: moto's Query is slow at scale
        from chalicelib.data.models import PrivateModel, ReportModel
        from chalicelib.vendor_internals import forget_connection

        for model in (ReportModel, PrivateModel):
            model.Meta.read_timeout_seconds = int(os.environ["ADUAN_BENCH_READ_TIMEOUT"])
            forget_connection(model)  # made at import (warm start); made again with the new timeout
    with world(("jakarta",)) as w:
        jakarta = w["jakarta"]
        token = jakarta.token(AGENCY)
        counter = CallCounter().attach(application_clients())
        timer = AwsTimer()
        answers.write(json.dumps({"ready": True}) + "\n")
        for line in sys.stdin:
            command = json.loads(line)
            if command["op"] == "query":
                answers.write(json.dumps({"seconds": raw_query_seconds()}) + "\n")
                continue
            paths = {"inbox": "/agency/reports", "nearby": NEARBY_PATH}
            path = paths.get(command["op"]) or f"/reports/{command['id']}"
            mark, before = counter.mark(), timer.seconds
            start = time.perf_counter()
            response = jakarta.get(path, token if command["op"] == "inbox" else None)
            elapsed = time.perf_counter() - start
            answer: dict[str, Any] = {
                "status_code": response.status_code,
                "seconds": elapsed,
                "aws_seconds": timer.seconds - before,
                "read_units": counter.totals(mark).read_units,
                "scans": counter.totals(0).scans,
            }
            if command["op"] == "inbox" and response.status_code == 200:
                answer["items"] = len(json.loads(response.body)["items"])
            answers.write(json.dumps(answer) + "\n")
        timer.close()
        counter.detach()


if __name__ == "__main__":
    main()
