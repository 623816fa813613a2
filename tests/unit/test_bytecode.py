"""Shipping unchecked-hash .pyc files so that Lambda does not compile our modules at each cold start."""

from __future__ import annotations

import importlib.util
import marshal
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    with pytest.raises(ValueError) as refused:
        runtime_version("nodejs20.x")
    # Indonesian first, the English word for word alongside
    assert str(refused.value) == (
        "bukan runtime Lambda Python: 'nodejs20.x' (not a Python Lambda runtime: 'nodejs20.x')"
    )
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


MODULE = '''"""A module's docstring,
over two lines."""

from __future__ import annotations


class Shape:
    """Kept: msgspec reads class docstrings into schemas."""

    def area(self) -> int:
        """Two
        lines, and an accent: é."""
        return 1 // 0


async def only_docstring() -> None:
    """Nothing else in the body."""


def fail() -> int:
    return Shape().area()
'''


def test_the_function_zip_bytecode_has_no_module_or_function_docstrings_and_the_same_lines(
    tmp_path: Path,
) -> None:
    # Given a module with docstrings of every kind, shipped in a function zip
    zip_path = _zip(tmp_path / "f.zip", {"lib/__init__.py": "", "lib/shapes.py": MODULE})
    add_bytecode_to_zip(zip_path)
    task = tmp_path / "task"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(task)
        assert archive.read("lib/shapes.py").decode() == MODULE  # the source ships as written
    # When Python runs it from the shipped bytecode
    probe = (
        "import traceback, lib.shapes as m\n"
        "print(repr(m.__doc__), repr(m.Shape.area.__doc__), repr(m.only_docstring.__doc__))\n"
        "print(m.Shape.__doc__)\n"
        "try:\n    m.fail()\nexcept ZeroDivisionError as e:\n"
        "    print([f.lineno for f in traceback.extract_tb(e.__traceback__)][1:])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=task,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    docs, kept, lines = run.stdout.splitlines()
    # Then the module's and the functions' docstrings are empty, the class's kept
    assert docs == "'' '' ''"
    assert kept == "Kept: msgspec reads class docstrings into schemas."
    # And a traceback names the lines of the shipped source
    numbered = MODULE.splitlines()
    expected = [numbered.index("    return Shape().area()") + 1, numbered.index("        return 1 // 0") + 1]
    assert lines == str(expected) == "[21, 13]"


def _codes(code: Any) -> Iterator[Any]:
    """``code`` and every code object nested in it (functions, classes, comprehensions)."""
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_positions"):
            yield from _codes(const)


def test_the_function_zip_bytecode_keeps_lines_and_leaves_out_column_positions(tmp_path: Path) -> None:
    # Given a module shipped in a function zip
    zip_path = _zip(tmp_path / "f.zip", {"lib/__init__.py": "", "lib/shapes.py": MODULE})
    add_bytecode_to_zip(zip_path)
    with zipfile.ZipFile(zip_path) as archive:
        shipped = marshal.loads(archive.read(f"lib/__pycache__/shapes.{TAG}.pyc")[16:])
    # Then no instruction carries a column (PEP 657's carets), every one its line
    positions = [p for code in _codes(shipped) for p in code.co_positions()]
    assert positions and all(col is None and end_col is None for _, _, col, end_col in positions)
    assert {line for line, *_ in positions if line} >= {13, 21}  # the lines of the traceback test above
    # while this interpreter's own compile of the same source has them
    here = compile(MODULE, "shapes.py", "exec")
    assert any(col is not None for code in _codes(here) for _, _, col, _ in code.co_positions())


def test_a_shipped_module_that_does_not_compile_is_an_error_naming_it(tmp_path: Path) -> None:
    zip_path = _zip(tmp_path / "f.zip", {"lib/__init__.py": "", "lib/broken.py": "def (:\n"})
    with pytest.raises(BytecodeError, match=r"lib/broken\.py does not compile") as refused:
        add_bytecode_to_zip(zip_path)
    # Indonesian first, the English alongside (make package prints it after its "kesalahan (error): ")
    assert str(refused.value).startswith("lib/broken.py gagal dikompilasi: invalid syntax")
    assert str(refused.value).endswith("(lib/broken.py does not compile: invalid syntax (<unknown>, line 1))")
