"""In Chromium on a phone, over the real local stack: the reporter is told, before typing, that the words of
a confirm or reopen on a public report are shown to anyone with its number."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http
from tests.e2e.test_web_error_texts import stub

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
SAID_ID = (
    "Laporan ini publik: komentar dan alasan Anda terlihat oleh siapa saja yang membuka nomornya. "
    "Jangan tuliskan nama, nomor telepon atau alamat rumah Anda."
)
SAID_EN = (
    "This report is public: your comment and reason are shown to anyone who opens its number. "
    "Do not write your name, phone number or home address."
)


@pytest.mark.parametrize("visibility", ["public", "private"])
def test_the_feedback_form_of_a_public_report_says_its_words_are_public(
    web_stack: LocalStack, browser: Any, visibility: str
) -> None:
    api = web_stack.api_url("jakarta")
    body = {
        "category": "banjir",
        "description": "Genangan setinggi lutut di depan pasar sejak subuh.",
        "location": {"lat": -6.2581, "lon": 106.8762, "area_code": "31.74.01"},
        "visibility": visibility,
    }
    status, created = http("POST", f"{api}/reports", body)
    assert status == 201, created
    _, view = http("GET", f"{api}/reports/{created['id']}", headers={"X-Report-Secret": created["secret"]})
    # Given a report Selesai, waiting for its reporter's answer
    done = {**view, "status": {"code": "SELESAI", "label": "Selesai", "label_en": "Done"}}
    done["allowed_actions"] = ["confirm", "reopen"]
    page = browser.new_context(viewport=PHONE).new_page()
    stub(
        page,
        api,
        lambda method, path: (200, done) if method == "GET" and path.endswith(created["id"]) else None,
    )
    # When the reporter opens it with the secret
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    page.get_by_label("Kode rahasia (opsional)").fill(created["secret"])
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#reopen-form")).to_be_visible()
    said = page.locator("#feedback-public")
    if visibility == "private":
        # Then a private report's words stay with the secret and the agencies: nothing to warn of
        expect(said).to_have_count(0)
        return
    # Then a public one says, above the comment and the reason, that anyone will read them
    expect(said).to_have_text(SAID_ID)
    assert said.evaluate("e => e.compareDocumentPosition(document.querySelector('#comment')) & 4")
    page.get_by_role("button", name="English").click()
    expect(said).to_have_text(SAID_EN)


@pytest.mark.parametrize("public_words", [True, False])
def test_a_feedback_link_says_so_when_the_api_says_its_words_are_public(
    web_stack: LocalStack, browser: Any, public_words: bool
) -> None:
    api = web_stack.api_url("jakarta")
    info = {
        "purpose": "feedback",
        "report_id": "31-261208-K3M9",
        "expires_at": 2**31,
        "public_words": public_words,
    }
    page = browser.new_context(viewport=PHONE).new_page()
    stub(page, api, lambda method, path: (200, info) if path == "/links/inspect" else None)
    # When the reporter opens the Selesai message's link
    page.goto(f"{web_stack.web_url}/jakarta/feedback.html#{'k' * 40}")
    expect(page.locator("#link-form")).to_be_visible()
    said = page.locator("#link-public")
    # Then the form says above the comment and reason that anyone will read them, only for a public report
    if public_words:
        expect(said).to_have_text(SAID_ID)
        expect(said).to_be_visible()
    else:
        expect(said).to_be_hidden()
