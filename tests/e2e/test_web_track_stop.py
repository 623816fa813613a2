"""In Chromium on a phone, over the real local stack: an SMS-only reporter follows the SMS's link to the
tracking page and stops the news with the report's secret (a "STOP" reply may never leave an Indonesian
carrier); the agency's next step sends them nothing."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http

pytestmark = pytest.mark.e2e

PRIVATE = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan rumah saya, nomor 12.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}


def _sms_to(stack: LocalStack, phone: str) -> list[str]:
    with urllib.request.urlopen(f"{stack.web_url}/dev/outbox.json", timeout=10) as response:
        messages = json.loads(response.read())["messages"]
    return [m["body"] for m in messages if m["to"] == "+62" + phone[1:]]


def _submit(stack: LocalStack) -> tuple[dict[str, Any], str]:
    phone = "0812" + str(int(uuid.uuid4().hex[:10], 16))[-8:].rjust(8, "1")
    reporter = {"phone": phone, "notify": ["sms"], "language": "id"}
    status, created = http("POST", f"{stack.api_url('jakarta')}/reports", {**PRIVATE, "reporter": reporter})
    assert status == 201, created
    return created, phone


def _take(stack: LocalStack, report_id: str) -> None:
    api = stack.api_url("jakarta")
    agency = http("GET", f"{api}/reports/{report_id}")[1]["agency"]["id"]
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    assert http("POST", f"{api}/agency/reports/{report_id}/actions/take", {}, officer)[0] == 200


def test_an_sms_reporter_stops_the_news_on_the_tracking_page_the_sms_links(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given two SMS reporters, each told by SMS that their report went to an agency
    created, phone = _submit(web_stack)
    other, other_phone = _submit(web_stack)
    [routed] = eventually(lambda: _sms_to(web_stack, phone), timeout=40)
    eventually(lambda: _sms_to(web_stack, other_phone), timeout=40)
    link = next(word for word in routed.split() if "/track.html?id=" in word)
    assert routed.endswith(f"{link} Berhenti: tautan/balas STOP.")
    # When the first opens the SMS's link (on this test's web server), types the secret and stops
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto(web_stack.web_url + "/" + link.split("/", 3)[3])
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator(".stop-news")).to_contain_text("masukkan kode rahasia di atas")
    expect(page.get_by_role("button", name="Berhenti menerima kabar")).to_have_count(0)
    page.locator("#report-secret").fill(created["secret"])
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#report-view")).to_contain_text(PRIVATE["description"])
    page.get_by_role("button", name="Berhenti menerima kabar").click()
    done = page.locator("#stop-done")
    expect(done).to_have_text("Anda tidak akan menerima kabar laporan ini lagi, lewat SMS maupun e-mail.")
    expect(done).to_be_focused()
    # Then the agency takes both reports: only the other reporter hears of it
    _take(web_stack, created["id"])
    _take(web_stack, other["id"])
    eventually(lambda: len(_sms_to(web_stack, other_phone)) == 2, timeout=40)
    assert _sms_to(web_stack, phone) == [routed]
