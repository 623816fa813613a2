"""Requests served at once in one process (a threaded ``chalice local``) each see their own request.

Chalice keeps one ``app.current_request`` per app and sets it as a request arrives; a view that read
it could be given another thread's request (its body, its headers, its idempotency key).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

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
