"""Inbox pages are honest: a filtered page is full unless it ends the list, and only the last has no cursor.

An agency's inbox is filled with reports most of which the filter (overdue, a kota coordinator's
area, a status) leaves out; paging through it must give every kept row once, in order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib import container
from chalicelib.data import reports as repository_module
from chalicelib.data.models import ReportModel
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

AGENCY = "sudin-citata-jp"  # Jakarta Pusat (31.71); its kota coordinator is walkot-jp
ROWS = 60


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(("jakarta",)) as w:
        yield w


def _report(n: int) -> Report:
    """Row ``n`` of the inbox: every 5th overdue, every 3rd in Jakarta Pusat, every 2nd in PROSES."""
    at = utcnow() + timedelta(days=1, seconds=n)  # newer than anything else in the table
    report_id = f"31-991231-P{n:03d}"
    status = Status.PROSES if n % 2 == 0 else Status.DISPOSISI
    return Report(
        key=report_id,
        id=report_id,
        province="31",
        category="bangunan_liar",
        description=f"uji halaman {n}",
        location=Location(lat=-6.18, lon=106.83, area_code="31.71.01" if n % 3 == 0 else "31.74.01"),
        visibility=Visibility.PRIVATE,
        status=status,
        created_at=at,
        updated_at=at,
        agency=AGENCY,
        overdue=n % 5 == 0,
        timeline=(TimelineEntry(f"{report_id}:submit", at, Action.SUBMIT, Status.MENUNGGU, "31"),),
    )


@pytest.fixture(scope="module")
def inbox(provinces: World) -> Iterator[list[Report]]:
    """The seeded rows in inbox order (newest first, whatever their status); removed again afterwards."""
    rows = [container.reports().create(_report(n)) for n in range(ROWS)]
    yield sorted(rows, key=lambda r: r.created_at, reverse=True)
    for row in rows:
        ReportModel(pk=row.key).delete(add_version_condition=False)


@pytest.fixture
def small_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queries of 7 reports, so one page needs several."""
    monkeypatch.setattr(repository_module, "QUERY_BATCH", 7)


def _page(province: Province, token: dict[str, str], **query: Any) -> tuple[int, dict[str, Any]]:
    response = province.get(f"/agency/reports?{urlencode(query)}", token)
    return response.status_code, json.loads(response.body)


def _all_pages(province: Province, token: dict[str, str], **query: Any) -> list[list[str]]:
    """Every page's keys, asserting each page is full except the last, which alone has no cursor."""
    pages: list[list[str]] = []
    cursor = None
    while True:
        status, body = _page(province, token, **query, **({"cursor": cursor} if cursor else {}))
        assert status == 200, body
        pages.append([item["key"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(pages[-1]) == int(query["limit"]), "a page with a cursor must be full"
        assert len(pages) < 100
    assert len(pages[-1]) <= int(query["limit"])
    return pages


def _keys(rows: list[Report]) -> list[str]:
    return [r.key for r in rows]


def _everything(province: Province, token: dict[str, str]) -> list[dict[str, Any]]:
    """The agency's whole inbox (any row other tests left there too), in inbox order."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"agency": AGENCY, "limit": 100, **({"cursor": cursor} if cursor else {})}
        status, body = _page(province, token, **query)
        assert status == 200, body
        rows.extend(body["items"])
        if not (cursor := body["next_cursor"]):
            return rows


@pytest.mark.parametrize("limit", [1, 3, 4, 5])
def test_overdue_pages_are_full_until_the_last(
    provinces: World, inbox: list[Report], small_reads: None, limit: int
) -> None:
    jakarta = provinces["jakarta"]
    admin = jakarta.token("koordinator", "admin")
    expected = [row["key"] for row in _everything(jakarta, admin) if row["overdue"]]
    assert expected[:12] == _keys([r for r in inbox if r.overdue])  # the seeded rows come first
    pages = _all_pages(jakarta, admin, agency=AGENCY, overdue="1", limit=limit)
    listed = [key for page in pages for key in page]
    assert listed == expected
    assert len(set(listed)) == len(listed)


def test_a_kota_coordinator_pages_through_only_its_kota(
    provinces: World, inbox: list[Report], small_reads: None
) -> None:
    jakarta = provinces["jakarta"]
    everything = _everything(jakarta, jakarta.token("koordinator", "admin"))
    expected = [row["key"] for row in everything if row["area_code"].startswith("31.71")]
    pages = _all_pages(jakarta, jakarta.token("walkot-jp", "coordinator"), agency=AGENCY, limit=2)
    assert [key for page in pages for key in page] == expected
    assert expected[:20] == _keys([r for r in inbox if r.location.area_code.startswith("31.71")])


def test_filters_together_and_with_a_status(provinces: World, inbox: list[Report], small_reads: None) -> None:
    jakarta = provinces["jakarta"]
    everything = _everything(jakarta, jakarta.token("koordinator", "admin"))
    expected = [
        row["key"]
        for row in everything
        if row["overdue"] and row["area_code"].startswith("31.71") and row["status"]["code"] == "PROSES"
    ]
    assert expected[:2] == ["31-991231-P030", "31-991231-P000"]
    token = jakarta.token("walkot-jp", "coordinator")
    pages = _all_pages(jakarta, token, agency=AGENCY, status="proses", overdue="true", limit=1)
    assert [key for page in pages for key in page] == expected


def test_an_unfiltered_inbox_ending_on_a_full_page_has_no_cursor_there(
    provinces: World, inbox: list[Report]
) -> None:
    jakarta = provinces["jakarta"]
    admin = jakarta.token("koordinator", "admin")
    everything = [row["key"] for row in _everything(jakarta, admin)]
    pages = _all_pages(jakarta, admin, agency=AGENCY, limit=len(everything))
    assert pages == [everything]


def test_reads_per_page_are_bounded(
    provinces: World, inbox: list[Report], small_reads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter that lets too few of the bounded reads through is refused, never a short page."""
    jakarta = provinces["jakarta"]
    admin = jakarta.token("koordinator", "admin")
    monkeypatch.setattr(repository_module, "MAX_EXAMINED_PER_PAGE", 10)
    # The first 10 PROSES rows (58..40) hold two overdue reports (50 and 40): not enough for a page of 3.
    status, body = _page(jakarta, admin, agency=AGENCY, status="PROSES", overdue="1", limit=3)
    assert (status, body["error"]["code"]) == (422, "inbox_filter_too_narrow")
    # A page of 2 is full within the bound: it is answered, with a cursor (the list may go on).
    status, body = _page(jakarta, admin, agency=AGENCY, status="PROSES", overdue="1", limit=2)
    assert status == 200, body
    assert [i["key"] for i in body["items"]] == ["31-991231-P050", "31-991231-P040"] and body["next_cursor"]


def test_without_a_status_the_bound_is_on_the_merged_list(
    provinces: World, inbox: list[Report], small_reads: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of any status, the inbox merges one listing a status, newest first: the bound is on the reports the
    merged list reads, as for one listing (a status with many newer reports the filter leaves out does
    not refuse a page the others fill)."""
    jakarta = provinces["jakarta"]
    admin = jakarta.token("koordinator", "admin")
    monkeypatch.setattr(repository_module, "MAX_EXAMINED_PER_PAGE", 10)
    # The 10 newest (59..50, both statuses) hold two overdue reports (55 and 50): not enough for 3
    status, body = _page(jakarta, admin, agency=AGENCY, overdue="1", limit=3)
    assert (status, body["error"]["code"]) == (422, "inbox_filter_too_narrow")
    status, body = _page(jakarta, admin, agency=AGENCY, overdue="1", limit=2)
    assert status == 200, body
    assert [i["key"] for i in body["items"]] == ["31-991231-P055", "31-991231-P050"] and body["next_cursor"]
    # Within 20 reads, 59..40 hold four (55, 50, 45, 40), whatever their status
    monkeypatch.setattr(repository_module, "MAX_EXAMINED_PER_PAGE", 20)
    status, body = _page(jakarta, admin, agency=AGENCY, overdue="1", limit=3)
    assert status == 200, body
    assert [i["key"] for i in body["items"]] == ["31-991231-P055", "31-991231-P050", "31-991231-P045"]


def test_without_a_status_the_inbox_is_newest_first(provinces: World, inbox: list[Report]) -> None:
    """Given reports of two statuses interleaved in time, when the inbox is asked for any status,
    then it lists them newest first, not grouped by status."""
    jakarta = provinces["jakarta"]
    admin = jakarta.token("koordinator", "admin")
    pages = _all_pages(jakarta, admin, agency=AGENCY, limit=7)
    listed = [key for page in pages for key in page]
    assert listed[:ROWS] == _keys(inbox)  # the seeded rows are the newest
    assert listed[:3] == ["31-991231-P059", "31-991231-P058", "31-991231-P057"]


def test_a_cursor_is_opaque_and_checked(provinces: World, inbox: list[Report]) -> None:
    jakarta = provinces["jakarta"]
    admin = jakarta.token("koordinator", "admin")
    status, first = _page(jakarta, admin, agency=AGENCY, limit=2)
    assert status == 200 and first["next_cursor"]
    cursor = first["next_cursor"]
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    for bad, query in [
        (tampered, {"agency": AGENCY}),
        ("not-a-cursor", {"agency": AGENCY}),
        (cursor, {"agency": "sudin-citata-ju"}),  # another agency's list
        (cursor, {"agency": AGENCY, "status": "proses"}),  # another key condition
    ]:
        status, body = _page(jakarta, admin, **query, limit=2, cursor=bad)
        assert (status, body["error"]["code"]) == (422, "invalid_cursor"), (bad, query)
