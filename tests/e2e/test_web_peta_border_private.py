"""In Chromium on a 360 by 740 px phone in Jakarta Selatan: Peta shows what is already reported, private
reports included (their category, status and rounded place only, never an id or words), and near the
Banten border Banten's reports too, each report once; a neighbour that does not answer is said, with its
own map to look at."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_axe import AXE, audit
from tests.e2e.test_web_error_texts import stub

pytestmark = pytest.mark.e2e

BOX = {"south": -6.25, "west": 106.78, "north": -6.15, "east": 106.88}
DISPOSISI = {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"}


def public(report_id: str, lat: float, lon: float, **more: Any) -> dict[str, Any]:
    return {
        "id": report_id,
        "category": "pohon",
        "status": DISPOSISI,
        "location": {"lat": lat, "lon": lon},
        "distance_m": 10,
        "visibility": "public",
        "created_at": "2026-12-07T01:00:00+00:00",
        "support_count": 2,
        **more,
    }


def private(lat: float, lon: float, **more: Any) -> dict[str, Any]:
    place = {"lat": lat, "lon": lon}
    return {"category": "pohon", "status": DISPOSISI, "location": place, "distance_m": 40,
            "visibility": "private", **more}  # fmt: skip


def answering(items: list[dict[str, Any]]) -> Any:
    def answer(method: str, path: str) -> Any:
        if method == "GET" and path.endswith("/reports/map"):
            return 200, {"viewport": BOX, "clipped": False, "items": items}
        return None

    return answer


def peta(browser: Any, web_stack: LocalStack, jakarta: Any, banten: Any) -> Any:
    context = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta")
    context.add_init_script(path=str(AXE))  # axe-core before the page's scripts (the CSP refuses a tag)
    page = context.new_page()
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    stub(page, web_stack.api_url("jakarta"), jakarta)
    stub(page, web_stack.api_url("banten"), banten)
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def test_peta_shows_private_reports_by_their_rounded_place_only(web_stack: LocalStack, browser: Any) -> None:
    # Given a fallen tree reported publicly and one reported privately (the default) in Jakarta Selatan
    items = [public("31-261207-PHN1", -6.1701, 106.8002), private(-6.2301, 106.8603)]
    page = peta(browser, web_stack, answering(items), answering([]))
    # Then both are on the map and in the list: the private one is findable, not hidden
    expect(page.locator("#map-count")).to_have_text("2 laporan di peta")
    expect(page.locator("#public-map")).to_have_attribute("data-markers", "2")
    row = page.locator("#map-list li.private")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Laporan privat")
    expect(row).to_contain_text("Pohon Tumbang/Rawan")
    expect(row).to_contain_text("dibulatkan (sekitar 100 m)")
    expect(row).to_contain_text("Sudah dilaporkan?")
    # ... with no tracking link (it has no page a stranger may open): only the way to the form
    expect(row.get_by_role("link")).to_have_count(1)
    expect(row.get_by_role("link")).to_have_attribute("href", "index.html")
    expect(page.locator("#map-list").get_by_role("link", name="31-261207-PHN1")).to_be_visible()
    # Its marker is named for a screen reader without an id
    expect(page.get_by_title("Laporan privat · Pohon Tumbang/Rawan · Disposisi", exact=True)).to_have_count(1)
    page.get_by_role("button", name="English").click()
    expect(row).to_contain_text("Private report")
    expect(row).to_contain_text("rounded (about 100 m)")
    expect(
        page.get_by_title("Private report · Fallen or hazardous tree · Disposition (Disposisi)", exact=True)
    ).to_have_count(1)
    # The status filter applies to it as to the others
    page.get_by_label("Status").select_option("PROSES")
    expect(page.locator("#map-list li")).to_have_count(0)


def test_peta_near_the_banten_border_shows_bantens_reports_once_each(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given Jakarta's open reports, one of them handed to Banten (it lies in Kota Tangerang) ...
    # (all in the phone's first view: Peta lists a neighbour's reports in view only, as its API would)
    handed = public("31-261207-HND1", -6.2301, 106.8101, also_in="36")
    jakarta = [public("31-261207-JKT1", -6.2201, 106.8201), handed, private(-6.2310, 106.8110, also_in="36")]
    # ... and Banten's: its own public and private ones, and its copies of Jakarta's handed report
    banten = [
        public("36-261207-BTN1", -6.2205, 106.8051),
        private(-6.2250, 106.8060),
        {**handed, "also_in": "31", "support_count": 0},
        private(-6.2310, 106.8110, also_in="31"),
    ]
    answer = {"banten": answering(banten)}
    page = peta(browser, web_stack, answering(jakarta), lambda m, p: answer["banten"](m, p))
    # Then every report is on the map once: Jakarta's three, Banten's public and private own ones
    expect(page.locator("#map-count")).to_have_text("5 laporan di peta")
    listed = page.locator("#map-list")
    expect(listed.locator("li[data-id='31-261207-HND1']")).to_have_count(1)
    expect(listed.locator("li[data-id='31-261207-HND1']")).to_contain_text(
        "Didukung 2 orang"
    )  # Jakarta's row
    expect(listed.locator("li.private")).to_have_count(2)
    expect(listed.locator("li.private[data-province='36']")).to_contain_text("Ditangani Banten")
    # Banten's own report says who handles it and links to Banten's tracking page
    banten_row = listed.locator("li[data-id='36-261207-BTN1']")
    expect(banten_row).to_contain_text("Ditangani Banten")
    expect(banten_row.get_by_role("link", name="36-261207-BTN1")).to_have_attribute(
        "href", "../banten/track.html?id=36-261207-BTN1"
    )
    expect(listed.locator("li[data-id='31-261207-JKT1']")).not_to_contain_text("Ditangani")
    expect(page.locator("#map-neighbours")).to_be_empty()

    # When Banten's API does not answer, the page says where to look instead of showing less in silence
    answer["banten"] = lambda method, path: "abort" if path.endswith("/reports/map") else None
    page.get_by_label("Kategori").select_option("pohon")
    missing = page.locator("#map-neighbours")
    expect(missing).to_contain_text("Laporan yang ditangani Banten di area ini belum dapat dimuat")
    expect(missing.get_by_role("link", name="Lihat peta laporan Banten")).to_have_attribute(
        "href", "../banten/peta.html"
    )
    expect(page.locator("#map-count")).to_have_text("3 laporan di peta")
    page.get_by_role("button", name="English").click()
    expect(missing).to_contain_text("Reports handled by Banten in this area could not be loaded")
    # A private row and a neighbour's words pass axe-core as the rest of the page does
    assert audit(page, "peta near the border") == []
