"""In Chromium: report text is only ever text (never HTML); a stale agency action shows its 409 clearly."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http, type_road_report

pytestmark = pytest.mark.e2e

MARKUP = "<img src=x onerror=alert(1)><b>bold</b>"


def new_page(browser: Any, width: int = 360) -> tuple[Page, list[str]]:
    """A page that records any dialog (an executed alert() would land here)."""
    dialogs: list[str] = []
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page, dialogs


def sign_in(page: Page, site: str, agency: str, role: str = "officer") -> None:
    page.goto(f"{site}/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option(agency)
    page.locator("#dev-role").select_option(role)
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    expect(page.locator("#workspace-heading")).to_be_visible()


def routed(api: str, report_id: str) -> dict[str, Any]:
    return eventually(
        lambda: (lambda r: r if r["agency"] else None)(http("GET", f"{api}/reports/{report_id}")[1])
    )


def test_a_description_with_markup_is_shown_as_text(web_stack: LocalStack, browser: Any) -> None:
    site = f"{web_stack.web_url}/jakarta"
    page, dialogs = new_page(browser)
    # A citizen types markup into the form (coordinates typed by hand this time)
    page.goto(f"{site}/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, MARKUP)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#result-secret")).not_to_be_empty()
    report_id = page.locator("#result-id").text_content() or ""
    secret = page.locator("#result-secret").text_content() or ""
    # The tracking page (with the secret, so the private content shows) renders it literally
    page.get_by_role("link", name="Lacak laporan ini").click()
    page.get_by_label("Kode rahasia (opsional)").fill(secret)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#report-view .description")).to_have_text(MARKUP)
    assert page.locator("main img").count() == 0 and page.locator("main b").count() == 0
    # And so does the agency console
    routed(web_stack.api_url("jakarta"), report_id)
    officer, officer_dialogs = new_page(browser, 1024)
    sign_in(officer, site, "sudin-bm-js")
    officer.goto(f"{site}/console.html#report={quote(report_id)}")
    expect(officer.locator("#detail .description")).to_have_text(MARKUP)
    # (the inbox map's own tile images are Leaflet's, not report content)
    assert officer.locator("main img:not(.leaflet-tile)").count() == 0
    assert officer.locator("main b").count() == 0
    assert dialogs == [] and officer_dialogs == []


def test_a_stale_action_shows_the_conflict_and_offers_a_reload(web_stack: LocalStack, browser: Any) -> None:
    banten_api, agency = web_stack.api_url("banten"), "dlh-cilegon"
    status, created = http(
        "POST",
        f"{banten_api}/reports",
        {
            "category": "sampah",
            "description": "Sampah di depan pasar.",
            "location": {"lat": -6.01, "lon": 106.05, "area_code": "36.72.01"},
        },
    )
    assert status == 201, created
    routed(banten_api, created["id"])
    page, _ = new_page(browser, 1024)
    sign_in(page, f"{web_stack.web_url}/banten", agency)
    page.goto(f"{web_stack.web_url}/banten/console.html#report={quote(created['id'])}")
    expect(page.locator("#detail .facts")).to_contain_text("Disposisi")
    # Meanwhile a colleague takes the report
    colleague = {"Authorization": f"Bearer {mint('banten', agency, 'officer')}"}
    assert http("POST", f"{banten_api}/agency/reports/{created['id']}/actions/take", {}, colleague)[0] == 200
    # The officer's own take, on the version they loaded, is refused and said so
    page.get_by_label("Tangani (Proses)").check()
    page.get_by_role("button", name="Kirim tindakan").click()
    error = page.locator("#action-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Konflik:")
    expect(error).to_contain_text("sudah berubah")
    expect(error).to_be_focused()
    page.get_by_role("button", name="Muat ulang laporan").click()
    expect(page.locator("#detail .facts")).to_contain_text("Proses")
