"""Bytecode for what Lambda runs: an unchecked-hash ``.pyc`` beside every module we ship.

Lambda's code (``/var/task``) and layers (``/opt``) are read-only, so a module shipped only as
source is compiled again at every cold start. Compiling at build time, with the runtime's Python
version, removes that cost. The ``.pyc`` files are *unchecked-hash* ones (PEP 552): Python uses them
without comparing them with the source's timestamp, which zip archives do not keep faithfully.
A ``.pyc`` made by another Python version is named for it (``cpython-312``) and ignored, so
compiling is skipped, with a warning, when this interpreter is not the runtime's version.

The function zip's bytecode leaves out the docstrings of modules and functions (about 58 KB of the
zip, which has a 1 MB target): nothing reads them at run time, and the sources shipped beside it keep
them, with every line where it was, for tracebacks. Class docstrings stay: msgspec reads them into
the schemas of the OpenAPI document that ``GET /openapi.json`` serves. It also leaves out the column
positions Python 3.11 adds to every instruction (PEP 657; compiled by a child interpreter started
with ``-X no_debug_ranges``, the only switch for it): about a fifth of the bytecode, which only draws
the ``^^^`` under the failing expression of a traceback line; the lines themselves stay.
"""

from __future__ import annotations

import ast
import compileall
import importlib.util
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from chalicelib.texts import both

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUNCTION_ROOT = "/var/task"
LAYER_ROOT = "/opt/python"


class BytecodeError(RuntimeError):
    """Our own code did not compile (the message in Bahasa Indonesia, the English alongside)."""


def runtime_version(runtime: str) -> str:
    """``python3.11`` -> ``3.11``."""
    found = re.fullmatch(r"python(\d+\.\d+)", runtime)
    if not found:
        raise ValueError(
            both(f"bukan runtime Lambda Python: {runtime!r}", f"not a Python Lambda runtime: {runtime!r}")
        )
    return found.group(1)


def compiles_for(version: str) -> bool:
    """Whether this interpreter writes ``.pyc`` files that Python ``version`` (``3.11``) will load."""
    return f"{sys.version_info.major}.{sys.version_info.minor}" == version


def compile_tree(root: Path, *, shown_as: str, strict: bool = True) -> None:
    """Write ``__pycache__/*.pyc`` for every ``.py`` under ``root``.

    ``shown_as`` is the directory tracebacks name (where Lambda mounts the code). With ``strict``,
    a file that does not compile is an error; third-party trees may hold files that are not meant to
    compile (templates, other Pythons' modules), and those are simply left as sources.
    """
    ok = compileall.compile_dir(
        str(root),
        quiet=2,
        ddir=shown_as,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        workers=1,
    )
    if strict and not ok:
        raise BytecodeError(
            both(f"sebagian modul di {root} gagal dikompilasi", f"some modules under {root} do not compile")
        )


def without_docstrings(source: str) -> str:
    """``source`` with the docstrings of the module and of every function made empty (``""``), each on
    the line it started on and the lines it took left blank: every other line keeps its number."""
    lines = source.encode("utf-8").splitlines(keepends=True)
    docstrings = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                docstrings.append(first)
    for doc in sorted(docstrings, key=lambda d: d.lineno, reverse=True):
        start, end = doc.lineno - 1, (doc.end_lineno or doc.lineno) - 1
        # offsets are in UTF-8 bytes: the lines are bytes too
        kept = lines[start][: doc.col_offset] + b'""' + lines[end][doc.end_col_offset or 0 :]
        lines[start : end + 1] = [kept] + [b"\n"] * (end - start)
    return b"".join(lines).decode("utf-8")


def _compile_without_docstrings(root: Path, shown_as: str) -> None:
    """``compile_tree`` for our own code: an unchecked-hash ``.pyc`` of each module's source without
    its module and function docstrings (``without_docstrings``) or column positions, tracebacks naming
    ``shown_as``; compiled by a child interpreter that leaves the positions out (``_compile_here``)."""
    child = [sys.executable, "-X", "no_debug_ranges", "-m", "infra.bytecode", str(root), shown_as]
    done = subprocess.run(child, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise BytecodeError(
            # the child's last line: "BytecodeError: <message>"
            said[-1].removeprefix(f"{BytecodeError.__name__}: ")
            if said
            else both(f"kompilasi {root} gagal", f"compiling {root} failed")
        )


def _compile_here(root: Path, shown_as: str) -> None:
    """``_compile_without_docstrings``' work, in this interpreter."""
    with tempfile.TemporaryDirectory(prefix="aduan-nodoc-") as tmp:
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root)
            try:
                stripped = without_docstrings(path.read_text(encoding="utf-8"))
            except SyntaxError as error:
                raise BytecodeError(
                    both(f"{relative} gagal dikompilasi: {error}", f"{relative} does not compile: {error}")
                ) from error
            source = Path(tmp) / relative
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text(stripped, encoding="utf-8")
            py_compile.compile(
                str(source),
                cfile=importlib.util.cache_from_source(str(path)),
                dfile=f"{shown_as}/{relative.as_posix()}",
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )


def add_bytecode_to_zip(zip_path: Path, *, shown_as: str = FUNCTION_ROOT) -> int:
    """Rewrite ``zip_path`` with a ``.pyc`` beside each ``.py`` entry (module and function docstrings
    left out); returns the new size in bytes.

    Entries keep their order, times and permissions; the ``.pyc`` files follow them.
    """
    with tempfile.TemporaryDirectory(prefix="aduan-pyc-") as tmp:
        tree = Path(tmp) / "tree"
        with zipfile.ZipFile(zip_path) as archive:
            entries = archive.infolist()
            archive.extractall(tree)
        _compile_without_docstrings(tree, shown_as)
        shipped = {e.filename for e in entries}
        compiled = sorted(p for p in tree.rglob("*.pyc") if p.relative_to(tree).as_posix() not in shipped)
        rebuilt = Path(tmp) / "rebuilt.zip"
        with (
            zipfile.ZipFile(zip_path) as source,
            zipfile.ZipFile(rebuilt, "w", compression=zipfile.ZIP_DEFLATED) as target,
        ):
            # The best deflate level, per entry (a ZipInfo entry does not take the archive's level): a
            # stage's zip is built once and unpacked at every cold start (inflating costs the same at
            # any level); about 1.5 % smaller than the default level.
            for entry in entries:
                target.writestr(entry, source.read(entry.filename), compresslevel=9)
            for path in compiled:
                info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, path.read_bytes(), compresslevel=9)
        shutil.move(rebuilt, zip_path)
    return zip_path.stat().st_size


if __name__ == "__main__":  # the child interpreter of ``_compile_without_docstrings``
    _compile_here(Path(sys.argv[1]), sys.argv[2])
