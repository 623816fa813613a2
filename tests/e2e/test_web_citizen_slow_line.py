"""In Chromium on a 360 by 740 px phone, over the real local stack, a Jakarta flood morning on a slow line:
what is already reported nearby shows before the photo and the contact are typed, the form says it is
sending while the answer is slow, and a message link's button tapped twice while the first tap waits
sends once."""

from __future__ import annotations

import random
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, Route, expect

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http, type_road_report
from tests.e2e.test_web_evidence_review import _upload
from tests.e2e.test_web_notifications import _local, _outbox
from tests.evidence_images import scene_jpeg

pytestmark = pytest.mark.e2e

PHONE_740 = {"width": 360, "height": 740}


def _phone(browser: Any) -> Page:
    return browser.new_context(viewport=PHONE_740, timezone_id="Asia/Jakarta").new_page()


def _public_flood(web_stack: LocalStack, description: str, lat: float, lon: float) -> dict[str, Any]:
    """A public flood report already filed in Tebet (Jakarta Selatan) at ``lat``, ``lon``."""
    body = {
        "category": "banjir",
        "description": description,
        "location": {"lat": lat, "lon": lon, "area_code": "31.74.01"},
        "visibility": "public",
    }
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    return dict(created)


def _report_at(page: Page, web_stack: LocalStack, category: str, lat: str, lon: str) -> None:
    """Jakarta's form on ``page``, the category chosen and the place typed as coordinates (then Tab)."""
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label(category).check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill(lat)
    page.get_by_label("Bujur (longitude)").fill(lon)
    page.keyboard.press("Tab")


def _held(page: Page, pattern: str) -> list[Route]:
    """POSTs to ``pattern`` held (a slow line) until the test lets each go on; returns the held routes."""
    held: list[Route] = []
    page.route(
        pattern, lambda route: held.append(route) if route.request.method == "POST" else route.fallback()
    )
    return held


def _wait_for(page: Page, held: list[Route], count: int) -> None:
    for _ in range(100):  # the route handler runs while Playwright waits (never in a plain sleep)
        if len(held) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{count} request(s) expected, {len(held)} held")


def test_already_reported_shows_under_the_place_before_the_photo_and_the_contact(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(
        web_stack, "Banjir sepinggang di Jl. Tebet Barat Dalam, motor mogok.", -6.2411, 106.8592
    )
    page = _phone(browser)
    _report_at(page, web_stack, "Banjir/Genangan", "-6.2412", "106.8593")
    row = page.locator(f".nearby-item[data-id='{created['id']}']")
    expect(row).to_be_visible()
    page.get_by_label("Bujur (longitude)").focus()
    page.keyboard.press("Tab")
    # The next stop after the place is the report already there (it came after the contact fields, at
    # the foot of a form four screens long: seen only once the copy was all but sent)
    expect(row.get_by_role("link", name=created["id"])).to_be_focused()
    page.keyboard.press("Tab")
    expect(row.get_by_role("button", name="Dukung laporan ini")).to_be_focused()
    nearby = page.locator("#nearby").bounding_box()
    photo = page.locator("#photo-field").bounding_box()
    contact = page.locator("#notify-fieldset").bounding_box()
    assert nearby and photo and contact
    assert nearby["y"] + nearby["height"] <= photo["y"] < contact["y"], (nearby, photo, contact)


def test_the_form_says_it_is_sending_while_a_slow_line_holds_the_answer(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    held = _held(page, f"{web_stack.api_url('jakarta')}/reports")
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Jalan tergenang dan berlubang di depan pasar, pagi ini.")
    page.get_by_role("button", name="Kirim laporan").click()
    _wait_for(page, held, 1)
    # A dimmed button alone, for as long as half a minute, looked like a page that had hung
    expect(page.locator("#form-status")).to_have_text("Mengirim laporan…")
    expect(page.get_by_role("button", name="Kirim laporan")).to_be_disabled()
    page.get_by_role("button", name="English").click()
    expect(page.locator("#form-status")).to_have_text("Sending the report…")
    held[0].fallback()
    expect(page.get_by_role("heading", name="Report sent")).to_be_focused()
    expect(page.locator("#form-status")).to_be_hidden()


def _resolved_with_a_feedback_link(stack: LocalStack) -> str:
    """A flood report whose reporter asked for news by e-mail, taken and resolved by its agency; the
    feedback link of its Selesai e-mail."""
    _created, email = _resolved(stack)
    [selesai] = eventually(
        lambda: [m for m in _outbox(stack, email) if "feedback.html#" in m["body"]], timeout=40
    )
    return _local(next(word for word in selesai["body"].split() if "feedback.html#" in word), stack)


def _resolved(stack: LocalStack) -> tuple[dict[str, Any], str]:
    """A flood report whose reporter asked for news by e-mail, taken and resolved (Selesai) by its agency;
    the report as created (its id and secret) and the reporter's e-mail."""
    api = stack.api_url("jakarta")
    email = f"warga-{uuid.uuid4().hex[:8]}@example.com"
    body = {
        "category": "banjir",
        "description": "Air masuk rumah di gang 5, setinggi lutut.",
        "location": {"lat": -6.2391, "lon": 106.8572, "area_code": "31.74.01"},
        "reporter": {"email": email, "notify": ["email"], "language": "id"},
    }
    status, created = http("POST", f"{api}/reports", body)
    assert status == 201, created
    key = created["id"]
    agency = eventually(lambda: http("GET", f"{api}/reports/{key}")[1].get("agency"), timeout=30)["id"]
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    assert http("POST", f"{api}/agency/reports/{key}/actions/take", {}, officer)[0] == 200
    evidence = _upload(
        api, f"/agency/reports/{quote(key)}/evidence", scene_jpeg(random.getrandbits(48)), officer
    )
    resolve = {"note": "Saluran dibersihkan, air sudah surut.", "evidence_photo": evidence}
    status, done = http("POST", f"{api}/agency/reports/{key}/actions/resolve", resolve, officer)
    assert status == 200, done
    return created, email


def test_a_message_link_s_button_tapped_again_while_the_first_waits_sends_once(
    web_stack: LocalStack, browser: Any
) -> None:
    link = _resolved_with_a_feedback_link(web_stack)
    page = _phone(browser)
    held = _held(page, f"{web_stack.api_url('jakarta')}/links/confirm")
    page.goto(link)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("5 – Sangat baik").check()  # noqa: RUF001 (the label has an en dash)
    confirm = page.get_by_role("button", name="Konfirmasi selesai")
    confirm.click()
    _wait_for(page, held, 1)
    # The answer is slow: the buttons wait with it (a second tap went too, found the link used, and
    # "Tautan ini tidak berlaku lagi" showed under the thanks)
    expect(confirm).to_be_disabled()
    expect(page.get_by_role("button", name="Buka kembali laporan")).to_be_disabled()
    confirm.click(force=True)
    page.wait_for_timeout(500)
    assert len(held) == 1, len(held)
    held[0].fallback()
    expect(page.locator("#link-done")).to_have_text("Terima kasih, laporan dikonfirmasi selesai.")
    expect(page.locator("#link-done")).to_be_focused()
    expect(page.locator("#link-error")).to_be_hidden()


def test_the_tracking_page_says_it_is_looking_while_the_answer_is_slow(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(web_stack, "Genangan di depan musala, air naik sejak subuh.", -6.2371, 106.8552)
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    held: list[Route] = []
    page.route(f"{web_stack.api_url('jakarta')}/reports/{created['id']}", lambda route: held.append(route))
    page.get_by_label("Nomor laporan").fill(created["id"])
    show = page.get_by_role("button", name="Tampilkan")
    show.click()
    _wait_for(page, held, 1)
    # A tap on a slow line seemed to do nothing: the page says it is looking, and one look-up is enough
    expect(page.locator("#track-status")).to_have_text("Mencari laporan…")
    expect(show).to_be_disabled()
    page.get_by_role("button", name="English").click()
    expect(page.locator("#track-status")).to_have_text("Looking up the report…")
    held[0].fallback()
    expect(page.get_by_role("heading", name=f"Report {created['id']}")).to_be_focused()
    expect(page.locator("#track-status")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_enabled()
    # ... and a follow asked for twice while the first waits asks once (one confirmation e-mail)
    follows = _held(page, f"{web_stack.api_url('jakarta')}/reports/{created['id']}/follow")
    page.locator("#follow-email").fill(f"tetangga-{uuid.uuid4().hex[:8]}@example.com")
    follow = page.get_by_role("button", name="Follow by e-mail")
    follow.click()
    _wait_for(page, follows, 1)
    expect(follow).to_be_disabled()
    follow.click(force=True)
    page.locator("#follow-email").press("Enter")
    page.wait_for_timeout(500)
    assert len(follows) == 1, len(follows)
    follows[0].fallback()
    expect(page.locator("#follow-status")).to_contain_text("confirmation e-mail")
    expect(follow).to_be_enabled()
    # Pressed again and the line drops: said, and the focus is back on the button (lost while it waited)
    page.get_by_role("button", name="Show").click()
    _wait_for(page, held, 2)
    held[1].abort("internetdisconnected")
    expect(page.locator("#track-error")).to_contain_text("Cannot reach the server")
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    # ... and the report shown before goes with its follow form (left, it followed that report)
    expect(page.locator("#report-view")).to_be_hidden()
    expect(page.locator("#follow-section")).to_be_hidden()


def test_a_photo_probe_lost_as_the_page_opens_is_asked_again_and_the_photo_offered(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    probes: list[str] = []

    def probe(route: Route) -> None:
        if route.request.method == "POST" and route.request.post_data == "{}":
            probes.append(route.request.url)
            if len(probes) == 1:
                return route.abort("internetdisconnected")
        return route.fallback()

    page.route(f"{web_stack.api_url('jakarta')}/photos", probe)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # The first ask went unanswered: it was taken for "no photos here", for the rest of the tab's life
    expect(page.locator("#photo-field")).to_be_visible()
    assert len(probes) == 2, probes
    expect(page.get_by_text("Pilih foto", exact=True)).to_be_visible()


def test_already_reported_unanswered_is_said_and_checked_again_not_taken_for_none(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(
        web_stack, "Banjir di perempatan, mobil kecil tidak bisa lewat.", -6.2351, 106.8532
    )
    page = _phone(browser)
    lists: list[str] = []

    def nearby(route: Route) -> None:
        lists.append(route.request.url)
        if len(lists) == 1:
            return route.abort("internetdisconnected")
        return route.fallback()

    page.route(f"{web_stack.api_url('jakarta')}/reports/nearby?*", nearby)
    _report_at(page, web_stack, "Banjir/Genangan", "-6.2352", "106.8533")
    # The list did not come: said so (nothing was shown, as if nothing had been reported there)
    notice = page.locator("#nearby-notice")
    expect(notice).to_contain_text("belum bisa diperiksa")
    page.get_by_role("button", name="English").click()
    expect(notice).to_contain_text("could not be checked yet")
    page.get_by_role("button", name="Check again").click()
    expect(page.locator(f".nearby-item[data-id='{created['id']}']")).to_be_visible()
    expect(notice).to_be_hidden()
    expect(page.get_by_role("button", name="Check again")).to_be_hidden()
    expect(page.locator("#nearby-heading")).to_be_focused()
    assert len(lists) == 2, lists


def test_already_reported_checked_again_and_empty_says_there_is_none(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    lists: list[str] = []

    def nearby(route: Route) -> None:
        lists.append(route.request.url)
        return route.abort("internetdisconnected") if len(lists) == 1 else route.fallback()

    page.route(f"{web_stack.api_url('jakarta')}/reports/nearby?*", nearby)
    _report_at(page, web_stack, "Pohon Tumbang/Rawan", "-6.2331", "106.8512")
    page.get_by_role("button", name="Periksa lagi").click()
    # Answered, and nothing there: said where the button was, focus on the section's heading
    expect(page.locator("#nearby-notice")).to_have_text(
        "Tidak ada laporan serupa yang masih terbuka di dekat titik ini."
    )
    expect(page.locator("#nearby-heading")).to_be_focused()
    expect(page.locator("#nearby-list .nearby-item")).to_have_count(0)
    assert len(lists) == 2, lists


def test_a_support_pressed_from_the_keyboard_moves_focus_to_its_thanks(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(
        web_stack, "Air menggenang di bawah jembatan, setinggi ban motor.", -6.2311, 106.8492
    )
    page = _phone(browser)
    _report_at(page, web_stack, "Banjir/Genangan", "-6.2312", "106.8493")
    row = page.locator(f".nearby-item[data-id='{created['id']}']")
    row.get_by_role("button", name="Dukung laporan ini").focus()
    page.keyboard.press("Enter")
    # The button stays disabled ("Sudah didukung"): focus fell to the page's start; now on the thanks
    thanks = row.locator(".support-result")
    expect(thanks).to_contain_text("Terima kasih, dukungan Anda")
    expect(thanks).to_be_focused()
    page.keyboard.press("Tab")
    expect(thanks.get_by_role("link", name="Lacak, atau ikuti kabarnya lewat e-mail")).to_be_focused()


def test_a_confirm_or_a_stop_whose_answer_is_lost_keeps_the_focus_on_its_button(
    web_stack: LocalStack, browser: Any
) -> None:
    created, _email = _resolved(web_stack)
    page = _phone(browser)
    api = web_stack.api_url("jakarta")
    for action in ("confirm", "unsubscribe"):
        page.route(
            f"{api}/reports/{created['id']}/{action}", lambda route: route.abort("internetdisconnected")
        )
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Kode rahasia (opsional)").fill(created["secret"])
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_label("5 – Sangat baik").check()  # noqa: RUF001 (the label has an en dash)
    confirm = page.get_by_role("button", name="Konfirmasi selesai")
    confirm.focus()
    page.keyboard.press("Enter")
    # Said, and the keyboard is where it was (disabled while it waited, the button lost the focus)
    expect(page.locator("#feedback-error")).to_contain_text("Tidak dapat menghubungi server")
    expect(confirm).to_be_focused()
    stop = page.get_by_role("button", name="Berhenti menerima kabar")
    stop.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#stop-error")).to_contain_text("Tidak dapat menghubungi server")
    expect(stop).to_be_focused()


def test_an_e_mail_s_stop_link_says_it_stops_the_e_mails_and_how_the_sms_stop(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    email = f"warga-{uuid.uuid4().hex[:8]}@example.com"
    phone = "0813" + str(int(uuid.uuid4().hex[:10], 16))[-8:].rjust(8, "1")
    body = {
        "category": "banjir",
        "description": "Genangan di depan gang 7, air masuk teras.",
        "location": {"lat": -6.2291, "lon": 106.8472, "area_code": "31.74.01"},
        "reporter": {"email": email, "phone": phone, "notify": ["email", "sms"], "language": "id"},
    }
    status, created = http("POST", f"{api}/reports", body)
    assert status == 201, created
    sms_to = "+62" + phone[1:]
    [routed] = eventually(lambda: _outbox(web_stack, email), timeout=40)
    eventually(lambda: _outbox(web_stack, sms_to), timeout=40)
    link = next(word for word in routed["body"].split() if "unsubscribe.html#" in word)
    page = _phone(browser)
    page.goto(_local(link, web_stack))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Berhenti menerima e-mail tentang laporan ini").click()
    # The e-mail's link stops that channel only: the page said "no more news", and the SMS came on
    expect(page.locator("#link-done")).to_have_text(
        "Anda tidak akan menerima e-mail tentang laporan ini lagi. Kabar lewat SMS, bila Anda memintanya, "
        "berhenti dengan membalas STOP atau di halaman lacak laporan dengan kode rahasia."
    )
    page.get_by_role("button", name="English").click()
    expect(page.locator("#link-done")).to_contain_text("You will get no more e-mails about this report.")
    agency = http("GET", f"{api}/reports/{created['id']}")[1]["agency"]["id"]
    officer = {"Authorization": f"Bearer {mint('jakarta', agency, 'officer')}"}
    assert http("POST", f"{api}/agency/reports/{created['id']}/actions/take", {}, officer)[0] == 200
    eventually(lambda: len(_outbox(web_stack, sms_to)) == 2, timeout=40)
    assert len(_outbox(web_stack, email)) == 1


def test_a_confirm_saved_whose_answer_was_lost_then_sent_with_another_rating_shows_the_report_as_it_stands(
    web_stack: LocalStack, browser: Any
) -> None:
    created, _email = _resolved(web_stack)
    api = web_stack.api_url("jakarta")
    page = _phone(browser)
    lost: list[int] = []

    def save_but_lose_the_answer(route: Route) -> None:
        if lost:
            route.fallback()
            return
        lost.append(route.fetch().status)  # the API saves the confirm...
        route.abort()  # ...and its answer never reaches the phone

    page.route(f"{api}/reports/{quote(created['id'])}/confirm", save_but_lose_the_answer)
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Nomor laporan").fill(created["id"])
    page.get_by_label("Kode rahasia (opsional)").fill(created["secret"])
    page.get_by_role("button", name="Tampilkan").click()
    # Given a confirm with 5 saved whose answer was lost on a slow line
    page.get_by_label("5 – Sangat baik").check()  # noqa: RUF001 (the label has an en dash)
    page.get_by_role("button", name="Konfirmasi selesai").click()
    expect(page.locator("#feedback-error")).to_be_visible()
    assert lost == [200], lost
    # When the citizen changes the rating and sends again
    page.get_by_label("4 – Baik").check()  # noqa: RUF001
    page.get_by_role("button", name="Konfirmasi selesai").click()
    # Then the page shows the report as it stands (confirmed with the 5 saved first) and says why
    changed = "Laporan ini sudah berubah; ini keadaannya sekarang."
    expect(page.locator("#track-error")).to_contain_text(changed)
    expect(page.locator("#report-view")).to_contain_text("5 dari 5")
    expect(page.locator("#confirm-form")).to_have_count(0)
    secret = {"X-Report-Secret": created["secret"]}
    _, view = http("GET", f"{api}/reports/{quote(created['id'])}", headers=secret)
    assert view["rating"] == 5, view
