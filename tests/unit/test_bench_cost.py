"""The benchmark's cost arithmetic (bench/cost.py)."""

from __future__ import annotations

import pytest

from bench.cost import PRICES, Usage, dollars, gb_seconds, per_million


def test_gb_seconds_round_each_duration_up_to_the_millisecond() -> None:
    assert gb_seconds([0.2, 1.0, 99.01], memory_mb=1024) == pytest.approx((1 + 1 + 100) / 1000)
    assert gb_seconds([1000], memory_mb=256) == pytest.approx(0.25)


def test_dollars_per_report_add_up_by_service() -> None:
    usage = Usage(
        write_units=10,
        read_units=4,
        sqs_standard_requests=3,
        sqs_fifo_requests=2,
        api_requests=4,
        event_invocations=1,
        durations_ms=[100.0] * 5,
    )
    cost = dollars(usage)
    assert cost["dynamodb"] == pytest.approx(10 * 0.625e-6 + 4 * 0.125e-6)
    assert cost["sqs"] == pytest.approx(3 * 0.40e-6 + 2 * 0.50e-6)
    assert cost["lambda"] == pytest.approx(5 * 0.20e-6 + 0.5 * 0.25 * PRICES["lambda_gb_second"])
    assert cost["apigateway"] == pytest.approx(4 * 3.50e-6)
    assert cost["total"] == pytest.approx(sum(v for k, v in cost.items() if k != "total"))
    assert per_million(cost)["apigateway"] == pytest.approx(14.0)
