"""In Chromium on a 360 by 740 px phone: a private report in "Sudah dilaporkan?" is supported by its row's
token (it has no id to support it by), and the row and the answer show nothing of it but what they did."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http

pytestmark = pytest.mark.e2e


def test_a_private_report_nearby_is_supported_from_the_form_without_its_id(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    body = {
        "category": "banjir",
        "description": "Banjir di gang belakang rumah, nama saya Siti, rahasia-warga-Q7.",
        "location": {"lat": -6.25712, "lon": 106.84893, "area_code": "31.74.01"},
        "visibility": "private",
    }
    status, created = http("POST", f"{api}/reports", body)
    assert status == 201, created
    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    supports: list[str] = []
    page.on(
        "request", lambda r: supports.append(r.url) if r.method == "POST" and "support" in r.url else None
    )
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir/Genangan").check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.2571")
    page.get_by_label("Bujur (longitude)").fill("106.8490")
    page.keyboard.press("Tab")
    row = page.locator(".nearby-item.private")
    expect(row).to_contain_text("Laporan privat")
    assert created["id"] not in row.inner_text() and "Siti" not in page.content()
    row.get_by_role("button", name="Dukung laporan ini").click()
    expect(row.locator(".support-result")).to_contain_text("Terima kasih, dukungan Anda tercatat")
    expect(row.get_by_role("button")).to_have_text("Sudah didukung")
    expect(row.get_by_role("button")).to_be_disabled()
    assert supports and all(u.endswith("/reports/nearby/support") for u in supports), supports
    status, view = http("GET", f"{api}/reports/{created['id']}")
    assert status == 200 and view["support_count"] == 1, view
    assert created["id"] not in page.content()
    # the thanks follows a language switch
    page.get_by_role("button", name="English").click()
    expect(row.locator(".support-result")).to_contain_text("Thank you, your support is counted")
