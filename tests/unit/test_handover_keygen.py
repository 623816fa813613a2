"""``aduan handover``: production signing keys in SSM (moto), their public halves in province data.

After keygen a message signed with the key the stage reads from SSM verifies against the data file
written; after a rotation (keygen --rotate, activate) messages signed with the old key still verify
until it is retired. No output ever carries a private key.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from typer.testing import CliRunner

from chalicelib.config import HANDOVER_KEY_VARIABLE
from chalicelib.data import handover_keys
from chalicelib.domain.handover_auth import b64url, sign, unb64url, verify
from chalicelib.provinces.model import decode_province_data
from cli.main import app as cli_app
from cli.region_checks import check_handover_keys
from cli.signing_keys import live_parameter, pending_parameter
from cli.stages import REPO_ROOT

SHIPPED = REPO_ROOT / "chalicelib" / "provinces" / "data"
BODY = '{"type":"update","origin_id":"3126120600001"}'


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for code in ("31", "36"):
        shutil.copy(SHIPPED / f"{code}.json", tmp_path / f"{code}.json")
    return tmp_path


@pytest.fixture
def ssm(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_REGION", "ap-southeast-3")
    with mock_aws():
        import boto3

        yield boto3.client("ssm", region_name="ap-southeast-3")


class Run:
    """The CLI against a data directory, keeping everything it wrote to stdout and stderr."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.output = ""

    def __call__(self, *args: str, ok: bool = True) -> str:
        result = CliRunner().invoke(cli_app, ["handover", *args, "--data-dir", str(self.data_dir)])
        self.output += result.output  # CliRunner mixes stderr in
        assert (result.exit_code == 0) is ok, result.output
        return result.output


def _private(ssm: object, name: str) -> tuple[str, bytes]:
    stored = json.loads(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])  # type: ignore[attr-defined]
    return stored["kid"], unb64url(stored["private_key"])


def _verifies(data_dir: Path, kid: str, private_key: bytes) -> bool:
    """A message 31 signs for 36 with this key verifies against 31's data file (as a deployed stage)."""
    data = decode_province_data((data_dir / "31.json").read_text(encoding="utf-8"))
    keys = {key.kid: key.public_key for key in data.handover_keys}
    return verify(keys, sign(private_key, kid, "31", "36", BODY), "36", BODY, accept_dev_keys=False)


def _assert_never_printed(output: str, *private_keys: bytes) -> None:
    for private_key in private_keys:
        assert b64url(private_key) not in output and private_key.hex() not in output


def test_keygen_stores_the_private_key_and_lists_the_public_one(
    ssm: object, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Run(data_dir)
    printed = run("keygen", "--province", "31")
    kid, private_key = _private(ssm, live_parameter("31"))
    assert kid in printed and "36" in printed and "then deploy 31" in printed
    assert ssm.describe_parameters()["Parameters"][0]["Type"] == "SecureString"  # type: ignore[attr-defined]
    assert _verifies(data_dir, kid, private_key)
    assert check_handover_keys(json.loads((data_dir / "31.json").read_text(encoding="utf-8"))) == []
    # The stage reads the same key from the parameter keygen wrote.
    monkeypatch.setenv(HANDOVER_KEY_VARIABLE, f"ssm:{live_parameter('31')}")
    assert handover_keys.signing_key("31") == handover_keys.SigningKey(kid, private_key)
    listed = run("keys", "--stage", "jakarta")
    assert kid in listed and "dev-31" in listed and "no production key" not in listed
    _assert_never_printed(run.output, private_key)


def test_keygen_refuses_to_overwrite_without_rotate(ssm: object, data_dir: Path) -> None:
    run = Run(data_dir)
    run("keygen", "--province", "31")
    before = (data_dir / "31.json").read_text(encoding="utf-8")
    kid, private_key = _private(ssm, live_parameter("31"))
    assert "--rotate" in run("keygen", "--province", "31", ok=False)
    assert _private(ssm, live_parameter("31")) == (kid, private_key)
    assert (data_dir / "31.json").read_text(encoding="utf-8") == before
    assert "no key to rotate" in run("keygen", "--province", "36", "--rotate", ok=False)


def test_rotation_keeps_the_old_key_verifying_until_it_is_retired(ssm: object, data_dir: Path) -> None:
    run = Run(data_dir)
    run("keygen", "--province", "31")
    old_kid, old_key = _private(ssm, live_parameter("31"))
    steps = run("keygen", "--province", "31", "--rotate")
    new_kid, new_key = _private(ssm, pending_parameter("31"))
    assert new_kid != old_kid and steps.index("receive from 31 first") < steps.index("activate")
    # Receivers know both keys; the sender still signs with the old one until activate.
    assert _private(ssm, live_parameter("31")) == (old_kid, old_key)
    assert _verifies(data_dir, old_kid, old_key) and _verifies(data_dir, new_kid, new_key)
    assert "not finished" in run("keygen", "--province", "31", "--rotate", ok=False)
    assert "still in SSM" in run("retire", "--province", "31", "--kid", old_kid, ok=False)
    run("activate", "--province", "31")
    assert _private(ssm, live_parameter("31")) == (new_kid, new_key)
    assert ssm.describe_parameters()["Parameters"][0]["Name"] == live_parameter("31")  # type: ignore[attr-defined]
    assert _verifies(data_dir, old_kid, old_key)  # messages still queued verify
    run("retire", "--province", "31", "--kid", old_kid)
    assert not _verifies(data_dir, old_kid, old_key) and _verifies(data_dir, new_kid, new_key)
    assert "still in SSM" in run("retire", "--province", "31", "--kid", new_kid, ok=False)
    _assert_never_printed(run.output, old_key, new_key)


def test_activate_refuses_a_key_the_receivers_do_not_list(ssm: object, data_dir: Path) -> None:
    run = Run(data_dir)
    run("keygen", "--province", "31")
    run("keygen", "--province", "31", "--rotate")
    pending, _ = _private(ssm, pending_parameter("31"))
    data = json.loads((data_dir / "31.json").read_text(encoding="utf-8"))
    data["handover_keys"] = [key for key in data["handover_keys"] if key["kid"] != pending]
    (data_dir / "31.json").write_text(json.dumps(data), encoding="utf-8")
    assert "receivers would refuse it" in run("activate", "--province", "31", ok=False)
    assert _private(ssm, pending_parameter("31"))[0] == pending


def test_the_data_file_is_written_as_the_builder_writes_it(ssm: object, data_dir: Path) -> None:
    from tools.build_province_data import build_province, default_csv_path

    Run(data_dir)("keygen", "--province", "36")
    assert build_province("36", default_csv_path(), out_dir=data_dir) == (data_dir / "36.json").read_text(
        encoding="utf-8"
    )
