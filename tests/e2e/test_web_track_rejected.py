"""In Chromium on a phone, over the real local stack: the tracking page of a Ditolak report (the Ditolak
SMS's one link) leads to the report form, and a follow request refused because the report closed while
the page was open says so."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chalicelib.services.following import CLOSED
from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http
from tests.e2e.test_web_error_texts import stub

pytestmark = pytest.mark.e2e

PUBLIC = {
    "category": "sampah",
    "description": "Sampah menumpuk di depan pasar.",
    "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
    "visibility": "public",
}


def _phone(browser: Any) -> Page:
    return browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()


def _submitted(stack: LocalStack) -> dict[str, Any]:
    status, created = http("POST", f"{stack.api_url('jakarta')}/reports", PUBLIC)
    assert status == 201, created
    return created


def test_a_ditolak_report_s_page_leads_to_the_report_form(web_stack: LocalStack, browser: Any) -> None:
    # Given a report the agency refused for want of detail
    created = _submitted(web_stack)
    api = web_stack.api_url("jakarta")
    routed = eventually(lambda: http("GET", f"{api}/reports/{created['id']}")[1]["agency"], timeout=40)
    agency = routed["id"]
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    rejected = http(
        "POST",
        f"{api}/agency/reports/{created['id']}/actions/reject",
        {"note": "Lokasi kurang jelas"},
        officer,
    )
    assert rejected[0] == 200, rejected
    # When its reporter opens its tracking page (the Ditolak SMS's link)
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # Then the page says it is not reopened and links the form, to report again with more detail
    expect(page.locator("#report-again")).to_contain_text("tidak dapat dibuka kembali")
    expect(page.get_by_role("link", name="Kirim laporan baru")).to_have_attribute("href", "index.html")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Send a new report")).to_be_visible()


def test_a_report_closed_while_its_page_was_open_says_so_on_the_follow_form(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _submitted(web_stack)
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # Given the API answers a follow request as it does for a closed report
    follow = f"/reports/{created['id']}/follow"
    closed = {"error": {"code": "follow_closed", "message": CLOSED}}
    stub(
        page,
        web_stack.api_url("jakarta"),
        lambda method, path: (404, closed) if path.endswith(follow) else None,
    )
    # When the citizen asks to follow it
    page.locator("#follow-email").fill("tetangga@example.com")
    page.get_by_role("button", name="Ikuti lewat e-mail").click()
    # Then the page says it is closed, in the page's language
    expect(page.locator("#follow-error")).to_have_text(
        "Laporan ini sudah ditutup: tidak ada kabar lagi untuk diikuti."
    )
