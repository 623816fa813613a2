"""``Holding``: the messages of a batch are kept invisible while the officer decides, each until answered;
one whose extension fails is let go, and nothing is extended once the batch is done."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from cli.heartbeat import Holding


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_each_message_is_extended_until_released_and_a_failing_one_is_let_go() -> None:
    extended: list[str] = []

    def extend(message: dict[str, Any]) -> None:
        extended.append(message["ReceiptHandle"])
        if message["ReceiptHandle"] == "gone":
            raise RuntimeError("receipt handle is invalid")

    batch = [{"ReceiptHandle": name} for name in ("answered", "waiting", "gone")]
    with Holding(extend, batch, every=0.01) as held:
        _until(lambda: extended.count("answered") >= 2)
        held.release(batch[0])
        answered = extended.count("answered")
        waiting = extended.count("waiting")
        _until(lambda: extended.count("waiting") >= waiting + 3)
        assert extended.count("answered") == answered and extended.count("gone") == 1
    done = len(extended)
    time.sleep(0.05)
    assert len(extended) == done


def test_nothing_is_extended_past_the_hold_limit() -> None:
    extended: list[str] = []
    with Holding(
        lambda m: extended.append(m["ReceiptHandle"]), [{"ReceiptHandle": "r"}], every=0.02, limit=0.05
    ):
        time.sleep(0.2)
    assert len(extended) <= 3  # the ticks before the limit (fewer on a busy machine), none after
