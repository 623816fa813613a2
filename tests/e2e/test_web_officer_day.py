"""In Chromium: an officer's day in the console, with the agency API stubbed (page.route()): a version
conflict's reload keeps what the officer typed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_error_texts import (
    Answer,
    agency_view,
    envelope,
    signed_in,
)

pytestmark = pytest.mark.e2e

NOTE = "Bukan jalan umum: lokasi di dalam kompleks perumahan, dirawat pengembang."


def test_a_conflict_s_reload_keeps_the_action_and_the_note_typed(web_stack: LocalStack, browser: Any) -> None:
    reads = {"n": 0}

    def answers(method: str, path: str) -> Answer:
        if "/actions/" in path:
            return envelope(409, "version_conflict", "Laporan sudah berubah sejak Anda membukanya.")
        if path.startswith("/agency/reports/") and method == "GET":
            reads["n"] += 1
            if reads["n"] == 1:
                return 200, agency_view()
            # a colleague added a photo meanwhile: the report is still Disposisi, one version on
            return 200, agency_view(version=4, description="Lubang besar (foto ditambahkan)")
        return None

    page = signed_in(browser, web_stack, answers)
    page.locator(".inbox-link").first.click()
    expect(page.locator("#action-form")).to_be_visible()
    # Given the officer chose "Tolak" and typed the reason, and the report had changed meanwhile
    page.locator("input[name=action][value=reject]").check()
    page.locator("#action-note").fill(NOTE)
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#action-error")).to_contain_text("Konflik")
    # When they reload the report, as the conflict offers
    page.locator("#action-reload").click()
    expect(page.locator("#detail .description")).to_have_text("Lubang besar (foto ditambahkan)")
    # Then the new version is shown with their choice and their words still there, ready to send again
    expect(page.locator("input[name=action][value=reject]")).to_be_checked()
    expect(page.locator("#action-note")).to_have_value(NOTE)
    expect(page.locator("#action-note")).to_be_visible()
    expect(page.locator("#action-error")).to_be_hidden()
    expect(page.locator("#action-reload")).to_be_hidden()
