"""Page cursors: opaque to clients, and refused when edited or used for another listing."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chalicelib.data import cursors
from chalicelib.errors import ValidationFailed

LISTING = "by-agency|31#sudin-bm-js|PROSES#|True"


def _refused(cursor: str, listing: str = LISTING, **condition: Any) -> None:
    with pytest.raises(ValidationFailed) as raised:
        cursors.decode(cursor, listing, **condition)
    assert raised.value.code == "invalid_cursor"


def test_a_cursor_gives_back_its_keys() -> None:
    cursor = cursors.encode(LISTING, "31-261127-K3M9", "PROSES#2026-11-27T02:00:00.000Z")
    assert "31-261127" not in cursor and "=" not in cursor
    assert cursors.decode(cursor, LISTING, sort_prefix="PROSES#") == (
        "31-261127-K3M9",
        "PROSES#2026-11-27T02:00:00.000Z",
    )


def test_an_edited_cursor_or_another_listings_is_refused() -> None:
    cursor = cursors.encode(LISTING, "31-261127-K3M9", "PROSES#2026-11-27T02:00:00.000Z")
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["k"][0] = "31-261127-XXXX"
    edited = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
    _refused(edited)
    _refused(cursor, "by-agency|31#sudin-lh-js|PROSES#|True")
    _refused("%%%")
    _refused(base64.urlsafe_b64encode(b"[1, 2]").decode())


def test_a_start_outside_the_key_condition_is_refused() -> None:
    listing = "by-status|31#MENUNGGU|2026-11-27T00:00:00.000Z|False"
    cursor = cursors.encode(listing, "31-261127-K3M9", "2026-11-27T02:00:00.000Z")
    _refused(cursor, listing, sort_below="2026-11-27T00:00:00.000Z")
    other = cursors.encode(LISTING, "31-261127-K3M9", "SELESAI#2026-11-27T02:00:00.000Z")
    _refused(other, sort_prefix="PROSES#")


def test_a_start_outside_the_window_is_refused() -> None:
    listing = "by-public|31#pub|2026-11-01T00:00:00.000Z|2026-11-30T00:00:00.000Z||"
    window = ("2026-11-01T00:00:00.000Z", "2026-11-30T00:00:00.000Z")
    inside = cursors.encode(listing, "31-261127-K3M9", "2026-11-27T02:00:00.000Z")
    assert cursors.decode(inside, listing, sort_within=window)[1] == "2026-11-27T02:00:00.000Z"
    for outside in ("2026-10-31T23:59:59.999Z", "2026-11-30T00:00:00.001Z"):
        _refused(cursors.encode(listing, "31-261127-K3M9", outside), listing, sort_within=window)


@pytest.mark.parametrize("raw", [b"[" * 1500, b'{"k":' * 400, b"[" * 30000])
def test_a_cursor_nested_too_deep_is_refused_not_a_crash(raw: bytes) -> None:
    # Given a cursor whose JSON nests deeper than Python's parser recurses, then it is refused (422)
    _refused(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def test_a_cursor_of_merged_listings_gives_back_each_place_and_refuses_an_edit_or_another_listing() -> None:
    places = [
        cursors.END,
        cursors.encode("by-agency|31#>36||False", "31-261127-K3M9", "PROSES#x"),
        cursors.START,
    ]
    cursor = cursors.encode_many("merged|31#>32|31#>36|31#>33|", places)
    assert cursors.decode_many(cursor, "merged|31#>32|31#>36|31#>33|", 3) == places
    for listing, count in (("merged|31#>36|", 3), ("merged|31#>32|31#>36|31#>33|", 2)):
        with pytest.raises(ValidationFailed) as caught:
            cursors.decode_many(cursor, listing, count)
        assert caught.value.code == "invalid_cursor"
    edited = cursors.encode_many("other", [cursors.END, cursors.END, cursors.END])
    with pytest.raises(ValidationFailed):
        cursors.decode_many(edited, "merged|31#>32|31#>36|31#>33|", 3)
