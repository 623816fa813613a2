"""In Chromium, over the real local stack: the form's opt-in to notifications, and following a public
report from its tracking page (double opt-in through the e-mail moto recorded)."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http
from tests.e2e.test_web_journey import PHONE, TANGERANG, fill_report

pytestmark = pytest.mark.e2e


def _outbox(stack: LocalStack, to: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{stack.web_url}/dev/outbox.json", timeout=10) as response:
        messages = json.loads(response.read())["messages"]
    return [m for m in messages if m["to"] == to]


def _local(link: str, stack: LocalStack) -> str:
    """A message's link on this test's web server (the stage names port 8080, as `make run` serves)."""
    return stack.web_url + "/" + link.split("/", 3)[3]


def test_the_form_opts_in_by_email_and_sms_and_the_reporter_is_told(
    web_stack: LocalStack, browser: Any
) -> None:
    email = f"warga-{uuid.uuid4().hex[:8]}@example.com"
    page = browser.new_context(viewport=PHONE, geolocation=TANGERANG, permissions=["geolocation"]).new_page()
    fill_report(page, f"{web_stack.web_url}/jakarta")
    page.get_by_label("Lewat e-mail").check()
    page.get_by_label("Lewat SMS").check()
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#form-error")).to_contain_text("Isi e-mail untuk kabar lewat e-mail.")
    expect(page.locator("#form-error")).to_contain_text("Isi nomor ponsel untuk kabar lewat SMS.")
    page.locator("#reporter-email").fill(email)
    page.locator("#reporter-phone").fill("0812 7777 0001")
    page.locator("#notify-language").select_option("en")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_focused()
    # The hand-over's message, in English as chosen. Each entry is its own notify message, so the
    # Banten accept's may arrive first (the hand-over's waits 2 s when read before its save).
    handed = eventually(
        lambda: [m for m in _outbox(web_stack, email) if m["subject"].endswith("handed to another province")],
        timeout=40,
    )
    assert len(handed) == 1 and handed[0]["subject"].startswith("Report ")
    page.goto(f"{web_stack.web_url}/dev/outbox")
    expect(page.locator("main")).to_contain_text(email)


def test_following_a_public_report_from_its_tracking_page(web_stack: LocalStack, browser: Any) -> None:
    body = {
        "category": "sampah",
        "description": "Sampah menumpuk di depan pasar.",
        "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
        "visibility": "public",
    }
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    follower = f"tetangga-{uuid.uuid4().hex[:8]}@example.com"
    page = browser.new_context(viewport=PHONE).new_page()
    api = web_stack.api_url("jakarta")
    asked: list[Any] = []  # the follow request and the link's, each with this phone's device token
    page.on("request", lambda r: asked.append(r) if r.method == "POST" and r.url.startswith(api) else None)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#follow-count")).to_have_text("Pengikut: 0")
    page.locator("#follow-email").fill(follower)
    page.get_by_role("button", name="Ikuti lewat e-mail").click()
    expect(page.locator("#follow-status")).to_contain_text(follower)
    [confirmation] = eventually(lambda: _outbox(web_stack, follower), timeout=30)
    link = next(word for word in confirmation["body"].split() if "follow.html#" in word)
    page.goto(_local(link, web_stack))
    expect(page.locator("#link-report")).to_contain_text(created["id"])
    # a link's page leads to its report's tracking page (where the reporter can stop all news)
    expect(page.locator("#link-report a")).to_have_attribute("href", f"track.html?id={created['id']}")
    assert "#" not in page.url  # the token left the address bar
    page.get_by_role("button", name="Ya, kirimi saya kabar laporan ini").click()
    expect(page.locator("#link-done")).to_have_text("Anda sekarang mengikuti laporan ini.")
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    expect(page.locator("#follow-count")).to_have_text("Pengikut: 1")
    page.goto(_local(link, web_stack))  # the confirmation link works once
    expect(page.locator("#link-error")).to_contain_text("tidak berlaku lagi")
    token = page.evaluate(f"JSON.parse(localStorage.getItem('aduan.device:{api}')).token")
    limited = [r for r in asked if r.url.endswith("/follow") or "/links/" in r.url]
    assert len(limited) == 4 and {r.headers.get("x-device-token") for r in limited} == {token}, limited
