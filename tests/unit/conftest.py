"""Unit tests never reach a moto server: the integration tests' endpoints are not theirs.

A unit test using moto's in-process ``mock_aws`` or checking how endpoints are chosen must not
inherit the integration session's ``AWS_ENDPOINT_URL*`` variables, nor clients made with them
(``tests/aws_clients.py``).
"""

from __future__ import annotations

import os

import pytest

from tests.aws_clients import point_clients


@pytest.fixture(autouse=True)
def _no_moto_server_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
        monkeypatch.delenv(name)
    point_clients(at_server=False)
