"""End-to-end fixtures: the whole local stack (moto, `chalice local` per province, event runners)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from infra.local.config import PROJECT_ROOT
from infra.local.processes import free_port
from infra.local.stack import LocalStack, dev_environment


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Both provinces served over HTTP on free ports, as `make run` serves them."""
    stack = LocalStack(
        PROJECT_ROOT,
        moto_port=free_port(),
        stage_ports={"jakarta": free_port(), "banten": free_port()},
        stages=["jakarta", "banten"],
        in_process_moto=False,
        log_dir=tmp_path_factory.mktemp("stack-logs"),
        extra_env={**dev_environment(PROJECT_ROOT), "ADUAN_LOCAL_SCHEDULE_SECONDS": "3600"},
    )
    with stack:
        yield stack


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """One JSON request; returns (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    except (urllib.error.URLError, ConnectionError) as error:
        # `chalice local` has a small listen backlog: a burst of connections can be reset
        return 0, {"error": {"code": "connection_failed", "message": str(error)}}


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy (the runners work asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s; last value {value!r}")
        time.sleep(0.2)
