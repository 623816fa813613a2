"""In Chromium on a 360 by 740 px phone, over the real local stack, what a tester found on a phone: a
message's link that no longer works led nowhere, the feedback link's one text box served both the
comment and the reason, and a phone without any network was told the server had not answered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chalicelib.services.following import ENDED
from infra.local.stack import LocalStack
from tests.e2e.conftest import http, type_road_report
from tests.e2e.test_web_citizen_slow_line import _resolved_with_a_feedback_link
from tests.e2e.test_web_error_texts import stub

pytestmark = pytest.mark.e2e

PHONE_740 = {"width": 360, "height": 740}
REPORT_ID = "31-261127-K3M9"


def _phone(browser: Any) -> Page:
    return browser.new_context(viewport=PHONE_740, timezone_id="Asia/Jakarta").new_page()


def test_a_used_message_link_leads_to_its_report_and_a_forged_one_to_the_tracking_page(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a Selesai e-mail's feedback link, used already (yesterday's tap)
    link = _resolved_with_a_feedback_link(web_stack)
    token = link.split("#", 1)[1]
    api = web_stack.api_url("jakarta")
    status, confirmed = http("POST", f"{api}/links/confirm", {"token": token, "rating": 4})
    assert status == 200, confirmed
    page = _phone(browser)
    # When the reporter taps it again to see what happened
    page.goto(link)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # Then the page says the link is spent, and leads on to the report (it said so, and stopped there)
    expect(page.locator("#link-error")).to_contain_text("tidak berlaku lagi")
    expect(page.locator("#link-form")).to_be_hidden()
    see = page.get_by_role("link", name=f"Lihat laporan {confirmed['id']}")
    expect(see).to_have_attribute("href", f"track.html?id={confirmed['id']}")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name=f"See the report {confirmed['id']}")).to_be_visible()
    page.get_by_role("link", name=f"See the report {confirmed['id']}").click()
    expect(page.get_by_role("heading", name=f"Report {confirmed['id']}")).to_be_visible()
    # And a forged link (well shaped, matching no record) names no report: the way on is the tracking page
    forged = _phone(browser)
    forged.goto(link.replace(token, token[::-1]))
    expect(forged.locator("body")).to_have_attribute("data-ready", "true")
    expect(forged.locator("#link-error")).to_contain_text("tidak berlaku lagi")
    way = forged.get_by_role(
        "link", name="Lacak laporan Anda: ketik nomor laporan dari pesan Anda di halaman lacak"
    )
    expect(way).to_have_attribute("href", "track.html")
    expect(forged.locator("#link-next a")).to_have_count(1)


def test_the_feedback_link_has_a_labelled_box_for_the_comment_and_another_for_the_reason(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    sent: list[tuple[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            sent.append((r.url.rsplit("/", 1)[1], json.loads(r.post_data or "{}")))
            if r.method == "POST" and "/links/" in r.url
            else None
        ),
    )

    def answer(method: str, path: str) -> Any:
        if path == "/links/inspect":
            return 200, {"purpose": "feedback", "report_id": REPORT_ID, "expires_at": 4102444800}
        return (200, {"id": REPORT_ID}) if path == "/links/reopen" else None

    stub(page, web_stack.api_url("jakarta"), answer)
    page.goto(f"{web_stack.web_url}/jakarta/feedback.html#{'k' * 40}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # One box read "Komentar (untuk konfirmasi) atau alasan (untuk membuka kembali)": now each choice has
    # its own group, named, with its own labelled box
    confirm = page.get_by_role("group", name="Sudah beres")
    reopen = page.get_by_role("group", name="Belum beres")
    expect(confirm.get_by_label("Komentar (opsional)")).to_be_visible()
    expect(confirm.get_by_role("button", name="Konfirmasi selesai")).to_be_visible()
    expect(reopen.get_by_label("Mengapa belum selesai?")).to_be_visible()
    expect(reopen.get_by_role("button", name="Buka kembali laporan")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(
        page.get_by_role("group", name="It is not fixed yet").get_by_label("Why is it not fixed?")
    ).to_be_visible()
    expect(page.get_by_role("group", name="It is fixed").get_by_label("Comment (optional)")).to_be_visible()
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.get_by_label("Komentar (opsional)").fill("Sudah rapi, terima kasih.")
    # A reopen without its reason is said, at the reason's box
    page.get_by_role("button", name="Buka kembali laporan").click()
    expect(page.locator("#link-error")).to_have_text("Tuliskan alasannya (minimal 3 karakter).")
    reason = page.get_by_label("Mengapa belum selesai?")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    reason.fill("Lubangnya masih ada di sisi kiri.")
    page.get_by_role("button", name="Buka kembali laporan").click()
    expect(page.locator("#link-done")).to_have_text("Laporan dibuka kembali dan dikirim lagi ke instansi.")
    # the reason went as the reason, the comment typed beside it did not
    assert [s for s in sent if s[0] == "reopen"] == [
        ("reopen", {"token": "k" * 40, "reason": "Lubangnya masih ada di sisi kiri."})
    ]
    expect(reason).not_to_have_attribute("aria-invalid", "true")


def test_a_report_sent_offline_is_said_offline_kept_and_sent_once_the_phone_is_back(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Lubang besar di tengah jalan dekat halte, motor sering jatuh.")
    # (the English catalogue is fetched when chosen: chosen before the network goes)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Send report")).to_be_visible()
    # When the phone loses its network and the citizen sends
    page.context.set_offline(True)
    page.get_by_role("button", name="Send report").click()
    # Then the page says the phone is offline (it said "The server has not answered") and that the report
    # is kept
    status = page.locator("#form-status")
    expect(status).to_contain_text("You are offline (not connected to the internet)")
    expect(status).to_contain_text("it is kept in this tab and sent again automatically")
    kept = page.evaluate(
        "() => Object.keys(window.sessionStorage).filter((k) => k.startsWith('aduan.pending.'))"
    )
    assert len(kept) == 1, kept
    # And once it is back, the report goes by itself
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible(timeout=30_000)
    assert (
        page.evaluate(
            "() => Object.keys(window.sessionStorage).filter((k) => k.startsWith('aduan.pending.'))"
        )
        == []
    )


def _sent_offline(browser: Any, web_stack: LocalStack, description: str) -> Page:
    """A phone whose timers run only when the test runs the clock, that sends a road report offline."""
    page = _phone(browser)
    page.clock.install()
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, description)
    page.context.set_offline(True)
    page.get_by_role("button", name="Kirim laporan").click()
    return page


def test_a_report_still_offline_after_every_try_says_so_and_what_to_press(
    web_stack: LocalStack, browser: Any
) -> None:
    # (the tries 3, 6, 12 and 24 s apart, run at once below)
    page = _sent_offline(browser, web_stack, "Jalan amblas di depan sekolah, ditutup sebagian dengan kayu.")
    expect(page.locator("#form-status")).to_contain_text("Anda sedang luring")
    for _ in range(5):
        page.clock.run_for(30_000)
    error = page.locator("#form-error")
    expect(error).to_have_text(
        "Anda sedang luring: ponsel Anda tidak tersambung ke internet. Sambungkan lalu coba lagi."
        " Laporan Anda belum terkirim dan masih tersimpan di tab ini: laporan dikirim otomatis begitu"
        " ponsel tersambung lagi selama tab ini terbuka, atau tekan Kirim laporan (laporan yang sama,"
        " tidak menjadi ganda)."
    )
    # once the phone is back online the kept report goes by itself, with no tap and no timer run
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_visible(timeout=30_000)


def test_a_report_waiting_offline_goes_as_soon_as_the_phone_is_back_not_when_its_timer_runs_out(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a report sent offline, waiting for its next try (no timer runs unless the test runs the clock)
    page = _sent_offline(
        browser, web_stack, "Genangan setinggi lutut di depan pasar, motor mogok di tengah jalan."
    )
    expect(page.locator("#form-status")).to_contain_text("dikirim ulang otomatis begitu tersambung lagi")
    # When the phone is back online (and the try's timer has not run out)
    page.context.set_offline(False)
    # Then the report goes at once
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_visible(timeout=30_000)


def test_a_report_past_its_followers_retention_says_so_on_the_follow_form(
    web_stack: LocalStack, browser: Any
) -> None:
    status, created = http(
        "POST",
        f"{web_stack.api_url('jakarta')}/reports",
        {
            "category": "sampah",
            "description": "Sampah menumpuk di depan pasar.",
            "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
            "visibility": "public",
        },
    )
    assert status == 201, created
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # Given the API answers a follow request as it does for a report past its retention end
    follow = f"/reports/{created['id']}/follow"
    ended = {"error": {"code": "follow_ended", "message": ENDED}}
    stub(
        page,
        web_stack.api_url("jakarta"),
        lambda method, path: (404, ended) if path.endswith(follow) else None,
    )
    # When the citizen asks to follow it
    page.locator("#follow-email").fill("tetangga@example.com")
    page.get_by_role("button", name="Ikuti lewat e-mail").click()
    # Then the page says it can no longer be followed, in the page's language
    expect(page.locator("#follow-error")).to_have_text(
        "Laporan ini sudah tidak bisa diikuti: masa simpan data pengikutnya sudah lewat."
    )


def test_a_kept_report_whose_own_resend_fails_offline_again_still_goes_by_itself(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a report whose every try failed offline
    page = _sent_offline(browser, web_stack, "Pohon tumbang menutup jalan di depan puskesmas sejak subuh.")
    for _ in range(5):
        page.clock.run_for(30_000)
    expect(page.locator("#form-error")).to_contain_text("Anda sedang luring")
    # And the phone drops again just as its own resend goes, until every try of that resend failed too
    dropped: list[str] = []

    def drop_once(route: Any) -> None:
        if dropped:
            route.fallback()
            return
        dropped.append(route.request.method)
        page.context.set_offline(True)
        route.abort("internetdisconnected")

    page.route(f"{web_stack.api_url('jakarta')}/reports", drop_once)
    page.context.set_offline(False)
    expect(page.locator("#form-status")).to_contain_text("Anda sedang luring")
    for _ in range(5):
        page.clock.run_for(30_000)
    expect(page.locator("#form-error")).to_contain_text("Anda sedang luring")
    assert dropped == ["POST"]
    # When the phone is back online, Then the report goes by itself once more (no tap)
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_visible(timeout=30_000)
