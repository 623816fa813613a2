"""A caller's correlation id is kept only when the whole value is short and plain."""

from __future__ import annotations

import pytest

from chalicelib.api.correlation import safe_correlation_id


@pytest.mark.parametrize("value", ["abc-123", "a.b_c:d", "x" * 128])
def test_a_plain_id_is_kept(value: str) -> None:
    assert safe_correlation_id(value) == value


@pytest.mark.parametrize("value", ["abc\n", "abc\nforged: line", "", "x" * 129, "a b", None, 7])
def test_anything_else_is_dropped(value: object) -> None:
    assert safe_correlation_id(value) is None
