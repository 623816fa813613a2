"""In Chromium, with no map tiles at all (every tile request aborted): the report form's map places the
point and the area fields follow it, "Sudah dilaporkan?" offers an existing report to support instead, the
Peta page shows markers and clusters linking to tracking pages, and the console maps its inbox."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http

pytestmark = pytest.mark.e2e

DESK = {"width": 1024, "height": 800}
FLOOD = {
    "category": "banjir",
    "description": "Genangan di Jl. Tebet Raya, air setinggi betis.",
    "location": {"lat": -6.2451, "lon": 106.8452, "area_code": "31.74.01"},
    "visibility": "public",
}


def submit(api: str, report: dict[str, Any]) -> str:
    """A report sent with its own device token (seeding stays clear of the per-address limit)."""
    status, device = http("POST", f"{api}/devices", {})
    assert status == 201, device
    status, body = http("POST", f"{api}/reports", report, {"X-Device-Token": device["token"]})
    assert status == 201, body
    return str(body["id"])


def offline_context(browser: Any, tiles: list[str]) -> BrowserContext:
    """A context whose tile requests are aborted (and recorded in ``tiles``)."""
    context = browser.new_context(viewport=DESK)

    def abort(route: Any) -> None:
        tiles.append(route.request.url)
        route.abort()

    context.route("**/tile.openstreetmap.org/**", abort)
    return context


def remote_requests(page: Page, local: list[str]) -> list[str]:
    """Record every request to a host other than the ``local`` origins (only tiles may go elsewhere)."""
    seen: list[str] = []
    origins = {urlparse(url).netloc for url in local}
    page.on("request", lambda r: seen.append(r.url) if urlparse(r.url).netloc not in origins else None)
    return seen


def test_the_form_map_places_the_point_and_offers_support_instead_of_a_copy(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    existing = submit(api, FLOOD)
    tiles: list[str] = []
    page = offline_context(browser, tiles).new_page()
    remote = remote_requests(page, [web_stack.web_url, api])
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir").check()

    # A click on the map (the first view's centre, in Jakarta Pusat) sets the point; the areas follow
    page.locator("#place-map").click()
    expect(page.locator("#kota")).to_have_value("31.71")
    assert abs(float(page.locator("#lat").input_value()) + 6.2) < 0.001
    assert abs(float(page.locator("#lon").input_value()) - 106.83) < 0.001
    expect(page.locator("#place-status")).to_contain_text("Kota Adm. Jakarta Pusat")
    expect(page.locator("#kecamatan option[value='31.71.01']")).to_be_attached()  # its kecamatan to pick

    # Typed coordinates (the keyboard way) move the map there: Jakarta Selatan, next to the existing report
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.245150")
    page.get_by_label("Bujur (longitude)").fill("106.845150")
    page.get_by_label("Bujur (longitude)").press("Tab")
    expect(page.locator("#kota")).to_have_value("31.74")
    # ... and a click on the map's centre puts the point there too
    page.locator("#place-map").click()
    expect(page.locator("#kota")).to_have_value("31.74")
    assert abs(float(page.locator("#lat").input_value()) + 6.24515) < 0.0002

    # "Sudah dilaporkan?" lists the open flood report within 50 m, with its status and support count
    suggestion = page.locator(f".nearby-item[data-id='{existing}']")
    expect(page.get_by_role("heading", name="Sudah dilaporkan?")).to_be_visible()
    expect(suggestion).to_contain_text("Didukung 0 orang")
    expect(suggestion.locator(".badge")).to_have_text(
        eventually(lambda: http("GET", f"{api}/reports/{existing}")[1]["status"]["label"])
    )
    suggestion.get_by_role("button", name="Dukung laporan ini").click()
    expect(suggestion.locator(".support-result")).to_contain_text("dukungan Anda untuk")
    expect(suggestion).to_contain_text("Didukung 1 orang")
    expect(suggestion.get_by_role("button")).to_be_disabled()
    assert http("GET", f"{api}/reports/{existing}")[1]["support_count"] == 1

    # The same browser supporting it again adds nothing (one support per device)
    page.reload()
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir").check()
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.245150")
    page.get_by_label("Bujur (longitude)").fill("106.845150")
    page.get_by_label("Bujur (longitude)").press("Tab")
    suggestion.get_by_role("button", name="Dukung laporan ini").click()
    expect(suggestion.locator(".support-result")).to_contain_text("sudah mendukung")
    assert http("GET", f"{api}/reports/{existing}")[1]["support_count"] == 1
    # Another category there has no suggestion
    page.get_by_label("Sampah").check()
    expect(page.locator("#nearby")).to_be_hidden()
    assert tiles, "the map asked for tiles (and got none)"
    assert all(urlparse(url).netloc == "tile.openstreetmap.org" for url in remote), remote


def test_areas_the_citizen_chose_by_hand_are_kept_when_the_point_guesses_otherwise(
    web_stack: LocalStack, browser: Any
) -> None:
    page = offline_context(browser, []).new_page()
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    # Given a citizen who picked Jakarta Selatan and its kecamatan by hand
    page.get_by_label("Kota/Kabupaten").select_option("31.74")
    page.locator("#kecamatan option[value='31.74.01']").wait_for(state="attached")
    page.get_by_label("Kecamatan").select_option("31.74.01")
    # When they type a point in Tebet whose nearest kota centroid is Jakarta Pusat's
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.226")
    page.get_by_label("Bujur (longitude)").fill("106.853")
    page.get_by_label("Bujur (longitude)").press("Tab")
    # Then the point's guess is shown, and their own choice is kept
    expect(page.locator("#place-status")).to_contain_text("Wilayah yang Anda pilih tidak diubah")
    expect(page.locator("#place-status")).to_contain_text("Kota Adm. Jakarta Pusat")
    expect(page.locator("#kota")).to_have_value("31.74")
    expect(page.locator("#kecamatan")).to_have_value("31.74.01")


def test_the_peta_page_clusters_public_reports_and_links_each_to_its_tracking_page(
    web_stack: LocalStack, browser: Any
) -> None:
    api = web_stack.api_url("jakarta")
    place = {"lat": -6.2102, "lon": 106.8401, "area_code": "31.71.01"}
    crowd = [
        submit(api, {**FLOOD, "location": {**place, "lat": place["lat"] + i * 0.0004}}) for i in range(5)
    ]
    alone = {"lat": -6.1801, "lon": 106.8101, "area_code": "31.71.01"}
    lone = submit(api, {**FLOOD, "category": "sampah", "description": "Sampah menumpuk.", "location": alone})
    hidden = submit(api, {**FLOOD, "visibility": "private", "location": alone})
    tiles: list[str] = []
    page = offline_context(browser, tiles).new_page()
    remote = remote_requests(page, [web_stack.web_url, api])
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    page.get_by_role("link", name="Peta").click()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page).to_have_title("Peta laporan · Aduan DKI Jakarta")

    # The five close reports are one cluster at this zoom; the lone one its own marker
    cluster = page.locator(".marker-cluster", has_text="5")
    expect(cluster).to_be_visible()
    for report_id in [*crowd, lone]:
        expect(page.locator("#map-list").get_by_role("link", name=report_id)).to_be_visible()
    expect(page.locator("#map-list")).not_to_contain_text(hidden)  # private: not on the public map
    # Zooming into the cluster shows its markers; a marker's popup links to the tracking page
    cluster.click()
    markers = page.locator(".leaflet-marker-pane .map-pin")
    eventually(lambda: markers.count() >= 5)
    page.get_by_title(f"{crowd[0]} ·", exact=False).first.click()
    page.locator(".leaflet-popup").get_by_role("link", name=f"Lacak laporan {crowd[0]}").click()
    expect(page.locator("#report-id")).to_have_value(crowd[0])

    # Filters: a category (asked of the API) and a status (among those shown)
    page.go_back()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.get_by_label("Kategori").select_option("sampah")
    expect(page.locator("#map-list").get_by_role("link")).to_have_count(1)
    expect(page.locator("#map-list")).to_contain_text(lone)
    page.get_by_label("Status").select_option("PROSES")
    expect(page.locator("#map-count")).to_have_text("0 laporan di peta")
    assert tiles, "the map asked for tiles (and got none)"
    assert all(urlparse(url).netloc == "tile.openstreetmap.org" for url in remote), remote


def test_the_console_maps_its_inbox_and_ranks_it_by_support(web_stack: LocalStack, browser: Any) -> None:
    api = web_stack.api_url("jakarta")
    place = {"lat": -6.2301, "lon": 106.8201, "area_code": "31.74.01"}
    quiet = submit(api, {**FLOOD, "category": "lampu_jalan", "description": "Lampu mati.", "location": place})
    loud = submit(api, {**FLOOD, "category": "lampu_jalan", "description": "Lampu padam.", "location": place})
    for device in ("console-map-0001", "console-map-0002"):
        assert http("POST", f"{api}/reports/{loud}/support", {"device": device})[0] == 200
    agency = eventually(lambda: http("GET", f"{api}/reports/{quiet}")[1]["agency"])["id"]
    eventually(lambda: http("GET", f"{api}/reports/{loud}")[1]["agency"])
    page = offline_context(browser, []).new_page()
    page.goto(f"{web_stack.web_url}/jakarta/console.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.locator("#dev-agency").select_option(agency)
    page.locator("#dev-role").select_option("officer")
    page.get_by_role("button", name="Masuk sebagai instansi ini").click()
    expect(page.locator(".inbox-item", has_text=loud)).to_contain_text("2 dukungan")
    expect(page.locator("#inbox-map")).to_be_visible()
    rows = page.locator(".inbox-item").count()
    expect(page.locator("#inbox-map")).to_have_attribute("data-markers", str(rows))
    # Ranked by support within the page: the supported one before the newer, unsupported one
    page.get_by_label("Urutkan").select_option("support")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(".inbox-item").first).to_contain_text("dukungan")
    ids = page.locator(".inbox-item .inbox-id").all_text_contents()
    assert ids.index(loud) < ids.index(quiet)
    pins = page.locator("#inbox-map .map-pin, #inbox-map .marker-cluster")
    eventually(lambda: pins.count() >= 1)
