"""In Chromium, over the real local stack: a Jakarta citizen reports about Kota Tangerang on a phone,
Banten's officer resolves it in the console, the citizen sees Selesai with Banten's entries and confirms."""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from infra.local.config import PROJECT_ROOT
from infra.local.stack import LocalStack
from tests.evidence_images import scene_jpeg

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 800}
DESK = {"width": 1024, "height": 800}
TANGERANG = {"latitude": -6.178, "longitude": 106.631}
OFFICER = "dlh-kota-tangerang"
DOCS_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


def retry_until(page: Page, action: Callable[[], None], done: Any, timeout: float = 45.0) -> None:
    """Repeat a user's ``action`` (e.g. pressing Show again) until the locator ``done`` is visible."""
    deadline = time.monotonic() + timeout
    while True:
        action()
        try:
            done.wait_for(state="visible", timeout=2000)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            page.wait_for_timeout(500)


def fill_report(page: Page, site: str) -> list[str]:
    """Fill the form as a citizen would; returns the list the Idempotency-Keys of submissions will go to."""
    keys: list[str] = []

    def record(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/reports"):
            keys.append(request.headers.get("idempotency-key", ""))

    page.on("request", record)
    page.goto(f"{site}/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Sampah").check()
    description = "Sampah menumpuk di bantaran Cisadane, bau dan menyumbat saluran."
    page.get_by_label("2. Ceritakan masalahnya").fill(description)
    expect(page.locator("#description-count")).to_contain_text(f"{len(description)} / 4000")
    page.get_by_label("Provinsi", exact=True).select_option("36")
    page.locator("#kota option[value='36.71']").wait_for(state="attached")
    page.get_by_label("Kota/Kabupaten").select_option(label="Kota Tangerang")
    page.locator("#kecamatan option[value='36.71.01']").wait_for(state="attached")
    page.get_by_label("Kecamatan").select_option("36.71.01")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.locator("#geo-status")).to_contain_text("-6.178000, 106.631000")
    expect(page.get_by_label("Privat (disarankan)")).to_be_checked()
    return keys


def test_citizen_reports_banten_resolves_citizen_confirms(
    web_stack: LocalStack, browser: Any, shots: Callable[[Any, str], Path]
) -> None:
    jakarta, banten = f"{web_stack.web_url}/jakarta", f"{web_stack.web_url}/banten"
    taken: list[Path] = []

    # A Jakarta citizen on a 360-px phone reports garbage in Kota Tangerang (Banten)
    citizen = browser.new_context(viewport=PHONE, geolocation=TANGERANG, permissions=["geolocation"])
    page = citizen.new_page()
    keys = fill_report(page, jakarta)
    taken.append(shots(page, "01-citizen-report-form"))
    page.get_by_role("button", name="Kirim laporan").dblclick()
    expect(page.get_by_role("heading", name="Laporan terkirim")).to_be_focused()
    report_id = page.locator("#result-id").text_content() or ""
    secret = page.locator("#result-secret").text_content() or ""
    assert re.fullmatch(r"31-\d{6}-[0-9A-Z]{4}", report_id) and len(secret) >= 12
    assert keys and len(set(keys)) == 1 and keys[0], "a double tap must reuse one Idempotency-Key"
    expect(page.get_by_text("Simpan kode rahasia ini baik-baik")).to_be_visible()
    taken.append(shots(page, "02-citizen-report-sent"))

    # Banten's officer signs in with the development sign-in and finds it, marked as escalated from Jakarta
    officer = browser.new_context(viewport=DESK).new_page()
    officer.goto(f"{banten}/console.html")
    expect(officer.locator("body")).to_have_attribute("data-ready", "true")
    officer.locator("#dev-agency").select_option(OFFICER)
    officer.locator("#dev-role").select_option("officer")
    taken.append(shots(officer, "03-console-sign-in"))
    officer.get_by_role("button", name="Masuk sebagai instansi ini").click()
    row = officer.locator(".inbox-item", has_text=report_id)
    retry_until(officer, lambda: officer.get_by_role("button", name="Tampilkan").click(), row)
    expect(row).to_contain_text("Eskalasi dari DKI Jakarta")
    expect(row).to_contain_text("Koordinasi paling lambat")
    taken.append(shots(officer, "04-console-inbox"))
    row.get_by_role("link").click()
    expect(officer.get_by_role("heading", name=f"Laporan {report_id}")).to_be_focused()
    assert f"#report=36~{report_id}" in officer.url
    expect(officer.locator(".notice.escalated")).to_contain_text("dieskalasi dari Provinsi DKI Jakarta")

    # ... takes it, then resolves it with a note and evidence
    officer.get_by_label("Tangani (Proses)").check()
    officer.get_by_role("button", name="Kirim tindakan").click()
    expect(officer.locator("#detail .facts")).to_contain_text("Proses")
    officer.get_by_label("Selesai", exact=True).check()
    officer.get_by_role("button", name="Kirim tindakan").click()
    expect(officer.locator("#action-error")).to_contain_text("Lengkapi")  # note and evidence are required
    officer.get_by_label("Catatan").fill("Sampah sudah diangkut dan saluran dibersihkan.")
    # garbage is a physical fix: the province wants a photo of the work (uploaded for this report)
    officer.locator("#action-evidence-photo").set_input_files(
        {
            "name": "sesudah.jpg",
            "mimeType": "image/jpeg",
            "buffer": scene_jpeg(random.SystemRandom().getrandbits(48)),
        }
    )
    officer.get_by_role("button", name="Kirim tindakan").click()
    expect(officer.locator("#detail .facts")).to_contain_text("Selesai")
    taken.append(shots(officer, "05-console-resolved"))

    # The citizen's tracking page on the Jakarta site shows Selesai with Banten's entries in the timeline
    page.get_by_role("link", name="Lacak laporan ini").click()
    expect(page.locator("#report-id")).to_have_value(report_id)
    page.get_by_label("Kode rahasia (opsional)").fill(secret)
    done = page.locator(".facts .status-selesai")
    retry_until(page, lambda: page.get_by_role("button", name="Tampilkan").click(), done)
    banten_entries = page.locator(".timeline .entry.other-province")
    expect(banten_entries.filter(has_text="Selesai ditangani")).to_contain_text("Provinsi Banten")
    expect(banten_entries.filter(has_text="Selesai ditangani")).to_contain_text("Sampah sudah diangkut")
    expect(page.locator(".facts")).to_contain_text("Dinas Lingkungan Hidup Kota Tangerang")
    taken.append(shots(page, "06-citizen-track-selesai"))

    # ... and confirms with a rating
    page.get_by_label("5 – Sangat baik").check()  # noqa: RUF001 (the label has an en dash)
    page.get_by_role("button", name="Konfirmasi selesai").click()
    expect(page.locator(".facts")).to_contain_text("5 dari 5")
    expect(page.locator(".timeline")).to_contain_text("Dikonfirmasi pelapor")
    taken.append(shots(page, "07-citizen-confirmed"))

    # The same page in English keeps the Indonesian status next to the English one
    page.get_by_role("button", name="English").click()
    expect(page.locator(".facts")).to_contain_text("Done (Selesai)")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    taken.append(shots(page, "08-citizen-track-english"))

    # Banten's coordinator sees the province dashboard
    coordinator = browser.new_context(viewport=DESK).new_page()
    coordinator.goto(f"{banten}/console.html")
    expect(coordinator.locator("body")).to_have_attribute("data-ready", "true")
    coordinator.locator("#dev-agency").select_option("koordinator")
    coordinator.locator("#dev-role").select_option("coordinator")
    coordinator.get_by_role("button", name="Masuk sebagai instansi ini").click()
    expect(coordinator.locator("#workspace-heading")).to_be_visible()
    coordinator.get_by_role("link", name="Dasbor").click()
    expect(coordinator.locator("table.compliance")).to_contain_text("DLH Kota Tangerang")
    expect(coordinator.locator("svg.chart").first).to_be_visible()
    taken.append(shots(coordinator, "09-dashboard"))

    if os.environ.get("ADUAN_UPDATE_SCREENSHOTS") == "1":  # `make screenshots`: refresh the README's set
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for path in taken:
            shutil.copyfile(path, DOCS_SCREENSHOTS / path.name)
