"""End-to-end fixtures: the whole local stack (moto, `chalice local` per province, event runners)."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from infra.local.config import PROJECT_ROOT
from infra.local.processes import free_port
from infra.local.stack import LocalStack, dev_environment

# Playwright's assertions wait 5 s by default; a page here waits on the local API, moto and the event
# runners, all on the machine's two cores with the rest of the suite: give them the time a phone would.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Both provinces served over HTTP on free ports, as `make run` serves them.

    Its state file (what `make run` writes to .local/stack.json) is ``stack.state_file``, in a temporary
    directory: ``ADUAN_LOCAL_STATE`` points ``bin/aduan`` at it.
    """
    stack = LocalStack(
        PROJECT_ROOT,
        moto_port=free_port(),
        stage_ports={"jakarta": free_port(), "banten": free_port()},
        stages=["jakarta", "banten"],
        in_process_moto=False,
        log_dir=tmp_path_factory.mktemp("stack-logs"),
        extra_env={**dev_environment(PROJECT_ROOT), "ADUAN_LOCAL_SCHEDULE_SECONDS": "3600"},
        state_file=tmp_path_factory.mktemp("stack-state") / "stack.json",
    )
    with stack:
        yield stack


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """One JSON request; returns (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
    except (urllib.error.URLError, ConnectionError) as error:
        # no HTTP answer at all (refused, reset): code 0, for tests that retry
        return 0, {"error": {"code": "connection_failed", "message": str(error)}}


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy (the runners work asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {timeout} s; last value {value!r}")
        time.sleep(0.2)


# --- The web client in a real browser (tests/e2e/test_web_*.py) ---------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # The maps' default tiles never load in tests (offline, and no load on OpenStreetMap's servers)
    "--host-resolver-rules=MAP tile.openstreetmap.org ~NOTFOUND, MAP *.tile.openstreetmap.org ~NOTFOUND",
]
WEB_ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts" / "web"


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Jakarta and Banten with their runners and the web client (`web.serve --dev`), all on free ports."""
    stack = LocalStack(
        PROJECT_ROOT,
        moto_port=free_port(),
        stage_ports={"jakarta": free_port(), "banten": free_port()},
        stages=["jakarta", "banten"],
        in_process_moto=False,
        log_dir=tmp_path_factory.mktemp("web-stack-logs"),
        extra_env={**dev_environment(PROJECT_ROOT), "ADUAN_LOCAL_SCHEDULE_SECONDS": "3600"},
        web_port=free_port(),
    )
    with stack:
        yield stack


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never `playwright install`: `make browser` installs it)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Callable[[Any, str], Path]:
    """``shots(page, "01-name")`` saves a full-page screenshot under tests/artifacts/web/<test>/."""
    folder = WEB_ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def type_road_report(page: Any, description: str) -> None:
    """On the report form: a Jalan Rusak report in Tebet (Jakarta Selatan), coordinates typed by hand."""
    page.get_by_label("Jalan Rusak").check()
    page.get_by_label("2. Ceritakan masalahnya").fill(description)
    page.get_by_label("Kota/Kabupaten").select_option("31.74")
    page.locator("#kecamatan option[value='31.74.01']").wait_for(state="attached")
    page.get_by_label("Kecamatan").select_option("31.74.01")
    page.get_by_text("Koordinat", exact=True).click()
    page.get_by_label("Lintang (latitude)").fill("-6.226")
    page.get_by_label("Bujur (longitude)").fill("106.853")


def report_form(browser: Any, web_stack: LocalStack) -> Any:
    """Jakarta's report form on a 360-px phone, ready."""
    page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
    page.goto(f"{web_stack.web_url}/jakarta/index.html")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def reports_sent(page: Any) -> list[dict[str, Any]]:
    """The bodies of the POST /reports the page sends, as it sends them."""
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            sent.append(json.loads(r.post_data or "{}"))
            if r.method == "POST" and r.url.endswith("/reports")
            else None
        ),
    )
    return sent
