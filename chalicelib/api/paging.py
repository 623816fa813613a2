"""Opaque page cursors: the storage's last key, base64-encoded JSON."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from chalicelib.errors import ValidationFailed


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    """The cursor a client passes back for the next page."""
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, partition: tuple[str, str]) -> dict[str, Any] | None:
    """The storage key inside a cursor, checked to belong to the partition being listed."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        raise ValidationFailed("Kursor halaman tidak sah (invalid cursor).", code="invalid_cursor") from None
    name, value = partition
    if not isinstance(key, dict) or key.get(name, {}).get("S") != value:
        raise ValidationFailed(
            "Kursor halaman bukan untuk daftar ini (cursor for another list).", code="invalid_cursor"
        )
    return key
