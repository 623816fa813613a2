"""In Chromium on a 360 by 740 px phone in central Jakarta, whose view Banten's box covers: Peta
asks a neighbour's API again only for a view its answers of the last minute do not hold, and still lists
every one of that neighbour's reports in view."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from infra.local.stack import LocalStack
from tests.e2e.test_web_error_texts import CORS

pytestmark = pytest.mark.e2e

DISPOSISI = {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"}
# Banten's public reports on a grid around Jakarta's centre (-6.2, 106.83), 0.015 degrees apart
BANTEN = [
    {
        "id": f"36-261207-B{i:03d}",
        "category": "pohon",
        "status": DISPOSISI,
        "location": {"lat": round(-6.26 + 0.015 * (i // 9), 6), "lon": round(106.77 + 0.015 * (i % 9), 6)},
        "distance_m": 10,
        "visibility": "public",
        "created_at": "2026-12-07T01:00:00+00:00",
        "support_count": 0,
    }
    for i in range(81)
]


def neighbour(
    page: Page, base: str, items: list[dict[str, Any]], asked: list[dict[str, float]], cap: int = 500
) -> None:
    """``base`` answers GET /reports/map as the API does: the items in the box asked, at most ``cap`` of
    them (``truncated`` past it), each ask counted."""

    def handle(route: Route) -> None:
        if route.request.method == "OPTIONS":
            return route.fulfill(status=204, headers=CORS)
        if urlparse(route.request.url).path != "/reports/map":
            return route.fallback()
        query = parse_qs(urlparse(route.request.url).query)
        box = {k: float(query[k][0]) for k in ("south", "west", "north", "east")}
        asked.append(box)
        inside = [
            item
            for item in items
            if box["south"] <= item["location"]["lat"] <= box["north"]
            and box["west"] <= item["location"]["lon"] <= box["east"]
        ]
        truncated = len(inside) > cap
        body = {"viewport": box, "clipped": False, "items": inside[:cap], "truncated": truncated}
        return route.fulfill(
            status=200, body=json.dumps(body), headers={**CORS, "Content-Type": "application/json"}
        )

    page.route(f"{base}/**", handle)


MOVES = ["ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft", "ArrowDown", "ArrowUp", "Equal"]
MOVES += ["ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", "ArrowDown", "ArrowRight"]


def test_panning_peta_asks_the_neighbours_again_only_beyond_what_they_answered(
    web_stack: LocalStack, browser: Any
) -> None:
    banten: list[dict[str, float]] = []
    loads = _pan(web_stack, browser, banten, cap=500)
    # ... and Banten was asked for fewer than half the views shown (4 of 14 here; each view before)
    assert len(banten) <= loads // 2


def test_a_neighbour_too_full_to_answer_the_wide_box_is_asked_once_a_view(
    web_stack: LocalStack, browser: Any
) -> None:
    # Given Banten's API cuts any answer past 40 reports: a view holds fewer, its wide box more
    banten: list[dict[str, float]] = []
    loads = _pan(web_stack, browser, banten, cap=40)
    # Then a view inside a wide box cut in the last minute is asked for alone, not after another wide read
    # cut again: only a view beyond such boxes is (3 wide reads for 14 views here; 10 when every view was)
    wide = [box for box in banten if box["east"] - box["west"] > 0.09]
    assert len(wide) <= loads // 3


def _pan(web_stack: LocalStack, browser: Any, banten: list[dict[str, float]], *, cap: int) -> int:
    """The phone pans and zooms about central Jakarta (``MOVES``), every Banten report in each view
    listed; answers how many views Peta loaded."""
    page = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta").new_page()
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    neighbour(page, web_stack.api_url("banten"), BANTEN, banten, cap)  # the local stack's one neighbour
    own: list[dict[str, float]] = []

    def seen(request: Any) -> None:
        url = urlparse(request.url)
        if request.url.startswith(web_stack.api_url("jakarta")) and url.path == "/reports/map":
            own.append({k: float(v[0]) for k, v in parse_qs(url.query).items() if k != "category"})

    page.on("request", seen)
    page.goto(f"{web_stack.web_url}/jakarta/peta.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")

    def shows_banten_in_view() -> None:
        view = own[-1]
        expected = sorted(
            item["id"]
            for item in BANTEN
            if view["south"] <= item["location"]["lat"] <= view["north"]
            and view["west"] <= item["location"]["lon"] <= view["east"]
        )
        rows = page.locator("#map-list li[data-id^='36-']")
        expect(rows).to_have_count(len(expected))
        assert sorted(rows.evaluate_all("(rows) => rows.map((r) => r.dataset.id)")) == expected

    shows_banten_in_view()
    # When the phone's user pans about (Leaflet's arrow keys: 80 px a press), zooms in, and pans again
    page.locator("#public-map").focus()
    for key in MOVES:
        loaded = int(page.evaluate("document.body.dataset.loaded"))
        page.keyboard.press(key)
        expect(page.locator("body")).to_have_attribute("data-loaded", str(loaded + 1))
        # Then every Banten report in the view is listed, whether asked now or kept from before
        shows_banten_in_view()
    print(f"Peta loads {len(own)}: Banten asked {len(banten)} times")
    assert len(own) == len(MOVES) + 1
    return len(own)
