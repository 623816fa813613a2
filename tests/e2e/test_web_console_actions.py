"""In Chromium: the console's action form says what each action takes, and why there is none.

The target agency's hint fits the action (forward stays in this province; "Bukan wewenang" may name
another province, and a report received from another province goes back there); the estimate's date
field runs from today to the API's latest, both in the province's time zone (the browser here is in
Honolulu, 17 hours behind Jakarta); a report handed over to another province says so instead of "no
actions for this status". API answers are stubbed with page.route(), as in test_web_error_texts.py.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, Request, expect

from chalicelib.domain.workflow import MAX_ESTIMATE_DAYS
from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import http
from tests.e2e.test_web_error_texts import Answer, agency_view, inbox_item, jwt, stub
from tests.e2e.test_web_markup import new_page, routed, sign_in

pytestmark = pytest.mark.e2e

BROWSER_ZONE = "Pacific/Honolulu"  # the officer's laptop set to another zone: the province's date counts


def console(browser: Any, web_stack: LocalStack, view: dict[str, Any], lang: str = "id") -> Page:
    """The Jakarta console with a stubbed officer, one report in its inbox, shown as ``view``."""
    page = browser.new_context(viewport={"width": 1024, "height": 900}, timezone_id=BROWSER_ZONE).new_page()

    def answer(method: str, path: str) -> Answer:
        if path == "/agency/reports":
            return 200, {"items": [inbox_item()], "next_cursor": None}
        if path.startswith("/agency/reports/") and method == "GET":
            return 200, view
        if "/actions/" in path:
            return 200, {**view, "version": view["version"] + 1}
        return None  # /categories, /areas: the real API

    stub(page, web_stack.api_url("jakarta"), answer)
    page.goto(f"{web_stack.web_url}/jakarta/console.html?lang={lang}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#token").fill(jwt())
    page.locator("#token-form button[type=submit]").click()
    page.locator(".inbox-link").first.click()
    expect(page.locator("#detail-heading")).to_be_visible()
    return page


def hint_for(page: Page, action: str) -> str:
    page.locator(f"input[name=action][value={action}]").check()
    hint = page.locator("#action-agency-hint")
    expect(hint).to_be_visible()
    return hint.inner_text()


def test_the_target_agency_hint_fits_the_action(web_stack: LocalStack, browser: Any) -> None:
    page = console(browser, web_stack, agency_view(allowed_actions=["take", "dispose", "refuse", "reject"]))
    forward = hint_for(page, "forward")
    assert forward.startswith("Kode instansi di provinsi ini, misalnya dlh.")
    assert "31:dsda" not in forward and "Bukan wewenang" in forward  # forward takes no other province's
    refuse = hint_for(page, "refuse")
    assert "31:dsda" in refuse and "Kosongkan" not in refuse  # one's own report is not handed back
    assert hint_for(page, "forward") == forward  # and back again
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#action-agency-hint")).to_have_text(
        "An agency id of this province, e.g. dlh. For another province's agency, choose “Not our authority”."
    )

    received = agency_view(
        allowed_actions=["take", "dispose", "refuse", "reject"],
        escalated_from_other_province=True,
        origin_province="36",
    )
    page = console(browser, web_stack, received)
    back = hint_for(page, "refuse")
    assert back.startswith("Kosongkan untuk mengembalikan laporan ke Provinsi Banten;"), back
    assert "36:kode-instansi" in back
    assert hint_for(page, "forward").startswith("Kode instansi di provinsi ini")


def test_the_estimate_date_runs_from_the_province_s_today_to_the_api_s_latest(
    web_stack: LocalStack, browser: Any
) -> None:
    view = agency_view(status={"code": "PROSES", "label": "Proses", "label_en": "In progress"},
                       allowed_actions=["estimate", "resolve", "refuse"])  # fmt: skip
    page = console(browser, web_stack, view)
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/actions/" in r.url and r.method == "POST" else None)
    page.locator("input[name=action][value=estimate]").check()
    field = page.locator("#action-date")
    expect(field).to_be_visible()
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    expect(field).to_have_attribute("min", today.isoformat())
    expect(field).to_have_attribute("max", (today + timedelta(days=MAX_ESTIMATE_DAYS)).isoformat())
    expect(page.locator("#action-date-hint")).to_have_text(
        f"Dari hari ini sampai paling lambat {MAX_ESTIMATE_DAYS} hari lagi."
    )
    # a date typed outside the range is said in words, and nothing is sent
    for outside in (today - timedelta(days=1), today + timedelta(days=MAX_ESTIMATE_DAYS + 1)):
        field.fill(outside.isoformat())
        page.get_by_role("button", name="Kirim tindakan").click()
        expect(page.locator("#action-error")).to_contain_text("Pilih tanggal dari ")
        expect(field).to_be_focused()
    assert sent == []
    latest = today + timedelta(days=MAX_ESTIMATE_DAYS)
    field.fill(latest.isoformat())
    with page.expect_request(lambda r: "/actions/estimate" in r.url and r.method == "POST") as posted:
        page.get_by_role("button", name="Kirim tindakan").click()
    assert json.loads(posted.value.post_data or "{}") == {"estimated_completion": latest.isoformat()}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("id", "Laporan ini ditangani Provinsi Banten: instansi di sana yang menindaklanjutinya"),
        ("en", "Banten province is handling this report: its agencies act on it"),
    ],
)
def test_a_report_another_province_handles_says_so_instead_of_no_actions(
    web_stack: LocalStack, browser: Any, lang: str, text: str
) -> None:
    handed = agency_view(
        status={"code": "KOORDINASI", "label": "Koordinasi", "label_en": "Coordination"},
        escalated_to="36",
        allowed_actions=[],
    )
    page = console(browser, web_stack, handed, lang)
    expect(page.locator("#no-actions")).to_contain_text(text)
    # a closed report has no actions because it is closed, wherever it was handled
    closed = console(browser, web_stack, {**handed, "closed": True}, lang)
    expect(closed.locator("#no-actions")).to_have_text(
        "Tidak ada tindakan untuk status ini." if lang == "id" else "No actions for this status."
    )


def test_refusing_one_s_own_report_asks_for_the_agency_a_received_one_may_go_back_empty(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a report of this province: "Bukan wewenang" names where it should go (the API requires it)
    page = console(browser, web_stack, agency_view(allowed_actions=["take", "refuse"]))
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if "/actions/" in r.url and r.method == "POST" else None)
    page.locator("input[name=action][value=refuse]").check()
    expect(page.locator("#action-agency")).to_have_attribute("required", "")
    page.locator("#action-note").fill("Saluran ini milik provinsi lain.")
    page.get_by_role("button", name="Kirim tindakan").click()
    # Then an empty agency is said in words and focused, and nothing is sent
    expect(page.locator("#action-error")).to_be_visible()
    expect(page.locator("#action-agency")).to_be_focused()
    assert sent == []

    # Given a report received from Banten: left empty, it goes back to Banten
    received = agency_view(
        allowed_actions=["take", "refuse"], escalated_from_other_province=True, origin_province="36"
    )
    page = console(browser, web_stack, received)
    page.locator("input[name=action][value=refuse]").check()
    expect(page.locator("#action-agency")).not_to_have_attribute("required", "")
    page.locator("#action-note").fill("Bukan wilayah kami.")
    with page.expect_request(lambda r: "/actions/refuse" in r.url and r.method == "POST") as posted:
        page.get_by_role("button", name="Kirim tindakan").click()
    assert json.loads(posted.value.post_data or "{}") == {"note": "Bukan wilayah kami."}


def test_a_report_forwarded_away_leaves_for_the_inbox_with_a_word_not_an_error(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a road report in Tebet at Sudin Bina Marga Jakarta Selatan, opened by its officer (real API)
    api = web_stack.api_url("jakarta")
    road = {
        "category": "jalan_rusak",
        "description": "Jalan berlubang, ternyata saluran air di bawahnya jebol.",
        "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    }
    status, created = http("POST", f"{api}/reports", road)
    assert status == 201, created
    routed(api, created["id"])
    page, dialogs = new_page(browser, 1024)
    sign_in(page, f"{web_stack.web_url}/jakarta", "sudin-bm-js")
    page.goto(f"{web_stack.web_url}/jakarta/console.html#report={quote(created['id'])}")
    expect(page.locator("#detail-heading")).to_contain_text(created["id"])
    # When they forward it to Dinas SDA (disposisi), which the officer may then no longer read
    page.locator("input[name=action][value=forward]").check()
    page.locator("#action-agency").fill("dsda")
    page.get_by_role("button", name="Kirim tindakan").click()
    # Then the console goes back to the inbox and says where the report went, with no error
    notice = page.locator("#inbox-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"laporan {created['id']}")
    expect(notice).to_contain_text("ditangani instansi lain")
    expect(page.locator("#detail")).to_be_hidden()
    expect(page.locator("#inbox-error")).to_be_hidden()
    assert "#report=" not in page.url
    # ... the forward is saved ...
    assert http("GET", f"{api}/reports/{created['id']}")[1]["agency"]["id"] == "dsda"
    # ... the words follow the page's language, and go once the officer moves on
    page.get_by_role("button", name="English").click()
    expect(notice).to_contain_text("has left your inbox")
    page.locator("#filter-form button[type=submit]").click()
    expect(notice).to_be_hidden()
    assert dialogs == []


def test_an_officer_merges_a_report_made_twice_from_the_console(web_stack: LocalStack, browser: Any) -> None:
    # Given two reports of one pothole in Tebet at Sudin Bina Marga Jakarta Selatan (real API)
    api = web_stack.api_url("jakarta")
    road = {
        "category": "jalan_rusak",
        "description": "Lubang besar di Jl. Tebet Raya depan minimarket, sudah dua minggu.",
        "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
        "visibility": "public",
    }
    original, duplicate = (http("POST", f"{api}/reports", road)[1]["id"] for _ in range(2))
    routed(api, original)
    routed(api, duplicate)
    page, _ = new_page(browser, 1366)
    sign_in(page, f"{web_stack.web_url}/jakarta", "sudin-bm-js")
    page.goto(f"{web_stack.web_url}/jakarta/console.html#report={quote(duplicate)}")
    expect(page.locator("#detail-heading")).to_contain_text(duplicate)
    # When its officer marks the second as a duplicate, typing the original's id as read out (lower case)
    page.get_by_label("Duplikat (laporan ganda)").check()
    expect(page.locator("#action-of-hint")).to_contain_text("31-261127-K3M9")
    page.get_by_label("Nomor laporan asli").fill(original.lower())
    page.get_by_role("button", name="Kirim tindakan").click()
    # Then the report is closed as a duplicate of the original, and says so
    expect(page.locator("#detail .facts")).to_contain_text("Ditolak")
    expect(page.locator("#action-error")).to_have_count(0)
    status, merged = http("GET", f"{api}/reports/{duplicate}")
    assert status == 200 and merged["duplicate_of"] == original, merged
    assert http("GET", f"{api}/reports/{original}")[1]["duplicate_count"] == 1
    # ... and each report links to the other: the duplicate to its original, the original to its duplicates
    facts = page.locator("#detail .facts")
    expect(facts).to_contain_text(f"Duplikat dari{original}")
    facts.get_by_role("link", name=original).click()
    expect(page.locator("#detail-heading")).to_contain_text(original)
    expect(facts).to_contain_text(f"Laporan ganda{duplicate}")
    expect(facts.get_by_role("link", name=duplicate)).to_have_attribute("href", f"#report={duplicate}")


def test_a_coordinator_undoes_a_wrong_merge_from_the_console(web_stack: LocalStack, browser: Any) -> None:
    # Given two reports in Tebet merged by Sudin Bina Marga's officer, though they are not one problem
    api = web_stack.api_url("jakarta")
    road = {
        "category": "jalan_rusak",
        "description": "Lubang di Jl. Tebet Utara Dalam, dekat sekolah.",
        "location": {"lat": -6.227, "lon": 106.852, "area_code": "31.74.01"},
        "visibility": "public",
    }
    original, duplicate = (http("POST", f"{api}/reports", road)[1]["id"] for _ in range(2))
    routed(api, original)
    agency = routed(api, duplicate)["agency"]["id"]
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    merged = http("POST", f"{api}/agency/reports/{duplicate}/actions/duplicate", {"of": original}, officer)
    assert merged[0] == 200, merged
    # When the province's coordinator (Dinas, admin) opens the closed duplicate in the console
    page, _ = new_page(browser, 1366)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option("koordinator")
    page.locator("#dev-role").select_option("admin")
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    expect(page.locator("#workspace-heading")).to_be_visible()
    page.goto(f"{web_stack.web_url}/jakarta/console.html#report={quote(duplicate)}")
    expect(page.locator("#detail-heading")).to_contain_text(duplicate)
    # Then "Batalkan duplikat" is offered (not "no actions for this status"), and undoes the merge
    expect(page.locator("#no-actions")).to_have_count(0)
    page.get_by_label("Batalkan duplikat").check()
    page.get_by_label("Catatan").fill("Beda lokasi")
    page.get_by_role("button", name="Kirim tindakan").click()
    expect(page.locator("#detail .facts")).to_contain_text("Disposisi")
    expect(page.locator("#detail .facts")).not_to_contain_text("Duplikat dari")
    expect(page.locator("#action-error")).to_be_hidden()
    undone = http("GET", f"{api}/reports/{duplicate}")[1]
    assert undone["duplicate_of"] is None and not undone["closed"], undone
    assert http("GET", f"{api}/reports/{original}")[1]["duplicate_count"] == 0


def test_a_laptop_s_inbox_shows_its_first_rows_above_the_fold_and_keeps_the_map(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a coordinator's inbox of six reports on a 1366x768 laptop (the page: 1366x768)
    rows = [
        {
            **inbox_item(),
            "key": f"31-261207-AB{n}C",
            "id": f"31-261207-AB{n}C",
            "location": {"lat": -6.2 - n / 100, "lon": 106.8},
        }
        for n in range(6)
    ]
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()

    def answer(method: str, path: str) -> Answer:
        return (200, {"items": rows, "next_cursor": None}) if path == "/agency/reports" else None

    stub(page, web_stack.api_url("jakarta"), answer)
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#token").fill(jwt("admin", "koordinator"))
    page.locator("#token-form button[type=submit]").click()
    expect(page.locator(".inbox-link")).to_have_count(6)
    expect(page.locator("#inbox-map")).to_have_attribute("data-markers", "6")
    # Then the first rows are on screen whole without scrolling (none was: the map above them took 290 px),
    # and the map beside them, most of it in view
    fold = page.viewport_size["height"]
    boxes = [page.locator(".inbox-item").nth(n).bounding_box() for n in range(2)]
    map_box = page.locator("#inbox-map").bounding_box()
    assert all(box and box["y"] + box["height"] <= fold for box in boxes), (boxes, map_box)
    assert map_box and map_box["height"] >= 256 and map_box["y"] + 256 <= fold, map_box
    assert map_box["x"] >= max(box["x"] + box["width"] for box in boxes if box)
    # and the map stays in view while the officer scrolls down the list
    page.locator(".inbox-item").last.scroll_into_view_if_needed()
    expect(page.locator("#inbox-map")).to_be_in_viewport(ratio=0.9)
