"""In Chromium on a 360 by 740 px phone, over the real local stack: what a Jakarta citizen stumbled on
between reporting a flood, finding it already reported nearby, following a report and answering a
message's link."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http

pytestmark = pytest.mark.e2e

PHONE_740 = {"width": 360, "height": 740}


def _phone(browser: Any) -> Page:
    return browser.new_context(viewport=PHONE_740, timezone_id="Asia/Jakarta").new_page()


def _public_flood(stack: LocalStack, lat: float, lon: float) -> dict[str, Any]:
    body = {
        "category": "banjir",
        "description": "Banjir selutut di depan SDN, air masuk rumah warga.",
        "location": {"lat": lat, "lon": lon, "area_code": "31.74.01"},
        "visibility": "public",
    }
    status, created = http("POST", f"{stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    return created


def _flood_point(page: Page, site: str, lat: str, lon: str) -> None:
    """The report form with Banjir chosen and a point typed, as a citizen types it (then leaves the field)."""
    page.goto(f"{site}/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir/Genangan").check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill(lat)
    page.get_by_label("Bujur (longitude)").fill(lon)
    page.keyboard.press("Tab")


def test_already_reported_rows_and_a_support_are_worded_again_after_a_language_switch(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(web_stack, -6.2431, 106.8612)
    page = _phone(browser)
    _flood_point(page, f"{web_stack.web_url}/jakarta", "-6.2432", "106.8613")
    row = page.locator(f".nearby-item[data-id='{created['id']}']")
    expect(row).to_contain_text("m dari titik Anda")
    expect(row.locator(".support-count")).to_have_text("Didukung 0 orang")
    # Switched to English before supporting: the row is in English too (it stayed in Indonesian)
    page.get_by_role("button", name="English").click()
    expect(row).to_contain_text("m from your point")
    expect(row).to_contain_text("Flood or standing water")
    expect(row.locator(".badge")).to_contain_text("(")  # "Waiting (Menunggu)" / "Disposition (Disposisi)"
    expect(row.locator(".support-count")).to_have_text("Supported by 0")
    row.get_by_role("button", name="Support this report").click()
    expect(row.locator(".support-result")).to_contain_text("Thank you, your support")
    expect(row.locator(".support-count")).to_have_text("Supported by 1")
    # ... and back: the thanks, the count, the button and the link follow the switch
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(row.locator(".support-count")).to_have_text("Didukung 1 orang")
    expect(row.get_by_role("button")).to_have_text("Sudah didukung")
    expect(row.locator(".support-result")).to_contain_text("Terima kasih, dukungan Anda")
    expect(row.locator(".support-result a")).to_have_text("Lacak, atau ikuti kabarnya lewat e-mail")
    expect(row).to_contain_text("m dari titik Anda")
    expect(row).not_to_contain_text("Supported")
