"""A filtered page reads at most what it returns plus one page, in few queries, and resumes exactly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.data import cursors
from chalicelib.data.mapping import to_model
from chalicelib.data.reports import _read_bounded
from chalicelib.domain.report import Report
from tests.unit.factories import T0, new_report

LISTING = "by-public|31#pub|a|b||"


def _rows(kept: list[bool]) -> list[tuple[Report, bool]]:
    return [
        (new_report(report_id=f"31-261127-{n:04d}", at=T0.replace(microsecond=n)), keep)
        for n, keep in enumerate(kept)
    ]


class FakeIndex:
    """A partition answering like DynamoDB: ``Limit`` counts items read, before the filter."""

    def __init__(self, rows: list[tuple[Report, bool]]) -> None:
        self.rows = rows
        self.read = 0
        self.queries = 0

    def query(self, start: dict[str, Any] | None, limit: int) -> Iterator[dict[str, Any]]:
        self.queries += 1
        keys = [r.key for r, _ in self.rows]
        first = keys.index(start["pk"]["S"]) + 1 if start else 0
        chunk = self.rows[first : first + limit]
        self.read += len(chunk)
        page: dict[str, Any] = {
            "Items": [to_model(r).serialize() for r, keep in chunk if keep],
            "Count": sum(keep for _, keep in chunk),
            "ScannedCount": len(chunk),
        }
        if first + limit < len(self.rows):
            last = chunk[-1][0]
            page["LastEvaluatedKey"] = {"pk": {"S": last.key}, "ct": {"S": "ct-" + last.key}}
        return iter([page])


@pytest.mark.parametrize("size", [1, 2, 7, 50, 200])
@pytest.mark.parametrize("pattern", ["all", "none", "half", "sparse", "tail"])
def test_reads_stay_within_returned_plus_page_size(size: int, pattern: str) -> None:
    count = 450
    kept = {
        "all": [True] * count,
        "none": [False] * count,
        "half": [n % 2 == 0 for n in range(count)],
        "sparse": [n % 37 == 0 for n in range(count)],
        "tail": [n > 400 for n in range(count)],
    }[pattern]
    index = FakeIndex(_rows(kept))
    listed: list[str] = []
    start = None
    for _ in range(2 * count + 2):
        index.read = index.queries = 0
        page = _read_bounded(index.query, start, LISTING, limit=size)
        assert len(page.items) <= size
        assert index.read <= len(page.items) + size
        assert index.queries <= 1 + size.bit_length()
        listed.extend(r.key for r in page.items)
        if page.cursor is None:
            break
        key, _ = cursors.decode(page.cursor, LISTING)
        start = {"pk": {"S": key}}
    assert listed == [r.key for r, keep in index.rows if keep]
