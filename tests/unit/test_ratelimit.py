"""The per-client token buckets in front of the anonymous write endpoints."""

from __future__ import annotations

import pytest
from chalice.app import Request

from chalicelib.api import ratelimit
from chalicelib.api.ratelimit import Limit, TokenBuckets, client_key, limit_for
from chalicelib.errors import TooManyRequests


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_client_waits_for_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(clock)
    limit = Limit(per_second=0.5, burst=3)  # 30 a minute, bursts of 3
    assert [buckets.take("a", limit) for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a", limit) == pytest.approx(2.0)  # one token every 2 s
    clock.now += 2
    assert buckets.take("a", limit) == 0
    assert buckets.take("a", limit) > 0


def test_clients_do_not_share_a_bucket_and_idle_ones_refill_only_to_the_burst() -> None:
    clock = Clock()
    buckets = TokenBuckets(clock)
    limit = Limit(per_second=1, burst=2)
    buckets.take("a", limit), buckets.take("a", limit)
    assert buckets.take("a", limit) > 0
    assert buckets.take("b", limit) == 0
    clock.now += 3600
    assert [buckets.take("a", limit) for _ in range(3)][2] > 0


def test_the_number_of_remembered_clients_is_bounded() -> None:
    buckets = TokenBuckets(Clock(), max_clients=3)
    limit = Limit(per_second=0.001, burst=1)
    for key in "abcd":
        buckets.take(key, limit)
    assert buckets.take("a", limit) == 0  # forgotten (least recently seen), so it starts full again
    assert buckets.take("d", limit) > 0


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADUAN_SUBMIT_RATE_PER_MINUTE", "12")
    monkeypatch.setenv("ADUAN_SUBMIT_BURST", "4")
    assert limit_for("submit") == Limit(per_second=0.2, burst=4)
    monkeypatch.setenv("ADUAN_SUBMIT_RATE_PER_MINUTE", "0")
    assert limit_for("submit") is None
    monkeypatch.setenv("ADUAN_SUBMIT_RATE_PER_MINUTE", "nonsense")
    monkeypatch.delenv("ADUAN_SUBMIT_BURST")
    assert limit_for("submit") == Limit(per_second=0.5, burst=10)


def _request(source_ip: str | None, forwarded: str = "") -> Request:
    context: dict[str, object] = {"httpMethod": "POST", "resourcePath": "/reports"}
    if source_ip:
        context["identity"] = {"sourceIp": source_ip}
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {"x-forwarded-for": forwarded} if forwarded else {},
            "pathParameters": None,
            "requestContext": context,
            "body": None,
            "stageVariables": None,
        }
    )


def test_the_client_is_the_source_ip_never_a_forwarded_header() -> None:
    assert client_key(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"
    assert client_key(_request(None)) == "unknown"


def test_enforce_raises_429_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADUAN_SUBMIT_RATE_PER_MINUTE", "6")
    monkeypatch.setenv("ADUAN_SUBMIT_BURST", "1")
    monkeypatch.setattr(ratelimit, "buckets", TokenBuckets(Clock()))
    ratelimit.enforce(_request("203.0.113.9"), "submit")
    with pytest.raises(TooManyRequests) as caught:
        ratelimit.enforce(_request("203.0.113.9"), "submit")
    assert caught.value.http_status == 429 and caught.value.retry_after == 10
    ratelimit.enforce(_request("203.0.113.10"), "submit")  # someone else is not affected
