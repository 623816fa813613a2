"""Usage lines and their hints name ``bin/aduan``, the command the docs give, not ``python -m cli``."""

from __future__ import annotations

import os
import subprocess
import sys

from infra.local.config import PROJECT_ROOT


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_help_and_a_missing_option_name_bin_aduan() -> None:
    helped = _cli("region", "add", "--help")
    assert helped.returncode == 0 and "Usage: bin/aduan region add [OPTIONS]" in helped.stdout
    missing = _cli("region", "add")
    assert missing.returncode == 2
    assert "Try 'bin/aduan region add --help' for help." in missing.stderr
    assert "python -m cli" not in helped.stdout + missing.stderr
