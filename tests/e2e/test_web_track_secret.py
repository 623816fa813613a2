"""In Chromium: the tracking page opens a private report with its secret typed as a citizen copies it
from a phone screen or hears it on the phone: in small letters, with spaces between the groups."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http

pytestmark = pytest.mark.e2e

PRIVATE = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan pasar, kode dibacakan lewat telepon.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}


def test_a_secret_typed_in_small_letters_with_spaces_between_its_groups_opens_the_private_report(
    web_stack: LocalStack, browser: Any
) -> None:
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", PRIVATE)
    assert status == 201, created
    typed = " " + created["secret"].lower().replace("-", " ") + " "
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # A phone keyboard must not capitalise the first letter of an older, case-sensitive code
    expect(page.locator("#report-secret")).to_have_attribute("autocapitalize", "off")
    page.locator("#report-id").fill(created["id"])
    page.locator("#report-secret").fill(typed)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#report-view")).to_contain_text(PRIVATE["description"])
    expect(page.locator("#report-view")).not_to_contain_text("tidak cocok")
