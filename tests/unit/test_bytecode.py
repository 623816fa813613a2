"""Shipping unchecked-hash .pyc files so that Lambda does not compile our modules at each cold start."""

from __future__ import annotations

import importlib.util
import marshal
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from infra.bytecode import BytecodeError, add_bytecode_to_zip, compile_tree, compiles_for, runtime_version

TAG = sys.implementation.cache_tag  # cpython-311


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_runtime_version_reads_the_lambda_runtime_name() -> None:
    assert runtime_version("python3.11") == "3.11"
    with pytest.raises(ValueError):
        runtime_version("nodejs20.x")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert compiles_for(here) and not compiles_for("2.7")


def test_zip_gains_an_unchecked_hash_pyc_beside_each_module(tmp_path: Path) -> None:
    # Given a function zip with a top-level module, a package and a data file
    files = {
        "app.py": "X = 1\n",
        "lib/__init__.py": "",
        "lib/mod.py": "def f():\n    return 2\n",
        "lib/d.json": "{}",
    }
    zip_path = _zip(tmp_path / "f.zip", files)
    # When bytecode is added
    add_bytecode_to_zip(zip_path)
    # Then every .py has its .pyc, the original entries come first and unchanged
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert names[: len(files)] == list(files)
        assert archive.read("lib/mod.py") == files["lib/mod.py"].encode()
        pyc = archive.read(f"lib/__pycache__/mod.{TAG}.pyc")
    assert set(names) - set(files) == {
        f"__pycache__/app.{TAG}.pyc",
        f"lib/__pycache__/__init__.{TAG}.pyc",
        f"lib/__pycache__/mod.{TAG}.pyc",
    }
    # PEP 552 flags: hash-based (bit 0) and not checked against the source (bit 1 clear)
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01
    # tracebacks name the file where Lambda mounts the code
    assert marshal.loads(pyc[16:]).co_filename == "/var/task/lib/mod.py"


def test_python_loads_the_shipped_pyc_instead_of_compiling(tmp_path: Path) -> None:
    zip_path = _zip(tmp_path / "f.zip", {"shipped.py": "VALUE = 42\n"})
    add_bytecode_to_zip(zip_path)
    task = tmp_path / "task"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(task)
    # a source newer than the pyc does not matter: the pyc is unchecked (as after unzipping in Lambda)
    os.utime(task / "shipped.py", (2_000_000_000, 2_000_000_000))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(
        [sys.executable, "-v", "-c", "import shipped; print(shipped.VALUE)"],
        cwd=task,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "42"
    assert f"code object from '{task / '__pycache__' / f'shipped.{TAG}.pyc'}'" in run.stderr


def test_our_code_must_compile(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def (:\n", encoding="utf-8")
    with pytest.raises(BytecodeError):
        compile_tree(tmp_path, shown_as="/var/task")
    compile_tree(tmp_path, shown_as="/opt/python", strict=False)  # third-party trees may hold such files
