"""In Chromium, as a province's operations lead: the dashboard names the deadlines its service-level
compliance is measured against, the province's and each category's own (a flood's are 3 hours and 3 days,
not the province's 6 hours and 7 days)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http

pytestmark = pytest.mark.e2e


def test_the_dashboard_names_the_deadlines_of_the_categories_it_counts(
    web_stack: LocalStack, browser: Any
) -> None:
    body = {
        "category": "banjir",
        "description": "Genangan setinggi betis di depan pasar.",
        "location": {"lat": -6.2461, "lon": 106.8431, "area_code": "31.74.01"},
        "visibility": "public",
    }
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    page = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Jakarta").new_page()
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option("koordinator")
    page.locator("#dev-role").select_option("coordinator")
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    expect(page.locator("#workspace-heading")).to_be_visible()
    page.get_by_role("link", name="Dasbor").click()
    lead = page.locator("#compliance-lead")
    expect(lead).to_contain_text("6 jam untuk koordinasi dan 7 hari untuk penyelesaian")
    expect(lead).not_to_contain_text("(6 jam)")
    own = page.get_by_role("list", name="Jenis masalah dengan batasnya sendiri:")
    expect(own).to_contain_text("Banjir/Genangan: 3 jam, 3 hari")
    page.get_by_role("button", name="English").click()
    expect(lead).to_contain_text("6 hours to coordinate and 7 days to finish")
    expect(page.get_by_role("list", name="Problem types with deadlines of their own:")).to_contain_text(
        "Flood or standing water: 3 hours, 3 days"
    )
