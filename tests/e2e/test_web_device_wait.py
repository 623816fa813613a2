"""In Chromium, on a dead line: the device token the form asks for first (POST /devices) is waited for a
few seconds at most; the report then goes without one (rate limits count the carrier address instead)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import report_form, type_road_report

pytestmark = pytest.mark.e2e


def test_a_device_token_that_never_comes_does_not_hold_the_report_back(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given POST /devices never answers (the request hangs, as on a dead line)
    page = report_form(browser, web_stack)
    hung: list[Route] = []
    page.route(f"{web_stack.api_url('jakarta')}/devices", lambda route: hung.append(route))
    sent: list[dict[str, str]] = []
    page.on(
        "request",
        lambda r: sent.append(r.headers) if r.method == "POST" and r.url.endswith("/reports") else None,
    )
    type_road_report(page, "Lubang besar di Jalan Tebet Raya dekat halte")
    # When the citizen taps send
    page.get_by_role("button", name="Kirim laporan").click()
    # Then the report is sent after a short wait (5 s; without the wait it hung for good), without a
    # device token, and its number shown
    expect(page.locator("#result")).to_be_visible(timeout=20_000)
    assert hung, "the form asked for a device token"
    assert len(sent) == 1 and "x-device-token" not in sent[0], sent
