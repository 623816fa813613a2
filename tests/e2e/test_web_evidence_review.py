"""In Chromium, on the whole local stack: four eyes on doubtful evidence in the console.

A kota coordinator resolves a report on the agency's behalf with the report's own "before" photo. In its
console the "Bukti meragukan" row says it resolved it, the report offers it no review (another
coordinator reviews it, and says so) and the timeline names its account. The province coordinator's
console offers the review, and accepting it takes the report off the list.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import http
from tests.e2e.test_web_markup import new_page, routed, sign_in
from tests.evidence_images import scene_jpeg
from tests.uploads import send_presigned

pytestmark = pytest.mark.e2e

LAT, LON = -6.2265, 106.8535
PLACE = {"lat": LAT, "lon": LON, "area_code": "31.74.01"}  # Tebet, Jakarta Selatan
OWN, KOTA = "sudin-bm-js", "walkot-js"  # the road agency, and the kota's coordinator


def _upload(api: str, path: str, data: bytes, headers: dict[str, str] | None = None) -> str:
    status, ticket = http("POST", f"{api}{path}", {"content_type": "image/jpeg", "size": len(data)}, headers)
    assert status == 201, ticket
    send_presigned(ticket["upload"], data)
    return str(ticket["key"])


def _resolved_by_the_kota_coordinator(api: str) -> str:
    """A road report with a citizen's photo, taken by its agency, resolved by Jakarta Selatan's
    coordinator with that same photo: Selesai, its evidence in doubt."""
    photo = scene_jpeg(
        random.SystemRandom().getrandbits(48),
        taken=datetime.now(timezone(timedelta(hours=7))),
        gps=(LAT, LON),
    )
    body = {"category": "jalan_rusak", "description": "Lubang di Jl. Tebet Barat Dalam.", "location": PLACE}
    status, created = http("POST", f"{api}/reports", {**body, "photos": [_upload(api, "/photos", photo)]})
    assert status == 201, created
    key = created["id"]
    routed(api, key)
    officer = {"Authorization": f"Bearer {mint('jakarta', OWN, 'officer')}"}
    assert http("POST", f"{api}/agency/reports/{key}/actions/take", {}, officer)[0] == 200
    kota = {"Authorization": f"Bearer {mint('jakarta', KOTA, 'coordinator')}"}
    evidence = _upload(api, f"/agency/reports/{quote(key)}/evidence", photo, kota)
    status, done = http(
        "POST",
        f"{api}/agency/reports/{key}/actions/resolve",
        {"note": "Ditambal.", "evidence_photo": evidence},
        kota,
    )
    assert status == 200 and done["evidence_in_doubt"], done
    return key


def _doubtful_row(page: Page, key: str) -> Any:
    page.locator("#doubtful").click()
    row = page.locator(f".inbox-item[data-key='{key}']")
    expect(row).to_be_visible()
    return row


def test_the_coordinator_who_resolved_is_told_another_reviews_and_the_province_coordinator_accepts(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    key = _resolved_by_the_kota_coordinator(api)
    # Given the kota coordinator's console: its own resolve is marked, and offers it no review
    page, dialogs = new_page(browser, 1366)
    sign_in(page, f"{web_stack.web_url}/jakarta", KOTA, "coordinator")
    row = _doubtful_row(page, key)
    expect(row.locator(".badge-yours")).to_have_text("Anda yang menyelesaikan")
    row.locator(".inbox-link").click()
    expect(page.locator("#review-own")).to_contain_text("prinsip empat mata")
    expect(page.locator("#accept-evidence")).to_have_count(0)
    expect(page.locator("#detail .timeline .entry").last).to_contain_text(f"oleh akun dev|{KOTA}|coordinator")
    page.locator("#lang-switch").click()
    expect(page.locator("#review-own")).to_contain_text("four-eyes principle")
    # When the province coordinator opens the same report, the review is offered; it accepts
    other, _ = new_page(browser, 1366)
    sign_in(other, f"{web_stack.web_url}/jakarta", "koordinator", "coordinator")
    mine = _doubtful_row(other, key)
    expect(mine.locator(".badge-yours")).to_have_count(0)
    mine.locator(".inbox-link").click()
    expect(other.locator("#review-own")).to_have_count(0)
    other.locator("#accept-evidence").click()
    # Then the report leaves the list, and its timeline names the account that accepted
    expect(other.locator("#detail .timeline .entry").last).to_contain_text(
        "oleh akun dev|koordinator|coordinator"
    )
    other.locator("#back").click()
    other.locator("#doubtful").click()
    expect(other.locator(f".inbox-item[data-key='{key}']")).to_have_count(0)
    assert dialogs == []
