"""The hostile-input corpus (``tests/integration/hostile.py``) against every route, in process (moto).

Every answer is below 500 with a machine-readable error, within ``TIME_BOUND`` seconds, and a
refused request changes nothing stored. One test per route, so a failure names the route; the
failures of a route are listed together.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from infra.local.aws import REGION
from tests.integration import hostile
from tests.integration.harness import Province, stage_app, world

pytestmark = pytest.mark.integration

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
