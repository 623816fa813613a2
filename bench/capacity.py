"""DynamoDB capacity arithmetic from item sizes, per DynamoDB's published rules (pure; no AWS).

- Item size: the sum over attributes of the UTF-8 length of the name plus the size of the value
  (string: UTF-8 bytes; number: 1 byte per two significant digits + 1; binary: bytes;
  boolean/null: 1; list/map: 3 bytes + 1 per element + the elements (and map keys)).
- Writes (PutItem/UpdateItem/DeleteItem): ceil(size / 1 KB), at least 1, using the larger of the
  item before and after; transactional writes cost twice that. BatchWriteItem: per item.
- Reads: ceil(size / 4 KB), at least 1, for a strongly consistent read; half for an eventually
  consistent one; transactional reads cost twice. A Query is charged on the total size of the
  items it read (one rounding for the whole page), at least one unit.
- Global secondary indexes (ALL projection): a write also writes every index the item is in:
  one index write when the item stays under the same index key, two (delete + put) when the
  index key changes, one when it enters or leaves the index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

KB = 1024
WRITE_UNIT_BYTES = 1 * KB
READ_UNIT_BYTES = 4 * KB

Item = Mapping[str, Mapping[str, Any]]  # DynamoDB JSON: {"name": {"S": "..."}}


def number_size(text: str) -> int:
    """Bytes DynamoDB counts for a number: 1 per two significant digits, plus 1."""
    digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "")
    if "E" in digits:  # normalize() may use exponent notation: keep the mantissa only
        digits = digits.split("E", 1)[0]
    significant = digits.strip("0") or "0"
    return math.ceil(len(significant) / 2) + 1


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one typed attribute value."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return number_size(str(inner))
    if kind == "B":
        return len(inner if isinstance(inner, bytes | bytearray) else str(inner).encode())
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode()) for s in inner)
    if kind == "NS":
        return sum(number_size(n) for n in inner)
    if kind == "BS":
        return sum(len(b) for b in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in inner.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def item_size(item: Item | None) -> int:
    """Bytes of an item: attribute names plus values."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def write_units(size_before: int, size_after: int, *, transactional: bool = False) -> int:
    """Write units of one write: the larger image, rounded up to 1 KB, at least 1; twice in a transaction."""
    units = max(1, math.ceil(max(size_before, size_after) / WRITE_UNIT_BYTES))
    return units * 2 if transactional else units


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    """Read units of one read (or one Query page) of ``size`` bytes."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    if transactional:
        return float(units * 2)
    return float(units) if consistent else units / 2


def index_write_units(
    before: Item | None, after: Item | None, hash_key: str, range_key: str | None = None
) -> int:
    """Write units a table write costs one global secondary index (ALL projection)."""

    def key(item: Item | None) -> tuple[Any, ...] | None:
        if not item or hash_key not in item or (range_key and range_key not in item):
            return None
        return (repr(item[hash_key]), repr(item[range_key]) if range_key else None)

    old_key, new_key = key(before), key(after)
    old_units = max(1, math.ceil(item_size(before) / WRITE_UNIT_BYTES)) if old_key else 0
    new_units = max(1, math.ceil(item_size(after) / WRITE_UNIT_BYTES)) if new_key else 0
    if old_key and new_key:
        if old_key == new_key:
            return 0 if before == after else max(old_units, new_units)
        return old_units + new_units
    return old_units + new_units
