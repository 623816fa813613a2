"""The benchmark's DynamoDB capacity arithmetic (bench/capacity.py) against DynamoDB's published rules."""

from __future__ import annotations

import pytest

from bench.capacity import index_write_units, item_size, number_size, read_units, value_size, write_units


def test_string_and_name_bytes_count_utf8() -> None:
    assert item_size({"d": {"S": "abc"}}) == 1 + 3
    assert item_size({"nama": {"S": "Siti é"}}) == 4 + len("Siti é".encode())


@pytest.mark.parametrize(
    ("number", "size"),
    [("0", 2), ("7", 2), ("12", 2), ("123", 3), ("-6.226", 3), ("106.853", 4), ("1000", 2), ("0.001", 2)],
)
def test_number_size_is_one_byte_per_two_significant_digits_plus_one(number: str, size: int) -> None:
    assert number_size(number) == size


def test_bool_null_list_and_map_sizes() -> None:
    assert value_size({"BOOL": True}) == 1
    assert value_size({"NULL": True}) == 1
    assert value_size({"L": [{"S": "ab"}, {"BOOL": False}]}) == 3 + (1 + 2) + (1 + 1)
    assert value_size({"M": {"k": {"S": "v"}}}) == 3 + 1 + 1 + 1


def test_write_units_round_up_per_kilobyte_use_the_larger_image_and_double_in_transactions() -> None:
    assert write_units(0, 1) == 1
    assert write_units(0, 1024) == 1
    assert write_units(0, 1025) == 2
    assert write_units(1500, 900) == 2
    assert write_units(0, 900, transactional=True) == 2
    assert write_units(0, 0) == 1  # a delete of nothing, a failed condition: still one unit


def test_read_units_per_four_kilobytes_halved_when_eventually_consistent() -> None:
    assert read_units(0, consistent=True) == 1.0
    assert read_units(4096, consistent=True) == 1.0
    assert read_units(4097, consistent=True) == 2.0
    assert read_units(1000, consistent=False) == 0.5
    assert read_units(24_000, consistent=False) == 3.0
    assert read_units(1000, consistent=True, transactional=True) == 2.0


def test_index_write_units_follow_key_changes() -> None:
    before = {"pk": {"S": "a"}, "status_pk": {"S": "31#MENUNGGU"}, "created_at": {"S": "t"}}
    after = {**before, "status_pk": {"S": "31#DISPOSISI"}}
    assert index_write_units(None, before, "status_pk", "created_at") == 1  # enters the index
    assert index_write_units(before, after, "status_pk", "created_at") == 2  # key changed: delete + put
    same_key = {**before, "x": {"S": "changed"}}
    assert index_write_units(before, same_key, "status_pk", "created_at") == 1  # update in place
    assert index_write_units(before, before, "status_pk", "created_at") == 0  # nothing changed
    assert index_write_units(before, {"pk": {"S": "a"}}, "status_pk", "created_at") == 1  # leaves
    assert index_write_units(None, {"pk": {"S": "a"}}, "due_pk", "due_at") == 0  # never in the sparse index
