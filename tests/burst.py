"""A burst of HTTP requests from many clients released at once (the local APIs' listen backlog)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

CLIENTS = 64
REQUESTS = 256


def burst(
    request: Callable[[], urllib.request.Request],
    clients: int = CLIENTS,
    *,
    answered: Callable[[Any], bool] = lambda body: True,
) -> list[int | str]:
    """``REQUESTS`` requests from ``clients`` threads released at once: each status, or the error.

    A response whose JSON body ``answered`` refuses counts as ``"unexpected body"``.
    """
    outcomes: list[int | str] = []
    remaining = iter(range(REQUESTS))
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client() -> None:
        start.wait()
        for _ in remaining:
            try:
                with urllib.request.urlopen(request(), timeout=60) as response:
                    body = json.loads(response.read())
                    outcome: int | str = response.status if answered(body) else "unexpected body"
            except urllib.error.HTTPError as error:
                outcome = error.code
            except (OSError, ValueError) as error:
                outcome = repr(error)
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    deadline = time.monotonic() + 240
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "the burst did not finish within 240 s"
    return outcomes
