"""Open311 search pages: public reports only, each once, every page full but the last, reads bounded.

A window in 2024 is filled with reports most of which are private, or are Jakarta's copies of
Banten's reports; paging through it must list every own public report once, newest first. Without
a filter no request reads more than it returns plus one page; with status or service filters a page
reads on until it is full or the list ends, within the data layer's bound (a 400 beyond it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree as ET

import boto3
import pytest
from msgspec.structs import replace
from typer.testing import CliRunner

from chalicelib import container
from chalicelib.config import settings
from chalicelib.data import reports as repository_module
from chalicelib.data.backfill import backfill_public
from chalicelib.data.models import ReportModel
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.open311.search import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from chalicelib.vendor_internals import table_connection
from cli.main import app as cli_app
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

ROWS = 160
T0 = datetime(2024, 6, 1, tzinfo=UTC)
WINDOW = {"start_date": "2024-06-01T00:00:00Z", "end_date": "2024-06-20T00:00:00Z"}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(("jakarta",)) as w:
        yield w


def _report(n: int) -> Report:
    """Row ``n``: 3 of every 8 public; every 16th a public copy of a Banten report; a third closed."""
    at = T0 + timedelta(hours=n)
    copy = n % 16 == 3
    report_id = f"36-240601-E{n:03d}" if copy else f"31-240601-Q{n:03d}"
    status = Status.SELESAI if n % 3 == 0 else Status.PROSES
    return Report(
        key=f"31~{report_id}" if copy else report_id,
        id=report_id,
        province="31",
        category="banjir" if n % 2 else "pohon",
        description=f"uji open311 {n}",
        location=Location(lat=-6.26, lon=106.81, area_code="31.74.01"),
        visibility=Visibility.PUBLIC if n % 8 < 3 or copy else Visibility.PRIVATE,
        status=status,
        created_at=at,
        updated_at=at,
        origin_province="36" if copy else None,
        closed=status is Status.SELESAI,
        timeline=(TimelineEntry(f"{report_id}:submit", at, Action.SUBMIT, Status.MENUNGGU, "31"),),
    )


@pytest.fixture(scope="module")
def seeded(provinces: World) -> Iterator[list[Report]]:
    """The seeded rows, newest first; removed again afterwards."""
    rows = [container.reports().create(_report(n)) for n in range(ROWS)]
    yield sorted(rows, key=lambda r: r.created_at, reverse=True)
    for row in rows:
        ReportModel(pk=row.key).delete(add_version_condition=False)


class Reads:
    """Items DynamoDB read (ScannedCount) and Query calls, summed over the app's Query calls."""

    def __init__(self) -> None:
        self.items = 0
        self.queries = 0

    def __call__(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items += int(parsed.get("ScannedCount", 0))
        self.queries += 1


@pytest.fixture
def reads() -> Iterator[Reads]:
    counter = Reads()
    events = table_connection(ReportModel).connection.client.meta.events
    events.register("after-call.dynamodb.Query", counter)
    yield counter
    events.unregister("after-call.dynamodb.Query", counter)


def _expected(rows: list[Report], *, closed: bool | None = None, code: str | None = None) -> list[str]:
    return [
        r.id
        for r in rows
        if r.visibility is Visibility.PUBLIC
        and not r.is_received_escalation
        and (closed is None or r.closed == closed)
        and (code is None or r.category == code)
    ]


def _next(response: Any) -> str | None:
    """The path and query of the ``rel="next"`` Link, if any."""
    link = response.headers.get("Link")
    if link is None:
        return None
    url, rel = link.split(";", 1)
    assert rel.strip() == 'rel="next"' and url.startswith("<") and url.endswith(">")
    parts = urlsplit(url[1:-1])
    return f"{parts.path}?{parts.query}"


def _ids(response: Any, fmt: str) -> list[str]:
    if fmt == "xml":
        root = ET.fromstring(response.body)
        assert root.tag == "service_requests"
        return [r.findtext("service_request_id") or "" for r in root]
    return [r["service_request_id"] for r in json.loads(response.body)]


def _page_through(
    province: Province, reads: Reads, query: dict[str, str], fmt: str = "json"
) -> tuple[list[str], int]:
    """Every listed id over all pages (asserting each request's reads, and that every page with a
    next link is full) and the number of pages."""
    listed: list[str] = []
    path: str | None = f"/open311/v2/requests.{fmt}?{urlencode(query)}"
    size = int(query.get("page_size", DEFAULT_PAGE_SIZE))
    filtered = "status" in query or "service_code" in query
    pages = 0
    while path is not None:
        reads.items = reads.queries = 0
        response = province.get(path)
        assert response.status_code == 200, response.body
        page = _ids(response, fmt)
        assert len(page) <= size
        if filtered:  # read on until the page is full, within the bound
            assert reads.items <= repository_module.MAX_EXAMINED_PER_PAGE, (reads.items, len(page))
            assert reads.queries <= repository_module.MAX_EXAMINED_PER_PAGE // repository_module.QUERY_BATCH
        else:
            assert reads.items <= len(page) + size, (reads.items, len(page))
            assert reads.queries <= 1 + size.bit_length()
        listed.extend(page)
        path = _next(response)
        if path is not None:
            assert len(page) == size, "a page with a next link must be full"
        pages += 1
        assert pages < 200
    return listed, pages


@pytest.mark.parametrize("size", [1, 7, 50])
def test_paging_lists_every_own_public_report_once_and_reads_are_bounded(
    provinces: World, seeded: list[Report], reads: Reads, size: int
) -> None:
    listed, pages = _page_through(provinces["jakarta"], reads, {**WINDOW, "page_size": str(size)})
    assert listed == _expected(seeded)
    assert pages >= len(listed) // size


@pytest.mark.parametrize(
    ("query", "closed", "code"),
    [
        ({"status": "closed", "service_code": "pohon"}, True, "pohon"),
        ({"status": "open"}, False, None),
        ({"service_code": "banjir"}, None, "banjir"),
    ],
)
def test_filtered_pages_are_full_until_the_last(
    provinces: World,
    seeded: list[Report],
    reads: Reads,
    query: dict[str, str],
    closed: bool | None,
    code: str | None,
) -> None:
    for size in (1, 3, 10):
        listed, _ = _page_through(provinces["jakarta"], reads, {**WINDOW, **query, "page_size": str(size)})
        assert listed == _expected(seeded, closed=closed, code=code)


def test_a_filtered_page_not_full_within_the_bound_is_400(
    provinces: World, seeded: list[Report], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filters that let too few of a page's bounded reads through are refused, never a short page."""
    jakarta = provinces["jakarta"]
    bound = 12
    monkeypatch.setattr(repository_module, "MAX_EXAMINED_PER_PAGE", bound)
    monkeypatch.setattr(repository_module, "QUERY_BATCH", 5)
    public = _expected(seeded)
    matching = _expected(seeded, closed=True, code="pohon")
    within = [i for i in public[:bound] if i in matching]
    assert 0 < len(within) < len(matching)  # the seeded rows: some, not all, within the bound
    query = {**WINDOW, "status": "closed", "service_code": "pohon"}
    for fmt in ("json", "xml"):
        short = jakarta.get(
            f"/open311/v2/requests.{fmt}?{urlencode({**query, 'page_size': len(within) + 1})}"
        )
        assert short.status_code == 400, short.body
        assert "Link" not in short.headers
        if fmt == "json":
            [error] = json.loads(short.body)
            assert error["code"] == 400 and "start_date" in error["description"]
    full = jakarta.get(f"/open311/v2/requests.json?{urlencode({**query, 'page_size': len(within)})}")
    assert full.status_code == 200, full.body
    assert _ids(full, "json") == within and _next(full) is not None


def test_xml_pages_carry_the_same_link(provinces: World, seeded: list[Report], reads: Reads) -> None:
    jakarta = provinces["jakarta"]
    listed, _ = _page_through(jakarta, reads, {**WINDOW, "page_size": "9"}, fmt="xml")
    assert listed == _expected(seeded)
    response = jakarta.get(f"/open311/v2/requests.xml?{urlencode({**WINDOW, 'page_size': '9'})}")
    link = _next(response)
    assert link is not None and link.startswith("/open311/v2/requests.xml?")


def test_the_default_page_size_and_the_maximum(provinces: World, seeded: list[Report]) -> None:
    jakarta = provinces["jakarta"]
    first = jakarta.get(f"/open311/v2/requests.json?{urlencode(WINDOW)}")
    assert _ids(first, "json") == _expected(seeded)[:DEFAULT_PAGE_SIZE]
    link = _next(first)
    assert link is not None
    assert parse_qs(urlsplit(link).query)["page_size"] == [str(DEFAULT_PAGE_SIZE)]
    whole = jakarta.get(f"/open311/v2/requests.json?{urlencode({**WINDOW, 'page_size': MAX_PAGE_SIZE})}")
    assert _ids(whole, "json") == _expected(seeded)
    for fmt in ("json", "xml"):
        for bad in (str(MAX_PAGE_SIZE + 1), "0", "-1", "ten", "1e2", "99999"):
            response = jakarta.get(f"/open311/v2/requests.{fmt}?{urlencode({**WINDOW, 'page_size': bad})}")
            assert response.status_code == 400, (bad, response.body)
            assert "Link" not in response.headers


def _cursor_of(link: str) -> tuple[dict[str, str], str]:
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    return query, query.pop("cursor")


def test_a_tampered_or_foreign_cursor_is_400(provinces: World, seeded: list[Report]) -> None:
    jakarta = provinces["jakarta"]
    link = _next(jakarta.get(f"/open311/v2/requests.json?{urlencode({**WINDOW, 'page_size': '5'})}"))
    assert link is not None
    query, cursor = _cursor_of(link)
    assert jakarta.get(link).status_code == 200
    flipped = cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:]
    tampered = [
        {**query, "cursor": flipped},
        {**query, "cursor": "not-a-cursor"},
        {**query, "cursor": cursor, "status": "closed"},  # another listing's cursor
        {**query, "cursor": cursor, "start_date": "2024-06-02T00:00:00Z"},
    ]
    for fmt in ("json", "xml"):
        for params in tampered:
            response = jakarta.get(f"/open311/v2/requests.{fmt}?{urlencode(params)}")
            assert response.status_code == 400, (params, response.body)
            if fmt == "json":
                [error] = json.loads(response.body)
            else:
                error = {"code": int(ET.fromstring(response.body).findtext("error/code") or 0)}
            assert error["code"] == 400


def test_the_backfill_lists_public_reports_stored_before_the_index(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    dynamodb = boto3.client("dynamodb")
    table = settings().reports_table
    rows = [container.reports().create(_report(n)) for n in (160, 161, 163, 164)]  # public x2, copy, private
    window = {"start_date": "2024-06-07T15:30:00Z", "end_date": "2024-06-07T21:00:00Z"}
    try:
        for row in rows:
            dynamodb.update_item(TableName=table, Key={"pk": {"S": row.key}}, UpdateExpression="REMOVE pb")
        assert _ids(jakarta.get(f"/open311/v2/requests.json?{urlencode(window)}"), "json") == []
        assert backfill_public(dynamodb, table, "31") == 2
        again = CliRunner().invoke(cli_app, ["backfill", "public", "--stage", "jakarta", "--table", table])
        assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output
        listed = _ids(jakarta.get(f"/open311/v2/requests.json?{urlencode(window)}"), "json")
        assert listed == [rows[1].id, rows[0].id]
    finally:
        for row in rows:
            ReportModel(pk=row.key).delete(add_version_condition=False)


def test_the_next_link_of_the_default_window_continues_it(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    now = utcnow()
    rows = [
        container.reports().create(
            # at the head of the window: only reports the session creates in these seconds come first
            replace(_report(n), key=key, id=key, created_at=now - timedelta(seconds=3 - n), updated_at=now)
        )
        for n, key in ((0, "31-991206-N000"), (1, "31-991206-N001"))
    ]
    try:
        listed: list[str] = []
        path: str | None = "/open311/v2/requests.json?page_size=1"
        while path is not None and rows[0].id not in listed:
            response = jakarta.get(path)
            assert response.status_code == 200, response.body
            listed.extend(_ids(response, "json"))
            path = _next(response)
            if path is not None:
                assert {"start_date", "end_date"} <= set(parse_qs(urlsplit(path).query))
            assert len(listed) < 100
        assert listed.index(rows[1].id) < listed.index(rows[0].id)
    finally:
        for row in rows:
            ReportModel(pk=row.key).delete(add_version_condition=False)
