"""Metrics from concurrent requests in one process (a threaded ``chalice local``) never break a request."""

from __future__ import annotations

import json
import threading

import pytest

from chalicelib import observability


def test_requests_adding_and_flushing_metrics_at_once_all_succeed(
    often_switching_threads: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given eight request threads, each adding metrics and flushing at its end, as the middleware does
    failures: list[BaseException] = []

    def request(n: int) -> None:
        try:
            for i in range(300):
                for name in ("ReportsSubmitted", f"Action_{n}_{i % 7}", "ReportsRouted"):
                    observability.count(name)
                observability.flush_metrics("31")
        except BaseException as error:
            failures.append(error)

    # When they run at once
    threads = [threading.Thread(target=request, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then no flush met a set another request was changing, and every count was emitted once
    assert failures == []
    assert _total(capsys.readouterr().out, "ReportsSubmitted") == 8 * 300


def _total(emf_output: str, name: str) -> float:
    """The sum of ``name``'s values over every EMF blob printed."""
    total = 0.0
    for line in emf_output.splitlines():
        blob = json.loads(line)
        value = blob.get(name, 0)
        total += sum(value) if isinstance(value, list) else value
    return total
