"""In Chromium, a flood morning: while the API answers "busy, retry after N seconds" the report form
sends the same report again by itself (same Idempotency-Key), says so, and ends with one report."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import report_form, type_road_report

pytestmark = pytest.mark.e2e

BUSY = {"error": {"code": "temporarily_unavailable", "message": None, "details": None}}


def busy_first(page: Page, base: str, refusals: int, retry_after: str) -> list[str]:
    """Answer the first ``refusals`` POST /reports with a 503 and ``Retry-After``, pass the rest on to
    the real API; returns the Idempotency-Key of every POST /reports the page sent."""
    keys: list[str] = []

    def handle(route: Route) -> None:
        request = route.request
        if request.method != "POST" or not request.url.endswith("/reports"):
            return route.fallback()
        keys.append(request.headers.get("idempotency-key", ""))
        if len(keys) > refusals:
            return route.fallback()
        headers = {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Expose-Headers": "Retry-After",
            "Content-Type": "application/json",
            "Retry-After": retry_after,
        }
        return route.fulfill(status=503, body=json.dumps(BUSY), headers=headers)

    page.route(f"{base}/reports", handle)
    return keys


def test_a_busy_api_gets_the_same_report_again_by_itself_and_it_is_stored_once(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given the API answers busy (Retry-After: 1) to the first two sends
    page = report_form(browser, web_stack)
    keys = busy_first(page, web_stack.api_url("jakarta"), refusals=2, retry_after="1")
    type_road_report(page, "Jalan berlubang saat banjir pagi ini")
    # When the citizen taps send once
    page.get_by_role("button", name="Kirim laporan").click()
    # Then the form says it will send again by itself, and then shows the report's number
    expect(page.locator("#form-status")).to_contain_text("dikirim ulang otomatis dalam 1 detik")
    expect(page.locator("#result")).to_be_visible(timeout=15_000)
    expect(page.locator("#form-status")).to_be_hidden()
    report_id = page.locator("#result-id").text_content() or ""
    secret = page.locator("#result-secret").text_content() or ""
    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0], keys
    # And the API holds that one report
    request = urllib.request.Request(
        f"{web_stack.api_url('jakarta')}/reports/{report_id}", headers={"X-Report-Secret": secret}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["description"] == "Jalan berlubang saat banjir pagi ini"


def test_a_wait_longer_than_half_a_minute_is_left_to_the_citizen(web_stack: LocalStack, browser: Any) -> None:
    # Given the API asks for a wait of two minutes
    page = report_form(browser, web_stack)
    keys = busy_first(page, web_stack.api_url("jakarta"), refusals=1, retry_after="120")
    type_road_report(page, "Pohon tumbang menutup jalan")
    # When the citizen taps send, the form says the service is busy at once and sends nothing more
    page.get_by_role("button", name="Kirim laporan").click()
    # ... and roughly when to try again (it said "coba lagi sebentar lagi", whatever the wait)
    expect(page.locator("#form-error")).to_have_text("Layanan sedang sibuk; coba lagi dalam 2 menit.")
    expect(page.locator("#form-status")).to_be_hidden()
    expect(page.get_by_role("button", name="Kirim laporan")).to_be_enabled()
    assert len(keys) == 1
    page.get_by_role("button", name="English").click()
    expect(page.locator("#form-error")).to_have_text("The service is busy; try again in 2 minutes.")
