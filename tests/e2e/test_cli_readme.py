"""The README's ``bin/aduan`` commands, typed in a fresh shell (no AWS_* settings) while the stack runs."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infra.local.config import PROJECT_ROOT
from infra.local.stack import LocalStack
from infra.local.state import STATE_ENV
from tests.e2e.conftest import eventually, http

pytestmark = pytest.mark.e2e

ADUAN = PROJECT_ROOT / "bin" / "aduan"
Aduan = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def aduan(local_stack: LocalStack, tmp_path: Path) -> Aduan:
    """``aduan("token", "list")``: bin/aduan in a clean environment, pointed at the test stack's state."""
    assert local_stack.state_file is not None
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "COLUMNS": "200",
        STATE_ENV: str(local_stack.state_file),
    }

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ADUAN), *args],
            env=env,
            cwd=tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )

    return run


def test_token_and_token_list_as_the_readme_types_them(aduan: Aduan, local_stack: LocalStack) -> None:
    token = aduan("token", "--stage", "jakarta", "--agency", "sudin-bm-js", "--role", "officer")
    assert token.returncode == 0, token.stderr
    api = local_stack.api_url("jakarta")
    code, body = http(
        "GET", f"{api}/agency/reports", headers={"Authorization": f"Bearer {token.stdout.strip()}"}
    )
    assert code == 200, body
    listed = aduan("token", "list", "--stage", "banten")
    assert listed.returncode == 0 and "dlh-kota-tangerang" in listed.stdout, listed.stderr


def test_agency_inbox_finds_the_local_stack_by_itself(aduan: Aduan) -> None:
    inbox = aduan(
        "agency", "inbox", "--stage", "banten", "--agency", "dlh-kota-tangerang", "--status", "PROSES"
    )
    assert inbox.returncode == 0, inbox.stdout + inbox.stderr
    assert "Kotak masuk dlh-kota-tangerang" in inbox.stdout


def test_agency_poll_takes_a_flood_report_from_the_queue(aduan: Aduan, local_stack: LocalStack) -> None:
    api = local_stack.api_url("jakarta")
    marker = uuid.uuid4().hex[:8]
    code, created = http(
        "POST",
        f"{api}/reports",
        {
            "category": "banjir",
            "description": f"Banjir setinggi lutut di Jl. Tebet Raya sejak subuh ({marker})",
            "location": {"lat": -6.2288, "lon": 106.8542, "area_code": "31.74.01"},
            "visibility": "public",
        },
    )
    assert code == 201, created

    def report() -> Any:
        return http("GET", f"{api}/reports/{created['id']}")[1]

    eventually(lambda: report()["status"]["code"] == "DISPOSISI")
    outputs = []
    for _ in range(5):  # other tests' flood reports may share the queue: a batch is up to 5 items
        poll = aduan(
            "agency",
            "poll",
            "--stage",
            "jakarta",
            "--agency",
            "sudin-sda-js",
            "--once",
            "--wait",
            "5",
            stdin="t\n" * 10,
        )
        outputs.append(poll.stdout + poll.stderr)
        assert poll.returncode == 0, outputs[-1]
        if report()["status"]["code"] == "PROSES":
            break
    assert report()["status"]["code"] == "PROSES", "\n".join(outputs)
    assert created["id"] in "".join(outputs)


def test_without_a_local_stack_the_cli_says_what_it_needs(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        STATE_ENV: str(tmp_path / "none.json"),
    }
    poll = subprocess.run(
        [str(ADUAN), "agency", "poll", "--stage", "jakarta", "--agency", "sudin-sda-js"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert poll.returncode == 1
    assert poll.stderr.startswith("Error: no AWS region and no local stack running: start the local stack")
    assert "Traceback" not in poll.stdout + poll.stderr


def test_outbox_shows_what_the_local_stack_sent(aduan: Aduan, local_stack: LocalStack) -> None:
    email = f"warga-{uuid.uuid4().hex[:8]}@example.com"
    body = {
        "category": "sampah",
        "description": "Sampah di depan pasar.",
        "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
        "reporter": {"email": email, "notify": ["email"]},
    }
    code, created = http("POST", f"{local_stack.api_url('jakarta')}/reports", body)
    assert code == 201, created

    def listed() -> str:
        shown = aduan("outbox", "--to", email, "--full")
        assert shown.returncode == 0, shown.stderr
        return shown.stdout if created["id"] in shown.stdout else ""

    text = eventually(listed, timeout=40)
    assert "diteruskan ke instansi" in text and "List-Unsubscribe" in text
