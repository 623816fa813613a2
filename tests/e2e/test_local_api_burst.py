"""A burst at the real Jakarta API of the local stack: 64 clients at once, every request answered."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from infra.local.stack import LocalStack

pytestmark = pytest.mark.e2e

CLIENTS = 64
REQUESTS = 256


def test_64_concurrent_clients_each_get_an_http_answer_to_post_reports(local_stack: LocalStack) -> None:
    url = f"{local_stack.api_url('jakarta')}/reports"
    marker = uuid.uuid4().hex[:8]
    body = json.dumps(
        {
            "category": "parkir_liar",
            "description": f"Parkir liar memenuhi trotoar di depan pasar ({marker})",
            "location": {"lat": -6.19, "lon": 106.82, "area_code": "31.71.03"},
        }
    ).encode()
    outcomes: list[int | str] = []
    remaining = iter(range(REQUESTS))
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client() -> None:
        start.wait()
        for _ in remaining:
            request = urllib.request.Request(
                url, data=body, method="POST", headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    outcome: int | str = response.status if "id" in json.loads(response.read()) else "no id"
            except urllib.error.HTTPError as error:
                outcome = error.code
            except (OSError, ValueError) as error:
                outcome = repr(error)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    deadline = time.monotonic() + 240
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "the burst did not finish within 240 s"
    assert (len(outcomes), [o for o in outcomes if o != 201]) == (REQUESTS, [])
