"""In Chromium, with no map tiles at all (every tile request aborted): the report form's map places the
point and the area fields follow it, "Sudah dilaporkan?" offers an existing report to support instead (also
one just over the border, handled by the neighbour province), the Peta page shows markers and clusters
linking to tracking pages, and the console maps its inbox."""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

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


def neighbour_apis(web_stack: LocalStack, stage: str) -> list[str]:
    """The neighbours' API bases a stage's site was built with (its config.js)."""
    with urllib.request.urlopen(f"{web_stack.web_url}/{stage}/config.js", timeout=15) as response:
        text = response.read().decode("utf-8")
    config = json.loads(text[text.index("{") : text.rindex("}") + 1])
    return [neighbour["apiBase"] for neighbour in config["neighbours"]]


def tile_or_nearby_check(url: str, neighbours: list[str], question: str = "/reports/nearby") -> bool:
    """Only a map tile, or the page's question to a neighbour's API ("Sudah dilaporkan?"'s, or Peta's
    ``/reports/map``) and that API's device token for it (``POST /devices``, an empty body), may leave
    the site."""
    if urlparse(url).netloc == "tile.openstreetmap.org":
        return True
    return any(url.startswith(f"{base}{question}?") or url == f"{base}/devices" for base in neighbours)


def type_point(page: Page, lat: str, lon: str) -> None:
    """Type the point's coordinates (the keyboard way); the map and "Sudah dilaporkan?" follow."""
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill(lat)
    page.get_by_label("Bujur (longitude)").fill(lon)
    page.get_by_label("Bujur (longitude)").press("Tab")


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
    type_point(page, "-6.245150", "106.845150")
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
    type_point(page, "-6.245150", "106.845150")
    suggestion.get_by_role("button", name="Dukung laporan ini").click()
    expect(suggestion.locator(".support-result")).to_contain_text("sudah mendukung")
    assert http("GET", f"{api}/reports/{existing}")[1]["support_count"] == 1
    # Another category there has no suggestion
    page.get_by_label("Sampah").check()
    expect(page.locator("#nearby")).to_be_hidden()
    assert tiles, "the map asked for tiles (and got none)"
    # Near Banten's box the check asks its API too (Jawa Barat, not served here, is not named); nothing
    # else leaves the site
    neighbours = neighbour_apis(web_stack, "jakarta")
    assert web_stack.api_url("banten") in neighbours
    assert all(tile_or_nearby_check(url, neighbours) for url in remote), remote


# Either side of the Kota Tangerang (Banten) - Jakarta Barat border, at Larangan / Kembangan
BORDER_GARBAGE = {
    "category": "sampah",
    "description": "Sampah menumpuk di tepi jalan perbatasan Larangan.",
    "location": {"lat": -6.2240, "lon": 106.7350, "area_code": "36.71.13"},
    "visibility": "public",
}
JAKARTA_SIDE = {"lat": -6.2240, "lon": 106.7357, "area_code": "31.73.08"}  # 77 m east, in Kembangan
CITIZEN_POINT = ("-6.224000", "106.735300")  # 33 m from the Banten report, 44 m from the Jakarta one


def test_a_report_just_over_the_border_is_offered_and_supported_at_the_neighbour(
    web_stack: LocalStack, browser: Any
) -> None:
    jakarta, banten = web_stack.api_url("jakarta"), web_stack.api_url("banten")
    # Given an open public report filed at Banten's API just inside Banten, a private one beside it,
    # and a Jakarta report of the same category across the border
    over = submit(banten, BORDER_GARBAGE)
    private_words = "Di depan rumah Pak Harun, gang buntu nomor 7."
    hidden = submit(
        banten,
        {**BORDER_GARBAGE, "description": private_words, "visibility": "private",
         "location": {**BORDER_GARBAGE["location"], "lat": -6.2242, "lon": 106.7349}},
    )  # fmt: skip
    ours = submit(jakarta, {**BORDER_GARBAGE, "location": JAKARTA_SIDE})
    # ... and a private one filed at Jakarta's site on Banten's side, which Jakarta hands to Banten:
    # both APIs list it (Jakarta its origin, Banten its copy), neither with an id
    handed = submit(
        jakarta,
        {**BORDER_GARBAGE, "description": "Tumpukan sampah di belakang pasar.", "visibility": "private",
         "location": {**BORDER_GARBAGE["location"], "lat": -6.2238, "lon": 106.7351}},
    )  # fmt: skip
    near = f"{banten}/reports/nearby?lat=-6.2240&lon=106.7353&radius=50&category=sampah"
    eventually(lambda: [i for i in http("GET", near)[1]["items"] if i.get("also_in") == "31"] or None)
    page = offline_context(browser, []).new_page()
    sent: list[Any] = []
    page.on("request", lambda r: sent.append(r) if r.url.startswith(banten) else None)

    # When a citizen on Jakarta's site puts the point between them and picks the same category
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Sampah").check()
    type_point(page, *CITIZEN_POINT)

    # Then "Sudah dilaporkan?" lists Banten's report, nearest first, as handled by Banten ...
    rows = page.locator("#nearby-list .nearby-item")
    expect(rows).to_have_count(4)
    # (the report handed to Banten once, as Jakarta's: Banten's copy of it is left out)
    expect(page.locator(".nearby-item.private[data-province='31']")).to_have_count(1)
    expect(page.locator(".nearby-item.private[data-province='36']")).to_have_count(1)
    assert handed not in page.content()
    suggestion = page.locator(f".nearby-item[data-id='{over}']")
    expect(suggestion).to_contain_text("Ditangani Banten")
    expect(suggestion).to_contain_text("33 m dari titik Anda")
    ids = [rows.nth(i).get_attribute("data-id") for i in range(4)]
    assert ids.index(over) < ids.index(ours), ids
    # ... with its tracking page on Banten's site; the Jakarta report is still listed, as Jakarta's own
    link = suggestion.get_by_role("link", name=over)
    assert link.evaluate("a => a.href") == f"{web_stack.web_url}/banten/track.html?id={over}"
    mine = page.locator(f".nearby-item[data-id='{ours}']")
    expect(mine).to_contain_text("44 m dari titik Anda")
    expect(mine).not_to_contain_text("Ditangani")
    assert mine.get_by_role("link", name=ours).evaluate("a => a.href") == (
        f"{web_stack.web_url}/jakarta/track.html?id={ours}"
    )
    # The private one shows only its category, status and rounded place: no id, no link, no words
    private = page.locator(".nearby-item.private[data-province='36']")
    expect(private).to_contain_text("Laporan privat")
    expect(private).to_contain_text("Ditangani Banten")
    expect(private.get_by_role("link")).to_have_count(0)
    assert hidden not in (private.text_content() or "") and "Harun" not in (page.content())

    # When they press "Dukung laporan ini", Banten's API counts it, with a device token Banten minted
    suggestion.get_by_role("button", name="Dukung laporan ini").click()
    expect(suggestion.locator(".support-result")).to_contain_text("dukungan Anda untuk")
    expect(suggestion).to_contain_text("Didukung 1 orang")
    assert http("GET", f"{banten}/reports/{over}")[1]["support_count"] == 1
    assert http("GET", f"{jakarta}/reports/{ours}")[1]["support_count"] == 0
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('aduan.device:{banten}')).token")
    supported = [r for r in sent if r.method == "POST" and r.url.endswith(f"/reports/{over}/support")]
    assert len(supported) == 1 and supported[0].headers.get("x-device-token") == kept
    assert any(r.method == "POST" and r.url == f"{banten}/devices" for r in sent)
    follow = suggestion.locator(".support-result").get_by_role("link")
    assert follow.evaluate("a => a.href") == f"{web_stack.web_url}/banten/track.html?id={over}#follow-section"

    # Once: the same browser supporting it again adds nothing
    page.reload()
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Sampah").check()
    type_point(page, *CITIZEN_POINT)
    suggestion.get_by_role("button", name="Dukung laporan ini").click()
    expect(suggestion.locator(".support-result")).to_contain_text("sudah mendukung")
    assert http("GET", f"{banten}/reports/{over}")[1]["support_count"] == 1

    # The link opens the report on Banten's site, asked of Banten's API
    suggestion.get_by_role("link", name=over).click()
    expect(page).to_have_title(re.compile(r"Aduan Banten$"))
    expect(page.locator("#report-id")).to_have_value(over)


def test_a_silent_or_failing_neighbour_never_holds_back_the_own_suggestions(
    web_stack: LocalStack, browser: Any
) -> None:
    jakarta, banten = web_stack.api_url("jakarta"), web_stack.api_url("banten")
    flood = {**BORDER_GARBAGE, "category": "banjir", "description": "Genangan setinggi lutut di perbatasan."}
    over = submit(banten, flood)
    ours = submit(jakarta, {**flood, "location": JAKARTA_SIDE})
    page = offline_context(browser, []).new_page()
    silent: list[Route] = []
    page.route(f"{banten}/reports/nearby?*", lambda route: silent.append(route))  # asked, never answered
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir").check()
    type_point(page, *CITIZEN_POINT)

    # While Banten keeps silent, Jakarta's own report is listed
    rows = page.locator("#nearby-list .nearby-item")
    expect(page.locator(f".nearby-item[data-id='{ours}']")).to_contain_text("44 m dari titik Anda")
    assert eventually(lambda: silent), "Banten's API was asked"
    expect(rows).to_have_count(1)
    # ... and after a while the check gives Banten up and is done
    expect(page.locator("#live")).to_have_text("1 laporan serupa di dekat titik ini")

    # An error from Banten (as for a category it does not know) leaves out only Banten's rows
    page.unroute(f"{banten}/reports/nearby?*")
    refused = {"error": {"code": "unknown_category", "message": "Kategori tidak dikenal."}}
    page.route(
        f"{banten}/reports/nearby?*",
        lambda route: route.fulfill(status=422, json=refused, headers={"Access-Control-Allow-Origin": "*"}),
    )
    page.get_by_label("Sampah").check()
    page.get_by_label("Banjir").check()
    expect(page.locator("#live")).to_have_text("1 laporan serupa di dekat titik ini")
    expect(rows).to_have_count(1)
    # When Banten answers again, its report joins the list
    page.unroute(f"{banten}/reports/nearby?*")
    page.get_by_label("Sampah").check()
    page.get_by_label("Banjir").check()
    expect(page.locator(f".nearby-item[data-id='{over}']")).to_contain_text("Ditangani Banten")
    expect(rows).to_have_count(2)


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
    type_point(page, "-6.226", "106.853")
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
    expect(page.locator("#map-list")).not_to_contain_text(hidden)  # private: on the map without its id
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
    # A view reaching Banten's box asks Banten's map too (test_web_peta_border_private.py); nothing else
    # leaves the site
    neighbours = neighbour_apis(web_stack, "jakarta")
    assert all(tile_or_nearby_check(url, neighbours, "/reports/map") for url in remote), remote


def test_the_console_maps_its_inbox_and_ranks_it_by_support(web_stack: LocalStack, browser: Any) -> None:
    api = web_stack.api_url("jakarta")
    place = {"lat": -6.2301, "lon": 106.8201, "area_code": "31.74.01"}
    # The older report has the more support; the newer one has one (reports without any, left by other
    # tests, tie at 0 in any order and could push an unsupported one off the first page)
    loud = submit(api, {**FLOOD, "category": "lampu_jalan", "description": "Lampu padam.", "location": place})
    quiet = submit(api, {**FLOOD, "category": "lampu_jalan", "description": "Lampu mati.", "location": place})
    for device in ("console-map-0001", "console-map-0002"):
        assert http("POST", f"{api}/reports/{loud}/support", {"device": device})[0] == 200
    assert http("POST", f"{api}/reports/{quiet}/support", {"device": "console-map-0003"})[0] == 200
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
    newest_first = page.locator(".inbox-item .inbox-id").all_text_contents()
    assert newest_first.index(quiet) < newest_first.index(loud)
    # Ranked by support: the more supported, older report before the newer, less supported one
    page.get_by_label("Urutkan").select_option("support")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(".inbox-item").first).to_contain_text("dukungan")
    expect(page.locator(".inbox-item", has_text=quiet)).to_be_visible()  # both on the page
    expect(page.locator(".inbox-item", has_text=loud).locator("xpath=following-sibling::*")).to_contain_text(
        [quiet]
    )
    pins = page.locator("#inbox-map .map-pin, #inbox-map .marker-cluster")
    eventually(lambda: pins.count() >= 1)


def test_a_report_handed_over_here_is_supported_and_tracked_where_it_was_filed(
    web_stack: LocalStack, browser: Any
) -> None:
    jakarta, banten = web_stack.api_url("jakarta"), web_stack.api_url("banten")
    # Given a public report filed at Jakarta's site about Kota Tangerang, which Jakarta hands to Banten
    point = {"lat": -6.2262, "lon": 106.7322, "area_code": "36.71.13"}
    handed = submit(
        jakarta,
        {**BORDER_GARBAGE, "category": "pohon", "description": "Pohon tumbang di gang Larangan.",
         "location": point},
    )  # fmt: skip
    near = f"{banten}/reports/nearby?lat={point['lat']}&lon={point['lon']}&radius=50&category=pohon"
    eventually(lambda: [i for i in http("GET", near)[1]["items"] if i.get("id") == handed] or None)
    page = offline_context(browser, []).new_page()

    # When a citizen on Banten's site picks that place and category
    page.goto(f"{web_stack.web_url}/banten/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Pohon Tumbang").check()
    type_point(page, f"{point['lat']:.6f}", f"{point['lon']:.6f}")

    # Then it is listed once, handled here (no "Ditangani"), its page on Jakarta's site where it was filed
    suggestion = page.locator(f".nearby-item[data-id='{handed}']")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute("data-province", "31")
    expect(suggestion).not_to_contain_text("Ditangani")
    link = suggestion.get_by_role("link", name=handed)
    assert link.evaluate("a => a.href") == f"{web_stack.web_url}/jakarta/track.html?id={handed}"
    # ... and "Dukung laporan ini" counts at Jakarta's API (Banten's answered 404 for a Jakarta id)
    suggestion.get_by_role("button", name="Dukung laporan ini").click()
    expect(suggestion.locator(".support-result")).to_contain_text("dukungan Anda untuk")
    expect(suggestion).to_contain_text("Didukung 1 orang")
    assert http("GET", f"{jakarta}/reports/{handed}")[1]["support_count"] == 1

    # And Banten's tracking page, asked for that id, says where it is tracked and links there
    page.goto(f"{web_stack.web_url}/banten/track.html?id={handed}")
    elsewhere = page.locator("#track-elsewhere").get_by_role("link", name="Lacak di situs Aduan DKI Jakarta.")
    assert elsewhere.evaluate("a => a.href") == f"{web_stack.web_url}/jakarta/track.html?id={handed}"
    # ... in the language the citizen switches to, as the error above it
    page.locator("#lang-switch").click()
    expect(page.locator("#track-elsewhere")).to_have_text("Track it on DKI Jakarta's Aduan site.")
    expect(page.locator("#track-error")).to_contain_text("Not found.")


def test_a_public_copy_from_a_province_the_site_does_not_know_is_listed_but_neither_linked_nor_supported(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given Jakarta's API listing a public copy of a report filed in Sumatera Utara (no neighbour here)
    jakarta = web_stack.api_url("jakarta")
    copy = {
        "id": "12-261207-K3M9",
        "category": "banjir",
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"},
        "location": {"lat": -6.24515, "lon": 106.84515},
        "distance_m": 3,
        "visibility": "public",
        "created_at": "2026-12-07T01:00:00+00:00",
        "support_count": 2,
        "also_in": "12",
    }
    page = offline_context(browser, []).new_page()
    page.route(
        f"{jakarta}/reports/nearby?*",
        lambda route: route.fulfill(
            status=200,
            json={"radius_m": 50, "items": [copy]},
            headers={"Access-Control-Allow-Origin": "*"},
        ),
    )
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true")
    page.get_by_label("Banjir").check()
    type_point(page, "-6.245150", "106.845150")
    # Then it is listed as the public report it is: its id and support count, no link, no button
    row = page.locator(".nearby-item[data-id='12-261207-K3M9']")
    expect(row).to_contain_text("12-261207-K3M9")
    expect(row).to_contain_text("Didukung 2 orang")
    expect(row).not_to_contain_text("Laporan privat")
    expect(row.get_by_role("link")).to_have_count(0)
    expect(row.get_by_role("button")).to_have_count(0)
