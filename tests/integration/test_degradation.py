"""When AWS throttles or fails, callers get 503 with Retry-After, never a 500 with a stack trace."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.retries.standard import ExponentialBackoff

from chalicelib.data.aws import sqs_client
from chalicelib.data.models import PrivateModel, ReportModel
from chalicelib.vendor_internals import table_connection
from infra.local.faults import FaultInjector
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

BODY = {
    "category": "trotoar",
    "description": "Trotoar ambles di depan halte.",
    "location": {"lat": -6.2, "lon": 106.8, "area_code": "31.74.01"},
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        w["jakarta"].get("/health")
        yield w


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.001)


def _clients() -> list[object]:
    return [
        sqs_client(),
        table_connection(ReportModel).connection.client,
        table_connection(PrivateModel).connection.client,
    ]


@pytest.mark.parametrize("kind", ["throttle", "server_error", "timeout"])
def test_persistent_dynamodb_failure_is_a_503_with_retry_after(provinces: World, kind: str) -> None:
    injector = FaultInjector(
        rate=1.0,
        sticky=1.0,
        kinds=(kind,),
        operations=frozenset({"PutItem", "TransactWriteItems", "GetItem"}),
    ).attach(_clients())
    try:
        response = provinces["jakarta"].post("/reports", BODY)
    finally:
        injector.detach()
    assert response.status_code == 503, response.body
    assert int(response.headers["Retry-After"]) > 0
    error = json.loads(response.body)["error"]
    assert error["code"] == "temporarily_unavailable" and "Traceback" not in response.body.decode()


def test_transient_throttling_is_absorbed_by_bounded_retries(provinces: World) -> None:
    injector = FaultInjector(rate=1.0, sticky=0.0, kinds=("throttle",)).attach(_clients())
    try:
        response = provinces["jakarta"].post("/reports", BODY)
    finally:
        injector.detach()
    assert response.status_code == 201 and injector.counts["throttle"] >= 1


def test_enqueue_failure_after_storing_still_answers_201_and_the_sweep_routes_it(provinces: World) -> None:
    from datetime import timedelta

    from chalicelib import container
    from chalicelib.domain.clock import utcnow
    from infra.local.pipeline import patched_env

    jakarta = provinces["jakarta"]
    injector = FaultInjector(
        rate=1.0, sticky=1.0, kinds=("server_error",), operations=frozenset({"SendMessage"})
    ).attach(_clients())
    try:
        created = jakarta.post("/reports", BODY)
    finally:
        injector.detach()
    assert created.status_code == 201
    report_id = json.loads(created.body)["id"]
    provinces.settle()
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["status"]["code"] == "MENUNGGU"
    with patched_env(jakarta.env):
        result = container.sweeper().sweep(now=utcnow() + timedelta(minutes=3))
    assert report_id in result.requeued
    provinces.settle()
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["status"]["code"] == "DISPOSISI"


@pytest.mark.parametrize("refusal", ["access_denied", "queue_gone"])
def test_an_intake_queue_that_refuses_still_answers_201_with_the_id_and_secret(
    provinces: World, monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    # Given an intake queue that refuses every message (IAM, or a queue deleted by mistake)
    from botocore.exceptions import ClientError

    from chalicelib.data.queues import QueueGateway
    from chalicelib.errors import NotFound

    def refuse(*_args: object, **_kwargs: object) -> None:
        if refusal == "access_denied":  # as chalicelib.data.aws translates an IAM refusal
            raise NotFound("Tidak ditemukan (not found).", code="not_found")
        error = {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "gone"}}
        raise ClientError(error, "SendMessage")  # type: ignore[arg-type]

    monkeypatch.setattr(QueueGateway, "send_intake", refuse)
    # When a citizen submits, then the report is stored and they get what they need to follow it
    created = provinces["jakarta"].post("/reports", BODY)
    assert created.status_code == 201, created.body
    body = json.loads(created.body)
    assert body["id"] and body["secret"]
    stored = provinces["jakarta"].get(f"/reports/{body['id']}", {"X-Report-Secret": body["secret"]})
    assert json.loads(stored.body)["status"]["code"] == "MENUNGGU"


def test_a_report_the_sweep_cannot_handle_does_not_stop_the_others(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from botocore.exceptions import ClientError

    from chalicelib import container
    from chalicelib.data.queues import QueueGateway
    from chalicelib.domain.clock import utcnow
    from infra.local.pipeline import patched_env

    # Given a hand-over Banten has not acknowledged yet and an overdue local report ...
    jakarta = provinces["jakarta"]
    border = {
        **BODY,
        "category": "sampah",
        "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    }
    handed = json.loads(jakarta.post("/reports", border).body)["id"]
    local = json.loads(jakarta.post("/reports", BODY).body)["id"]
    jakarta.runner.drain()  # routed in Jakarta; Banten's queue is not read yet
    assert json.loads(jakarta.get(f"/reports/{handed}").body)["escalated_to"] == "36"

    # ... and Banten's escalation queue gone meanwhile (a re-send fails with a raw AWS error)
    def gone(*_args: object, **_kwargs: object) -> None:
        error = {"Error": {"Code": "AWS.SimpleQueueService.NonExistentQueue", "Message": "gone"}}
        raise ClientError(error, "SendMessage")  # type: ignore[arg-type]

    monkeypatch.setattr(QueueGateway, "send_escalation", gone)
    # When the sweep runs past the local report's deadline and re-sends the hand-over
    with patched_env(jakarta.env):
        result = container.sweeper().sweep(now=utcnow() + timedelta(hours=7))
    # Then the local report is still escalated a level up: the failed re-send skipped only its report
    assert local in result.overdue and handed not in result.overdue
    assert json.loads(jakarta.get(f"/reports/{local}").body)["overdue"] is True
    monkeypatch.undo()
    provinces.settle()  # Banten reads the first hand-over: nothing is left on its queue for others


def test_hand_overs_nobody_acknowledges_never_starve_the_sweep(provinces: World) -> None:
    from datetime import timedelta

    from chalicelib import container
    from chalicelib.domain.clock import utcnow
    from infra.local.pipeline import patched_env

    # Given more unacknowledged hand-overs than one sweep reads (Banten reads none of them) ...
    jakarta = provinces["jakarta"]
    border = {
        **BODY,
        "category": "sampah",
        "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    }
    handed = [json.loads(jakarta.post("/reports", border).body)["id"] for _ in range(6)]
    local = json.loads(jakarta.post("/reports", BODY).body)["id"]
    jakarta.runner.drain()  # routed in Jakarta; Banten's queue is not read
    # ... when the sweep runs again and again past the local report's deadline, five reports a time
    now, sweeps, resent = utcnow() + timedelta(hours=7), 0, set()
    with patched_env(jakarta.env):
        while sweeps < 10:
            sweeps += 1
            result = container.sweeper().sweep(now=now, limit=5)
            resent |= set(result.resent)
            if local in result.overdue:
                break
    # Then each hand-over was sent again once, and the local report got its turn
    assert set(handed) <= resent and local in result.overdue, (sweeps, result)
    assert json.loads(jakarta.get(f"/reports/{local}").body)["overdue"] is True
    provinces.settle()  # Banten reads them after all: no hand-over is left on its queue for others
