"""In Chromium near the Banten border: the form's "Sudah dilaporkan?" and Peta send this phone's device
token with their reads, each API its own (Jakarta's to Jakarta, Banten's to Banten), so on a flood morning
the limits count the phone, not the carrier address thousands of phones share."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_error_texts import envelope, stub
from tests.e2e.test_web_map import CITIZEN_POINT, offline_context, type_point

pytestmark = pytest.mark.e2e


def kept_token(page: Page, api: str) -> str:
    return str(page.evaluate(f"JSON.parse(localStorage.getItem('aduan.device:{api}')).token"))


def reads(page: Page, path: str) -> list[Request]:
    """The page's GET requests of ``path`` (any API), as it sends them."""
    seen: list[Request] = []
    page.on("request", lambda r: seen.append(r) if r.method == "GET" and f"{path}?" in r.url else None)
    return seen


def assert_each_api_got_its_own_token(page: Page, sent: list[Request], apis: list[str]) -> None:
    tokens = {api: kept_token(page, api) for api in apis}
    assert len(set(tokens.values())) == len(apis), tokens
    for api in apis:
        asked = [r for r in sent if r.url.startswith(f"{api}/")]
        assert asked, f"nothing asked of {api}"
        assert {r.headers.get("x-device-token") for r in asked} == {tokens[api]}, api
        assert all(r.response() and r.response().status == 200 for r in asked), api


def test_the_forms_check_sends_each_api_its_own_device_token(web_stack: LocalStack, browser: Any) -> None:
    jakarta, banten = web_stack.api_url("jakarta"), web_stack.api_url("banten")
    page = offline_context(browser, []).new_page()
    sent = reads(page, "/reports/nearby")
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    # When a citizen puts the point a few metres from the Banten line and picks a category
    with (
        page.expect_response(lambda r: r.url.startswith(f"{banten}/reports/nearby?")),
        page.expect_response(lambda r: r.url.startswith(f"{jakarta}/reports/nearby?")),
    ):
        page.get_by_label("Sampah").check()
        type_point(page, *CITIZEN_POINT)
    # Then both APIs were asked with this phone's token for that API, never the other's
    assert_each_api_got_its_own_token(page, sent, [jakarta, banten])


def test_peta_sends_each_api_its_own_device_token(web_stack: LocalStack, browser: Any) -> None:
    jakarta, banten = web_stack.api_url("jakarta"), web_stack.api_url("banten")
    page = offline_context(browser, []).new_page()
    sent = reads(page, "/reports/map")
    # When Peta opens on a view that reaches over the Banten line
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-loaded", "1")
    # Then its own map and Banten's were read with this phone's token for each
    assert_each_api_got_its_own_token(page, sent, [jakarta, banten])


def test_a_refused_token_is_not_asked_for_again_at_every_read(web_stack: LocalStack, browser: Any) -> None:
    jakarta = web_stack.api_url("jakarta")
    page = offline_context(browser, []).new_page()
    # Given a busy morning: Jakarta's API refuses to mint device tokens for a while
    mints: list[str] = []

    def refuse(method: str, path: str) -> Any:
        if method == "POST" and path == "/devices":
            mints.append(path)
            return envelope(429, "rate_limited", "Terlalu banyak permintaan.")
        return None

    stub(page, jakarta, refuse)
    sent = reads(page, "/reports/nearby")
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Sampah").check()
    # When the citizen moves the point twice, each move asking what is already reported there
    with page.expect_response(lambda r: r.url.startswith(f"{jakarta}/reports/nearby?")):
        type_point(page, "-6.180000", "106.830000")
    with page.expect_response(lambda r: r.url.startswith(f"{jakarta}/reports/nearby?")):
        page.get_by_label("Lintang (latitude)").fill("-6.181000")
        page.get_by_label("Bujur (longitude)").fill("106.831000")
        page.get_by_label("Bujur (longitude)").press("Tab")
    # Then the reads go without a token, and the refused mint was not asked again at the second read
    asked = [r for r in sent if r.url.startswith(f"{jakarta}/")]
    assert len(asked) >= 2 and all(r.headers.get("x-device-token") is None for r in asked)
    assert all(r.response() and r.response().status == 200 for r in asked)
    assert mints == ["/devices"]
