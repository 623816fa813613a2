"""A province is configuration only: no province is named in the application's code.

Province codes, area codes, key prefixes, slugs and jurisdiction ids belong in
``chalicelib/provinces/data/*.json`` and ``.chalice/config.json``. This scans the string
constants of ``app.py`` and ``chalicelib/**/*.py`` (docstrings and prose aside, only whole
values that look like a code, a key or an identifier of a province), checks that every data
file is served without a list in code, and that adding Jawa Barat touched no Python there.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.provinces.registry import DATA_DIR, registry
from infra.local.config import PROJECT_ROOT, read_config, stage_config, stage_names

JAWA_BARAT_DATA = "chalicelib/provinces/data/32.json"


def _identifiers() -> tuple[set[str], set[str]]:
    """(province codes, other identifiers: slugs, jurisdiction ids), from every data file."""
    codes, names = set(), set()
    for path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        codes.add(data["code"])
        names |= {data["slug"].lower(), data["jurisdiction_id"].lower()}
    return codes, names


def province_literals(source: str, codes: set[str], names: set[str]) -> Iterator[tuple[int, str]]:
    """(line, value) of string constants naming a province: ``"31"``, ``"31.74"``, ``"31-"``, ``"banten"``."""
    alternatives = "|".join(map(re.escape, sorted(codes)))
    shaped = re.compile(rf"^({alternatives})([.\-#~]|$)")
    tree = ast.parse(source)
    # Inside an f-string only the leading text is a value's start ("32~{id}"; not "{n}31").
    inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values[1:]}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inner:
            value = node.value.strip()
            if shaped.match(value) or value.lower() in names:
                yield node.lineno, node.value


def _sources() -> Iterator[Path]:
    yield PROJECT_ROOT / "app.py"
    yield from sorted((PROJECT_ROOT / "chalicelib").rglob("*.py"))


def test_no_province_is_named_in_application_code() -> None:
    codes, names = _identifiers()
    found = []
    for path in _sources():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        for line, value in province_literals(path.read_text(encoding="utf-8"), codes, names):
            found.append(f"{relative}:{line}: {value!r}")
    assert found == [], "province-specific values belong in data/config:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        'if province == "32": pass',
        'AREA = "32.75.01"',
        'key = "32~" + origin',
        'key = f"32~{origin}"',
        'STAGE = "jawa-barat"',
        'x = {"jabarprov.go.id": 1}',
    ],
)
def test_the_scan_would_catch_hard_coding(snippet: str) -> None:
    codes, names = _identifiers()
    assert list(province_literals(snippet, codes, names)), snippet


def test_prose_and_unrelated_numbers_are_not_flagged() -> None:
    codes, names = _identifiers()
    text = '"""Jakarta and Banten docs."""\nx = "2031-01-01"\ny = "aduan-{province}-intake"\nz = f"{n}31"'
    assert list(province_literals(text, codes, names)) == []


def test_every_data_file_is_a_served_province_without_a_list_in_code() -> None:
    files = {p.stem for p in DATA_DIR.glob("*.json")}
    assert set(registry().provinces) == files
    served = {stage_config(s).environment["ADUAN_PROVINCE"]: s for s in stage_names()}
    assert set(served) == files
    config = read_config()
    for code, stage in served.items():
        assert (PROJECT_ROOT / "infra" / "generated" / f"province-{code}.json").is_file()
        assert (PROJECT_ROOT / "infra" / "generated" / "app" / f"{stage}.json").is_file()
        assert (PROJECT_ROOT / ".chalice" / config["stages"][stage]["iam_policy_file"]).is_file()


def _git(*args: str, cwd: Path = PROJECT_ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def adding_commit(path: str, cwd: Path = PROJECT_ROOT) -> str | None:
    """The commit that added ``path``; None when the history does not reach it: a commit without a
    parent (a shallow clone's first commit, a squashed or copied history) adds every file at once."""
    commits = _git("log", "--diff-filter=A", "--format=%H", "--", path, cwd=cwd).splitlines()
    if not commits:
        return None
    parents = _git("rev-list", "--parents", "-n", "1", commits[-1], cwd=cwd).split()[1:]
    return commits[-1] if parents else None


@pytest.mark.skipif(
    shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists(), reason="needs the git history"
)
def test_adding_jawa_barat_changed_no_application_code() -> None:
    commit = adding_commit(JAWA_BARAT_DATA)
    if commit is None:
        pytest.skip(f"the history does not reach the commit adding {JAWA_BARAT_DATA} (shallow clone?)")
    touched = _git("show", "--name-only", "--format=", commit).splitlines()
    code = [p for p in touched if p == "app.py" or (p.startswith("chalicelib/") and p.endswith(".py"))]
    assert code == [], f"the commit adding Jawa Barat changed application code: {code}"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_history_that_starts_with_everything_has_no_adding_commit(tmp_path: Path) -> None:
    def commit(*files: str) -> str:
        for name in files:
            (tmp_path / name).write_text(name, encoding="utf-8")
        _git("add", *files, cwd=tmp_path)
        _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x", cwd=tmp_path)
        return _git("rev-parse", "HEAD", cwd=tmp_path)

    _git("init", "-q", cwd=tmp_path)
    commit("app.py", "32.json")  # a shallow clone or a copy: the first commit has every file
    assert adding_commit("32.json", tmp_path) is None
    second = commit("36.json")
    assert adding_commit("36.json", tmp_path) == second
