"""In Chromium: "Sudah dilaporkan?" says when an API listed fewer reports near the point than it has."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http

pytestmark = pytest.mark.e2e


def test_the_form_s_list_says_more_reports_nearby_are_not_shown(web_stack: LocalStack, browser: Any) -> None:
    api = web_stack.api_url("jakarta")
    body = {
        "category": "banjir",
        "description": "Banjir di depan pasar.",
        "location": {"lat": -6.27001, "lon": 106.83001, "area_code": "31.74.01"},
        "visibility": "public",
    }
    status, created = http("POST", f"{api}/reports", body)
    assert status == 201, created
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    cut = {"on": False}

    def answer(route: Route) -> None:
        # the API's own answer, said to be cut at its cap when the test asks (GET /reports/nearby's
        # ``truncated``, tested against the API in tests/integration/test_nearby.py)
        found = route.fetch()
        listed = found.json()
        listed["truncated"] = cut["on"]
        route.fulfill(response=found, body=json.dumps(listed))

    page.route("**/reports/nearby?*", answer)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir/Genangan").check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.2700")
    page.get_by_label("Bujur (longitude)").fill("106.8300")
    page.keyboard.press("Tab")
    expect(page.locator(f'.nearby-item[data-id="{created["id"]}"]')).to_be_visible()
    expect(page.locator("#nearby-truncated")).to_be_hidden()
    cut["on"] = True
    page.get_by_label("Bujur (longitude)").fill("106.83001")
    page.keyboard.press("Tab")
    note = page.locator("#nearby-truncated")
    expect(note).to_have_text("Ada laporan lain di sekitar sini yang tidak ditampilkan.")
    page.get_by_role("button", name="English").click()
    expect(note).to_have_text("More reports nearby are not shown.")
