"""In Chromium on a 360 by 740 px phone: a private report in "Sudah dilaporkan?" is supported by its row's
token (it has no id to support it by), and the row and the answer show nothing of it but what they did."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Route, expect

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


def test_a_support_token_gone_stale_lists_the_reports_nearby_again_and_a_second_tap_counts(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    body = {
        "category": "banjir",
        "description": "Air masuk rumah warga di gang sempit, rahasia-warga-K3.",
        "location": {"lat": -6.23305, "lon": 106.85612, "area_code": "31.74.01"},
        "visibility": "private",
    }
    status, created = http("POST", f"{api}/reports", body)
    assert status == 201, created
    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    listings: list[str] = []
    page.on(
        "request",
        lambda r: listings.append(r.url) if r.method == "GET" and "/reports/nearby?" in r.url else None,
    )
    answers: list[dict[str, Any]] = []

    def stale_first(route: Route) -> None:
        # the first tap's token is one the API no longer takes (as after an hour): the API's own answer
        sent = route.request.post_data_json
        if not answers:
            token = sent["token"]
            sent["token"] = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
        answer = route.fetch(post_data=json.dumps(sent))
        answers.append({"status": answer.status, **answer.json()})
        route.fulfill(response=answer)

    page.route(f"{api}/reports/nearby/support", stale_first)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir/Genangan").check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.2331")
    page.get_by_label("Bujur (longitude)").fill("106.8561")
    page.keyboard.press("Tab")
    row = page.locator(".nearby-item.private")
    expect(row).to_have_count(1)
    listed = len(listings)
    row.get_by_role("button", name="Dukung laporan ini").click()
    # the API said the token is gone; the page says so plainly and lists the reports nearby again
    notice = page.locator("#nearby-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Dukungan tadi belum tercatat")
    expect(notice).to_contain_text("tekan “Dukung laporan ini” sekali lagi")
    assert answers[0]["status"] == 404 and answers[0]["error"]["code"] == "support_token_gone", answers
    assert len(listings) == listed + 1, listings
    expect(page.locator("#nearby")).not_to_contain_text("Periksa isian")
    expect(page.locator("#nearby")).not_to_contain_text("Tidak ditemukan")
    page.get_by_role("button", name="English").click()
    expect(notice).to_contain_text("Your support was not counted yet")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    # the second tap, with the new listing's token, is counted
    row.get_by_role("button", name="Dukung laporan ini").click()
    expect(row.locator(".support-result")).to_contain_text("Terima kasih, dukungan Anda tercatat")
    assert answers[1]["status"] == 200 and answers[1]["support_added"] is True, answers
    status, view = http("GET", f"{api}/reports/{created['id']}")
    assert status == 200 and view["support_count"] == 1, view
    # a new point or category is a new check: the notice goes
    page.get_by_label("Bujur (longitude)").fill("106.8562")
    page.keyboard.press("Tab")
    expect(notice).to_be_hidden()
