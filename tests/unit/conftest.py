"""Unit tests never reach a moto server: the integration tests' endpoints are not theirs.

The integration session points ``AWS_ENDPOINT_URL`` (and the per-service ``AWS_ENDPOINT_URL_*``) at
its moto server for the whole run; a unit test using moto's in-process ``mock_aws`` or checking how
endpoints are chosen must not inherit them.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_moto_server_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        monkeypatch.delenv(name)
