"""In Chromium, on the whole local stack: Jakarta's coordinator lists the reports Jakarta handed to another
province ("Diserahkan ke provinsi lain"), sees with which province each is, and opens one's detail."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http
from tests.e2e.test_web_console_handed_back import TANGERANG_GARBAGE
from tests.e2e.test_web_markup import new_page

pytestmark = pytest.mark.e2e


def _accepted_by_banten(web_stack: LocalStack) -> str:
    """A Jakarta report about Kota Tangerang, handed to Banten and accepted there (Disposisi): its id."""
    jakarta = web_stack.api_url("jakarta")
    status, created = http("POST", f"{jakarta}/reports", TANGERANG_GARBAGE)
    assert status == 201, created
    report_id: str = created["id"]
    coordinator = {"Authorization": f"Bearer {mint('jakarta', 'koordinator', 'coordinator')}"}
    eventually(
        lambda: any(
            item["id"] == report_id and item["accepted"] and item["status"]["code"] == "DISPOSISI"
            for item in http("GET", f"{jakarta}/agency/handed?to=36", headers=coordinator)[1]["items"]
        )
    )
    return report_id


def test_jakarta_s_coordinator_lists_what_banten_holds_and_opens_it(
    web_stack: LocalStack, browser: Any
) -> None:
    report_id = _accepted_by_banten(web_stack)
    page, _ = new_page(browser, 1366)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option("koordinator")
    page.locator("#dev-role").select_option("coordinator")
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    # Of the status Banten gave it
    page.locator("#filter-status").select_option("DISPOSISI")
    page.get_by_role("button", name="Diserahkan ke provinsi lain").click()
    row = page.locator(f".inbox-item[data-key='{report_id}']")
    # Which list this is, said: its button pressed, and the count (a live region) names it
    expect(page.get_by_role("button", name="Diserahkan ke provinsi lain")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#inbox-count")).to_contain_text("Diserahkan ke provinsi lain: ")
    expect(row.locator(".badge-escalated")).to_contain_text("Di Provinsi Banten")
    page.locator("#lang-switch").click()
    expect(row.locator(".badge-escalated")).to_contain_text("With Banten")
    page.locator("#lang-switch").click()
    row.locator(".inbox-link").click()
    expect(page.locator("#detail-heading")).to_contain_text(report_id)
    # The detail names the province too (its view gives the province's code alone, not a row's name)
    expect(page.locator("#detail .badge-escalated")).to_have_text("Di Provinsi Banten")


# The page's fetch, with the inbox's answers held back 1.5 s: the inbox asked for at sign-in answers after
# the list the coordinator asked for next
SLOW_INBOX = """
const original = window.fetch;
window.fetch = async (...args) => {
  const response = await original(...args);
  if (String(args[0]).includes("/agency/reports?")) await new Promise((done) => setTimeout(done, 1500));
  return response;
};
"""


def test_an_earlier_list_s_late_answer_is_not_drawn_over_the_list_asked_for(
    web_stack: LocalStack, browser: Any
) -> None:
    report_id = _accepted_by_banten(web_stack)
    page, _ = new_page(browser, 1366)
    page.add_init_script(SLOW_INBOX)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option("koordinator")
    page.locator("#dev-role").select_option("coordinator")
    # Given the coordinator signs in (the inbox is asked for) and at once asks for the handed list
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    page.get_by_role("button", name="Diserahkan ke provinsi lain").click()
    row = page.locator(f".inbox-item[data-key='{report_id}']")
    expect(row.locator(".badge-escalated")).to_contain_text("Di Provinsi Banten")
    # When the inbox's answer comes after it, then the handed list stays, as its button says
    page.wait_for_timeout(2500)
    expect(page.locator("#inbox-count")).to_contain_text("Diserahkan ke provinsi lain: ")
    expect(row.locator(".badge-escalated")).to_contain_text("Di Provinsi Banten")
