"""In Chromium, on the whole local stack: a Jakarta report about Kota Tangerang that Banten hands back.

Jakarta's coordinator sees the mark in the inbox row ("Dikembalikan oleh Banten", with why), in both
languages, sends it to Banten again from the console with a reason, and reads that reason once in the
report's timeline (Banten's acceptance, mirrored, does not repeat it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http
from tests.e2e.test_web_markup import new_page

pytestmark = pytest.mark.e2e

TANGERANG_GARBAGE = {
    "category": "sampah",
    "description": "Sampah menumpuk di Jl. Daan Mogot, perbatasan Jakarta dan Kota Tangerang.",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "visibility": "public",
}
BANTEN_AGENCY = "dlh-kota-tangerang"
WHY_BACK = "Lokasi di sisi Jakarta, bukan Kota Tangerang"
WHY_AGAIN = "Titik di peta jelas di Kota Tangerang"


def _handed_back_by_banten(web_stack: LocalStack) -> tuple[str, str]:
    """A Jakarta report Banten accepted and then handed back: its id and the Jakarta agency it is at."""
    jakarta, banten = web_stack.api_url("jakarta"), web_stack.api_url("banten")
    status, created = http("POST", f"{jakarta}/reports", TANGERANG_GARBAGE)
    assert status == 201, created
    report_id = created["id"]
    officer = {"Authorization": f"Bearer {mint('banten', BANTEN_AGENCY, 'officer')}"}
    eventually(lambda: http("GET", f"{banten}/agency/reports/{report_id}", headers=officer)[0] == 200)
    back = http("POST", f"{banten}/agency/reports/{report_id}/actions/refuse", {"note": WHY_BACK}, officer)
    assert back[0] == 200, back
    taken = eventually(
        lambda: (lambda r: r if r["escalated_to"] is None and r["agency"] else None)(
            http("GET", f"{jakarta}/reports/{report_id}")[1]
        )
    )
    return report_id, taken["agency"]["id"]


def test_jakarta_s_coordinator_sees_who_handed_a_report_back_and_sends_it_again(
    web_stack: LocalStack, browser: Any
) -> None:
    report_id, agency = _handed_back_by_banten(web_stack)
    assert agency == "koordinator"  # Banten suggested no agency: Jakarta's coordinator has it
    page, _ = new_page(browser, 1366)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option("koordinator")
    page.locator("#dev-role").select_option("coordinator")
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    # The inbox row says who handed it back, and why
    row = page.locator(f".inbox-item[data-key='{report_id}']")
    expect(row.locator(".badge-handed-back")).to_have_text("Dikembalikan oleh Banten")
    expect(row.locator(".inbox-handed-back")).to_contain_text("Alasan dikembalikan: ")
    expect(row.locator(".inbox-handed-back")).to_contain_text(WHY_BACK)
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(row.locator(".badge-handed-back")).to_have_text("Handed back by Banten")
    expect(row.locator(".inbox-handed-back")).to_contain_text("Why it was handed back: ")
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    # Sent to Banten again from the console, with why
    row.locator(".inbox-link").click()
    expect(page.locator("#detail-heading")).to_contain_text(report_id)
    page.locator("input[name=action][value=refuse]").check()
    page.locator("#action-agency").fill(f"36:{BANTEN_AGENCY}")
    page.locator("#action-note").fill(WHY_AGAIN)
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#action-error")).to_be_hidden()
    # Once Banten accepts it again, the report's timeline says Jakarta's reason once
    jakarta = web_stack.api_url("jakarta")
    eventually(
        lambda: (
            [e["action"] for e in http("GET", f"{jakarta}/reports/{report_id}")[1]["timeline"]].count(
                "accept"
            )
            == 2
        )
    )
    page.goto(f"{web_stack.web_url}/jakarta/console.html#report={quote(report_id)}")
    page.reload()
    expect(page.locator("#detail-heading")).to_contain_text(report_id)
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Diterima Provinsi Banten", timeout=15_000)
    expect(timeline).to_contain_text(WHY_AGAIN)
    assert timeline.inner_text().count(WHY_AGAIN) == 1, timeline.inner_text()
