"""Storage key formats (``<province>#tok#<hash>``, ``<key>#n#...``) are written only in ``chalicelib/data``.

Services and views hand the data layer what a record is about (a report key, a recipient, an
hour, a hash); how that becomes a DynamoDB key is the repositories' business (issue #14, point 3).
Read with ``ast``: no module is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
# a key segment between '#'s, as every key format of the two tables has (``#idem#``, ``#n#``, ``#rate#``)
KEY_SEGMENT = re.compile(r"#[a-z_]+(#|$)")


def _key_formats(path: Path) -> list[str]:
    """``file:line: text`` of each string or f-string in the file that looks like a key format."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 40:
            text = node.value
        else:
            continue
        if isinstance(text, str) and KEY_SEGMENT.search(text):
            found.append(f"{path.relative_to(CHALICELIB)}:{node.lineno}: {text}")
    return found


def test_no_module_outside_the_data_layer_writes_a_storage_key_format() -> None:
    # Given every module of chalicelib but its data layer
    outside = [p for p in sorted(CHALICELIB.rglob("*.py")) if p.relative_to(CHALICELIB).parts[0] != "data"]
    # When their strings are read, Then none is a key format
    assert [line for path in outside for line in _key_formats(path)] == []


def test_the_scan_finds_the_data_layers_key_formats() -> None:
    # The check above could fail: the same scan finds the formats where they belong.
    found = "\n".join(_key_formats(CHALICELIB / "data" / "notices.py"))
    assert "#tok#" in found and "#nsup#" in found and "#n#" in found
