"""The local moto's faster SQS queues answer exactly as moto's own (visibility, delays, counts, deletes),
except that a FIFO group handed back is served again from its first message, as SQS serves it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sqs.models import Queue

from infra.local.moto_sqs import MOTO_OWN, queue_patches

COUNTS = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]


@pytest.fixture(params=["moto", "patched"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each scenario runs on moto's own queues and on the patched ones."""
    members = queue_patches() if request.param == "patched" else {**MOTO_OWN, "_aduan_fast": False}
    for name, value in members.items():
        monkeypatch.setattr(Queue, name, value, raising=False)
    with mock_aws():
        yield request.param


def _counts(sqs: Any, url: str) -> tuple[int, ...]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=COUNTS)["Attributes"]
    return tuple(int(attributes[name]) for name in COUNTS)


def _receive(sqs: Any, url: str, count: int = 10, **options: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=count, WaitTimeSeconds=0, **options
    ).get("Messages", [])
    return messages


def _eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_visible_in_flight_and_delayed_messages_are_counted_and_served_apart(engine: str) -> None:
    sqs = boto3.client("sqs", region_name="ap-southeast-3")
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=2)
    assert _counts(sqs, url) == (2, 0, 1)

    [first] = _receive(sqs, url, 1)
    assert _counts(sqs, url) == (1, 1, 1)
    [second] = _receive(sqs, url)  # the delayed one is not served yet, the in-flight one neither
    assert {first["Body"], second["Body"]} == {"a", "b"}
    assert _receive(sqs, url) == []

    _eventually(lambda: _counts(sqs, url) == (3, 0, 0))  # visibility and delay over
    assert sorted(m["Body"] for m in _receive(sqs, url)) == ["a", "b", "later"]


def test_deletes_by_current_or_old_receipt_handle_once_and_refuse_unknown_ones(engine: str) -> None:
    sqs = boto3.client("sqs", region_name="ap-southeast-3")
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    sqs.send_message(QueueUrl=url, MessageBody="gone")
    old = {m["Body"]: m["ReceiptHandle"] for m in _receive(sqs, url)}
    _eventually(lambda: _counts(sqs, url)[0] == 2)
    again = {m["Body"]: m["ReceiptHandle"] for m in _receive(sqs, url)}
    assert again["gone"] != old["gone"]

    sqs.delete_message(QueueUrl=url, ReceiptHandle=old["gone"])  # an earlier receive's handle
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["gone"])  # deleting twice succeeds
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert _counts(sqs, url) == (0, 1, 0)
    answer = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "1", "ReceiptHandle": again["kept"]}, {"Id": "2", "ReceiptHandle": "nope"}],
    )
    assert [e["Id"] for e in answer["Successful"]] == ["1"]
    assert [e["Id"] for e in answer["Failed"]] == ["2"]
    assert _counts(sqs, url) == (0, 0, 0)


def test_a_fifo_group_waits_while_one_of_its_messages_is_in_flight(engine: str) -> None:
    sqs = boto3.client("sqs", region_name="ap-southeast-3")
    url = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "1"})[
        "QueueUrl"
    ]
    for body, group in (("a1", "a"), ("a2", "a"), ("b1", "b")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body)
    [a1] = _receive(sqs, url, 1)
    assert [m["Body"] for m in _receive(sqs, url)] == ["b1"]  # a2 waits behind a1
    sqs.delete_message(QueueUrl=url, ReceiptHandle=a1["ReceiptHandle"])
    assert a1["Body"] == "a1"
    assert [m["Body"] for m in _receive(sqs, url)] == ["a2"]


def test_a_fifo_group_handed_back_whole_comes_back_from_its_first_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a FIFO group received whole and handed back unprocessed (a batch whose first message
    failed and the rest of its group skipped), when the visibility timeout ends, then the group is
    served again from its first message, in order, as SQS serves it. moto's own served the last one
    first: the group's messages still marked in flight held the earlier ones back, not the later."""
    for name, value in queue_patches().items():
        monkeypatch.setattr(Queue, name, value, raising=False)
    with mock_aws():
        sqs = boto3.client("sqs", region_name="ap-southeast-3")
        attributes = {"FifoQueue": "true", "VisibilityTimeout": "1"}
        url = sqs.create_queue(QueueName="q.fifo", Attributes=attributes)["QueueUrl"]
        for body in ("a1", "a2", "a3"):
            sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="a", MessageDeduplicationId=body)
        assert [m["Body"] for m in _receive(sqs, url)] == ["a1", "a2", "a3"]  # and none deleted

        served: list[str] = []

        def handle_what_comes() -> bool:
            for message in _receive(sqs, url):
                served.append(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            return len(served) == 3

        _eventually(handle_what_comes)
        assert served == ["a1", "a2", "a3"]
