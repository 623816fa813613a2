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


def test_a_secret_typed_on_another_province_s_site_goes_nowhere_but_the_form(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a private Jakarta report and its secret, and the citizen on Banten's tracking page
    private = {key: value for key, value in TEBET.items() if key != "visibility"}
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", private)
    assert status == 201, created
    secret = created["secret"]
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    sent: list[str] = []  # every request the browser makes: its address, headers and body
    page.on("request", lambda r: sent.append(f"{r.url} {r.all_headers()} {r.post_data or ''}"))
    page.goto(f"{web_stack.web_url}/banten/track.html")
    # When they type the report's id and secret there
    page.locator("#report-id").fill(created["id"])
    page.locator("#report-secret").fill(secret)
    page.get_by_role("button", name="Tampilkan").click()
    # Then the page links to Jakarta's site with the id only ...
    elsewhere = page.locator("#track-elsewhere").get_by_role("link", name="Lacak di situs Aduan DKI Jakarta.")
    assert elsewhere.evaluate("a => a.href") == f"{web_stack.web_url}/jakarta/track.html?id={created['id']}"
    # ... and, followed, opens it with no secret in the address (history) or the Referer
    elsewhere.click()
    expect(page.locator("#report-id")).to_have_value(created["id"])
    expect(page.locator("#report-view")).to_be_visible()
    assert secret not in page.url
    # And the secret went to no server: not to Banten's API (which cannot check it), not to Jakarta's site
    assert len(sent) > 3 and [request for request in sent if secret in request] == []


def test_an_id_typed_with_a_letter_for_a_digit_and_its_secret_opens_the_private_report(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a private Jakarta report, its number read from a note with an l for the 1 of "31" (the API
    # reads l as 1), and its secret typed right
    private = {key: value for key, value in TEBET.items() if key != "visibility"}
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", private)
    assert status == 201, created
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.url} {r.all_headers()}"))
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#report-id").fill("3l" + created["id"][2:])
    page.locator("#report-secret").fill(created["secret"])
    # When they ask for it on Jakarta's tracking page
    page.get_by_role("button", name="Tampilkan").click()
    # Then its content is shown (the secret was not sent, and the page said it does not match)
    expect(page.locator("#report-view")).to_contain_text(TEBET["description"])
    expect(page.locator("#report-view")).not_to_contain_text("tidak cocok")
    # And the secret went to Jakarta's API only
    with_secret = [request for request in sent if created["secret"] in request]
    assert with_secret and all(web_stack.api_url("jakarta") in request for request in with_secret)
