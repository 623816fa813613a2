"""In Chromium, over the real local stack: a Peta marker's popup the citizen opened stays open when the
map's answer arrives after the tap (a slow line) or the page changes language."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually
from tests.e2e.test_web_map import FLOOD, offline_context, submit

pytestmark = pytest.mark.e2e

# In Peta's first view, where no other test reports from: the report is a marker of its own
PLACE = {"lat": -6.2150, "lon": 106.8700, "area_code": "31.71.05"}


def test_an_open_popup_stays_open_through_a_late_answer_and_a_language_switch(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    report = submit(api, {**FLOOD, "location": PLACE})
    page = offline_context(browser, []).new_page()
    held: list[Route] = []
    holding = {"on": False}

    def maybe_hold(route: Route) -> None:
        if holding["on"]:
            held.append(route)
        else:
            route.continue_()

    page.route("**/reports/map?**", maybe_hold)
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # Given the citizen opened the report's popup
    page.get_by_title(f"{report} ·", exact=False).click()
    track = page.locator(".leaflet-popup").get_by_role("link", name=f"Lacak laporan {report}")
    expect(track).to_be_visible()
    # When the map moves a little, a report is filed meanwhile, and the answer comes after all that
    holding["on"] = True
    newer = submit(api, {**FLOOD, "location": {**PLACE, "lat": -6.1900, "lon": 106.8650}})
    page.locator("#public-map").focus()
    page.keyboard.press("ArrowDown")
    eventually(lambda: page.wait_for_timeout(100) or held, timeout=10)  # the page's events run meanwhile
    loaded = page.locator("body").get_attribute("data-loaded")
    holding["on"] = False
    for route in held:
        route.continue_()
    expect(page.locator("body")).not_to_have_attribute("data-loaded", loaded or "")
    expect(page.locator("#map-list").get_by_role("link", name=newer)).to_be_visible()  # the answer was drawn
    # Then the popup is still open on the same report (the closed one fades out)
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    expect(track).to_be_visible()
    # And a switch to English keeps it open, in English
    page.get_by_role("button", name="English").click()
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    expect(page.locator(".leaflet-popup").get_by_role("link", name=f"Track report {report}")).to_be_visible()
