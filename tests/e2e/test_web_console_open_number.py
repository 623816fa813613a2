"""In Chromium: a Banten officer opens a report by the number a caller reads out ("Buka laporan nomor").

A Jakarta citizen phoning DLH Kota Tangerang quotes Jakarta's number (31-...), not Banten's key (36~31-...);
the console sends the number as typed and the API answers Banten's copy of it (tested against the API in
tests/integration/test_escalation_flow.py). An unknown number is said, and the same number may be asked
again. API answers are stubbed with page.route(), as in test_web_error_texts.py.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_error_texts import Answer, agency_view, envelope, stub

pytestmark = pytest.mark.e2e

NUMBER = "31-261127-K3M9"
COPY = f"36~{NUMBER}"


def banten_jwt() -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {
        "custom:agency": "dlh-kota-tangerang",
        "custom:role": "officer",
        "custom:province": "36",
        "exp": int(time.time()) + 3600,
    }
    return f"{part({'alg': 'RS256'})}.{part(claims)}.sig"


def banten_console(browser: Any, web_stack: LocalStack, asked: list[str], lang: str = "id") -> Page:
    """Banten's console with an empty inbox; the detail of Jakarta's number is Banten's copy, any other
    number is not found. ``asked`` collects the detail paths requested, decoded."""
    page = browser.new_context(viewport={"width": 1024, "height": 900}).new_page()
    copy = agency_view(
        id=NUMBER,
        key=COPY,
        province="36",
        origin_province="31",
        escalated_from_other_province=True,
        area={"code": "36.71.01", "province": "36", "names": ["Tangerang", "Kota Tangerang"]},
        agency={
            "id": "dlh-kota-tangerang",
            "name": "Dinas Lingkungan Hidup Kota Tangerang",
            "province": "36",
        },
    )

    def answer(method: str, path: str) -> Answer:
        if path == "/agency/reports":
            return 200, {"items": [], "next_cursor": None}
        if path.startswith("/agency/reports/") and method == "GET":
            typed = unquote(path.removeprefix("/agency/reports/"))
            asked.append(typed)
            if typed.upper().replace(" ", "-") == NUMBER:  # as the API reads a typed number
                return 200, copy
            return envelope(404, "report_not_found", f"Laporan {typed} tidak ditemukan (report not found).")
        return None  # /categories, /areas: the real API

    stub(page, web_stack.api_url("banten"), answer)
    page.goto(f"{web_stack.web_url}/banten/console.html?lang={lang}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#token").fill(banten_jwt())
    page.locator("#token-form button[type=submit]").click()
    expect(page.locator("#inbox-count")).to_have_text("Tidak ada laporan di kotak masuk.")
    return page


def test_the_number_a_jakarta_caller_reads_out_opens_banten_s_copy(
    web_stack: LocalStack, browser: Any
) -> None:
    asked: list[str] = []
    page = banten_console(browser, web_stack, asked)
    # The inbox offers to open a report by its number, another province's too
    expect(page.locator("label[for=open-key]")).to_have_text("Buka laporan nomor")
    expect(page.locator("#open-key-hint")).to_contain_text("nomor dari provinsi lain")
    # When the officer types the Jakarta number as the caller reads it out
    page.locator("#open-key").fill("31 261127 k3m9")
    page.locator("#open-form button[type=submit]").click()
    # Then the report opens: Jakarta's number, and where it came from
    expect(page.locator("#detail-heading")).to_contain_text(NUMBER)
    expect(page.locator("#detail")).to_contain_text("Asal laporan")
    expect(page.locator(".notice.escalated")).to_be_visible()
    assert asked == ["31 261127 k3m9"]  # sent as typed: the API reads it
    # And the address names Banten's key, as an inbox row's link does: back goes to the inbox
    assert page.url.endswith(f"#report={COPY}")
    page.locator("#back").click()
    expect(page.locator("#inbox")).to_be_visible()
    assert asked == ["31 261127 k3m9"]  # opened once


def test_an_unknown_number_is_said_and_can_be_asked_again(web_stack: LocalStack, browser: Any) -> None:
    asked: list[str] = []
    page = banten_console(browser, web_stack, asked)
    page.locator("#open-form button[type=submit]").click()  # nothing typed: said, nothing asked
    expect(page.locator("#open-error")).to_have_text("Ketik nomor laporan yang akan dibuka.")
    expect(page.locator("#open-key")).to_be_focused()
    page.locator("#open-key").fill("31-261127-ZZZZ")
    page.locator("#open-form button[type=submit]").click()
    expect(page.locator("#open-error")).to_contain_text("tidak ditemukan")
    expect(page.locator("#open-error")).to_be_focused()
    expect(page.locator("#inbox")).to_be_visible()
    page.locator("#open-form button[type=submit]").click()  # the same number again is asked again
    expect(page.locator("#open-error")).to_contain_text("tidak ditemukan")
    for _ in range(50):  # the stub records each request as it answers it
        if len(asked) == 2:
            break
        page.wait_for_timeout(100)
    assert asked == ["31-261127-ZZZZ", "31-261127-ZZZZ"]
