"""Agencies that work from their own system poll their SQS work queue."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from chalicelib.domain.protocol import WorkItem
from chalicelib.validation import decode_json
from cli.workqueue import Decision, WorkQueue
from tests.integration.conftest import TEST_VISIBILITY_TIMEOUT
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

FLOOD = {
    "category": "banjir",
    "description": "Genangan 40 cm di Jl. Kapten Tendean setelah hujan deras.",
    "location": {"lat": -6.24, "lon": 106.82, "area_code": "31.74.01"},
}


class InProcessApi:
    """The agency API through the in-process test client, as the CLI sees it over HTTPS."""

    def __init__(self, province: Province, agency: str, *, readable: bool = True) -> None:
        self.province = province
        self.agency = agency
        self.readable = readable  # False: the report's GET gets no answer (the action's answer decides)
        self.calls: list[str] = []

    def current(self, key: str) -> tuple[int, dict[str, Any]]:
        if not self.readable:
            return 0, {"error": {"code": "connection_failed", "message": "no answer"}}
        response = self.province.get(f"/agency/reports/{key}", self.province.token(self.agency))
        return response.status_code, json.loads(response.body)

    def act(
        self, key: str, action: str, body: dict[str, Any], idempotency_key: str, version: int | None = None
    ) -> tuple[int, dict[str, Any]]:
        self.calls.append(action)
        headers = {"Idempotency-Key": idempotency_key} | ({"If-Match": str(version)} if version else {})
        response = self.province.act(key, action, self.agency, body, **headers)
        return response.status_code, json.loads(response.body)


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _emptied(work: WorkQueue) -> WorkQueue:
    """``work`` without what earlier tests left there (PurgeQueue: once a minute), those in flight too: an
    item an earlier test received and kept comes back after the visibility timeout, which a slow machine
    reaches within the next test."""
    deadline = time.monotonic() + TEST_VISIBILITY_TIMEOUT + 5
    while True:
        while leftovers := work.receive(wait_seconds=0, max_messages=10):
            for message in leftovers:
                work.sqs.delete_message(QueueUrl=work.url, ReceiptHandle=message["ReceiptHandle"])
        # both counts: an item whose visibility ran out after the receive above is visible, not in flight
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        counts = work.sqs.get_queue_attributes(QueueUrl=work.url, AttributeNames=names)["Attributes"]
        if sum(int(counts[name]) for name in names) == 0:
            return work
        assert time.monotonic() < deadline, "an item stayed in flight past its visibility timeout"
        time.sleep(0.5)


@pytest.fixture
def queue(provinces: World) -> WorkQueue:
    """Sudin SDA Jakarta Selatan's work queue, emptied of what earlier tests' floods left there."""
    provinces.settle()
    return _emptied(WorkQueue(boto3.client("sqs"), "31", "sudin-sda-js"))


def test_routed_flood_reaches_the_sudin_sda_work_queue_and_is_deleted_once_taken(
    provinces: World, queue: WorkQueue
) -> None:
    jakarta = provinces["jakarta"]
    # Given a flood report in Jakarta Selatan is routed to Sudin SDA, which works from its own queue
    report_id = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    messages = queue.receive(wait_seconds=1)
    assert [json.loads(m["Body"])["report_id"] for m in messages] == [report_id]
    api = InProcessApi(jakarta, "sudin-sda-js")
    # When the officer skips it first, it stays queued (visible again later)
    skipped = queue.process(messages, lambda item: Decision("skip"), api)
    assert [o.deleted for o in skipped] == [False] and api.calls == []
    # When the officer takes it, the action is recorded and only then the message deleted
    taken = queue.process(messages, lambda item: Decision("take"), api)
    assert [(o.action, o.status, o.deleted) for o in taken] == [("take", 200, True)]
    status = json.loads(jakarta.get(f"/reports/{report_id}").body)
    assert status["status"]["code"] == "PROSES"
    assert queue.receive(wait_seconds=0) == []


def test_a_failed_action_keeps_the_message_and_an_obsolete_item_is_cleared(
    provinces: World, queue: WorkQueue
) -> None:
    jakarta = provinces["jakarta"]
    report_id = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    messages = queue.receive(wait_seconds=1)
    api = InProcessApi(jakarta, "sudin-sda-js", readable=False)  # the report's state is learnt by acting
    # A resolve without evidence is refused (422): the work item must not disappear
    refused = queue.process(messages, lambda item: Decision("resolve", {"note": "x"}), api)
    assert [(o.status, o.deleted) for o in refused] == [(422, False)]
    # Someone took it meanwhile on the web: the queued item is obsolete and is cleared, not lost
    jakarta.act(report_id, "take", "sudin-sda-js")
    evidence = jakarta.evidence(report_id, "sudin-sda-js")
    assert jakarta.act(report_id, "resolve", "sudin-sda-js", {"note": "surut", **evidence}).status_code == 200
    obsolete = queue.process(messages, lambda item: Decision("take"), api)
    assert [(o.status, o.deleted) for o in obsolete] == [(409, True)]


def test_an_item_whose_report_moved_on_is_cleared_without_asking_the_officer(
    provinces: World, queue: WorkQueue
) -> None:
    jakarta = provinces["jakarta"]
    # Given two floods queued for Sudin SDA Jakarta Selatan: one a colleague then forwarded to Dinas SDA on
    # the web, one a colleague took
    forwarded, taken = (json.loads(jakarta.post("/reports", FLOOD).body)["id"] for _ in range(2))
    provinces.settle()
    messages = eventually_two(queue)
    forward = {"to_agency": "dsda", "note": "Saluran kota"}
    assert jakarta.act(forwarded, "forward", "sudin-sda-js", forward).status_code == 200
    assert jakarta.act(taken, "take", "sudin-sda-js").status_code == 200
    api = InProcessApi(jakarta, "sudin-sda-js")
    asked: list[tuple[str, str]] = []

    def decide(item: WorkItem) -> Decision:
        asked.append((item.report_id, item.status.value))
        return Decision("skip")

    # When the officer polls
    outcomes = queue.process(messages, decide, api)
    by_report = {o.item.report_id: o for o in outcomes if o.item}
    # Then the forwarded one is cleared without a question (no longer theirs), and the one taken is still
    # asked about, shown as it is now (Proses: they may estimate or resolve it)
    assert (by_report[forwarded].action, by_report[forwarded].deleted) == ("cleared", True)
    assert asked == [(taken, "PROSES")] and api.calls == []
    assert (by_report[taken].action, by_report[taken].deleted) == ("skip", False)


def test_an_officer_deciding_on_a_report_a_colleague_changed_meanwhile_is_told_and_asked_again(
    provinces: World, queue: WorkQueue
) -> None:
    jakarta = provinces["jakarta"]
    # Given a flood queued for Sudin SDA Jakarta Selatan, which a colleague takes on the web while the
    # officer polling it reads it and decides to reject it (a reject the state machine allows either way)
    report_id = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    messages = queue.receive(wait_seconds=1)
    api = InProcessApi(jakarta, "sudin-sda-js")

    def meanwhile(item: WorkItem) -> Decision:
        assert jakarta.act(report_id, "take", "sudin-sda-js").status_code == 200
        return Decision("reject", {"note": "Bukan genangan"})

    [outcome] = queue.process(messages, meanwhile, api)
    # Then the reject, sent on the version the officer read, changes nothing, and the officer is told why
    assert (outcome.status, outcome.deleted) == (409, False)
    assert "Laporan sudah berubah / The report has changed: sekarang Proses" in outcome.message
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["status"]["code"] == "PROSES"
    # And the item comes back at once, shown as the report is now; decided again, it is recorded and deleted
    again = queue.receive(wait_seconds=1)
    assert [json.loads(m["Body"])["report_id"] for m in again] == [report_id]
    asked: list[str] = []
    decided = queue.process(
        again, lambda it: (asked.append(it.status.value), Decision("reject", {"note": "x"}))[1], api
    )
    assert asked == ["PROSES"] and [(o.status, o.deleted) for o in decided] == [(200, True)]
    assert queue.receive(wait_seconds=0) == []


def test_a_batch_is_held_from_other_pollers_while_the_officer_decides_each_item_until_it_is_answered(
    provinces: World, queue: WorkQueue
) -> None:
    jakarta = provinces["jakarta"]
    # Given two floods received in one batch by an officer, who skips the first at once and then takes
    # twice the queue's visibility timeout to decide on the second, while a colleague's poller polls
    for _ in range(2):
        jakarta.post("/reports", FLOOD)
    provinces.settle()
    messages = eventually_two(queue)
    colleague = boto3.client("sqs")
    seen: list[dict[str, Any]] = []
    asked: list[str] = []

    def decide(item: WorkItem) -> Decision:
        asked.append(item.report_id)
        if len(asked) == 1:
            return Decision("skip")
        deadline = time.monotonic() + 2 * TEST_VISIBILITY_TIMEOUT
        while time.monotonic() < deadline:
            answer = colleague.receive_message(QueueUrl=queue.url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            seen.extend(answer.get("Messages", []))
        return Decision("take")

    outcomes = queue.process(messages, decide, InProcessApi(jakarta, "sudin-sda-js"))
    # Then the colleague never receives the item being decided on, which is taken and deleted; the one
    # skipped is held no more and comes back to the colleague after its timeout
    assert [(o.action, o.deleted) for o in outcomes] == [("skip", False), ("take", True)]
    assert {json.loads(m["Body"])["report_id"] for m in seen} == {asked[0]}
    for message in seen:
        colleague.delete_message(QueueUrl=queue.url, ReceiptHandle=message["ReceiptHandle"])


def eventually_two(queue: WorkQueue) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for _ in range(5):
        messages += queue.receive(wait_seconds=1)
        if len(messages) >= 2:
            break
    assert len(messages) == 2
    return messages


def test_a_poison_item_among_good_ones_is_left_for_the_dlq_and_the_good_ones_are_recorded_once(
    provinces: World, queue: WorkQueue
) -> None:
    """Given the agency's queue holds two routed floods and, between them, a message that is not
    JSON, one that is not a work item and one forged to name another agency's report, when the
    officer takes every item of the batch, then each flood is taken once and its message deleted,
    the two unreadable messages are left on the queue (for its DLQ after five receives), and the
    forged item is refused by the API (its report's read) and cleared unasked, changing nothing."""
    jakarta = provinces["jakarta"]
    floods = [json.loads(jakarta.post("/reports", FLOOD).body)["id"] for _ in range(2)]
    road = {**FLOOD, "category": "jalan_rusak", "description": "Jalan berlubang di Jl. Tebet Raya."}
    other = json.loads(jakarta.post("/reports", road).body)["id"]  # Sudin Bina Marga's, not Sudin SDA's
    provinces.settle()
    [first] = queue.receive(wait_seconds=1, max_messages=1)
    item = json.loads(first["Body"])
    forged = {**item, "event_id": f"{other}:forged", "report_key": other, "report_id": other}
    for body in ("not json", json.dumps({"type": "work", "report_key": other}), json.dumps(forged)):
        queue.sqs.send_message(QueueUrl=queue.url, MessageBody=body)
    messages = [first]
    while len(messages) < 5 and (more := queue.receive(wait_seconds=1, max_messages=10)):
        messages += more
    assert len(messages) == 5
    api = InProcessApi(jakarta, "sudin-sda-js")
    outcomes = queue.process(messages, lambda item: Decision("take"), api)
    by_report = {o.item.report_id if o.item else f"unreadable-{n}": o for n, o in enumerate(outcomes)}
    assert [(by_report[r].status, by_report[r].deleted) for r in floods] == [(200, True), (200, True)]
    assert (by_report[other].status, by_report[other].deleted) == (403, True)
    assert sorted(o.deleted for o in outcomes if o.item is None) == [False, False]
    assert api.calls == ["take", "take"]  # the forged item's report is read (403), never acted on
    assert [json.loads(jakarta.get(f"/reports/{r}").body)["status"]["code"] for r in floods] == ["PROSES"] * 2
    assert json.loads(jakarta.get(f"/reports/{other}").body)["status"]["code"] == "DISPOSISI"


@pytest.mark.parametrize(
    "code",
    ["RequestThrottled", "AWS.SimpleQueueService.AccessDenied", "AWS.SimpleQueueService.NonExistentQueue"],
)
def test_a_saved_step_whose_work_item_an_agency_queue_does_not_take_is_answered_as_saved(
    provinces: World, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    """Given Dinas SDA's work queue throttling past botocore's retries, refusing the stage (IAM) or
    missing, when Sudin SDA's officer forwards a flood to Dinas SDA, then the officer is answered that
    it was forwarded (it was a 503, a 404 or a 500 for a saved step), the report is in Dinas SDA's
    inbox, and the item not sent is logged and counted (``WorkItemsUndelivered``)."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    from chalicelib.data.queues import queue_url

    jakarta = provinces["jakarta"]
    report_id = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    counted: list[str] = []
    monkeypatch.setattr("chalicelib.services.outbox.count", lambda name, value=1: counted.append(name))
    original = BaseClient._make_api_call

    def failing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        target = str(params.get("QueueUrl") or params.get("QueueName") or "")
        if operation in ("GetQueueUrl", "SendMessage") and target.endswith("aduan-31-agency-dsda"):
            error = {"Error": {"Code": code, "Message": "no"}, "ResponseMetadata": {"HTTPStatusCode": 400}}
            raise ClientError(error, operation)  # type: ignore[arg-type]
        return original(client, operation, params)

    queue_url.cache_clear()
    monkeypatch.setattr(BaseClient, "_make_api_call", failing)
    try:
        forwarded = jakarta.act(
            report_id, "forward", "sudin-sda-js", {"to_agency": "dsda", "note": "Skala kota"}
        )
    finally:
        monkeypatch.undo()
        queue_url.cache_clear()
    assert forwarded.status_code == 200, forwarded.body
    assert json.loads(forwarded.body)["agency"]["id"] == "dsda"
    assert counted == ["WorkItemsUndelivered"]
    inbox = json.loads(jakarta.get("/agency/reports", jakarta.token("dsda")).body)
    assert report_id in [item["id"] for item in inbox["items"]]


@contextmanager
def _busy_once(monkeypatch: pytest.MonkeyPatch, queue: str) -> Iterator[list[str]]:
    """The first SendMessage to ``queue`` throttled past botocore's retries; yields the calls refused."""
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    from chalicelib.data.queues import queue_url

    original = BaseClient._make_api_call
    throttled: list[str] = []

    def busy_once(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "SendMessage" and str(params.get("QueueUrl") or "").endswith(queue) and not throttled:
            throttled.append(operation)
            error = {"Error": {"Code": "RequestThrottled", "Message": "slow down"}}
            raise ClientError(error, operation)  # type: ignore[arg-type]
        return original(client, operation, params)

    queue_url.cache_clear()
    monkeypatch.setattr(BaseClient, "_make_api_call", busy_once)
    try:
        yield throttled
    finally:
        monkeypatch.undo()
        queue_url.cache_clear()


def test_a_route_whose_work_item_a_busy_agency_queue_did_not_take_is_retried_and_sends_it(
    provinces: World, queue: WorkQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given Sudin SDA's work queue throttling once past botocore's retries while a flood is routed to
    it, then the route is tried again (in place, as any transient failure; else SQS brings the intake
    message back) and publishes again, and the item reaches the queue: an agency that works from its
    own system is not left unaware of a new report (an officer's step is answered as saved instead,
    above: nothing would retry it)."""
    report_id = json.loads(provinces["jakarta"].post("/reports", FLOOD).body)["id"]
    with _busy_once(monkeypatch, "aduan-31-agency-sudin-sda-js") as throttled:
        provinces.settle()
    assert throttled
    items = [json.loads(m["Body"]) for m in queue.receive(wait_seconds=1, max_messages=10)]
    assert [item["report_id"] for item in items] == [report_id]


def test_a_hand_over_whose_work_item_a_busy_agency_queue_did_not_take_is_retried_and_sends_it(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given DLH Kota Tangerang's work queue (Banten) throttling once while Banten accepts a Jakarta
    report about garbage in Kota Tangerang, then the hand-over is handled again and the item reaches
    the queue, as a routed report's does."""
    provinces.settle()
    work = _emptied(WorkQueue(boto3.client("sqs"), "36", "dlh-kota-tangerang"))
    garbage = {
        "category": "sampah",
        "description": "Tumpukan sampah di pinggir Jl. Daan Mogot perbatasan Jakarta-Tangerang.",
        "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    }
    report_id = json.loads(provinces["jakarta"].post("/reports", garbage).body)["id"]
    with _busy_once(monkeypatch, "aduan-36-agency-dlh-kota-tangerang") as throttled:
        provinces.settle()
    assert throttled
    items = [json.loads(m["Body"]) for m in work.receive(wait_seconds=1, max_messages=10)]
    assert [item["report_id"] for item in items] == [report_id]


def test_a_merge_a_coordinator_undoes_puts_the_report_back_on_the_agency_queue(
    provinces: World, queue: WorkQueue
) -> None:
    jakarta = provinces["jakarta"]
    # Given two flood reports routed to Sudin SDA Jakarta Selatan, the second merged into the first
    first = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    second = json.loads(jakarta.post("/reports", FLOOD).body)["id"]
    provinces.settle()
    _emptied(queue)
    merged = jakarta.act(second, "duplicate", "sudin-sda-js", {"of": first})
    assert merged.status_code == 200, merged.body
    # When a coordinator undoes the merge
    undone = jakarta.post(
        f"/agency/reports/{second}/actions/unduplicate", {}, jakarta.token("koordinator", "admin")
    )
    assert undone.status_code == 200, undone.body
    provinces.settle()
    # Then the report is back in the agency's hands (Disposisi), and its own system is told so
    items = [decode_json(WorkItem, message["Body"]) for message in queue.receive(wait_seconds=1)]
    assert [(i.report_id, i.action.value, i.status.value) for i in items] == [
        (second, "unduplicate", "DISPOSISI")
    ]
