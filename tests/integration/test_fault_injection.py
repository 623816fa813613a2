"""No report lost or duplicated while 10% of AWS calls fail and consumers die mid-batch.

Size: ``ADUAN_FAULT_REPORTS`` (default 1000), ``ADUAN_FAULT_RATE`` (default 0.10); bench/ runs it larger.
Clients retry as real clients do: the same Idempotency-Key until they get an answer that is not 503.
"""

from __future__ import annotations

import functools
import json
import os
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.retries.standard import ExponentialBackoff

from chalicelib import container
from chalicelib.api import events
from chalicelib.data.aws import sqs_client
from chalicelib.data.models import PrivateModel, ReportModel
from chalicelib.domain.clock import utcnow
from chalicelib.domain.routing import route
from chalicelib.domain.status import Status
from chalicelib.provinces.registry import registry
from chalicelib.vendor_internals import table_connection
from cli.deadletters import DeadLetters
from infra.local.deploy import TEMPLATES_DIR, DeployedStack, deploy_templates
from infra.local.faults import FaultInjector, InjectedCrash
from infra.local.pipeline import DrainTimeout, patched_env
from tests.integration.conftest import TEST_VISIBILITY_TIMEOUT
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

REPORTS = int(os.environ.get("ADUAN_FAULT_REPORTS", "1000"))
RATE = float(os.environ.get("ADUAN_FAULT_RATE", "0.10"))
CROSS_SHARE = 0.25
# A mix as Jakarta's: roads and illegal parking are two of the three largest categories. Resolving a
# road, a street light or (across the border) garbage needs an evidence photo; parking and pavements
# do not: 62.5 % of the resolves upload one.
LOCAL_CASES = [
    ("jalan_rusak", "31.74.01"),
    ("parkir_liar", "31.72.01"),
    ("trotoar", "31.71.03"),
    ("lampu_jalan", "31.75.02"),
]
CROSS_CASE = ("sampah", "36.71.01")
FAST_VISIBILITY = "2"
SETTLE_DEADLINE_S = 1000  # below the test's own timeout (1200 s), which would say less


# A client's pause before asking again after a 503, shortened (Retry-After says seconds): a 503 here
# is an injected fault, drawn afresh on every call whenever it comes (10 ms was 8 s of the test).
RETRY_PAUSE_S = 0.001


def _with_retries(call: Callable[[], Any], attempts: int = 30) -> Any:
    """What a phone client does: retry 503s (honouring Retry-After, shortened here)."""
    for _ in range(attempts):
        response = call()
        if response.status_code != 503:
            assert response.status_code < 500, response.body
            return response
        time.sleep(RETRY_PAUSE_S)
    raise AssertionError(f"still 503 after retries: {response.body!r}")


QUEUES = ("aduan-31-intake", "aduan-36-intake", "aduan-31-escalation.fifo", "aduan-36-escalation.fifo")


@functools.lru_cache(maxsize=1)
def _inspector() -> Any:
    """A client of the test's own, without injected faults."""
    return boto3.client("sqs")


def _in_flight() -> int:
    sqs = _inspector()
    total = 0
    for name in QUEUES:
        attributes = sqs.get_queue_attributes(
            QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        total += int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )
    return total


def _settle(provinces: World, injector: FaultInjector, deadline: float) -> None:
    """Drain every province until no message is queued or in flight, surviving killed consumers."""
    while True:
        assert time.monotonic() < deadline, "pipeline did not settle"
        delivered = 0
        for province in provinces.provinces.values():
            try:
                with injector.consumer():
                    stats = province.runner.drain(max_seconds=60)
                delivered += sum(s.records for s in stats.values())
            except (InjectedCrash, DrainTimeout):
                delivered += 1
            with patched_env(province.env):
                try:
                    # as the scheduled sweep would, a few minutes on: unrouted and unacknowledged work
                    container.sweeper().sweep(now=utcnow() + timedelta(minutes=6))
                except Exception:
                    delivered += 1
        if delivered == 0:
            if _in_flight() == 0:
                return
            time.sleep(0.5)  # failed messages become visible again after their visibility timeout


def _blank_jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (128, 128, 128)).save(out, "JPEG")
    return out.getvalue()


# Most resolves upload a blank picture: it has no fingerprint, so its check makes no lookups. Every
# PHOTO_EVERY-th uploads a real scene, whose check (Pillow, 200-400 band Queries, 10 writes) runs under
# the same faults: ten of them make a few thousand Queries, a few hundred of which fail. The check
# itself is tested in test_evidence_flow.py. moto answers an index Query by walking the whole table,
# so every real scene costs more than the one before: at one in 25, two thirds of the test's time
# went to those lookups.
PHOTO_EVERY = 100
BLANK = _blank_jpeg()


def _evidence(
    province: Province, key: str, agency: str, photo: bytes | None, attempts: int = 30
) -> dict[str, str]:
    """An evidence upload for resolving ``key``, asked again while a fault answers 503."""
    for _ in range(attempts - 1):
        try:
            return province.evidence(key, agency, photo)
        except AssertionError as failure:
            assert "503" in str(failure) or "unavailable" in str(failure), failure
            time.sleep(RETRY_PAUSE_S)
    return province.evidence(key, agency, photo)


def _act(province: Province, key: str, action: str, agency: str, body: dict[str, Any]) -> Any:
    idem = f"{key}:{action}:{uuid.uuid4().hex}"
    return _with_retries(lambda: province.act(key, action, agency, body, **{"Idempotency-Key": idem}))


@pytest.fixture
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries, and the handlers' own in place, still happen, with millisecond sleeps
    (botocore's up to 20 s; the handlers' 50 and 100 ms, a third of this test's time at 10 % faults)."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0.001)
    monkeypatch.setattr(events, "TRANSIENT_FIRST_PAUSE_S", 0.001)


def _fresh_aws(endpoint: str, visibility_timeout: int) -> list[DeployedStack]:
    """Wipe moto and deploy the templates again (moto copies whole tables in every transaction,
    so a table grown by the rest of the session would slow this test for nothing)."""
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=30)
    return deploy_templates(endpoint, TEMPLATES_DIR, visibility_timeout=visibility_timeout)


@pytest.fixture
def fast_queues(moto_endpoint: str, moto_stacks: list[DeployedStack]) -> Any:
    _fresh_aws(moto_endpoint, int(FAST_VISIBILITY))
    yield
    # the session's record of the stacks (outputs such as the stream ARN) follows the new deployment
    moto_stacks[:] = _fresh_aws(moto_endpoint, TEST_VISIBILITY_TIMEOUT)


@pytest.mark.timeout(1200)
def test_no_report_lost_or_duplicated_under_faults(fast_queues: Any, short_backoff: None) -> None:
    run = uuid.uuid4().hex[:8]
    jakarta_data = registry().get("31")
    with world() as provinces:
        jakarta, banten = provinces["jakarta"], provinces["banten"]
        jakarta.get("/health")  # create the clients before attaching the injector
        clients = [
            sqs_client(),
            table_connection(ReportModel).connection.client,
            table_connection(PrivateModel).connection.client,
        ]
        injector = FaultInjector(rate=RATE, crash_rate=RATE / 10).attach(clients)
        # A guard against a pipeline that never settles, not a speed target: about 5 minutes on a quiet
        # machine, 8 beside make test's other processes, longer when the machine is busier still
        deadline = time.monotonic() + SETTLE_DEADLINE_S
        try:
            # Given REPORTS submissions, a quarter of them about Kota Tangerang, through failing AWS calls
            submitted: dict[str, tuple[str, str]] = {}
            for n in range(REPORTS):
                cross = n % int(1 / CROSS_SHARE) == 0
                category, area = CROSS_CASE if cross else LOCAL_CASES[n % len(LOCAL_CASES)]
                body = {
                    "category": category,
                    "description": f"uji-gangguan {run} #{n}",
                    "location": {"lat": -6.2, "lon": 106.7, "area_code": area},
                }
                key = f"{run}-{n}"
                response = _with_retries(
                    lambda b=body, k=key: jakarta.post("/reports", b, {"Idempotency-Key": k})
                )
                assert response.status_code == 201, response.body
                again = _with_retries(
                    lambda b=body, k=key: jakarta.post("/reports", b, {"Idempotency-Key": k})
                )
                assert json.loads(again.body)["id"] == json.loads(response.body)["id"]
                submitted[json.loads(response.body)["id"]] = (category, area)
            assert len(submitted) == REPORTS
            _settle(provinces, injector, deadline)
            # When each responsible agency takes and resolves its reports (retrying like the web console)
            for n, (report_id, (category, area)) in enumerate(submitted.items()):
                photo = None if n % PHOTO_EVERY == 0 else BLANK  # n % 100 == 0: a cross-border garbage report
                if area.startswith("36."):
                    province, key, agency = banten, f"36~{report_id}", "dlh-kota-tangerang"
                else:
                    province, key, agency = jakarta, report_id, route(jakarta_data, category, area).agency
                assert agency
                assert _act(province, key, "take", agency, {}).status_code == 200
                needs_photo = registry().get(area[:2]).category(category).evidence_required
                evidence = (
                    _evidence(province, key, agency, photo)
                    if needs_photo
                    else {"evidence": "sudah ditertibkan"}
                )
                done = _act(province, key, "resolve", agency, {"note": "selesai", **evidence})
                assert done.status_code == 200, done.body
            _settle(provinces, injector, deadline)
        finally:
            injector.detach()

        # Then nothing was lost or duplicated, and every report ended where it should
        reports = _reports_of_run(run)
        assert len(reports) == REPORTS, f"{len(reports)} stored for {REPORTS} submitted"
        assert set(r.id for r in reports) == set(submitted)
        problems = []
        for report in reports:
            events = [e.event_id for e in report.timeline]
            actions = Counter(e.action.value for e in report.timeline)
            cross = report.location.area_code.startswith("36.")
            expected = {
                "submit": 1,
                "take": 1,
                "resolve": 1,
                **({"escalate": 1, "accept": 1} if cross else {"route": 1}),
            }
            if (
                report.status is not Status.SELESAI
                or len(events) != len(set(events))
                or dict(actions) != expected
            ):
                problems.append((report.id, report.status.value, dict(actions)))
        assert problems == [], problems[:5]

        # And a message parked in a DLQ had already been applied: a killed consumer's whole batch
        # comes back (as Lambda returns it), so a message applied before the kill reaches its DLQ
        # after five kills. The operator's redrive (`aduan dlq redrive`) then changes nothing.
        dead = DeadLetters(boto3.client("sqs"))
        parked = {queue: dead.depth(queue).visible for queue in QUEUES}
        if any(parked.values()):
            before = _states(reports + _reports_of_run(run, "36"))
            for queue, count in parked.items():
                if count:
                    assert dead.redrive(queue) == count
            _settle(provinces, injector, time.monotonic() + 300)
            assert _states(_reports_of_run(run) + _reports_of_run(run, "36")) == before
        for queue in QUEUES:
            assert dead.depth(queue).visible == 0, (queue, [m["Body"][:300] for m in dead.peek(queue)])
        print(f"\nfault injection: {REPORTS} reports, injected {dict(injector.counts)}, redriven {parked}")


def _states(reports: list[Any]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each report's status and timeline event ids."""
    return {r.id: (r.status.value, tuple(e.event_id for e in r.timeline)) for r in reports}


def _reports_of_run(run: str, province: str = "31") -> list[Any]:
    """Every report of this run in ``province`` (Banten holds copies), from the status index, no Scan."""
    repository = container.reports()
    found = []
    for status in Status:
        cursor = None
        while True:
            page = repository.list_by_status(province, status, limit=100, cursor=cursor)
            found.extend(r for r in page.items if f"uji-gangguan {run} " in r.description)
            if not page.cursor:
                break
            cursor = page.cursor
    return found
