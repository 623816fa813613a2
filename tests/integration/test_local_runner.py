"""The local event runner against moto: SQS delivery and partial failures, FIFO order, streams, schedules."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice import Chalice, Rate

from infra.cfn import dumps
from infra.local.deploy import deploy_stack
from infra.local.pipeline import EventRunner, drain
from infra.provinces import ProvinceInfra
from infra.templates.province import province_template

pytestmark = [pytest.mark.integration, pytest.mark.clock]

REPO_ROOT = Path(__file__).resolve().parents[2]
VISIBILITY = 1
MAX_RECEIVES = 2
_codes = iter(range(99, 79, -1))


@dataclass(frozen=True)
class Queues:
    """The queue names of a throw-away province stack."""

    intake: str
    agency: str
    agency_dlq: str
    fifo: str


@pytest.fixture
def queues(moto_endpoint: str, tmp_path: Path) -> Queues:
    """A fresh province stack from the real template: 1 s visibility, DLQ after 2 receives."""
    code = str(next(_codes))
    path = tmp_path / f"province-{code}.json"
    path.write_text(dumps(province_template(ProvinceInfra(code, "runner-test", ("dinas-x",)))))
    deploy_stack(
        moto_endpoint,
        path,
        {"VisibilityTimeoutSeconds": str(VISIBILITY), "MaxReceiveCount": str(MAX_RECEIVES)},
    )
    prefix = f"aduan-{code}"
    agency = f"{prefix}-agency-dinas-x"
    return Queues(f"{prefix}-intake", agency, f"{agency}-dlq", f"{prefix}-escalation.fifo")


@pytest.fixture
def sqs(moto_endpoint: str) -> Any:
    return boto3.client("sqs")


def _url(sqs: Any, name: str) -> str:
    url: str = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return url


def _counts(sqs: Any, name: str) -> tuple[int, int]:
    keys = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=_url(sqs, name), AttributeNames=keys)["Attributes"]
    return int(attributes[keys[0]]), int(attributes[keys[1]])


def _message_id(record: Any) -> str:
    return str(record.to_dict()["messageId"])


def test_delivers_lambda_shaped_records_and_deletes_them(sqs: Any, queues: Queues) -> None:
    app, seen = Chalice(app_name="t"), list[dict[str, Any]]()

    @app.on_sqs_message(queue=queues.intake, batch_size=10)
    def intake(event: Any) -> None:
        seen.extend(event.to_dict()["Records"])
        assert os.environ["ADUAN_PROVINCE"] == "99"

    attribute = {"source": {"DataType": "String", "StringValue": "web"}}
    for n in range(3):
        sqs.send_message(QueueUrl=_url(sqs, queues.intake), MessageBody=f"m{n}", MessageAttributes=attribute)
    before = os.environ.get("ADUAN_PROVINCE")
    stats = drain(app, {"ADUAN_PROVINCE": "99"})

    assert (stats["intake"].records, stats["intake"].failures) == (3, 0)
    assert sorted(r["body"] for r in seen) == ["m0", "m1", "m2"]
    record = seen[0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(":" + queues.intake)
    assert record["awsRegion"] == "ap-southeast-3"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["source"] == {
        "stringValue": "web",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["md5OfBody"] and record["receiptHandle"] and record["messageId"]
    assert _counts(sqs, queues.intake) == (0, 0)
    assert os.environ.get("ADUAN_PROVINCE") == before  # restored


def test_batch_item_failures_redeliver_then_dead_letter(
    sqs: Any, queues: Queues, wait_for: Callable[..., Any]
) -> None:
    app, deliveries = Chalice(app_name="t"), list[str]()

    @app.on_sqs_message(queue=queues.agency, batch_size=10)
    def agency(event: Any) -> dict[str, Any]:
        deliveries.extend(r.body for r in event)
        return {"batchItemFailures": [{"itemIdentifier": _message_id(r)} for r in event if r.body == "bad"]}

    for body in ("good-1", "bad", "good-2"):
        sqs.send_message(QueueUrl=_url(sqs, queues.agency), MessageBody=body)
    runner = EventRunner(app)
    first = runner.drain()["agency"]

    assert (first.records, first.failures) == (3, 1)
    assert _counts(sqs, queues.agency) == (0, 1)  # only the failed message is left, in flight
    wait_for(lambda: runner.drain() and _counts(sqs, queues.agency_dlq)[0] == 1)
    dead = sqs.receive_message(QueueUrl=_url(sqs, queues.agency_dlq))["Messages"]
    assert [m["Body"] for m in dead] == ["bad"]
    assert sorted(deliveries) == sorted(["good-1", "good-2"] + ["bad"] * MAX_RECEIVES)
    assert _counts(sqs, queues.agency) == (0, 0)


def test_a_raising_handler_deletes_nothing(sqs: Any, queues: Queues, wait_for: Callable[..., Any]) -> None:
    app, calls = Chalice(app_name="t"), list[list[tuple[str, str]]]()

    @app.on_sqs_message(queue=queues.intake, batch_size=10)
    def intake(event: Any) -> None:
        calls.append([(r.body, r.to_dict()["attributes"]["ApproximateReceiveCount"]) for r in event])
        if len(calls) == 1:
            raise RuntimeError("boom")

    for body in ("a", "b"):
        sqs.send_message(QueueUrl=_url(sqs, queues.intake), MessageBody=body)
    runner = EventRunner(app)
    stats = runner.drain()["intake"]

    assert (stats.records, stats.failures, stats.errors) == (2, 2, ["RuntimeError: boom"])
    assert _counts(sqs, queues.intake) == (0, 2)
    # both come back after their visibility timeout (in one batch or two: each turns visible on its own)
    again = lambda: [record for call in calls[1:] for record in call]  # noqa: E731
    wait_for(lambda: runner.drain()["intake"].records and len(again()) >= 2)
    assert sorted(again()) == [("a", "2"), ("b", "2")]
    assert _counts(sqs, queues.intake) == (0, 0)


def test_fifo_keeps_group_order_across_a_failure(
    sqs: Any, queues: Queues, wait_for: Callable[..., Any]
) -> None:
    app, done, failed_once = Chalice(app_name="t"), list[tuple[str, str]](), set[str]()

    @app.on_sqs_message(queue=queues.fifo, batch_size=1)
    def escalation(event: Any) -> dict[str, Any]:
        [record] = list(event)
        attributes = record.to_dict()["attributes"]
        assert attributes["SequenceNumber"] and attributes["MessageDeduplicationId"]
        if record.body == "A1" and "A1" not in failed_once:
            failed_once.add("A1")
            return {"batchItemFailures": [{"itemIdentifier": _message_id(record)}]}
        done.append((attributes["MessageGroupId"], record.body))
        return {"batchItemFailures": []}

    for n in (1, 2, 3):
        for group in ("A", "B"):
            sqs.send_message(
                QueueUrl=_url(sqs, queues.fifo),
                MessageBody=f"{group}{n}",
                MessageGroupId=group,
                MessageDeduplicationId=f"{group}{n}",
            )
    runner = EventRunner(app)
    runner.drain()
    assert ("A", "A2") not in done, "group A must wait for its failed first message"
    assert [b for g, b in done if g == "B"] == ["B1", "B2", "B3"]
    wait_for(lambda: runner.drain() and len(done) == 6)
    assert [b for g, b in done if g == "A"] == ["A1", "A2", "A3"]


def test_a_fifo_batch_whose_first_message_fails_is_applied_in_group_order_when_it_comes_back(
    sqs: Any, queues: Queues, wait_for: Callable[..., Any]
) -> None:
    """Given three messages of one group and one of another in a FIFO queue, when the handler (the
    escalation queue's batch processing: a failing record fails the rest of its group) fails the
    group's first message once, then the other group is applied at once, the skipped ones are not,
    and the group comes back and is applied from its first message, in order."""
    from chalicelib.api.events import _batch

    app, done, failed_once = Chalice(app_name="t"), list[str](), set[str]()

    def record_handler(record: Any) -> None:
        if record.body == "A1" and "A1" not in failed_once:
            failed_once.add("A1")
            raise RuntimeError("A1 not applicable yet")
        done.append(record.body)

    @app.on_sqs_message(queue=queues.fifo, batch_size=10)
    def escalation(event: Any) -> dict[str, Any]:
        return _batch(event.to_dict(), None, record_handler, fifo=True)

    for body, group in (("A1", "A"), ("A2", "A"), ("B1", "B"), ("A3", "A")):
        sqs.send_message(
            QueueUrl=_url(sqs, queues.fifo),
            MessageBody=body,
            MessageGroupId=group,
            MessageDeduplicationId=body,
        )
    runner = EventRunner(app)
    first = runner.drain()["escalation"]
    assert (first.records, first.failures) == (4, 3) and done == ["B1"]
    wait_for(lambda: runner.drain() and len(done) == 4)
    assert done == ["B1", "A1", "A2", "A3"]


def test_stream_records_reach_the_handler_in_lambda_shape(moto_endpoint: str) -> None:
    dynamodb = boto3.client("dynamodb")
    table = "runner-stream-test"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    real_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    stale_arn = f"arn:aws:dynamodb:ap-southeast-3:123456789012:table/{table}/stream/2000-01-01T00:00:00.000"
    app, batches = Chalice(app_name="t"), list[list[tuple[str, Any, str]]]()

    @app.on_dynamodb_record(stream_arn=stale_arn, batch_size=10)
    def changes(event: Any) -> None:
        batches.append([(r.event_name, r.new_image, r.event_source_arn) for r in event])
        if len(batches) == 1:
            raise RuntimeError("first attempt fails, the batch is retried in order")

    runner = EventRunner(app)
    runner.prepare()  # LATEST: iterators are taken now, before the writes
    dynamodb.put_item(TableName=table, Item={"pk": {"S": "1"}, "n": {"N": "1"}})
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "1"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
    )
    stats = runner.drain()["changes"]

    assert (stats.batches, stats.failures) == (2, 2)
    assert batches[0] == batches[1]
    assert batches[1] == [
        ("INSERT", {"pk": {"S": "1"}, "n": {"N": "1"}}, real_arn),
        ("MODIFY", {"pk": {"S": "1"}, "n": {"N": "2"}}, real_arn),
    ]
    assert runner.drain()["changes"].batches == 0


def test_rate_schedule_fires(monkeypatch: pytest.MonkeyPatch, wait_for: Callable[..., Any]) -> None:
    app, events = Chalice(app_name="t"), list[dict[str, Any]]()

    @app.schedule(Rate(1, unit=Rate.MINUTES))
    def every_minute(event: Any) -> None:
        events.append(event.to_dict())

    monkeypatch.setenv("ADUAN_LOCAL_SCHEDULE_SECONDS", "0.2")
    runner, stop = EventRunner(app, stage="jakarta"), threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    try:
        wait_for(lambda: len(events) >= 2, timeout=5)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert events[0]["detail-type"] == "Scheduled Event"
    assert events[0]["resources"] == [
        "arn:aws:events:ap-southeast-3:123456789012:rule/t-jakarta-every_minute"
    ]


CLI_APP = """
import json
import os

import boto3
from chalice import Chalice

app = Chalice(app_name="tiny")


@app.on_sqs_message(queue=os.environ["CLI_IN_QUEUE"], batch_size=5)
def forward(event):
    sqs = boto3.client("sqs")
    out = sqs.get_queue_url(QueueName=os.environ["CLI_OUT_QUEUE"])["QueueUrl"]
    for record in event:
        sqs.send_message(QueueUrl=out, MessageBody=json.dumps([record.body, os.environ["TOP_LEVEL"]]))
"""


def test_runner_process_uses_stage_env_and_stops_on_sigterm(
    moto_endpoint: str, sqs: Any, make_project: Callable[..., Path]
) -> None:
    root = make_project(
        CLI_APP, {"cli": {"CLI_IN_QUEUE": "runner-cli-in", "CLI_OUT_QUEUE": "runner-cli-out"}}
    )
    inbound = sqs.create_queue(QueueName="runner-cli-in")["QueueUrl"]
    outbound = sqs.create_queue(QueueName="runner-cli-out")["QueueUrl"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    argv = [sys.executable, "-m", "infra.local.runner", "--stage", "cli", "--project-root", str(root)]
    process = subprocess.Popen(argv, env=env, cwd=root, stderr=subprocess.PIPE, text=True)
    try:
        sqs.send_message(QueueUrl=inbound, MessageBody="hello")
        received = sqs.receive_message(QueueUrl=outbound, WaitTimeSeconds=15).get("Messages", [])
        assert [json.loads(m["Body"]) for m in received] == [["hello", "yes"]]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    batch_lines = [
        json.loads(line.split(" ", 3)[3]) for line in stderr.splitlines() if '"kind": "sqs"' in line
    ]
    assert batch_lines[0] == {"source": "forward", "kind": "sqs", "count": 1, "failures": 0} | {
        "duration_ms": batch_lines[0]["duration_ms"]
    }


def _run_in_thread(runner: EventRunner) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    thread.start()
    return thread, stop


def test_concurrent_pollers_hold_a_slow_batch_and_retry_a_failure_after_the_queue_timeout(
    sqs: Any, queues: Queues, wait_for: Callable[..., Any]
) -> None:
    """As on AWS (queue visibility >= function timeout): a batch slower than the queue's 1 s visibility
    is not handed to a second poller meanwhile; a failed message still returns after about 1 s."""
    app, deliveries = Chalice(app_name="t"), list[tuple[str, float]]()

    @app.on_sqs_message(queue=queues.intake, batch_size=1)
    def intake(event: Any) -> dict[str, Any]:
        [record] = list(event)
        deliveries.append((record.body, time.monotonic()))
        if record.body == "slow":
            time.sleep(2.5)
        failed = record.body == "bad" and [b for b, _ in deliveries].count("bad") == 1
        return {"batchItemFailures": [{"itemIdentifier": _message_id(record)}] if failed else []}

    runner = EventRunner(app, sqs_concurrency=3, timeout_s=10)
    thread, stop = _run_in_thread(runner)
    try:
        for body in ("slow", "bad"):
            sqs.send_message(QueueUrl=_url(sqs, queues.intake), MessageBody=body)
        wait_for(lambda: [b for b, _ in deliveries].count("bad") == 2, timeout=8)
        wait_for(lambda: _counts(sqs, queues.intake) == (0, 0), timeout=8)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert [b for b, _ in deliveries].count("slow") == 1
    first, second = [t for b, t in deliveries if b == "bad"]
    assert 0.5 <= second - first < 5, "retried after the queue's visibility, not the 10 s hold"


def test_run_stops_at_once_while_its_pollers_wait_and_invokes_nothing_after(
    sqs: Any, queues: Queues, wait_for: Callable[..., Any]
) -> None:
    app, calls = Chalice(app_name="t"), list[str]()

    @app.on_sqs_message(queue=queues.intake, batch_size=10)
    def intake(event: Any) -> None:
        calls.extend(r.body for r in event)

    thread, stop = _run_in_thread(EventRunner(app, sqs_concurrency=1))
    sqs.send_message(QueueUrl=_url(sqs, queues.intake), MessageBody="before")
    wait_for(lambda: calls == ["before"] and _counts(sqs, queues.intake) == (0, 0))
    # The poller deleted "before" and goes straight back to a 20 s long poll; give it a moment to be
    # inside that receive (a stop set before it gets there would end it without one).
    time.sleep(0.5)
    started = time.monotonic()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive() and time.monotonic() - started < 3, "no 20 s long poll waited out"

    sqs.send_message(QueueUrl=_url(sqs, queues.intake), MessageBody="after")
    time.sleep(2.5)  # the poller left waiting takes it (a receive, as any), sees the stop, hands it back
    assert calls == ["before"]
    assert _counts(sqs, queues.intake) == (1, 0)
    [message] = sqs.receive_message(QueueUrl=_url(sqs, queues.intake), AttributeNames=["All"])["Messages"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "2"


def test_a_batch_received_after_stop_is_handed_back_at_once(sqs: Any, queues: Queues) -> None:
    app, calls = Chalice(app_name="t"), list[str]()

    @app.on_sqs_message(queue=queues.agency, batch_size=10)
    def agency(event: Any) -> None:
        calls.extend(r.body for r in event)

    [source] = EventRunner(app).prepare()
    sqs.send_message(QueueUrl=_url(sqs, queues.agency), MessageBody="late")
    stopped = threading.Event()
    stopped.set()

    assert source.poll(stopped, 0) is None
    assert calls == []
    assert _counts(sqs, queues.agency) == (1, 0)  # visible again, not held for the visibility timeout
