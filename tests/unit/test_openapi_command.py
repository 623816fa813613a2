"""``python -m chalicelib.api.openapi``: writes the document where it is told, and answers --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chalicelib.api.openapi import document_text


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.api.openapi", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_is_answered_and_writes_no_file(tmp_path: Path) -> None:
    done = _run(tmp_path, "--help")
    assert done.returncode == 0 and "usage:" in done.stdout
    assert list(tmp_path.iterdir()) == []  # not a document named "--help"


def test_the_document_is_written_to_the_path_given(tmp_path: Path) -> None:
    done = _run(tmp_path, "out.json")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == document_text()
