"""Page cursors: where a listing of one index partition continues, as an opaque string.

A cursor holds the table key and the index sort key of the last report of a page, and a checksum
of them together with the listing they belong to (index, partition, key condition, direction).
The partition key is never read from the cursor: it is the one being listed. So a cursor edited
by hand, or one of another listing, is refused (``invalid_cursor``); one forged to pass the check
can only start the caller's own listing at another place in it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from chalicelib.errors import ValidationFailed

MAX_KEY_LENGTH = 200


def _checksum(listing: str, values: list[str]) -> str:
    text = json.dumps([listing, values], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _invalid() -> ValidationFailed:
    return ValidationFailed("Kursor halaman tidak sah (invalid cursor).", code="invalid_cursor")


def encode(listing: str, table_key: str, sort_key: str) -> str:
    """The cursor continuing ``listing`` after the item with these keys."""
    values = [table_key, sort_key]
    payload = {"k": values, "c": _checksum(listing, values)}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(
    cursor: str,
    listing: str,
    *,
    sort_prefix: str = "",
    sort_below: str | None = None,
    sort_within: tuple[str, str] | None = None,
    sort_number: bool = False,
) -> tuple[str, str]:
    """The table key and sort key in a cursor of ``listing``; 422 ``invalid_cursor`` for anything else.

    ``sort_prefix``, ``sort_below`` and ``sort_within`` (inclusive bounds) are the listing's key
    condition, and ``sort_number`` a numeric sort key (digits only): a start key outside them would
    be refused by DynamoDB itself.
    """
    try:
        payload = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: JSON nested too deep
        raise _invalid() from None
    values: Any = payload.get("k") if isinstance(payload, dict) else None
    if (
        not isinstance(values, list)
        or len(values) != 2
        or not all(isinstance(v, str) and 0 < len(v) <= MAX_KEY_LENGTH for v in values)
        or payload.get("c") != _checksum(listing, values)
    ):
        raise _invalid()
    table_key, sort_key = values
    if (
        not sort_key.startswith(sort_prefix)
        or (sort_below is not None and not sort_key < sort_below)
        or (sort_within is not None and not sort_within[0] <= sort_key <= sort_within[1])
        or (sort_number and not (sort_key.isascii() and sort_key.isdigit()))
    ):
        raise _invalid()
    return table_key, sort_key


START = ""
"""In a cursor of several listings (``encode_many``): this listing has not been read yet."""
END = "."
"""In a cursor of several listings: this listing was read to its end."""


def encode_many(listing: str, positions: list[str]) -> str:
    """The cursor continuing several listings read together (merged), one position each: ``START``,
    ``END`` or the cursor of that listing."""
    payload = {"m": positions, "c": _checksum(listing, positions)}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_many(cursor: str, listing: str, count: int) -> list[str]:
    """The ``count`` positions in a cursor of ``encode_many``; 422 ``invalid_cursor`` for anything else.

    Each position that is a listing's cursor is checked again by ``decode`` when that listing is read.
    """
    try:
        payload = json.loads(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()))
    except (ValueError, binascii.Error, RecursionError):
        raise _invalid() from None
    positions: Any = payload.get("m") if isinstance(payload, dict) else None
    if (
        not isinstance(positions, list)
        or len(positions) != count
        or not all(isinstance(p, str) and len(p) <= 4 * MAX_KEY_LENGTH for p in positions)
        or payload.get("c") != _checksum(listing, positions)
    ):
        raise _invalid()
    return positions
