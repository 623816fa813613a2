"""In Chromium on a 360 by 740 px phone: the header's language switch while the phone is offline. The
English words are fetched when first chosen; offline they cannot be, and the switch failed silently (the
page stayed Indonesian, believing itself English). Now the page stays as it is and says why; a language
whose words the page has already fetched switches offline too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_switching_language_offline_says_why_and_keeps_the_page_as_it_is(
    web_stack: LocalStack, browser: Any
) -> None:
    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # The footer's emergency line is there from the start (112 is not this service)
    expect(page.locator("#site-footer")).to_have_text(
        "Darurat? Hubungi 112. Layanan ini untuk pengaduan non-darurat."
    )
    page.locator("#description").fill("Lubang besar di depan sekolah.")
    # When the phone has no network and the citizen chooses English
    page.context.set_offline(True)
    page.get_by_role("button", name="English").click()
    # Then the page says, in its language (with the English for whoever wanted it), that it cannot switch
    expect(page.get_by_role("alert").filter(has_text="luring")).to_have_text(
        "Anda sedang luring: bahasa belum bisa diganti (You are offline: the language cannot be changed yet)."
        " Sambungkan ke internet lalu coba lagi."
    )
    # and everything stays Indonesian, the switch still offering English, with the focus on it
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Laporkan masalah di sekitar Anda")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim laporan")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_focused()
    assert page.evaluate("() => window.localStorage.getItem('aduan.lang')") is None
    # When the phone is back and the citizen tries again, the page is in English, what was typed kept
    page.context.set_offline(False)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Report a problem near you")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#site-footer")).to_have_text(
        "Emergency? Call 112. This service is for non-emergency complaints."
    )
    expect(page.locator("#lang-note")).to_be_hidden()
    expect(page.locator("#description")).to_have_value("Lubang besar di depan sekolah.")
    # And offline again, both languages are at hand: back to Indonesian and to English, nothing said
    page.context.set_offline(True)
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Laporkan masalah di sekitar Anda")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Report a problem near you")).to_be_visible()
    expect(page.locator("#lang-note")).to_be_hidden()
    page.context.close()
