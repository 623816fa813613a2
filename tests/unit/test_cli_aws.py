"""Where bin/aduan sends AWS and API calls: the settings given, else the running local stack's state file."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cli import aws
from infra.local.state import STATE_ENV, StackState, read_state, remove_state, state_path, write_state

AWS_VARIABLES = [*aws.EXPLICIT_SETTINGS, "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"]


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No AWS settings, config files or metadata service; ``ADUAN_LOCAL_STATE`` -> ``<tmp>/stack.json``."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no credential look-up off this machine
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "stack.json"))
    yield tmp_path / "stack.json"


def _state(pid: int | None = None) -> StackState:
    return StackState(
        pid=os.getpid() if pid is None else pid,
        endpoint_url="http://127.0.0.1:5999",
        region="ap-southeast-3",
        apis={"jakarta": "http://127.0.0.1:8931"},
        children={"chalice-jakarta": 1},
    )


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_the_state_file_defaults_to_dot_local_and_round_trips(tmp_path: Path, clean_env: Path) -> None:
    os.environ.pop(STATE_ENV)
    assert state_path(tmp_path) == tmp_path / ".local" / "stack.json"
    write_state(clean_env, _state())
    assert read_state(clean_env) == _state()
    remove_state(clean_env, os.getpid() + 1)
    assert clean_env.exists()
    remove_state(clean_env, os.getpid())
    assert not clean_env.exists() and read_state(clean_env) is None


def test_without_aws_settings_the_local_stack_is_used(clean_env: Path) -> None:
    write_state(clean_env, _state())
    sqs = aws.client("sqs")
    assert sqs.meta.endpoint_url == "http://127.0.0.1:5999"
    assert sqs.meta.region_name == "ap-southeast-3"
    assert sqs._request_signer._credentials.access_key == "testing"
    assert aws.api_base("jakarta", None) == "http://127.0.0.1:8931"
    assert aws.api_base("jakarta", "https://api.example.test/") == "https://api.example.test"
    with pytest.raises(aws.NoAwsSettings, match="does not serve stage banten"):
        aws.api_base("banten", None)


def test_given_aws_settings_win_over_the_local_stack(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_state(clean_env, _state())
    monkeypatch.setenv("AWS_REGION", "ap-southeast-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    sqs = aws.client("sqs")
    assert sqs.meta.region_name == "ap-southeast-1"
    assert "127.0.0.1" not in sqs.meta.endpoint_url


def test_a_stale_state_file_counts_as_no_stack(clean_env: Path) -> None:
    write_state(clean_env, _state(pid=_dead_pid()))
    assert read_state(clean_env) is None
    with pytest.raises(aws.NoAwsSettings, match="no AWS region and no local stack running: start the local"):
        aws.client("sqs")
    with pytest.raises(aws.NoAwsSettings, match="no local stack running: start `make run`"):
        aws.api_base("jakarta", None)


def test_a_region_without_credentials_is_named(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-3")
    write_state(clean_env, _state())
    with pytest.raises(aws.NoAwsSettings, match="no AWS credentials: with AWS_DEFAULT_REGION set the CLI"):
        aws.client("sqs")


def test_with_a_second_engine_sqs_goes_to_it_and_the_rest_to_the_first(clean_env: Path) -> None:
    state = replace(_state(), sqs_endpoint_url="http://127.0.0.1:5998")
    write_state(clean_env, state)
    assert read_state(clean_env) == state
    assert aws.client("sqs").meta.endpoint_url == "http://127.0.0.1:5998"
    assert aws.client("dynamodb").meta.endpoint_url == "http://127.0.0.1:5999"
    env = state.aws_env()
    assert env["AWS_ENDPOINT_URL_SQS"] == "http://127.0.0.1:5998"
    assert env["AWS_ENDPOINT_URL_DYNAMODB"] == env["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:5999"


def test_local_clients_follow_the_per_service_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    from infra.local import aws as local_aws

    for name, value in local_aws.local_env(
        "http://127.0.0.1:7001", sqs_endpoint_url="http://127.0.0.1:7002"
    ).items():
        monkeypatch.setenv(name, value)
    assert local_aws.client("sqs").meta.endpoint_url == "http://127.0.0.1:7002"
    assert local_aws.client("dynamodb").meta.endpoint_url == "http://127.0.0.1:7001"
    assert local_aws.client("cloudformation").meta.endpoint_url == "http://127.0.0.1:7001"
