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
from tests.uploads import send_presigned

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


def _citizen_photo(api: str, data: bytes) -> str:
    """A citizen's upload through POST /photos and its presigned POST: the key for a report."""
    status, ticket = http("POST", f"{api}/photos", {"content_type": "image/jpeg", "size": len(data)})
    assert status == 201, ticket
    send_presigned(ticket["upload"], data)
    return str(ticket["key"])


def test_a_photo_reused_from_another_report_is_flagged_on_the_citizen_s_page(
    web_stack: LocalStack, browser: Any
) -> None:
    import random
    from datetime import datetime, timedelta, timezone

    from tests.evidence_images import scene_jpeg

    api, agency = web_stack.api_url("jakarta"), "sudin-bm-js"
    place = {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"}
    # Given a citizen's photo of a pothole, sent with one report (fingerprinted when it is routed)
    photo = scene_jpeg(
        random.SystemRandom().getrandbits(48),
        taken=datetime.now(timezone(timedelta(hours=7))),
        gps=(place["lat"], place["lon"]),
    )
    first = {"category": "jalan_rusak", "description": "Lubang besar di Jl. Tebet Raya.", "location": place}
    status, earlier = http("POST", f"{api}/reports", {**first, "photos": [_citizen_photo(api, photo)]})
    assert status == 201, earlier
    # And another road report, public, that the road agency has taken
    second = {**first, "description": "Jalan rusak dekat halte Tebet.", "visibility": "public"}
    status, created = http("POST", f"{api}/reports", second)
    assert status == 201, created
    routed(api, earlier["id"])
    routed(api, created["id"])
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    assert http("POST", f"{api}/agency/reports/{created['id']}/actions/take", {}, officer)[0] == 200
    # When the officer resolves it in the console with the first report's photo
    page, dialogs = new_page(browser, 1024)
    sign_in(page, f"{web_stack.web_url}/jakarta", agency)
    page.goto(f"{web_stack.web_url}/jakarta/console.html#report={quote(created['id'])}")
    expect(page.locator("#detail .facts")).to_contain_text("Proses")
    page.get_by_label("Selesai", exact=True).check()
    page.locator("#action-note").fill("Lubang sudah ditambal.")
    page.locator("#action-evidence-photo").set_input_files(
        {"name": "sesudah.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#detail .facts")).to_contain_text("Selesai")
    expect(page.locator("#detail .timeline .badge-unverified")).to_have_text("Bukti belum terverifikasi")
    # Then the citizen's tracking page, without any secret, shows the flag and why
    track = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    track.goto(f"{web_stack.web_url}/jakarta/track.html?id={quote(created['id'])}")
    flag = track.locator(".facts .evidence-check.unverified")
    expect(flag).to_contain_text("Bukti belum terverifikasi")
    expect(flag.locator(".evidence-reasons li[data-code='seen_before']")).to_contain_text(
        "sudah pernah dikirim"
    )
    expect(track.locator(".timeline .badge-unverified")).to_be_visible()
    assert dialogs == []
