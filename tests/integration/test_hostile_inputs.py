"""The hostile-input corpus (``tests/integration/hostile.py``) against every route, in process (moto).

Every answer is below 500 with a machine-readable error, within ``TIME_BOUND`` seconds, and a
refused request changes nothing stored. One test per route, so a failure names the route; the
failures of a route are listed together. A part of the corpus also goes over the wire to
``chalice local`` (raw bytes, real headers), as the web client and ``make run`` use it.
"""

from __future__ import annotations

import functools
import http.client
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import pytest

from infra.local.aws import REGION
from tests.integration import hostile
from tests.integration.harness import Province, local_server, stage_app, world

pytestmark = [pytest.mark.integration, pytest.mark.clock]

TIME_BOUND = 2.0
STAGE = "jakarta"
COORDINATOR = ("koordinator", "coordinator")
# The routes whose accepted requests store a new report.
SUBMISSIONS = {"/reports", "/open311/v2/requests.json", "/open311/v2/requests.xml"}
ROUTES = hostile.routes(stage_app(STAGE))


@pytest.fixture(scope="module")
def jakarta(moto_endpoint: str) -> Iterator[Province]:
    with world((STAGE,)) as w:
        yield w[STAGE]


@pytest.fixture(scope="module")
def report(jakarta: Province) -> dict[str, Any]:
    created = jakarta.post("/reports", hostile.PLAUSIBLE_JSON["/reports"])
    assert created.status_code == 201, created.body
    return dict(created.json_body)


def _fill(report_id: str) -> hostile.Fill:
    def fill(route: hostile.Route, name: str) -> str:
        if name in ("report_id", "key"):
            return report_id
        if name == "action":
            return "take"
        if name == "name":
            return "banjir.json" if "/services/" in route.path else f"{report_id}.json"
        if name == "token":
            return "Tk0" * 8  # shaped as a link token (16 to 64 URL-safe characters): unknown, not malformed
        return "x"

    return fill


@functools.cache
def _dynamodb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def _stored(report_id: str) -> tuple[int, Any]:
    """The province's waiting reports and the fixture report's item: what a refusal must not change."""
    table = _dynamodb()
    count = table.query(
        TableName="aduan-reports",
        IndexName="by-status",
        KeyConditionExpression="sp = :p",
        ExpressionAttributeValues={":p": {"S": "31#MENUNGGU"}},
        Select="COUNT",
    )["Count"]
    return count, table.get_item(TableName="aduan-reports", Key={"pk": {"S": report_id}}).get("Item")


def _answer(province: Province, probe: hostile.Probe) -> tuple[int, list[str]]:
    """The status of the answer to ``probe`` and what is wrong with it."""
    started = time.perf_counter()
    response = province.client.http.request(probe.method, probe.path, headers=probe.headers, body=probe.body)
    seconds = time.perf_counter() - started
    found = [f"took {seconds:.1f} s"] if seconds > TIME_BOUND else []
    wrong = hostile.verdict(probe, response.status_code, response.body)
    return response.status_code, [wrong, *found] if wrong else found


@pytest.fixture(scope="module")
def corpus(jakarta: Province, report: dict[str, Any]) -> dict[hostile.Route, list[hostile.Probe]]:
    """The probes of every route, made once."""
    auth = jakarta.token(*COORDINATOR)
    by_route: dict[hostile.Route, list[hostile.Probe]] = defaultdict(list)
    for probe in hostile.probes(jakarta.app, _fill(report["id"]), lambda _: auth):
        by_route[probe.route].append(probe)
    return by_route


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_hostile_input_gets_a_4xx_with_a_code_fast_and_stores_nothing(
    jakarta: Province,
    report: dict[str, Any],
    corpus: dict[hostile.Route, list[hostile.Probe]],
    route: hostile.Route,
) -> None:
    before = _stored(report["id"])
    failures, accepted = [], 0
    for probe in corpus[route]:
        status, problems = _answer(jakarta, probe)
        failures += [f"{probe.id}: {problem}" for problem in problems]
        accepted += probe.method != "GET" and status < 400
    assert not failures, "\n".join(failures)
    # Refused requests stored nothing: only accepted writes added a report or changed the one aimed at.
    count, item = _stored(report["id"])
    assert count - before[0] == (accepted if route.path in SUBMISSIONS else 0)
    assert item == before[1] or accepted


def test_every_route_is_probed(corpus: dict[hostile.Route, list[hostile.Probe]]) -> None:
    assert set(corpus) == set(ROUTES) and len(ROUTES) >= 20


# Sent over the wire: the routes that read a body, and one whose name carries the format.
OVER_THE_WIRE = {
    ("POST", "/reports"),
    ("POST", "/open311/v2/requests.xml"),
    ("GET", "/open311/v2/services/{name}"),
}
# http.server answers methods it has no handler for itself (501), and a HEAD answer has no body.
NOT_OVER_THE_WIRE = {"TRACE", "CONNECT", "FOO", "HEAD"}


def _over_the_wire(base_url: str, probe: hostile.Probe) -> tuple[int, bytes, float]:
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    started = time.perf_counter()
    try:
        connection.putrequest(
            probe.method,
            quote(probe.path, safe="/?&=%~:;,'+", errors="surrogatepass"),
            skip_accept_encoding=True,
        )
        for name, value in probe.headers.items():
            connection.putheader(name, value.encode("utf-8", "surrogatepass"))
        connection.putheader("Content-Length", str(len(probe.body)))
        connection.endheaders(probe.body)
        response = connection.getresponse()
        return response.status, response.read(), time.perf_counter() - started
    finally:
        connection.close()


def test_hostile_input_over_the_wire_to_chalice_local(
    moto_endpoint: str, corpus: dict[hostile.Route, list[hostile.Probe]]
) -> None:
    failures = []
    with local_server(STAGE) as base_url:
        for route, probes in corpus.items():
            if (route.method, route.path) not in OVER_THE_WIRE:
                continue
            for probe in probes:
                if probe.method in NOT_OVER_THE_WIRE:
                    continue
                status, body, seconds = _over_the_wire(base_url, probe)
                wrong = hostile.verdict(probe, status, body)
                failures += [f"{probe.id}: {wrong}"] if wrong else []
                failures += [f"{probe.id}: took {seconds:.1f} s"] if seconds > TIME_BOUND else []
    assert not failures, "\n".join(failures)


def test_the_plausible_requests_get_past_the_parsers(jakarta: Province, report: dict[str, Any]) -> None:
    """The corpus varies requests the parsers accept, so each hostile part is what gets refused."""
    from chalicelib.api import ratelimit

    auth = jakarta.token(*COORDINATOR)
    for route in ROUTES:
        ratelimit.buckets.clear()  # the other tests used this address's budget: a 429 would hide a 422
        content, body = hostile.plausible(route)
        headers = {**(auth if route.authorized else {}), **content}
        path = hostile.target(route, _fill(report["id"]))
        response = jakarta.client.http.request(route.method, path, headers=headers, body=body)
        assert response.status_code not in (400, 401, 413, 415, 422, 429), (route, response.body)
