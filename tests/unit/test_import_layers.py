"""The project's imports form no cycle, and no layer imports one above it (``ast``, no import runs).

Layers, highest first: ``app`` → ``chalicelib.api`` → ``chalicelib.services`` → ``chalicelib.data``
→ ``chalicelib.domain``. Outside the application: ``chalicelib`` imports none of the tools
(``cli``, ``infra``, ``web``, ``tools``, ``bench``), and ``infra`` does not import ``cli``. Every
import counts, also one inside a function or under ``TYPE_CHECKING``: a deferred import still ties
the modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chalicelib", "cli", "infra", "web", "tools", "bench")
# Higher number = higher layer; a module may import only its own layer or lower ones.
LAYERS = {
    "app": 5,
    "chalicelib.api": 4,
    "chalicelib.services": 3,
    "chalicelib.data": 2,
    "chalicelib.domain": 1,
}
FORBIDDEN = {
    "chalicelib": ("app", "cli", "infra", "web", "tools", "bench"),
    "infra": ("cli",),
}


def _module_files() -> dict[str, Path]:
    """Dotted module name -> file, for ``app.py`` and every module of the project's packages."""
    modules = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported(module: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(project module, line) of every import in the file, resolved to the most specific module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                yield name, node.lineno


def _graph() -> dict[str, dict[str, int]]:
    files = _module_files()
    known = set(files)
    return {module: dict(_imported(module, path, known)) for module, path in files.items()}


def _layer(module: str) -> int | None:
    return next((rank for prefix, rank in LAYERS.items() if _within(module, prefix)), None)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _reachable(graph: dict[str, dict[str, int]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or not."""
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Each group of modules that import one another, directly or not (sorted)."""
    reach = {module: _reachable(graph, module) for module in graph}
    groups = {
        tuple(sorted(other for other in reach[module] if module in reach[other]))
        for module in graph
        if module in reach[module]
    }
    return sorted(list(group) for group in groups)


def test_no_import_cycle_among_the_projects_modules() -> None:
    assert _cycles(_graph()) == []


def test_no_layer_imports_a_higher_one() -> None:
    graph, files = _graph(), _module_files()
    wrong = []
    for module, imports in graph.items():
        own = _layer(module)
        for target, line in imports.items():
            other = _layer(target)
            upward = own is not None and other is not None and other > own
            banned = any(
                _within(module, low) and any(_within(target, high) for high in highs)
                for low, highs in FORBIDDEN.items()
            )
            if upward or banned:
                wrong.append(f"{files[module].relative_to(ROOT)}:{line}: {module} imports {target}")
    assert wrong == []


def test_the_checks_see_cycles_and_lazy_imports() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {"f": 1}, "f": {"e": 1}}
    assert _cycles(graph) == [["a", "b", "c"], ["e", "f"]]
    files = _module_files()
    lazy = _graph()["app"]  # app.py imports its chalicelib.api modules inside the views
    assert {"chalicelib.api.reports", "chalicelib.api.events"} <= set(lazy)
    assert "web.devaccounts" in files and "chalicelib.domain.status" in files
