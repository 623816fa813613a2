"""Open311's reads of service requests are one service the container builds; each view calls one of
its functions, and the service never answers a short page that says "more" (no AWS here)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.app import Request

from chalicelib import container
from chalicelib.data.reports import Page
from chalicelib.errors import AduanError
from chalicelib.open311 import endpoints
from chalicelib.open311.search import parse_search
from chalicelib.provinces.registry import registry
from chalicelib.services.open311_requests import Open311Requests, Search
from infra.local.config import stage_config
from tests.unit.factories import new_report

JAKARTA = registry().get("31")
REPORT = new_report()


class FakeReports:
    """The repository calls the service makes, with a page to answer."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.calls: list[tuple[str, Any]] = []

    def list_public(self, province: str, *args: Any, **kwargs: Any) -> Page:
        self.calls.append(("list_public", (province, *args, kwargs)))
        return self.page

    def get_many(self, keys: list[str]) -> list[Any]:
        self.calls.append(("get_many", keys))
        return [REPORT] if REPORT.key in keys else []


def _search(**params: str) -> Search:
    return parse_search(JAKARTA, params)


def test_a_page_filters_leave_short_although_the_list_goes_on_is_refused() -> None:
    reports = FakeReports(Page(items=[REPORT], cursor="more", incomplete=True))
    with pytest.raises(AduanError) as caught:
        Open311Requests(reports, JAKARTA).find(_search(status="closed", page_size="5"))
    assert (caught.value.code, caught.value.http_status) == ("search_filter_too_narrow", 422)
    assert "start_date" in caught.value.message and "(" in caught.value.message


def test_a_full_or_last_page_is_answered_with_its_cursor() -> None:
    reports = FakeReports(Page(items=[REPORT], cursor="more"))
    search = Open311Requests(reports, JAKARTA)
    wanted = _search(status="closed", service_code="banjir", page_size="1")
    assert search.find(wanted) == ([REPORT], "more")
    [(name, (province, start, end, options))] = reports.calls
    assert (name, province, start, end) == ("list_public", "31", wanted.start, wanted.end)
    assert options == {
        "statuses": wanted.statuses,
        "categories": frozenset({"banjir"}),
        "limit": 1,
        "cursor": None,
    }


def test_ids_are_one_page_of_this_provinces_reports_and_an_unknown_one_is_404() -> None:
    reports = FakeReports(Page(items=[], cursor=None))
    search = Open311Requests(reports, JAKARTA)
    wanted = _search(service_request_id=f"{REPORT.id},36-261127-K3M9")
    assert search.find(wanted) == ([REPORT], None)
    assert reports.calls == [("get_many", [REPORT.key])]  # another province's id is not read
    assert search.request(REPORT.id) == REPORT
    with pytest.raises(AduanError) as caught:
        search.request("31-261127-XXXX")
    assert (caught.value.code, caught.value.http_status) == ("request_not_found", 404)


class FakeService:
    """Records each call a view makes."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def find(self, search: Search) -> tuple[list[Any], str | None]:
        self.calls.append("find")
        return [REPORT], "next-page"

    def request(self, raw_id: str) -> Any:
        self.calls.append("request")
        return REPORT


@pytest.fixture
def service(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeService]:
    """The Jakarta stage, with the container's Open311 service replaced and its repository out of reach."""
    for name, value in stage_config("jakarta").environment.items():
        monkeypatch.setenv(name, value)
    fake = FakeService()
    monkeypatch.setattr(container, "open311_requests", lambda: fake)
    monkeypatch.setattr(container, "reports", lambda: pytest.fail("a view reached the repository"))
    yield fake


def _get(path: str, query: dict[str, list[str]] | None = None) -> Request:
    return Request(
        {
            "multiValueQueryStringParameters": query,
            "headers": {"host": "localhost"},
            "pathParameters": None,
            "requestContext": {"httpMethod": "GET", "resourcePath": path},
            "body": None,
            "isBase64Encoded": False,
            "stageVariables": None,
        }
    )


def test_each_view_calls_one_function_of_the_service(service: FakeService) -> None:
    found = endpoints.search(_get("/open311/v2/requests.json", {"status": ["open"]}))
    assert found.status_code == 200 and "cursor=next-page" in found.headers["Link"]
    assert service.calls == ["find"]
    shown = endpoints.show(_get("/open311/v2/requests/{name}"), f"{REPORT.id}.json")
    assert shown.status_code == 200 and json.loads(shown.body)[0]["service_request_id"] == REPORT.id
    token = endpoints.token(_get("/open311/v2/tokens/{name}"), f"{REPORT.id}.json")
    assert token.status_code == 200 and json.loads(token.body)[0]["token"] == REPORT.id
    assert service.calls == ["find", "request", "request"]
