"""In Chromium, every page of the web client in its main states, audited with axe-core (WCAG 2.1 A and AA).

axe-core is a test-only npm package (web/package.json's devDependencies, installed by `make web-deps`
into web/node_modules; web/vendor.py never copies it into a site). Each state is audited on a 360x740
phone and a 1366x768 laptop, in Indonesian and in English; a violation of impact "serious" or
"critical" fails the test, named with its page, state and the elements it found.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import http
from tests.e2e.test_web_error_texts import stub
from tests.e2e.test_web_markup import routed
from web.vendor import MODULES

pytestmark = pytest.mark.e2e

AXE = MODULES / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
PUBLIC = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan sekolah, dalam sekitar sejengkal.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "visibility": "public",
}
PRIVATE = {**PUBLIC, "description": "Saluran tersumbat di gang rumah saya.", "visibility": "private"}


def audit(page: Page, where: str) -> list[str]:
    """The serious and critical violations axe-core finds on the page as it is now, in words."""
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    found = []
    for violation in results["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]
            found.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
    return found


def ready(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def dev_sign_in(page: Page, agency: str, role: str) -> None:
    page.locator("#dev-agency").select_option(agency)
    page.locator("#dev-role").select_option(role)
    page.locator("#dev-submit").click()
    expect(page.locator("#workspace-heading")).to_be_visible()


@pytest.fixture(scope="module")
def reports(web_stack: LocalStack) -> dict[str, Any]:
    """A public report routed to its agency (a timeline of steps) and a private one, with its secret."""
    api = web_stack.api_url("jakarta")
    made = {}
    for name, body in (("public", PUBLIC), ("private", PRIVATE)):
        status, created = http("POST", f"{api}/reports", body)
        assert status == 201, created
        made[name] = created
    routed(api, made["public"]["id"])
    return made


def open_report(api: str, agency: str) -> str:
    """The key of a new public report routed to ``agency`` and open to its officer's actions."""
    status, created = http("POST", f"{api}/reports", PUBLIC)
    assert status == 201, created
    assert routed(api, created["id"])["agency"]["id"] == agency
    return str(created["id"])


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_no_serious_accessibility_violation_on_any_page(
    web_stack: LocalStack, browser: Any, reports: dict[str, Any], lang: str, viewport: dict[str, int]
) -> None:
    site = f"{web_stack.web_url}/jakarta"
    context = browser.new_context(viewport=viewport, timezone_id="Asia/Jakarta")
    # axe-core as the page opens, before the site's CSP (script-src 'self') would refuse it as a tag
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    found: list[str] = []

    # The citizen's form: empty, with the reports nearby ("Sudah dilaporkan?"), and sent
    ready(page, f"{site}/index.html?lang={lang}")
    found += audit(page, "form, empty")
    page.locator("#submit").click()  # nothing filled in: the errors are said
    expect(page.locator("#form-error")).to_be_visible()
    found += audit(page, "form, its errors")
    page.locator("input[name=category][value=jalan_rusak]").check()
    page.locator("#description").fill("Jalan berlubang lagi di depan sekolah, makin dalam.")
    page.locator("#kota").select_option("31.74")
    page.locator("#kecamatan option[value='31.74.01']").wait_for(state="attached")
    page.locator("#kecamatan").select_option("31.74.01")
    page.locator("#coordinates").evaluate("details => { details.open = true; }")  # the errors opened it
    page.locator("#lat").fill("-6.2261")
    page.locator("#lon").fill("106.8531")
    page.keyboard.press("Tab")
    expect(page.locator(".nearby-item").first).to_be_visible()
    found += audit(page, "form, Sudah dilaporkan?")
    page.locator("#submit").click()
    expect(page.locator("#result")).to_be_visible()
    found += audit(page, "form, sent")

    # The tracking page: a public report's timeline, then a private one opened with its secret
    public, private = reports["public"], reports["private"]
    ready(page, f"{site}/track.html?id={public['id']}&lang={lang}")
    expect(page.locator("#report-view")).to_contain_text(PUBLIC["description"])
    found += audit(page, "tracking, public report")
    ready(page, f"{site}/track.html?lang={lang}")
    page.locator("#report-id").fill(private["id"])
    page.locator("#report-secret").fill(private["secret"])
    page.locator("#report-secret").press("Enter")
    expect(page.locator("#report-view")).to_contain_text(PRIVATE["description"])
    found += audit(page, "tracking, with the secret")

    # Peta
    ready(page, f"{site}/peta.html?lang={lang}")
    found += audit(page, "peta")

    # The message links' pages, their token taken as valid
    link = {"report_id": public["id"]}
    stub(
        page, web_stack.api_url("jakarta"), lambda _, path: (200, link) if path == "/links/inspect" else None
    )
    for purpose in ("feedback", "follow", "unsubscribe"):
        ready(page, f"{site}/{purpose}.html?lang={lang}#a-token")
        expect(page.locator("#link-form")).to_be_visible()
        found += audit(page, purpose)

    # The console: sign-in, the inbox, a report with its action form (one of its own, made now: the
    # inbox's first row may be one another test closed); then the dashboard
    own = open_report(web_stack.api_url("jakarta"), "sudin-bm-js")
    page = context.new_page()
    ready(page, f"{site}/console.html?lang={lang}")
    found += audit(page, "console, sign-in")
    dev_sign_in(page, "sudin-bm-js", "officer")
    expect(page.locator(".inbox-link").first).to_be_visible()
    found += audit(page, "console, inbox")
    page.locator(f".inbox-item[data-key='{own}'] .inbox-link").click()
    expect(page.locator("input[name=action]").first).to_be_visible()
    found += audit(page, "console, report and its actions")
    page.locator("input[name=action][value=forward]").check()  # an action's own fields
    expect(page.locator("#action-agency")).to_be_visible()
    found += audit(page, "console, an action chosen")
    page.locator("#sign-out").click()
    dev_sign_in(page, "koordinator", "coordinator")
    page.locator("a[href='dashboard.html']").first.click()
    expect(page.locator("#compliance-lead")).to_be_visible()
    found += audit(page, "dashboard")
    context.close()
    assert not found, "\n".join(found)
