"""In Chromium on a 360 by 740 px phone, over the real local stack: what a second review of the citizen's
pages found in their dates, times, ratings, waits and the Peta page's first view."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlparse
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from chalicelib.services.nearby import MAP_MAX_SPAN_DEG
from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import http
from tests.e2e.test_web_error_texts import CORS, stub
from tests.e2e.test_web_markup import routed, sign_in

pytestmark = pytest.mark.e2e

PHONE_740 = {"width": 360, "height": 740}
JAKARTA = ZoneInfo("Asia/Jakarta")
MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def _phone(browser: Any, zone: str = "Asia/Jakarta") -> Page:
    return browser.new_context(viewport=PHONE_740, timezone_id=zone).new_page()


def _day(day: date, lang: str) -> str:
    """A date as the pages write it (Intl's medium date style): "9 Des 2026", "9 Dec 2026"."""
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def _public_report(stack: LocalStack, lat: float, lon: float, description: str) -> dict[str, Any]:
    body = {
        "category": "banjir",
        "description": description,
        "location": {"lat": lat, "lon": lon, "area_code": "31.74.01"},
        "visibility": "public",
    }
    status, created = http("POST", f"{stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    return created


def test_an_estimate_in_the_timeline_is_a_date_in_the_page_s_language(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    created = _public_report(web_stack, -6.2571, 106.8752, "Saluran tersumbat, air meluap ke jalan.")
    agency = routed(api, created["id"])["agency"]["id"]
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    actions = f"{api}/agency/reports/{created['id']}/actions"
    assert http("POST", f"{actions}/take", {}, officer)[0] == 200
    today = datetime.now(JAKARTA).date()
    first, then = today + timedelta(days=2), today + timedelta(days=5)
    for day in (first, then):  # an estimate, then a later one that replaces it
        status, body = http("POST", f"{actions}/estimate", {"estimated_completion": day.isoformat()}, officer)
        assert status == 200, body
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    estimates = page.locator(".timeline .entry").filter(has_text="Estimasi waktu selesai")
    expect(estimates).to_have_count(2)
    # It read "Estimasi selesai 2026-12-09", the API's Indonesian words with the raw date, on either page
    expect(estimates.nth(1)).to_contain_text(f"Estimasi selesai: {_day(then, 'id')}")
    expect(estimates.nth(0)).to_contain_text("Diganti estimasi berikutnya.")
    expect(page.locator(".timeline")).not_to_contain_text(then.isoformat())
    expect(page.locator(".timeline")).not_to_contain_text(first.isoformat())
    page.get_by_role("button", name="English").click()
    estimates = page.locator(".timeline .entry").filter(has_text="· Estimated completion")
    expect(estimates).to_have_count(2)
    expect(estimates.nth(1)).to_contain_text(f"Estimated completion: {_day(then, 'en')}")
    expect(estimates.nth(0)).to_contain_text("Replaced by a later estimate.")
    expect(page.locator(".timeline")).not_to_contain_text("Estimasi")
    # The agency's console shows the same timeline
    console = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    sign_in(console, f"{web_stack.web_url}/jakarta", agency)
    console.goto(f"{web_stack.web_url}/jakarta/console.html#report={quote(created['id'])}")
    expect(console.locator("#detail .timeline")).to_contain_text(f"Estimasi selesai: {_day(then, 'id')}")
    expect(console.locator("#detail .timeline")).not_to_contain_text(then.isoformat())


def _ratings(page: Page) -> list[str]:
    """The rating choices' labels, in the order a screen reader and the eye meet them."""
    return page.locator("input[name=rating]").evaluate_all(
        "inputs => inputs.map((input) => input.closest('label').textContent.trim())"
    )


def test_the_rating_runs_one_way_on_the_tracking_page_and_on_the_feedback_link(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    created = _public_report(web_stack, -6.2591, 106.8772, "Genangan di depan puskesmas.")
    _, view = http("GET", f"{api}/reports/{created['id']}", headers={"X-Report-Secret": created["secret"]})
    done = {**view, "status": {"code": "SELESAI", "label": "Selesai", "label_en": "Done"}}
    done["allowed_actions"] = ["confirm", "reopen"]
    page = _phone(browser)
    stub(
        page,
        api,
        lambda method, path: (200, done) if method == "GET" and path.endswith(created["id"]) else None,
    )
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Nomor laporan").fill(created["id"])
    page.get_by_label("Kode rahasia (opsional)").fill(created["secret"])
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#confirm-form input[name=rating]")).to_have_count(5)
    on_track = _ratings(page)
    assert on_track[0].startswith("1") and on_track[-1].startswith("5"), on_track
    # A message's feedback link asked 5 first: the same choices, the same way round
    link = _phone(browser)
    stub(
        link,
        api,
        lambda method, path: (200, {"report_id": created["id"]}) if path == "/links/inspect" else None,
    )
    link.goto(f"{web_stack.web_url}/jakarta/feedback.html#{'k' * 40}")
    expect(link.locator("body")).to_have_attribute("data-ready", "true")
    expect(link.locator("#link-form")).to_be_visible()
    assert _ratings(link) == on_track
    link.get_by_role("button", name="English").click()
    expect(link.locator("#link-form legend")).to_have_text("Rate the handling")
    assert _ratings(link)[0] == "1 – Very poor"  # noqa: RUF001 (the label has an en dash)
    link.get_by_label("5 – Very good").check()  # noqa: RUF001
    assert link.locator("input[name=rating]:checked").get_attribute("value") == "5"


def test_the_tracking_page_says_until_when_the_reporter_may_answer(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    created = _public_report(web_stack, -6.2581, 106.8762, "Saluran tersumbat di depan pasar.")
    _, view = http("GET", f"{api}/reports/{created['id']}", headers={"X-Report-Secret": created["secret"]})
    # Given a Selesai report whose reopen window ends two days before it closes by itself
    closes = datetime(2026, 12, 18, 4, 51, tzinfo=ZoneInfo("UTC"))
    done = {**view, "status": {"code": "SELESAI", "label": "Selesai", "label_en": "Done"}}
    done["allowed_actions"] = ["confirm", "reopen"]
    done["deadlines"] = {
        **view["deadlines"],
        "confirm_by": closes.isoformat(),
        "reopen_by": (closes - timedelta(days=2)).isoformat(),
    }
    page = _phone(browser, "Asia/Makassar")  # a phone in another zone: the province's time is said
    stub(
        page,
        api,
        lambda method, path: (200, done) if method == "GET" and path.endswith(created["id"]) else None,
    )
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    # Then, without the secret as with it, the page says until when (Jakarta's time, named)
    until = page.locator("#answer-until")
    expect(until).to_have_text(
        "Bisa dijawab sampai 18 Des 2026, 11.51 WIB. Tanpa jawaban, laporan ditutup otomatis saat itu."
        " Membuka kembali hanya bisa sampai 16 Des 2026, 11.51 WIB."
    )
    page.get_by_label("Kode rahasia (opsional)").fill(created["secret"])
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#confirm-form")).to_be_visible()
    expect(until).to_contain_text("Bisa dijawab sampai 18 Des 2026, 11.51 WIB.")
    page.get_by_role("button", name="English").click()
    expect(until).to_contain_text(
        "You can answer until 18 Dec 2026, 11:51 WIB. Without an answer, the report closes by itself then."
    )


def test_a_rate_limit_s_wait_is_said_on_the_tracking_page(web_stack: LocalStack, browser: Any) -> None:
    page = _phone(browser)
    limited = {
        "error": {
            "code": "rate_limited",
            "message": "Terlalu banyak permintaan; coba lagi sebentar lagi (too many requests).",
            "details": None,
        }
    }
    page.route(
        f"{web_stack.api_url('jakarta')}/reports/**",
        lambda route: route.fulfill(status=429, headers={**CORS, "Retry-After": "45"}, json=limited),
    )
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id=31-261207-AB12")
    # It said "tunggu sebentar" however long the API asked to wait
    expect(page.locator("#track-error")).to_have_text("Terlalu banyak permintaan; coba lagi dalam 45 detik.")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#track-error")).to_have_text("Too many requests; try again in 45 seconds.")


def test_times_are_the_province_s_and_say_so_on_a_phone_in_another_zone(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    created = _public_report(web_stack, -6.2611, 106.8792, "Pohon tumbang di trotoar.")
    _, view = http("GET", f"{api}/reports/{created['id']}")
    at = datetime.fromisoformat(view["created_at"]).astimezone(JAKARTA)
    # A citizen from Makassar (WITA, an hour ahead) looks at a Jakarta report
    page = _phone(browser, "Asia/Makassar")
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    created_row = page.locator(".facts dd").nth(4)
    expect(page.locator(".facts dt").nth(4)).to_have_text("Dilaporkan")
    # It read "7 Des 2026, 15.40": Jakarta's clock, unlabelled, on a phone an hour ahead
    expect(created_row).to_have_text(f"{_day(at.date(), 'id')}, {at:%H.%M} WIB")
    first_entry = page.locator(".timeline .entry-head time").first
    expect(first_entry).to_have_text(f"{_day(at.date(), 'id')}, {at:%H.%M} WIB")
    page.get_by_role("button", name="English").click()
    expect(created_row).to_have_text(f"{_day(at.date(), 'en')}, {at:%H:%M} WIB")
    for time in page.locator(".timeline .entry-head time").all():
        expect(time).to_contain_text(" WIB")


def test_peta_opens_where_every_report_in_view_is_shown(web_stack: LocalStack, browser: Any) -> None:
    created = _public_report(web_stack, -6.19, 106.825, "Genangan di dekat halte, sudah dua hari.")
    page = _phone(browser)
    asked: list[dict[str, float]] = []
    page.on(
        "request",
        lambda r: (
            asked.append(
                {k: float(v[0]) for k, v in parse_qs(urlparse(r.url).query).items() if k != "category"}
            )
            if urlparse(r.url).path.endswith("/reports/map")
            else None
        ),
    )
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # It opened on the province's first view, wider than the API's limit: "Area peta terlalu luas" and the
    # reports outside the box the API cut were missing until the citizen zoomed in
    expect(page.locator("#map-clipped")).to_be_hidden()
    expect(page.locator(f"#map-list li[data-id='{created['id']}']")).to_be_visible()
    first = asked[0]
    spans = (first["north"] - first["south"], first["east"] - first["west"])
    assert max(spans) <= MAP_MAX_SPAN_DEG, first
    assert max(spans) > 0.9 * MAP_MAX_SPAN_DEG, first  # about the widest such view, not any inside it
    centre = ((first["north"] + first["south"]) / 2, (first["east"] + first["west"]) / 2)
    assert centre == pytest.approx((-6.2, 106.83), abs=1e-3), first  # Jakarta's first view's centre
