"""In Chromium: an officer's day in the console, with the agency API stubbed (page.route()): a version
conflict's reload keeps what the officer typed, and "Muat lebih banyak" continues the list shown."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_error_texts import (
    CORS,
    Answer,
    agency_view,
    console_answers,
    envelope,
    inbox_item,
    jwt,
    new_page,
    signed_in,
    stub,
)

pytestmark = pytest.mark.e2e

NOTE = "Bukan jalan umum: lokasi di dalam kompleks perumahan, dirawat pengembang."


def test_a_conflict_s_reload_keeps_the_action_and_the_note_typed(web_stack: LocalStack, browser: Any) -> None:
    reads = {"n": 0}

    def answers(method: str, path: str) -> Answer:
        if "/actions/" in path:
            return envelope(409, "version_conflict", "Laporan sudah berubah sejak Anda membukanya.")
        if path.startswith("/agency/reports/") and method == "GET":
            reads["n"] += 1
            if reads["n"] == 1:
                return 200, agency_view()
            # a colleague added a photo meanwhile: the report is still Disposisi, one version on
            return 200, agency_view(version=4, description="Lubang besar (foto ditambahkan)")
        return None

    page = signed_in(browser, web_stack, answers)
    page.locator(".inbox-link").first.click()
    expect(page.locator("#action-form")).to_be_visible()
    # Given the officer chose "Tolak" and typed the reason, and the report had changed meanwhile
    page.locator("input[name=action][value=reject]").check()
    page.locator("#action-note").fill(NOTE)
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#action-error")).to_contain_text("Konflik")
    # When they reload the report, as the conflict offers
    page.locator("#action-reload").click()
    expect(page.locator("#detail .description")).to_have_text("Lubang besar (foto ditambahkan)")
    # Then the new version is shown with their choice and their words still there, ready to send again
    expect(page.locator("input[name=action][value=reject]")).to_be_checked()
    expect(page.locator("#action-note")).to_have_value(NOTE)
    expect(page.locator("#action-note")).to_be_visible()
    expect(page.locator("#action-error")).to_be_hidden()
    expect(page.locator("#action-reload")).to_be_hidden()


def test_load_more_continues_the_list_shown_not_a_filter_changed_since(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    asked: list[dict[str, list[str]]] = []

    def inbox(route: Route) -> None:
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=CORS)
            return
        query = parse_qs(urlparse(route.request.url).query)
        asked.append(query)
        second = query.get("cursor") == ["c1"]
        row = {**inbox_item(), "key": "31-261201-BBBB", "id": "31-261201-BBBB"} if second else inbox_item()
        page_body = {"items": [row], "next_cursor": None if second else "c1"}
        route.fulfill(
            status=200, body=json.dumps(page_body), headers={**CORS, "Content-Type": "application/json"}
        )

    page: Page = new_page(browser)
    stub(page, api, lambda m, p: None)
    page.route(lambda url: url.startswith(api) and urlparse(url).path == "/agency/reports", inbox)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#token").fill(jwt())
    page.locator("#token-form button[type=submit]").click()
    # Given the first page of the whole inbox, newest first
    expect(page.locator(".inbox-item")).to_have_count(1)
    assert "status" not in asked[-1] and "cursor" not in asked[-1]
    # When the officer picks another status but, before showing it, loads more of the list on screen
    page.locator("#filter-status").select_option("PROSES")
    page.locator("#filter-overdue").check()
    page.locator("#more").click()
    # Then the next page is of the same list (its cursor with its filters), not a mix of two lists
    expect(page.locator(".inbox-item")).to_have_count(2)
    assert asked[-1].get("cursor") == ["c1"]
    assert "status" not in asked[-1] and "overdue" not in asked[-1], asked[-1]


def test_inbox_rows_name_their_area_from_the_area_lists_not_a_request_per_row(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given an inbox of three reports in Tebet (31.74.01) and one in a Tebet kelurahan (31.74.01.1001)
    def row(key: str, area: str) -> dict[str, Any]:
        return {**inbox_item(), "key": key, "id": key, "area_code": area}

    rows = [row(f"31-261201-AAA{n}", "31.74.01") for n in range(3)] + [row("31-261201-BBBB", "31.74.01.1001")]

    def answers(method: str, path: str) -> Answer:
        if path == "/agency/reports":
            return 200, {"items": rows, "next_cursor": None}
        return None

    areas_asked: list[str] = []
    page = new_page(browser, width=1366)
    page.on(
        "request",
        lambda r: (
            areas_asked.append(r.url) if r.method == "GET" and urlparse(r.url).path == "/areas" else None
        ),
    )
    stub(page, web_stack.api_url("jakarta"), console_answers(answers))
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#token").fill(jwt())
    page.locator("#token-form button[type=submit]").click()
    # Then each row names its area as the detail does (finest first, below the province), not its code
    areas = page.locator(".inbox-item .inbox-area")
    expect(areas).to_have_text(
        ["Tebet, Kota Adm. Jakarta Selatan"] * 3 + ["Tebet Timur, Tebet, Kota Adm. Jakarta Selatan"]
    )
    expect(page.locator("#inbox-list")).not_to_contain_text("31.74.01")
    # ... from the area lists, each asked once (the province's kota, the kota's kecamatan, the kecamatan's
    # kelurahan), however many rows share them
    queries = sorted(parse_qs(urlparse(url).query).get("parent", [""])[0] for url in areas_asked)
    assert queries == ["", "31", "31.74", "31.74.01"], queries


def test_an_empty_inbox_says_there_is_nothing_and_under_which_filter(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given an inbox with nothing under the filter the officer shows
    def answers(method: str, path: str) -> Answer:
        if path == "/agency/reports":
            return 200, {"items": [], "next_cursor": None}
        return None

    page = signed_in(browser, web_stack, answers)
    expect(page.locator("#inbox-count")).to_have_text("Tidak ada laporan di kotak masuk.")
    page.locator("#filter-status").select_option("SELESAI")
    page.locator("#filter-overdue").check()
    page.get_by_role("button", name="Tampilkan").click()
    # Then a sentence says there is nothing with that filter (not "0 laporan ditampilkan"), in each language
    count = page.locator("#inbox-count")
    expect(count).to_have_text("Tidak ada laporan dengan filter Selesai, Hanya yang terlambat.")
    page.get_by_role("button", name="English").click()
    expect(count).to_have_text("No reports with the filter Done (Selesai), Overdue only.")
