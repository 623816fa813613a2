"""In Chromium: an officer resolves with a photo of the work; it is uploaded through the presigned
POST, cleaned of GPS data, and shown in the timeline (to the agency and to the reporter)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import http
from tests.e2e.test_web_markup import new_page, routed, sign_in
from tests.unit.gps_images import jpeg_with_gps

pytestmark = pytest.mark.e2e


def test_an_officer_resolves_with_a_photo_the_reporter_then_sees(web_stack: LocalStack, browser: Any) -> None:
    banten_api, agency = web_stack.api_url("banten"), "dlh-cilegon"
    # Given a Cilegon garbage report that the environment agency has taken
    report = {
        "category": "sampah",
        "description": "Sampah menumpuk di depan pasar Kranggot.",
        "location": {"lat": -6.01, "lon": 106.05, "area_code": "36.72.01"},
    }
    status, created = http("POST", f"{banten_api}/reports", report)
    assert status == 201, created
    routed(banten_api, created["id"])
    officer = {"Authorization": f"Bearer {mint('banten', agency, 'officer')}"}
    assert http("POST", f"{banten_api}/agency/reports/{created['id']}/actions/take", {}, officer)[0] == 200
    page, dialogs = new_page(browser, 1024)
    sign_in(page, f"{web_stack.web_url}/banten", agency)
    page.goto(f"{web_stack.web_url}/banten/console.html#report={quote(created['id'])}")
    expect(page.locator("#detail .facts")).to_contain_text("Proses")
    # When the officer resolves with a note and a phone photo (GPS in its Exif) as the evidence
    page.get_by_label("Selesai", exact=True).check()
    page.locator("#action-note").fill("Sampah sudah diangkut, lokasi dibersihkan.")
    page.locator("#action-evidence-photo").set_input_files(
        {"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}
    )
    page.get_by_role("button", name="Kirim tindakan").click()
    # Then the console's timeline shows the photo, loaded from the cleaned copy
    shown = page.locator(".entry-evidence img.photo")
    expect(shown).to_be_visible()
    expect(page.locator("#detail .facts")).to_contain_text("Selesai")
    assert "/public/36/" in (shown.get_attribute("src") or "")
    assert shown.evaluate("img => img.complete && img.naturalWidth > 0")
    # And the reporter's view links the same cleaned copy
    _, view = http(
        "GET", f"{banten_api}/reports/{created['id']}", headers={"X-Report-Secret": created["secret"]}
    )
    assert "/public/36/" in view["timeline"][-1]["evidence_photo"]
    assert dialogs == []
