"""In Chromium on a 360 by 740 px phone: Peta says when the API's answer was cut at its cap (a busy
morning: more open reports in view than a cell's read gives), so its count is not taken for all of them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_error_texts import stub

pytestmark = pytest.mark.e2e


def test_peta_says_when_there_may_be_more_reports_in_view_than_shown(
    web_stack: LocalStack, browser: Any
) -> None:
    item = {
        "id": "31-261207-TRC1",
        "category": "banjir",
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"},
        "location": {"lat": -6.2102, "lon": 106.8401},
        "distance_m": 10,
        "visibility": "public",
        "created_at": "2026-12-07T01:00:00+00:00",
        "support_count": 0,
    }
    answers = {"truncated": True}

    def answer(method: str, path: str) -> Any:
        if method == "GET" and path.endswith("/reports/map"):
            box = {"south": -6.25, "west": 106.8, "north": -6.15, "east": 106.9}
            return 200, {"viewport": box, "clipped": False, "items": [item], **answers}
        return None

    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    stub(page, web_stack.api_url("jakarta"), answer)
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#map-count")).to_have_text("1 laporan di peta")
    warning = page.locator("#map-truncated")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Mungkin ada laporan lain di area ini")
    page.get_by_role("button", name="English").click()
    expect(warning).to_contain_text("There may be more reports in this area than are shown")
    # An answer that is whole says nothing of the kind
    answers["truncated"] = False
    page.get_by_label("Category").select_option("banjir")
    expect(warning).to_be_hidden()


def test_peta_says_what_to_do_when_no_report_is_in_view(web_stack: LocalStack, browser: Any) -> None:
    item = {
        "id": "31-261207-EMP1",
        "category": "banjir",
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"},
        "location": {"lat": -6.2102, "lon": 106.8401},
        "visibility": "public",
        "created_at": "2026-12-07T01:00:00+00:00",
        "support_count": 0,
    }
    shown: list[dict[str, Any]] = []

    def answer(method: str, path: str) -> Any:
        if method == "GET" and path.endswith("/reports/map"):
            box = {"south": -6.25, "west": 106.8, "north": -6.15, "east": 106.9}
            return 200, {"viewport": box, "clipped": False, "items": shown}
        return None

    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    stub(page, web_stack.api_url("jakarta"), answer)
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    # Nothing open in view: the list says so, and to look wider
    expect(page.locator("#map-count")).to_have_text("0 laporan di peta")
    empty = page.locator("#map-empty")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("Tidak ada laporan publik yang masih terbuka di area peta ini")
    expect(empty).to_contain_text("Perkecil (zoom out)")
    page.get_by_role("button", name="English").click()
    expect(empty).to_contain_text("No open public reports in this map area. Zoom out")
    # A report in view: no such sentence
    shown.append(item)
    page.get_by_label("Category").select_option("banjir")
    expect(page.locator("#map-list li")).to_have_count(1)
    expect(empty).to_be_hidden()
    # Filtered away by its status: the sentence names the filters to change
    page.get_by_label("Status").select_option("PROSES")
    expect(page.locator("#map-list li")).to_have_count(0)
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("Choose “All categories” and “All open statuses”")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(empty).to_contain_text("Pilih “Semua kategori” dan “Semua status terbuka”")
