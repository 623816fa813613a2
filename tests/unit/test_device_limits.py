"""Device tokens and the two-level limit (per device, per address) for citizens behind a shared address."""

from __future__ import annotations

import pytest
from chalice.app import Request

from chalicelib.api import devices, ratelimit, reports
from chalicelib.api.ratelimit import Limit, TokenBuckets
from chalicelib.errors import TooManyRequests
from tests.stages import stage_env

KEY = "k" * 40


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A device key, small limits, fresh buckets on a hand-moved clock."""
    clock = Clock()
    monkeypatch.setenv("ADUAN_DEVICE_KEY", KEY)
    for name, value in stage_env("jakarta").items():
        monkeypatch.setenv(name, value)
    for name, value in {
        "ADUAN_SUBMIT_RATE_PER_MINUTE": "6",
        "ADUAN_SUBMIT_BURST": "2",
        "ADUAN_SUBMIT_DEVICE_RATE_PER_MINUTE": "6",
        "ADUAN_SUBMIT_DEVICE_BURST": "3",
        "ADUAN_SUBMIT_ADDRESS_RATE_PER_MINUTE": "60",
        "ADUAN_SUBMIT_ADDRESS_BURST": "50",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(ratelimit, "buckets", TokenBuckets(clock))
    return clock


def _request(address: str, token: str | None = None) -> Request:
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": {"x-device-token": token} if token else {},
            "pathParameters": None,
            "requestContext": {
                "httpMethod": "POST",
                "resourcePath": "/reports",
                "identity": {"sourceIp": address},
            },
            "body": None,
            "stageVariables": None,
        }
    )


def _token() -> str:
    minted = devices.mint()
    assert minted is not None
    return minted[0]


def _refused(request: Request) -> TooManyRequests:
    with pytest.raises(TooManyRequests) as caught:
        ratelimit.enforce(request, "submit")
    return caught.value


def test_a_token_verifies_only_unchanged_unexpired_and_in_its_province(
    limits: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _token()
    device = devices.verify(token)
    assert device and token.startswith(device)
    assert devices.verify(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    other_device = _token().split(".")[0]
    assert devices.verify(other_device + token[token.index(".") :]) is None
    assert devices.verify(token, now=2_000_000_000 + 10**9) is None
    assert devices.verify("garbage") is None and devices.verify("a.b.c") is None
    for name, value in stage_env("banten").items():  # the same token at Banten's API
        monkeypatch.setenv(name, value)
    assert devices.verify(token) is None
    for name, value in stage_env("jakarta").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ADUAN_DEVICE_KEY", "x" * 40)
    assert devices.verify(token) is None


def test_a_token_whose_time_is_not_ascii_digits_is_refused_not_a_500(limits: Clock) -> None:
    device, issued, mac = _token().split(".")
    other_digits = issued.translate(
        str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
    )
    assert devices.verify(f"{device}.{other_digits}.{mac}") is None  # int() reads them: the same time
    assert devices.verify(f"{device}.\u00b2\u00b3.{mac}") is None  # str.isdigit() says yes, int() refuses


def test_without_a_key_nothing_is_minted_or_accepted(limits: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    token = _token()
    monkeypatch.delenv("ADUAN_DEVICE_KEY")
    assert devices.mint() is None and devices.verify(token) is None
    monkeypatch.setenv("ADUAN_DEVICE_KEY", "short")
    assert devices.mint() is None


def test_many_devices_behind_one_address_pass_where_keyless_requests_are_refused(limits: Clock) -> None:
    for _ in range(40):
        ratelimit.enforce(_request("198.51.100.1", _token()), "submit")
    ratelimit.enforce(_request("198.51.100.2"), "submit")
    ratelimit.enforce(_request("198.51.100.2"), "submit")
    refused = _refused(_request("198.51.100.2"))
    assert refused.code == "rate_limited" and refused.details == {"limit": "submit"}
    assert refused.retry_after == 10


def test_one_device_is_limited_on_one_address_and_across_rotating_ones(limits: Clock) -> None:
    token = _token()
    for n in range(3):
        ratelimit.enforce(_request(f"203.0.113.{n}", token), "submit")
    refused = _refused(_request("203.0.113.99", token))
    assert refused.details == {"limit": "submit_device"} and refused.retry_after == 10
    limits.now += 10
    ratelimit.enforce(_request("203.0.113.100", token), "submit")


def test_the_address_ceiling_holds_however_many_devices(limits: Clock) -> None:
    for _ in range(50):
        ratelimit.enforce(_request("192.0.2.1", _token()), "submit")
    refused = _refused(_request("192.0.2.1", _token()))
    assert refused.details == {"limit": "submit_address"} and refused.retry_after == 1


def test_a_refusal_spends_no_token_of_the_other_bucket(limits: Clock) -> None:
    buckets = TokenBuckets(limits)
    small, big = Limit(per_second=0.1, burst=1), Limit(per_second=1, burst=2)
    assert buckets.take_all([("d", small), ("a", big)]) == (0.0, -1)
    wait, index = buckets.take_all([("d", small), ("a", big)])
    assert index == 0 and wait == pytest.approx(10)
    assert buckets.take("a", big) == 0  # still one left: the refused request took none


def test_a_forged_token_gets_the_keyless_limit(limits: Clock) -> None:
    forged = "AAAAAAAAAAAAAAAAAAAAAA.1000.AAAAAAAAAAAAAAAAAAAAAA"
    ratelimit.enforce(_request("198.51.100.9", forged), "submit")
    ratelimit.enforce(_request("198.51.100.9", forged), "submit")
    assert _refused(_request("198.51.100.9", forged)).details == {"limit": "submit"}


def test_minting_is_limited_per_address(limits: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADUAN_DEVICE_RATE_PER_MINUTE", "60")
    monkeypatch.setenv("ADUAN_DEVICE_BURST", "2")
    reports.new_device(_request("198.51.100.7"))
    reports.new_device(_request("198.51.100.7"))
    with pytest.raises(TooManyRequests) as caught:
        reports.new_device(_request("198.51.100.7"))
    assert caught.value.details == {"limit": "devices"}
    assert reports.new_device(_request("198.51.100.8")).status_code == 201


def test_without_tokens_a_client_rotating_addresses_meets_the_shared_keyless_bucket(
    limits: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADUAN_SUBMIT_KEYLESS_RATE_PER_MINUTE", "60")
    monkeypatch.setenv("ADUAN_SUBMIT_KEYLESS_BURST", "20")
    for n in range(20):
        ratelimit.enforce(_request(f"203.0.113.{n}"), "submit")
    refused = _refused(_request("203.0.113.250"))
    assert refused.details == {"limit": "submit_keyless"} and refused.retry_after == 1
    ratelimit.enforce(_request("203.0.113.250", _token()), "submit")  # a device token is not held up
