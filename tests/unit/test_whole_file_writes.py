"""Whole-file writes (``infra/files``) as the key commands and the development issuer use them: a file
is its old content or its new one, and a secret is readable by its owner only."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from cli.signing_keys import listed_keys, write_keys
from infra.dev_issuer import dev_device_key, ensure_keys
from infra.files import create_exclusively, write_bytes

DATA_DIR = Path(__file__).resolve().parents[2] / "chalicelib" / "provinces" / "data"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_exclusively_keeps_a_file_already_there_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "key"
    target.write_bytes(b"first")
    create_exclusively(target, b"second", mode=0o600)
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["key"]


def test_write_bytes_sets_the_mode_asked_for(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "jwks.json"
    write_bytes(target, b"{}", mode=0o640)
    assert target.read_bytes() == b"{}"
    assert _mode(target) == 0o640


def test_the_development_secrets_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    key = dev_device_key(tmp_path)
    keys = ensure_keys(tmp_path)
    device_file = next(p for p in keys.jwks_path.parent.iterdir() if p.read_text().strip() == key)
    assert _mode(device_file) == 0o600
    assert _mode(keys.jwks_path.parent / "private_key.pem") == 0o600
    assert _mode(keys.jwks_path) == 0o644  # public


def test_a_key_list_write_stopped_midway_leaves_the_data_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a copy of Banten's data file
    shutil.copy(DATA_DIR / "36.json", tmp_path / "36.json")
    before = (tmp_path / "36.json").read_text(encoding="utf-8")
    keys = listed_keys("36", tmp_path)

    def killed(*_: object) -> None:
        raise KeyboardInterrupt

    # When the write of its new key list is stopped just as it would replace the file
    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_keys("36", tmp_path, [*keys, {"kid": "36-new", "public_key": keys[0]["public_key"]}])

    # Then the file is whole as it was, and no temporary file is left beside it
    assert (tmp_path / "36.json").read_text(encoding="utf-8") == before
    assert json.loads(before)["handover_keys"] == keys
    assert [p.name for p in tmp_path.iterdir()] == ["36.json"]
