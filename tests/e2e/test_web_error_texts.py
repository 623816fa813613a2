"""In Chromium: what the web client says when something fails is a short localised sentence (plus the
API's own words when they add something), never a raw code or the browser's English, and a failure
leaves a way to carry on (retry, reload) without losing what was typed. API answers are stubbed with
page.route(), so the stack's data does not matter."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import type_road_report

pytestmark = pytest.mark.e2e

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Allow-Methods": "*",
    "Access-Control-Expose-Headers": "Retry-After",
}
KEY = "31#JKT-ABC123"
NETWORK = "Tidak dapat menghubungi server. Periksa koneksi Anda lalu coba lagi."

# An answer: (status, body) (a dict goes as JSON, a str as is), "abort" (no answer), or None (the real API)
Answer = Any
Stub = Callable[[str, str], Answer]


def envelope(status: int, code: str, message: str | None) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"code": code, "message": message, "details": None}}


def stub(page: Page, base: str, answer: Stub) -> None:
    """Route every request to ``base``: ``answer(method, path)`` decides (None: on to the real API)."""

    def handle(route: Route) -> None:
        request = route.request
        path = urlparse(request.url).path
        method = request.method
        if method == "OPTIONS":
            return route.fulfill(status=204, headers=CORS)
        chosen = answer(method, path)
        if chosen is None:
            return route.fallback()
        if chosen == "abort":
            return route.abort("failed")
        status, body = chosen
        return route.fulfill(
            status=status,
            body=body if isinstance(body, str) else json.dumps(body),
            headers={
                **CORS,
                "Content-Type": "application/json" if not isinstance(body, str) else "text/html",
            },
        )

    page.route(f"{base}/**", handle)


def new_page(browser: Any, width: int = 1024) -> Page:
    return browser.new_context(viewport={"width": width, "height": 900}).new_page()


def jwt(role: str = "officer", agency: str = "bina-marga") -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {
        "custom:agency": agency,
        "custom:role": role,
        "custom:province": "31",
        "exp": int(time.time()) + 3600,
    }
    return f"{part({'alg': 'RS256'})}.{part(claims)}.sig"


def agency_view(**extra: Any) -> dict[str, Any]:
    view = {
        "id": "JKT-ABC123",
        "key": KEY,
        "version": 3,
        "province": "31",
        "closed": False,
        "overdue": False,
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Assigned"},
        "category": {"code": "jalan", "name": "Jalan rusak", "name_en": "Damaged road", "icon": "🛣"},
        "area": {"code": "31.71.01", "province": "31", "names": ["Jakarta Pusat", "Gambir"]},
        "agency": {"id": "bina-marga", "name": "Dinas Bina Marga", "province": "31"},
        "deadlines": {
            "coordinate_by": "2030-01-01T00:00:00Z",
            "finish_by": "2030-01-08T00:00:00Z",
            "estimated_completion": None,
        },
        "location": {"lat": -6.2, "lon": 106.8},
        "support_count": 0,
        "visibility": "public",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-02T00:00:00Z",
        "description": "Lubang besar",
        "timeline": [],
        "allowed_actions": ["take", "dispose", "reject"],
    }
    view.update(extra)
    return view


def inbox_item() -> dict[str, Any]:
    return {
        "key": KEY,
        "id": "JKT-ABC123",
        "category": "jalan",
        "area_code": "31.71.01",
        "agency": "bina-marga",
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Assigned"},
        "location": {"lat": -6.2, "lon": 106.8},
        "origin_province": None,
        "escalated_from_other_province": False,
        "overdue": False,
        "closed": False,
        "support_count": 0,
        "coordinate_by": "2030-01-01T00:00:00Z",
        "finish_by": "2030-01-08T00:00:00Z",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z",
        "version": 3,
    }


def console_answers(overrides: Stub) -> Stub:
    """The agency endpoints stubbed (one report in the inbox); ``overrides`` first."""

    def answer(method: str, path: str) -> Answer:
        chosen = overrides(method, path)
        if chosen is not None:
            return chosen
        if path == "/agency/reports":
            return 200, {"items": [inbox_item()], "next_cursor": None}
        if path.startswith("/agency/reports/") and method == "GET":
            return 200, agency_view()
        return None

    return answer


def signed_in(browser: Any, web_stack: LocalStack, overrides: Stub, lang: str = "id") -> Page:
    """The Jakarta console with a pasted (stubbed) officer token."""
    page = new_page(browser)
    stub(page, web_stack.api_url("jakarta"), console_answers(overrides))
    page.goto(f"{web_stack.web_url}/jakarta/console.html?lang={lang}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#token").fill(jwt())
    page.locator("#token-form button[type=submit]").click()
    return page


# --- 1. No raw codes, no repeated or English gateway words -------------------------------------------------

SUBMIT_ANSWERS = [
    # (answer to POST /reports, what the form says)
    ((502, "<html>Bad gateway</html>"), "Kesalahan server."),
    (envelope(422, "evidence_required", None), "Periksa isian Anda."),
    (envelope(409, "idempotency_key_reused", None), "Konflik."),
    ((403, {"message": "Forbidden"}), "Tidak diizinkan."),
    ((504, {"message": "Endpoint request timed out"}), "Kesalahan server."),
    (
        envelope(
            429, "rate_limited", "Terlalu banyak permintaan; coba lagi sebentar lagi (too many requests)."
        ),
        "Terlalu banyak permintaan; tunggu sebentar.",
    ),
    # The API's own words that say more are still shown after the sentence
    (
        envelope(422, "unknown_area", "Wilayah 31.74.01 tidak dikenal (unknown area)."),
        "Periksa isian Anda. Wilayah 31.74.01 tidak dikenal (unknown area).",
    ),
]


def test_a_failed_submit_shows_the_localised_sentence_without_codes(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    answers: list[Answer] = []
    stub(
        page,
        web_stack.api_url("jakarta"),
        lambda m, p: answers[-1] if (m, p) == ("POST", "/reports") else None,
    )
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Lubang besar di jalan")
    for answer, text in SUBMIT_ANSWERS:
        answers.append(answer)
        page.locator("#form-error").evaluate("node => { node.textContent = ''; }")
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.locator("#form-error")).to_have_text(text)


def test_a_gateway_answer_in_english_is_not_shown_on_the_english_page(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    stub(page, web_stack.api_url("jakarta"), lambda m, p: (429, {"message": "Too Many Requests"})
         if (m, p) == ("POST", "/reports") else None)  # fmt: skip
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Lubang besar di jalan")
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#submit").click()
    expect(page.locator("#form-error")).to_have_text("Too many requests; wait a moment.")


# --- 2. A refused photo upload -----------------------------------------------------------------------------


def photo_ticket(page: Page, web_stack: LocalStack) -> None:
    """Jakarta's API stubbed to give every POST /photos an upload ticket to http://s3.test/bucket."""

    def photos(method: str, path: str) -> Answer:
        if (method, path) != ("POST", "/photos"):
            return None
        upload = {"url": "http://s3.test/bucket", "fields": {"key": "p/1.jpg"}}
        return 201, {"key": "p/1.jpg", "upload": upload, "expires_in": 300, "max_bytes": 5000000}

    stub(page, web_stack.api_url("jakarta"), photos)


def test_a_refused_photo_upload_says_to_choose_the_photo_again(web_stack: LocalStack, browser: Any) -> None:
    page = new_page(browser, 360)
    photo_ticket(page, web_stack)
    page.route("http://s3.test/**", lambda route: route.fulfill(
        status=403, body="<Error><Code>AccessDenied</Code></Error>",
        headers={**CORS, "Content-Type": "application/xml"}))  # fmt: skip
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#photo-field")).to_be_visible()
    page.locator("#photo").set_input_files(
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" * 10}
    )
    expect(page.locator("#photo-status")).to_have_text(
        "Foto gagal diunggah; pilih ulang foto lalu coba lagi."
    )


# --- 3. A 401 on the inbox signs out with the reason on the sign-in view -----------------------------------


def test_a_401_on_the_inbox_says_why_on_the_sign_in_view(web_stack: LocalStack, browser: Any) -> None:
    page = signed_in(browser, web_stack, lambda m, p: envelope(401, "unauthorized", None)
                     if p == "/agency/reports" else None)  # fmt: skip
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-error")).to_be_visible()
    expect(page.locator("#signin-error")).to_have_text("Anda perlu masuk lagi.")


# --- 4/5. A failed re-read of the report shown: the error next to the action form, the form usable ---------


def open_detail(page: Page) -> None:
    page.locator(".inbox-link").first.click()
    expect(page.locator("#action-form")).to_be_visible()
    page.locator("input[name=action][value=take]").check()


def test_a_failed_reload_after_a_conflict_is_shown_by_the_action_form(
    web_stack: LocalStack, browser: Any
) -> None:
    down = {"detail": False}

    def answers(method: str, path: str) -> Answer:
        if "/actions/" in path:
            return envelope(409, "version_conflict", "Laporan sudah diubah orang lain (version conflict).")
        if path.startswith("/agency/reports/") and method == "GET" and down["detail"]:
            return "abort"
        return None

    page = signed_in(browser, web_stack, answers)
    open_detail(page)
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#action-reload")).to_be_visible()
    down["detail"] = True
    page.locator("#action-reload").click()
    expect(page.locator("#action-error")).to_have_text(
        "Tidak dapat menghubungi server. Periksa koneksi Anda lalu coba lagi."
    )
    expect(page.locator("#action-reload")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim tindakan")).to_be_enabled()


def test_a_failed_reread_after_an_action_keeps_the_form_usable(web_stack: LocalStack, browser: Any) -> None:
    reads = {"n": 0}

    def answers(method: str, path: str) -> Answer:
        if "/actions/" in path:
            return 200, agency_view(version=4)
        if path.startswith("/agency/reports/") and method == "GET":
            reads["n"] += 1
            return (200, agency_view()) if reads["n"] == 1 else envelope(503, "temporarily_unavailable", None)
        return None

    page = signed_in(browser, web_stack, answers)
    open_detail(page)
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#action-error")).to_have_text("Layanan sedang sibuk; coba lagi sebentar lagi.")
    expect(page.locator("#action-error")).to_be_visible()
    expect(page.get_by_role("button", name="Kirim tindakan")).to_be_enabled()
    expect(page.locator("#action-reload")).to_be_visible()


# --- 6. Agency-account sign-in failures --------------------------------------------------------------------


def console_return(browser: Any, web_stack: LocalStack, query: str, token_answer: Answer = None) -> Page:
    """Back on the console from the hosted sign-in with ``query``; the token endpoint answers
    ``token_answer``."""
    page = new_page(browser)
    site = f"{web_stack.web_url}/jakarta"
    if token_answer is not None:

        def token(route: Route) -> None:
            if token_answer == "abort":
                return route.abort("failed")
            status, body = token_answer
            return route.fulfill(
                status=status, body=json.dumps(body), headers={"Content-Type": "application/json"}
            )

        page.route("**/oauth2/token**", token)
    page.goto(f"{site}/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.evaluate(
        "() => sessionStorage.setItem('aduan.oauth.jakarta', JSON.stringify({verifier: 'v', state: 's1'}))"
    )
    page.goto(f"{site}/console.html?{query}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


@pytest.mark.parametrize(
    ("query", "token_answer", "text"),
    [
        ("error=access_denied&state=s1", None, "Masuk dibatalkan."),
        ("code=c1&state=other", None, "Sesi masuk kedaluwarsa; silakan coba lagi."),
        ("code=c1&state=s1", (400, {"error": "invalid_grant"}), "Sesi masuk kedaluwarsa; silakan coba lagi."),
        (
            "code=c1&state=s1",
            "abort",
            "Gagal masuk dengan akun instansi. " + NETWORK,
        ),
    ],
    ids=["cancelled", "state-mismatch", "invalid-grant", "network"],
)
def test_an_agency_account_sign_in_failure_is_said_in_words(
    web_stack: LocalStack, browser: Any, query: str, token_answer: Answer, text: str
) -> None:
    page = console_return(browser, web_stack, query, token_answer)
    expect(page.locator("#signin-error")).to_have_text(text)


def test_a_dev_sign_in_without_an_answer_is_said_in_words(web_stack: LocalStack, browser: Any) -> None:
    page = new_page(browser)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.route("**/dev/token**", lambda route: route.abort("failed"))
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    expect(page.locator("#signin-error")).to_have_text(
        "Gagal membuat token uji. Tidak dapat menghubungi server. Periksa koneksi Anda lalu coba lagi."
    )


# --- 8. Areas that failed to load can be loaded again, keeping the typed report ----------------------------


def test_areas_that_failed_to_load_offer_a_retry_that_keeps_the_report(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    failing = {"on": True}
    stub(page, web_stack.api_url("jakarta"), lambda m, p: envelope(503, "temporarily_unavailable", None)
         if p == "/areas" and failing["on"] else None)  # fmt: skip
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#kota")).to_be_disabled()
    expect(page.locator("#areas-error")).to_have_text("Layanan sedang sibuk; coba lagi sebentar lagi.")
    page.get_by_label("2. Ceritakan masalahnya").fill("Lubang besar di jalan")
    failing["on"] = False
    page.get_by_role("button", name="Coba lagi").click()
    expect(page.locator("#province")).to_have_value("31")
    expect(page.locator("#kota")).to_be_enabled()
    page.get_by_label("Kota/Kabupaten").select_option("31.74")
    expect(page.locator("#areas-failed")).to_be_hidden()
    expect(page.get_by_label("2. Ceritakan masalahnya")).to_have_value("Lubang besar di jalan")


# --- 7. A language switch keeps what was typed (and the error shown) -------------------------------------


def tracking_page(page: Page, web_stack: LocalStack) -> None:
    """Jakarta's tracking page, its API stubbed: JKT-ABC123 is Selesai (its reopen answers 409) and
    JKT-NOPE00 is not found."""
    resolved = {"code": "SELESAI", "label": "Selesai", "label_en": "Resolved"}

    def answers(method: str, path: str) -> Answer:
        if path == "/reports/JKT-NOPE00":
            return envelope(404, "not_found", "Laporan tidak ditemukan (report not found).")
        if path == "/reports/JKT-ABC123" and method == "GET":
            return 200, agency_view(status=resolved, allowed_actions=["confirm", "reopen"])
        if path == "/reports/JKT-ABC123/reopen":
            return envelope(409, "invalid_transition", None)
        return None

    stub(page, web_stack.api_url("jakarta"), answers)
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


def test_a_language_switch_keeps_the_typed_reopen_reason(web_stack: LocalStack, browser: Any) -> None:
    page = new_page(browser, 360)
    tracking_page(page, web_stack)
    page.locator("#report-id").fill("JKT-ABC123")
    page.locator("#report-secret").fill("rahasia")
    page.locator("#track-form button[type=submit]").click()
    page.locator("#reason").fill("Lubangnya masih ada")
    page.locator("#reopen-form button[type=submit]").click()
    expect(page.locator("#feedback-error")).to_have_text("Konflik.")
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#reason")).to_have_value("Lubangnya masih ada")
    expect(page.locator("#feedback-error")).to_be_visible()


def test_a_language_switch_keeps_the_typed_action_note(web_stack: LocalStack, browser: Any) -> None:
    page = signed_in(browser, web_stack, lambda m, p: None)
    page.locator(".inbox-link").first.click()
    page.locator("input[name=action][value=reject]").check()
    page.locator("#action-note").fill("Bukan wewenang kami")
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Send action")).to_be_visible()
    expect(page.locator("input[name=action][value=reject]")).to_be_checked()
    expect(page.locator("#action-note")).to_be_visible()
    expect(page.locator("#action-note")).to_have_value("Bukan wewenang kami")


# --- 9. An error shown is said again in the language switched to ------------------------------------------


def switch_to(page: Page, lang: str) -> None:
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_the_report_form_s_errors_are_said_again_in_the_language_switched_to(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    stub(page, web_stack.api_url("jakarta"), lambda m, p: envelope(503, "temporarily_unavailable", None)
         if (m, p) == ("POST", "/reports") else None)  # fmt: skip
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    error = page.locator("#form-error")
    # what the API answered
    type_road_report(page, "Lubang besar di jalan")
    page.locator("#submit").click()
    expect(error).to_have_text("Layanan sedang sibuk; coba lagi sebentar lagi.")
    switch_to(page, "en")
    expect(error).to_have_text("The service is busy; try again shortly.")
    expect(error).to_be_visible()
    expect(page.locator("#description")).to_have_value("Lubang besar di jalan")
    # what the form itself finds missing, said in English, then again in Indonesian
    page.locator("#description").fill("")
    page.locator("#lat").fill("")
    page.locator("#submit").click()
    expect(error).to_have_text(
        'Describe the problem. Set the location: press "Use my location" or enter coordinates.'
    )
    switch_to(page, "id")
    expect(error).to_have_text(
        'Tuliskan masalahnya. Tentukan lokasi: tekan "Gunakan lokasi saya" atau isi koordinat.'
    )


def test_a_failed_photo_upload_is_said_again_in_the_language_switched_to(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    photo_ticket(page, web_stack)
    page.route("http://s3.test/**", lambda route: route.fulfill(status=403, body="", headers=CORS))
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#photo-field")).to_be_visible()
    page.locator("#photo").set_input_files(
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff" * 10}
    )
    expect(page.locator("#photo-status")).to_have_text(
        "Foto gagal diunggah; pilih ulang foto lalu coba lagi."
    )
    switch_to(page, "en")
    expect(page.locator("#photo-status")).to_have_text(
        "The photo could not be uploaded; choose it again and retry."
    )


def test_the_map_s_failed_area_lookup_is_said_again_in_the_language_switched_to(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    stub(page, web_stack.api_url("jakarta"), lambda m, p: envelope(503, "temporarily_unavailable", None)
         if p == "/areas/at" else None)  # fmt: skip
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.226")
    page.get_by_label("Bujur (longitude)").fill("106.853")
    page.get_by_label("Bujur (longitude)").press("Tab")
    status = page.locator("#place-status")
    expect(status).to_have_text("Wilayah tidak dapat diisi otomatis. Pilih secara manual.")
    switch_to(page, "en")
    expect(status).to_have_text("The area could not be filled in. Pick it by hand.")


def test_the_tracking_page_s_errors_are_said_again_in_the_language_switched_to(
    web_stack: LocalStack, browser: Any
) -> None:
    page = new_page(browser, 360)
    tracking_page(page, web_stack)
    # the look-up's error (a node of the page): the sentence changes, the API's own words stay
    page.locator("#report-id").fill("JKT-NOPE00")
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#track-error")).to_have_text(
        "Tidak ditemukan. Laporan tidak ditemukan (report not found)."
    )
    switch_to(page, "en")
    expect(page.locator("#track-error")).to_have_text(
        "Not found. Laporan tidak ditemukan (report not found)."
    )
    switch_to(page, "id")
    # the reopen form's error (drawn again with the report on the switch)
    page.locator("#report-id").fill("JKT-ABC123")
    page.locator("#report-secret").fill("rahasia")
    page.locator("#track-form button[type=submit]").click()
    page.locator("#reason").fill("Lubangnya masih ada")
    page.locator("#reopen-form button[type=submit]").click()
    expect(page.locator("#feedback-error")).to_have_text("Konflik.")
    switch_to(page, "en")
    expect(page.locator("#feedback-error")).to_have_text("Conflict.")
    expect(page.locator("#reason")).to_have_value("Lubangnya masih ada")
    switch_to(page, "id")
    expect(page.locator("#feedback-error")).to_have_text("Konflik.")


def test_the_console_s_errors_are_said_again_in_the_language_switched_to(
    web_stack: LocalStack, browser: Any
) -> None:
    conflict = "Laporan sudah diubah orang lain (version conflict)."
    page = signed_in(browser, web_stack, lambda m, p: envelope(409, "version_conflict", conflict)
                     if "/actions/" in p else None)  # fmt: skip
    open_detail(page)
    page.get_by_role("button", name="Kirim tindakan").click()
    error = page.locator("#action-error")
    expect(error).to_have_text(f"Konflik: {conflict}")
    switch_to(page, "en")
    expect(page.get_by_role("button", name="Send action")).to_be_visible()  # the form is drawn again
    expect(error).to_have_text(f"Conflict: {conflict}")
    expect(page.locator("#action-reload")).to_be_visible()


def test_the_sign_in_view_s_error_is_said_again_in_the_language_switched_to(
    web_stack: LocalStack, browser: Any
) -> None:
    page = signed_in(browser, web_stack, lambda m, p: envelope(401, "unauthorized", None)
                     if p == "/agency/reports" else None)  # fmt: skip
    expect(page.locator("#signin-error")).to_have_text("Anda perlu masuk lagi.")
    switch_to(page, "en")
    expect(page.locator("#signin-error")).to_have_text("Please sign in again.")
