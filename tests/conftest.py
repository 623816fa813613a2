"""Shared test set-up: a quiet, offline AWS environment before anything imports boto3."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SECURITY_TOKEN", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Aduan")
# The per-client limits (chalicelib/api/ratelimit.py) of POST /reports, /photos, Open311, nearby, support
# would throttle a whole test session coming from one address (and one Open311 key); the limiter's own
# tests set their values explicitly.
os.environ.setdefault("ADUAN_SUBMIT_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_SUBMIT_KEYLESS_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_PHOTO_KEYLESS_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_PHOTO_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_OPEN311_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_NEARBY_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_NEARBY_KEYLESS_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_NEARBY_DEVICE_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_SUPPORT_RATE_PER_MINUTE", "0")
os.environ.setdefault("ADUAN_SUPPORT_KEYLESS_RATE_PER_MINUTE", "0")
# Tests run as the jakarta stage unless they apply another stage's variables (tests/stages.py), and
# trust the development token issuer as every local stage does; the application itself has no
# default stage. The issuer's JWKS file must exist for a stage to start: its keys are made if missing.
from infra.dev_issuer import ensure_keys  # noqa: E402
from infra.local.config import local_only  # noqa: E402
from tests.stages import stage_env  # noqa: E402

ensure_keys()
for _name, _value in {**local_only(), **stage_env("jakarta")}.items():
    os.environ.setdefault(_name, _value)


@pytest.fixture
def often_switching_threads() -> Iterator[None]:
    """Threads switch every 0.1 ms instead of 5 ms, so a race between them shows within a test."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(interval)


E2E_FOLDER = ROOT / "tests" / "e2e"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """An end-to-end test lives in tests/e2e: ``make test`` collects its end-to-end lane only there,
    and leaves tests marked ``e2e`` out of every other lane."""
    strays = [
        item.nodeid
        for item in items
        if item.get_closest_marker("e2e") and E2E_FOLDER not in item.path.parents
    ]
    if strays:
        raise pytest.UsageError(f"tests marked e2e outside tests/e2e (make test would skip them): {strays}")
