"""``requirements.lock``: the Lambda layer's every package, pinned with hashes, fresh, without the AWS SDK."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import layer
from infra.layer import (
    LOCK,
    LOCK_COMMAND,
    RUNTIME_PROVIDED,
    LayerError,
    check_lock,
    fetch_wheels,
    layer_pins,
    read_lock,
    requirement_pins,
)


def test_the_lock_pins_every_requirement_with_hashes_and_no_runtime_package() -> None:
    lock = read_lock()
    check_lock(lock, requirement_pins())  # else: run `make lock`
    assert all(pin.hashes for pin in lock.values())
    assert {"pynamodb", "aws-lambda-powertools", "aws-xray-sdk"} <= set(lock)
    assert not set(lock) & set(RUNTIME_PROVIDED)
    assert layer_pins() == {name: pin.version for name, pin in lock.items()}


def test_the_lock_command_is_the_one_in_the_lock_header() -> None:
    assert "#    make lock" in LOCK.read_text(encoding="utf-8")
    assert "--generate-hashes" in LOCK_COMMAND
    assert {f"--no-emit-package={name}" for name in RUNTIME_PROVIDED} <= set(LOCK_COMMAND)


def test_a_stale_lock_is_refused() -> None:
    lock, requirements = read_lock(), requirement_pins()
    with pytest.raises(LayerError, match=r"does not pin pynamodb==9\.9\.9"):
        check_lock(lock, {**requirements, "pynamodb": "9.9.9"})
    with pytest.raises(LayerError, match="does not pin new-package"):
        check_lock(lock, {**requirements, "new-package": "1.0"})
    dropped = next(name for name, pin in lock.items() if pin.direct)
    with pytest.raises(LayerError, match=f"still pins .*{dropped}.*gone from requirements.txt"):
        check_lock(lock, {n: v for n, v in requirements.items() if n != dropped})


def test_an_unhashed_lock_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "requirements.lock"
    path.write_text("pynamodb==6.1.0\n", encoding="utf-8")
    with pytest.raises(LayerError, match="no hashes"):
        read_lock(path)


def test_a_cached_wheel_that_does_not_match_the_lock_is_refused(tmp_path: Path) -> None:
    version = read_lock()["pyjwt"].version
    (tmp_path / f"pyjwt-{version}-py3-none-any.whl").write_bytes(b"not the wheel PyPI published")
    with pytest.raises(LayerError, match="does not match a hash"):
        fetch_wheels({"pyjwt": version}, tmp_path, offline=True)


def test_make_layer_refuses_in_bahasa_indonesia_first_with_the_english_alongside(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lock, requirements = read_lock(), requirement_pins()
    with pytest.raises(LayerError) as refused:
        check_lock(lock, {**requirements, "pynamodb": "9.9.9"})
    assert str(refused.value) == (
        "requirements.lock tidak mematok pynamodb==9.9.9: jalankan `make lock` "
        "(requirements.lock does not pin pynamodb==9.9.9: run `make lock`)"
    )

    def stale() -> dict[str, str]:
        raise refused.value

    monkeypatch.setattr(layer, "layer_pins", stale)
    assert layer.main(["--list"]) == 1
    assert capsys.readouterr().err == f"kesalahan (error): {refused.value}\n"
