"""Shared fixtures for integration tests: moto in server mode with Aduan's templates deployed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from infra.local.aws import REGION, local_env
from infra.local.deploy import TEMPLATES_DIR, DeployedStack, deploy_templates
from infra.local.moto_server import MotoServer
from tests.aws_clients import point_clients

T = TypeVar("T")

# Short enough that redelivery tests are quick, long enough that a slow handler is not redelivered.
TEST_VISIBILITY_TIMEOUT = 5


@pytest.fixture(scope="session")
def _moto_deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[DeployedStack]]]:
    # A child process, not ThreadedMotoServer: mock_aws() in other tests would wipe an in-process server.
    server = MotoServer(port=None, in_process=False, log_dir=tmp_path_factory.mktemp("moto-logs"))
    endpoint = server.start()
    env = local_env(endpoint, REGION)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        stacks = deploy_templates(endpoint, TEMPLATES_DIR, visibility_timeout=TEST_VISIBILITY_TIMEOUT)
        yield endpoint, stacks
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.stop()


@pytest.fixture(autouse=True)
def _clients_for_the_moto_server() -> None:
    """Clients cached by unit tests (``mock_aws``) are made again for the server (tests/aws_clients.py)."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        point_clients(at_server=True)


@pytest.fixture(scope="session")
def moto_endpoint(_moto_deployment: tuple[str, list[DeployedStack]]) -> str:
    """moto's URL, with shared.json and every province-*.json deployed (VisibilityTimeout 5 s).

    For the whole session ``os.environ`` has AWS_ENDPOINT_URL, AWS_DEFAULT_REGION (ap-southeast-3)
    and dummy credentials, so plain ``boto3.client(...)`` (anything botocore-based) reaches moto.
    """
    return _moto_deployment[0]


@pytest.fixture(scope="session")
def moto_stacks(_moto_deployment: tuple[str, list[DeployedStack]]) -> list[DeployedStack]:
    """The stacks ``moto_endpoint`` deployed (name, template path, outputs)."""
    return _moto_deployment[1]


@pytest.fixture(scope="session")
def templates_dir() -> Path:
    """The committed templates that the moto fixtures deploy."""
    return TEMPLATES_DIR


class ProjectFactory:
    """Writes a throw-away Chalice project (``app.py`` + ``.chalice/config.json``) under a tmp dir."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.count = 0

    def __call__(self, app_source: str, stages: dict[str, dict[str, str]], app_name: str = "tiny") -> Path:
        """A project whose stages have the given environment variables."""
        self.count += 1
        root = self.base / f"project-{self.count}"
        (root / ".chalice").mkdir(parents=True)
        (root / "app.py").write_text(app_source, encoding="utf-8")
        config = {
            "version": "2.0",
            "app_name": app_name,
            "lambda_timeout": 20,
            "lambda_memory_size": 256,
            "environment_variables": {"TOP_LEVEL": "yes"},
            "stages": {name: {"environment_variables": env} for name, env in stages.items()},
        }
        (root / ".chalice" / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        return root


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """``make_project(app_source, {"stage": {"ENV": "value"}})`` -> project root with a tiny Chalice app."""
    return ProjectFactory(tmp_path)


def poll_until(predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05) -> T:
    """Call ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last value {value!r})")
        time.sleep(interval)


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """``wait_for(predicate, timeout=10)``: poll until truthy, return the value, else fail the test."""
    return poll_until
