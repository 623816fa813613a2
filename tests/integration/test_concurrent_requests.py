"""Requests served at once in one process (a threaded ``chalice local``) each see their own request.

Chalice keeps one ``app.current_request`` per app and sets it as a request arrives; a view that read
it could be given another thread's request (its body, its headers, its idempotency key).
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator

import pytest

from chalicelib.observability import logger
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

POINTS = [(-6.2601, 106.8134, "31.74"), (-6.178, 106.631, "36.71"), (-6.915, 107.61, "32.73")]


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def test_each_of_many_concurrent_requests_is_answered_from_its_own_query(
    provinces: World, often_switching_threads: None
) -> None:
    # Given six threads asking Jakarta's API for the areas at three different points
    jakarta = provinces["jakarta"]
    wrong: list[tuple[str, str]] = []

    def ask(n: int) -> None:
        for i in range(40):
            lat, lon, expected = POINTS[(n + i) % len(POINTS)]
            response = jakarta.get(f"/areas/at?lat={lat}&lon={lon}")
            codes = [item["code"] for item in json.loads(response.body)["items"]]
            if codes[-1:] != [expected]:
                wrong.append((expected, ",".join(codes)))

    # When they ask at the same time
    threads = [threading.Thread(target=ask, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every answer is about the point its own request named
    assert wrong == []


def test_concurrent_submissions_log_each_line_with_its_own_request_s_ids(
    provinces: World, often_switching_threads: None
) -> None:
    # Given six threads each submitting reports, every request with its own correlation id
    jakarta = provinces["jakarta"]
    answered: dict[str, str] = {}  # correlation id -> report id
    body = {
        "category": "sampah",
        "description": "sampah menumpuk di trotoar",
        "location": {"lat": -6.2, "lon": 106.82, "area_code": "31.71.01"},
    }

    def submit(n: int) -> None:
        for i in range(8):
            correlation = f"log-{n}-{i}"
            response = jakarta.post("/reports", body, {"X-Correlation-Id": correlation})
            assert response.status_code == 201, response.body
            answered[correlation] = json.loads(response.body)["id"]

    # When they submit at the same time (Powertools' lines read as its own handler formats them)
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        logger.handlers.remove(handler)

    # Then every log line naming a report carries the correlation id of the request that made it
    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    tagged = [(line["correlation_id"], line["report_id"]) for line in lines if "report_id" in line]
    assert len(answered) == 48 and len(tagged) >= 48
    assert [pair for pair in tagged if answered.get(pair[0]) != pair[1]] == []
