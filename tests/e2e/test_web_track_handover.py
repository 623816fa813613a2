"""In Chromium: the tracking page names the province a report was handed to, before that province has
written anything in its timeline (its name comes from the site's neighbours, not the bare code)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http

pytestmark = pytest.mark.e2e

TEBET = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan pasar.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "visibility": "public",
}


def test_a_report_handed_over_and_not_yet_accepted_names_the_province(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    status, created = http("POST", f"{api}/reports", TEBET)
    assert status == 201, created
    # Given the API's view of a report just handed to Banten: no Banten entry in its timeline yet
    status, view = http("GET", f"{api}/reports/{created['id']}")
    assert status == 200, view
    view = {
        **view,
        "escalated_to": "36",
        "timeline": [e for e in view["timeline"] if e["province"]["code"] == "31"],
    }
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()

    def answer(route: Route) -> None:
        headers = {"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}
        route.fulfill(status=200, body=json.dumps(view), headers=headers)

    page.route(f"{api}/reports/{created['id']}", answer)
    # When the citizen looks it up
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    # Then the page says Banten handles it, by name
    handled_by = page.locator("#report-view dl.facts dt:text-is('Ditangani provinsi') + dd")
    expect(handled_by).to_have_text("Banten")
