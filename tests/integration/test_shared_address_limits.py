"""Citizens behind one carrier-grade-NAT address are served; one device hammering is slowed.

Through the real ``chalice local`` of Jakarta (the production-like default limits, not the test
session's), with clients bound to distinct loopback addresses, as the API sees them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.lifecycle import SAME_PROVINCE
from chalicelib.config import RATE_LIMITS
from infra.local.loopback import LoopbackClient, loopback_address
from infra.local.processes import free_port
from infra.local.stack import LocalStack, dev_environment

pytestmark = [pytest.mark.integration, pytest.mark.clock]

REPO_ROOT = Path(__file__).resolve().parents[2]
CARRIER_ADDRESS = "127.0.7.7"


def _default_limits() -> dict[str, str]:
    env: dict[str, str] = {}
    for prefix, rate, burst in RATE_LIMITS.values():
        env[f"{prefix}_RATE_PER_MINUTE"], env[f"{prefix}_BURST"] = str(rate), str(burst)
    return env


@pytest.fixture(scope="module")
def jakarta_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    stack = LocalStack(
        REPO_ROOT,
        stages=["jakarta"],
        stage_ports={"jakarta": free_port()},
        runners=False,
        in_process_moto=False,
        log_dir=tmp_path_factory.mktemp("limits-logs"),
        extra_env={**dev_environment(REPO_ROOT), **_default_limits()},
    )
    with stack:
        yield stack.api_url("jakarta")


def _submit(client: LoopbackClient, api: str, source: str, token: str | None) -> tuple[int, str, dict]:
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    if token:
        headers["X-Device-Token"] = token
    answer = client.request("POST", f"{api}/reports", source, SAME_PROVINCE, headers)
    return answer.status, answer.headers.get("retry-after", ""), answer.body or {}


def _device(client: LoopbackClient, api: str, source: str) -> str:
    answer = client.request("POST", f"{api}/devices", source, {})
    assert answer.status == 201, answer.body
    return str(answer.body["token"])


def test_300_citizens_behind_one_address_are_all_accepted_within_a_minute(jakarta_api: str) -> None:
    client = LoopbackClient()

    def citizen(_: int) -> int:
        token = _device(client, jakarta_api, CARRIER_ADDRESS)
        return _submit(client, jakarta_api, CARRIER_ADDRESS, token)[0]

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(citizen, range(300)))
    assert time.monotonic() - started < 60
    assert statuses == [201] * 300


def test_one_device_hammering_gets_429_from_one_address_and_from_rotating_ones(jakarta_api: str) -> None:
    client = LoopbackClient()
    token = _device(client, jakarta_api, "127.0.8.1")
    same = [_submit(client, jakarta_api, "127.0.8.1", token) for _ in range(15)]
    assert [s for s, _, _ in same[:10]] == [201] * 10
    refused = [r for r in same if r[0] == 429]
    assert len(refused) == 5
    for _, retry_after, body in refused:
        assert int(retry_after) >= 1
        assert body["error"]["code"] == "rate_limited"
        assert body["error"]["details"] == {"limit": "submit_device"}
    rotating = [_submit(client, jakarta_api, loopback_address(500 + n), token) for n in range(10)]
    assert {status for status, _, _ in rotating} == {429}


def test_without_a_device_token_the_address_gets_a_person_sized_limit(jakarta_api: str) -> None:
    client = LoopbackClient()
    statuses = [_submit(client, jakarta_api, "127.0.9.9", None)[0] for _ in range(20)]
    assert statuses[:10] == [201] * 10 and statuses.count(429) >= 5
    assert _submit(client, jakarta_api, "127.0.9.10", None)[0] == 201
