"""In Chromium on a 360 by 740 px phone, over the real local stack: what a Jakarta citizen stumbled on
between reporting a flood, finding it already reported nearby, following a report and answering a
message's link."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http, reports_sent, type_road_report
from tests.e2e.test_web_error_texts import CORS, stub
from tests.e2e.test_web_notifications import _local, _outbox
from tests.evidence_images import scene_jpeg
from tests.uploads import send_presigned

pytestmark = pytest.mark.e2e

PHONE_740 = {"width": 360, "height": 740}


def _phone(browser: Any) -> Page:
    return browser.new_context(viewport=PHONE_740, timezone_id="Asia/Jakarta").new_page()


def _public_flood(stack: LocalStack, lat: float, lon: float, **fields: Any) -> dict[str, Any]:
    """A public flood report in Tebet at (lat, lon), with ``fields`` in its body as well."""
    body = {
        "category": "banjir",
        "description": "Banjir selutut di depan SDN, air masuk rumah warga.",
        "location": {"lat": lat, "lon": lon, "area_code": "31.74.01"},
        "visibility": "public",
        **fields,
    }
    status, created = http("POST", f"{stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    return created


def _flood_point(page: Page, site: str, lat: str, lon: str) -> None:
    """The report form with Banjir chosen and a point typed, as a citizen types it (then leaves the field)."""
    page.goto(f"{site}/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir/Genangan").check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill(lat)
    page.get_by_label("Bujur (longitude)").fill(lon)
    page.keyboard.press("Tab")


def test_already_reported_rows_and_a_support_are_worded_again_after_a_language_switch(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(web_stack, -6.2431, 106.8612)
    page = _phone(browser)
    _flood_point(page, f"{web_stack.web_url}/jakarta", "-6.2432", "106.8613")
    row = page.locator(f".nearby-item[data-id='{created['id']}']")
    expect(row).to_contain_text("m dari titik Anda")
    expect(row.locator(".support-count")).to_have_text("Didukung 0 orang")
    # Switched to English before supporting: the row is in English too (it stayed in Indonesian)
    page.get_by_role("button", name="English").click()
    expect(row).to_contain_text("m from your point")
    expect(row).to_contain_text("Flood or standing water")
    expect(row.locator(".badge")).to_contain_text("(")  # "Waiting (Menunggu)" / "Disposition (Disposisi)"
    expect(row.locator(".support-count")).to_have_text("Supported by 0")
    row.get_by_role("button", name="Support this report").click()
    expect(row.locator(".support-result")).to_contain_text("Thank you, your support")
    expect(row.locator(".support-count")).to_have_text("Supported by 1")
    # ... and back: the thanks, the count, the button and the link follow the switch
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(row.locator(".support-count")).to_have_text("Didukung 1 orang")
    expect(row.get_by_role("button")).to_have_text("Sudah didukung")
    expect(row.locator(".support-result")).to_contain_text("Terima kasih, dukungan Anda")
    expect(row.locator(".support-result a")).to_have_text("Lacak, atau ikuti kabarnya lewat e-mail")
    expect(row).to_contain_text("m dari titik Anda")
    expect(row).not_to_contain_text("Supported")


def test_the_support_s_follow_link_lands_on_the_follow_form(web_stack: LocalStack, browser: Any) -> None:
    created = _public_flood(web_stack, -6.2451, 106.8632)
    page = _phone(browser)
    _flood_point(page, f"{web_stack.web_url}/jakarta", "-6.2452", "106.8633")
    row = page.locator(f".nearby-item[data-id='{created['id']}']")
    row.get_by_role("button", name="Dukung laporan ini").click()
    row.get_by_role("link", name="Lacak, atau ikuti kabarnya lewat e-mail").click()
    # The e-mail field of "Ikuti laporan ini" is where the citizen lands (not the top of the page)
    expect(page.locator("#follow-email")).to_be_focused()
    expect(page.locator("#follow-email")).to_be_in_viewport()
    # Showing the report again later does not jump there again
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#report-heading")).to_be_focused()


def test_a_message_link_page_moves_focus_to_what_it_did(web_stack: LocalStack, browser: Any) -> None:
    created = _public_flood(web_stack, -6.2471, 106.8652)
    follower = f"tetangga-{uuid.uuid4().hex[:8]}@example.com"
    follow = {"email": follower, "language": "id"}
    status, body = http("POST", f"{web_stack.api_url('jakarta')}/reports/{created['id']}/follow", follow)
    assert status in (200, 201, 202), body
    [confirmation] = eventually(lambda: _outbox(web_stack, follower), timeout=30)
    link = next(word for word in confirmation["body"].split() if "follow.html#" in word)
    page = _phone(browser)
    page.goto(_local(link, web_stack))
    button = page.get_by_role("button", name="Ya, kirimi saya kabar laporan ini")
    button.focus()
    page.keyboard.press("Enter")
    # The form and its button are gone: focus is on the confirmation, not lost to the page
    expect(page.locator("#link-done")).to_have_text("Anda sekarang mengikuti laporan ini.")
    expect(page.locator("#link-done")).to_be_focused()


def test_an_address_typed_under_kabari_saya_ticks_its_channel(web_stack: LocalStack, browser: Any) -> None:
    page = _phone(browser)
    sent = reports_sent(page)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Jalan berlubang di depan halte, motor sering jatuh.")
    # A number typed, then cleared (changed one's mind): its tick goes too, or the form asked for a number
    page.locator("#reporter-phone").fill("0812")
    expect(page.get_by_label("Lewat SMS")).to_be_checked()
    page.locator("#reporter-phone").fill("")
    expect(page.get_by_label("Lewat SMS")).not_to_be_checked()
    page.locator("#reporter-email").fill("warga.tebet@example.com")
    expect(page.get_by_label("Lewat e-mail")).to_be_checked()
    page.locator("#reporter-phone").fill("0812 3456 7890")
    expect(page.get_by_label("Lewat SMS")).to_be_checked()
    # Unticking is the citizen's choice: typing on does not tick it again
    page.get_by_label("Lewat SMS").uncheck()
    page.locator("#reporter-phone").fill("0812 3456 7891")
    expect(page.get_by_label("Lewat SMS")).not_to_be_checked()
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_focused()
    assert sent and sent[-1]["reporter"]["notify"] == ["email"], sent
    # A new report starts a new fill: an address typed there ticks its channel again
    page.get_by_role("button", name="Buat laporan lain").click()
    expect(page.get_by_label("Lewat e-mail")).not_to_be_checked()
    page.locator("#reporter-email").fill("warga.tebet@example.com")
    expect(page.get_by_label("Lewat e-mail")).to_be_checked()


def test_the_tracking_page_finds_an_id_typed_with_spaces_and_says_a_secret_does_not_match(
    web_stack: LocalStack, browser: Any
) -> None:
    body = {
        "category": "banjir",
        "description": "Genangan di gang belakang pasar.",
        "location": {"lat": -6.2491, "lon": 106.8672, "area_code": "31.74.01"},
    }
    status, created = http("POST", f"{web_stack.api_url('jakarta')}/reports", body)
    assert status == 201, created
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # The number as read out from a note: spaces for the dashes (the API got it percent-encoded, and
    # answered "Nomor laporan '31%20…' tidak dikenali")
    page.get_by_label("Nomor laporan").fill(created["id"].replace("-", " ").lower())
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("heading", name=f"Laporan {created['id']}")).to_be_focused()
    expect(page.locator("#track-error")).to_be_hidden()
    # A secret with one character wrong (its case no longer matters): the page says it does not match
    # (not only "type the secret")
    secret = created["secret"]
    page.get_by_label("Kode rahasia (opsional)").fill(secret[:-1] + ("2" if secret[-1] != "2" else "3"))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#report-view")).to_contain_text("Kode rahasia ini tidak cocok dengan laporan ini")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#report-view")).to_contain_text("This secret code does not match this report")
    page.get_by_label("Secret code (optional)").fill(created["secret"])
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#report-view")).to_contain_text("Genangan di gang belakang pasar.")
    expect(page.locator("#report-view")).not_to_contain_text("does not match")


def _road_report_with_a_photo_held(page: Page, site: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """The form filled, a photo chosen whose upload to the bucket is held (a slow line); returns the held
    uploads and the bodies of POST /reports sent."""
    sent = reports_sent(page)
    held: list[Any] = []
    page.route(
        "**/aduan-photos**",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.goto(f"{site}/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Jalan amblas di depan sekolah, lubang sedalam 30 cm.")
    expect(page.locator("#photo-field")).to_be_visible()
    page.locator("#photo").set_input_files(
        {"name": "lubang.jpg", "mimeType": "image/jpeg", "buffer": scene_jpeg(random.getrandbits(48))}
    )
    expect(page.locator("#photo-status")).to_have_text("Mengunggah foto…")
    for _ in range(150):  # the route handler runs while Playwright waits (never in a plain sleep)
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the photo's upload to the bucket never started"
    return held, sent


def test_a_report_sent_while_its_photo_uploads_waits_for_the_photo(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    held, sent = _road_report_with_a_photo_held(page, f"{web_stack.web_url}/jakarta")
    page.get_by_role("button", name="Kirim laporan").click()
    # The report waits for the photo (it went without it, and "Foto terunggah." then showed on a hidden form)
    expect(page.locator("#form-status")).to_have_text("Mengunggah foto…")
    page.wait_for_timeout(1000)
    assert sent == []
    expect(page.locator("#result")).to_be_hidden()
    held[0].continue_()
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_focused()
    assert len(sent) == 1 and len(sent[0].get("photos", [])) == 1, sent


def test_a_photo_upload_failing_while_the_report_waits_is_said_and_a_second_tap_sends_it(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    held, sent = _road_report_with_a_photo_held(page, f"{web_stack.web_url}/jakarta")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#form-status")).to_have_text("Mengunggah foto…")
    held[0].abort("internetdisconnected")
    expect(page.locator("#form-error")).to_have_text(
        "Foto belum terunggah, jadi laporan belum dikirim. Pilih fotonya lagi, "
        "atau tekan Kirim laporan untuk mengirim tanpa foto."
    )
    expect(page.locator("#form-error")).to_be_focused()
    assert sent == []
    page.get_by_role("button", name="English").click()
    expect(page.locator("#form-error")).to_contain_text("The photo did not upload")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_focused()
    assert len(sent) == 1 and "photos" not in sent[0], sent


def test_coordinates_typed_with_an_indonesian_decimal_comma_are_read_as_typed(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    sent = reports_sent(page)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Jalan berlubang di Tebet, koordinat dari ponsel.")
    # Anything but a number is asked for again, not read in part ("106.85abc" was 106.85)
    page.get_by_label("Bujur (longitude)").fill("106.85abc")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#form-error")).to_contain_text("Tentukan lokasi")
    assert sent == []
    # What a phone's decimal keypad gives in Indonesian: "-6,226" was read as -6 (and 106,853 as 106), a
    # point in Kota Cilegon, and the API refused it as outside DKI Jakarta
    page.get_by_label("Lintang (latitude)").fill("-6,226")
    page.get_by_label("Bujur (longitude)").fill("106,853")
    page.keyboard.press("Tab")
    expect(page.locator("#place-status")).to_contain_text("Jakarta")
    expect(page.locator("#place-status")).not_to_contain_text("Cilegon")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_focused()
    assert sent[-1]["location"]["lat"] == -6.226 and sent[-1]["location"]["lon"] == 106.853, sent


def test_peta_counts_one_report_in_english_without_a_wrong_plural(
    web_stack: LocalStack, browser: Any
) -> None:
    one = {
        "id": "31-261207-AB12",
        "category": "banjir",
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"},
        "location": {"lat": -6.2, "lon": 106.83},
        "support_count": 1,
        "visibility": "public",
    }
    page = _phone(browser)
    stub(
        page,
        web_stack.api_url("jakarta"),
        lambda method, path: (
            (200, {"viewport": {}, "clipped": False, "items": [one]}) if path == "/reports/map" else None
        ),
    )
    page.goto(f"{web_stack.web_url}/jakarta/peta.html?lang=en")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#map-count")).to_have_text("Reports on the map: 1")  # was "1 reports on the map"
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("#map-count")).to_have_text("1 laporan di peta")


BUSY = {"error": {"code": "service_unavailable", "message": "Layanan sedang sibuk (busy).", "details": None}}


def test_a_busy_morning_s_categories_are_asked_again_and_a_failure_can_be_retried(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    asked = {"count": 0}

    def categories(route: Any) -> None:
        if route.request.method != "GET":
            return route.fallback()
        asked["count"] += 1
        if asked["count"] == 1:  # busy, asking to come back in 1 s: the form asks again by itself
            return route.fulfill(status=503, headers={**CORS, "Retry-After": "1"}, json=BUSY)
        if asked["count"] in (2, 3, 4, 5, 6):  # then busy without saying when, five times over
            return route.fulfill(status=503, headers=CORS, json=BUSY)
        return route.fallback()

    page.route(f"{web_stack.api_url('jakarta')}/categories", categories)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # The second answer (no Retry-After) is shown where the categories go, with a way to ask again (the
    # categories were empty, the error sat under the form, and only a reload brought them back)
    expect(page.locator("#categories-error")).to_contain_text("Layanan sedang sibuk")
    assert asked["count"] == 2
    expect(page.locator("#form-error")).to_be_hidden()
    page.get_by_role("button", name="English").click()
    expect(page.locator("#categories-error")).to_contain_text("busy")
    asked["count"] = 6
    page.get_by_role("button", name="Try again").click()
    expect(page.locator("#categories input[name=category]").first).to_be_focused()
    expect(page.get_by_label("Flood or standing water")).to_be_visible()
    expect(page.locator("#categories-failed")).to_be_hidden()


def test_an_e_mail_or_phone_the_api_refuses_is_said_at_its_field_without_the_api_s_field_path(
    web_stack: LocalStack, browser: Any
) -> None:
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    type_road_report(page, "Jalan berlubang, nomor ponsel diketik dengan titik.")
    page.locator("#reporter-email").fill("warga@gmail")
    page.locator("#reporter-phone").fill("0812.3456.7890")
    page.get_by_role("button", name="Kirim laporan").click()
    # It said "Data tidak valid (invalid data): reporter.email: formatnya tidak sesuai (...)"
    error = page.locator("#form-error")
    expect(error).to_have_text("Alamat e-mail belum benar; contohnya nama@contoh.com.")
    expect(page.locator("#reporter-email")).to_be_focused()
    expect(page.locator("#reporter-email")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="English").click()
    expect(error).to_have_text("The e-mail address is not right; for example name@example.com.")
    page.locator("#reporter-email").fill("warga@gmail.com")
    page.get_by_role("button", name="Send report").click()
    expect(error).to_contain_text("The mobile number is not right")
    expect(page.locator("#reporter-phone")).to_be_focused()
    page.locator("#reporter-phone").fill("0812 3456 7890")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_focused()
    # The follow form of a public report says the same of an e-mail it cannot use
    created = _public_flood(web_stack, -6.2511, 106.8692)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}&lang=id")
    page.locator("#follow-email").fill("warga@")
    page.get_by_role("button", name="Ikuti lewat e-mail").click()
    expect(page.locator("#follow-error")).to_have_text(
        "Alamat e-mail belum benar; contohnya nama@contoh.com."
    )


def test_a_report_s_photo_on_the_tracking_page_has_no_stray_list_bullet(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    data = scene_jpeg(random.getrandbits(48))
    status, ticket = http("POST", f"{api}/photos", {"content_type": "image/jpeg", "size": len(data)})
    assert status == 201, ticket
    send_presigned(ticket["upload"], data)
    created = _public_flood(
        web_stack,
        -6.2531,
        106.8712,
        description="Genangan setinggi betis, lihat fotonya.",
        photos=[ticket["key"]],
    )
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    photo = page.locator("#report-view .photos img")
    expect(photo).to_be_visible()
    # A bullet hung at the photo's lower left corner, the photo pushed 20 px in from the text above it
    item = page.locator("#report-view .photos li").first
    assert item.evaluate("node => getComputedStyle(node).listStyleType") == "none"
    text_box = page.locator("#report-view .description").bounding_box()
    photo_box = photo.bounding_box()
    assert text_box and photo_box and abs(photo_box["x"] - text_box["x"]) <= 1, (text_box, photo_box)
    assert photo_box["x"] + photo_box["width"] <= 360


@pytest.mark.parametrize("page_name", ["feedback.html", "follow.html", "unsubscribe.html"])
def test_a_link_cut_short_by_a_message_app_says_so_not_the_api_s_field_path(
    web_stack: LocalStack, browser: Any, page_name: str
) -> None:
    page = _phone(browser)
    # The token's first characters only, as an SMS or mail app that broke the address leaves it
    page.goto(f"{web_stack.web_url}/jakarta/{page_name}#vlKMwfMKrR")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # It said "Periksa isian Anda. Data tidak valid (invalid data): token: minimal 16 karakter (...)"
    expect(page.locator("#link-error")).to_have_text(
        "Tautan ini tidak lengkap. Buka lagi dari pesan aslinya, atau salin seluruh alamatnya."
    )
    page.get_by_role("button", name="English").click()
    expect(page.locator("#link-error")).to_have_text(
        "This link is incomplete. Open it again from the original message, or copy its whole address."
    )


def test_the_tracking_page_labels_the_address_without_the_form_s_optional(
    web_stack: LocalStack, browser: Any
) -> None:
    created = _public_flood(
        web_stack, -6.2551, 106.8732, description="Genangan di depan gang.", address="Jl. Dr. Saharjo No. 123"
    )
    page = _phone(browser)
    page.goto(f"{web_stack.web_url}/jakarta/track.html?id={created['id']}")
    content = page.locator("#report-view .content")
    # It read "Alamat atau patokan (opsional): Jl. ...", the form's label for a field shown as a fact
    expect(content).to_contain_text("Alamat atau patokan: Jl. Dr. Saharjo No. 123")
    page.get_by_role("button", name="English").click()
    expect(content).to_contain_text("Address or landmark: Jl. Dr. Saharjo No. 123")
    expect(content).not_to_contain_text("optional")


def test_a_replacement_photo_that_fails_to_upload_sends_no_earlier_photo_in_its_place(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given a first photo uploaded, then a second chosen in its place whose upload fails
    page = _phone(browser)
    held, sent = _road_report_with_a_photo_held(page, f"{web_stack.web_url}/jakarta")
    held[0].continue_()
    expect(page.locator("#photo-status")).to_have_text("Foto terunggah.")
    page.locator("#photo").set_input_files(
        {"name": "lubang-2.jpg", "mimeType": "image/jpeg", "buffer": scene_jpeg(random.getrandbits(48))}
    )
    for _ in range(150):
        if len(held) > 1:
            break
        page.wait_for_timeout(100)
    held[1].abort("internetdisconnected")
    expect(page.locator("#photo-status")).not_to_have_text("Mengunggah foto…")
    # When the citizen sends the report (the form says the photo did not upload)
    page.get_by_role("button", name="Kirim laporan").click()
    # Then it goes without a photo: the first one, which the citizen replaced, is not sent
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_focused()
    assert len(sent) == 1 and "photos" not in sent[0], sent
