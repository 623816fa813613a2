"""Poison messages land in the DLQ after bounded retries; operators inspect and redrive them."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
from typer.testing import CliRunner

from cli.deadletters import DeadLetters, dlq_name
from cli.main import app as cli_app
from tests.integration.harness import World, world

pytestmark = [pytest.mark.integration, pytest.mark.clock]


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def test_dlq_names_follow_the_templates() -> None:
    assert dlq_name("aduan-31-intake") == "aduan-31-intake-dlq"
    assert dlq_name("aduan-31-escalation.fifo") == "aduan-31-escalation-dlq.fifo"


def test_a_message_for_a_report_that_never_appears_is_dead_lettered_then_redriven(provinces: World) -> None:
    sqs = boto3.client("sqs")
    queue = "aduan-36-intake"
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "1"})
    dead = DeadLetters(sqs)
    before = dead.depth(queue).visible
    try:
        # Given an intake message for a report id that does not exist (retryable: it may appear later)
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"key": "36-261127-ZZZ9"}))
        banten = provinces["banten"]
        # When the route handler fails it maxReceiveCount times (it reports the failure, nothing crashes)
        deadline = time.monotonic() + 30
        while dead.depth(queue).visible == before:
            assert time.monotonic() < deadline, "message never reached the DLQ"
            stats = banten.runner.drain()
            assert all(s.failures == s.records for s in stats.values() if s.records)
            time.sleep(0.3)
        # Then the operator sees it and can move it back
        result = CliRunner().invoke(cli_app, ["dlq", "list", "--stage", "banten"])
        assert result.exit_code == 0, result.output
        assert "aduan-36-intake-dlq" in result.output
        peeked = dead.peek(queue)
        assert any("36-261127-ZZZ9" in m["Body"] for m in peeked)
        time.sleep(2.1)  # the peek's short visibility timeout
        moved = dead.redrive(queue, limit=10)
        assert moved >= 1 and dead.depth(queue).visible == before
        waiting = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
            "Messages", []
        )
        assert any("36-261127-ZZZ9" in m["Body"] for m in waiting)
        for message in waiting:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    finally:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})
