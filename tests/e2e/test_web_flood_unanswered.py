"""In Chromium, a flood morning on a weak mobile network: a submit that gets no answer (the connection
drops, or the answer is lost after the API stored the report) is sent again by itself with the same
Idempotency-Key, also after the page is reloaded, and ends with the one report the API stored."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import report_form, reports_sent, type_road_report
from tests.evidence_images import scene_jpeg

pytestmark = pytest.mark.e2e


def test_a_dropped_connection_sends_the_same_report_again_by_itself(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given the first two sends never reach the API (the connection drops)
    page = report_form(browser, web_stack)
    keys: list[str] = []

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        keys.append(route.request.headers.get("idempotency-key", ""))
        if len(keys) <= 2:
            return route.abort("internetdisconnected")
        return route.fallback()

    page.route(f"{web_stack.api_url('jakarta')}/reports", handle)
    type_road_report(page, "Genangan setinggi betis di Jalan Tebet Raya")
    # When the citizen taps send once
    page.get_by_role("button", name="Kirim laporan").click()
    # Then the form says it cannot reach the server and will send again by itself, then shows the number
    expect(page.locator("#form-status")).to_contain_text("dikirim ulang otomatis dalam")
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0], keys


def test_a_report_whose_answer_was_lost_is_sent_again_after_a_reload_and_is_the_stored_one(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given the API stores the first send but its answer never reaches the phone
    page = report_form(browser, web_stack)
    sent: list[tuple[str, dict[str, Any]]] = []

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        answer = route.fetch()
        sent.append((route.request.headers.get("idempotency-key", ""), json.loads(answer.text())))
        if len(sent) == 1:
            return route.abort("connectionreset")
        return route.fulfill(response=answer)

    page.route(f"{web_stack.api_url('jakarta')}/reports", handle)
    type_road_report(page, "Pohon tumbang menutup Jalan Tebet Barat setelah hujan semalam")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#form-status")).to_contain_text("dikirim ulang otomatis dalam")
    # When the citizen reloads the page before the form sends it again
    page.reload()
    # Then the page sends the kept report again with the same key, and shows the report the API stored
    expect(page.locator("#result")).to_be_visible(timeout=30_000)
    assert len(sent) == 2 and sent[0][0] == sent[1][0] and sent[0][0], [k for k, _ in sent]
    stored = sent[0][1]
    expect(page.locator("#result-id")).to_have_text(stored["id"])
    expect(page.locator("#result-secret")).to_have_text(stored["secret"])
    # And nothing is kept once the report is answered: another reload shows an empty form
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator("#result")).to_be_hidden()
    assert len(sent) == 2


BUSY_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Retry-After",
    "Content-Type": "application/json",
    "Retry-After": "1",
}


def test_a_photo_upload_the_api_or_the_bucket_answers_busy_is_uploaded_again_by_itself(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given POST /photos answers busy (503, Retry-After: 1) once, and then the bucket slows down (503) once
    page = report_form(browser, web_stack)
    tickets: list[int] = []
    uploads: list[int] = []

    def ticket(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        tickets.append(1)
        if len(tickets) == 1:
            body = {"error": {"code": "temporarily_unavailable", "message": None, "details": None}}
            return route.fulfill(status=503, body=json.dumps(body), headers=BUSY_HEADERS)
        return route.fallback()

    def bucket(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        uploads.append(1)
        if len(uploads) == 1:
            slow = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
            headers = {"Access-Control-Allow-Origin": "*", "Content-Type": "application/xml"}
            return route.fulfill(status=503, body=slow, headers=headers)
        return route.fallback()

    page.route(f"{web_stack.api_url('jakarta')}/photos", ticket)
    page.route("**/aduan-photos**", bucket)
    sent = reports_sent(page)
    type_road_report(page, "Saluran air meluap ke jalan di Tebet")
    expect(page.locator("#photo-field")).to_be_visible()
    # When the citizen chooses a photo
    page.locator("#photo").set_input_files(
        {"name": "banjir.jpg", "mimeType": "image/jpeg", "buffer": scene_jpeg(random.getrandbits(48))}
    )
    # Then it is uploaded without choosing it again, and the report goes with it
    expect(page.locator("#photo-status")).to_have_text("Foto terunggah.", timeout=20_000)
    assert (len(tickets), len(uploads)) == (3, 2), (tickets, uploads)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#result")).to_be_visible(timeout=15_000)
    assert len(sent) == 1 and len(sent[0].get("photos", [])) == 1, sent
