"""In Chromium: an officer signs in with the agency account (the hosted sign-in; locally web.serve
--dev's stand-in for Cognito), PKCE and all, and lands in the console; a kota's coordinator then
sees its kota's dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack

pytestmark = pytest.mark.e2e


def test_an_officer_signs_in_with_the_agency_account(web_stack: LocalStack, browser: Any) -> None:
    page = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    # Given Banten's console, not signed in
    page.goto(f"{web_stack.web_url}/banten/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # When the officer chooses the agency account, signs in there as Kota Tangerang's coordinator
    page.get_by_role("button", name="Masuk dengan akun instansi").click()
    page.wait_for_url(re.compile(r"/dev/oauth2/authorize\?.*code_challenge_method=S256"))
    page.get_by_label("Instansi").select_option("pemkot-tangerang")
    page.get_by_label("Peran").select_option("coordinator")
    page.get_by_role("button", name="Masuk", exact=True).click()
    # Then the console has them signed in, and the one-time code is off the address bar
    expect(page.locator("#workspace-heading")).to_be_visible()
    expect(page.locator("#who")).to_contain_text("pemkot-tangerang")
    assert "code=" not in page.url and page.url.endswith("/banten/console.html")
    # And a reload keeps the session (this tab's sessionStorage), without going back to the provider
    page.reload()
    expect(page.locator("#workspace-heading")).to_be_visible()
    # And as Kota Tangerang's coordinator, the dashboard is Kota Tangerang's
    page.get_by_role("link", name="Dasbor").click()
    expect(page.locator("#dashboard-area")).to_contain_text("Tangerang")
