"""Pure parts of the local runner: schedule expressions, Lambda event shapes, partial batch responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.local.events import scheduled_event, sqs_record, stream_record
from infra.local.schedule import parse_schedule
from infra.local.sources import failed_item_ids

FRIDAY_EVENING = datetime(2026, 11, 27, 21, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(1 minute)", FRIDAY_EVENING + timedelta(minutes=1)),
        ("rate(5 minutes)", FRIDAY_EVENING + timedelta(minutes=5)),
        ("rate(2 hours)", FRIDAY_EVENING + timedelta(hours=2)),
        ("rate(1 day)", FRIDAY_EVENING + timedelta(days=1)),
        ("cron(*/15 * * * ? *)", datetime(2026, 11, 27, 21, 15, tzinfo=UTC)),
        ("cron(0 18 ? * MON-FRI *)", datetime(2026, 11, 30, 18, 0, tzinfo=UTC)),
        ("cron(30 2 ? * SAT,SUN *)", datetime(2026, 11, 28, 2, 30, tzinfo=UTC)),
        ("cron(0 9 1 * ? *)", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("cron(0 0 29 FEB ? *)", datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),
        ("cron(5,35 22 * * ? 2026)", datetime(2026, 11, 27, 22, 5, tzinfo=UTC)),
    ],
)
def test_next_firing_time(expression: str, expected: datetime) -> None:
    assert parse_schedule(expression).next_after(FRIDAY_EVENING) == expected


def test_override_replaces_any_schedule_with_an_interval() -> None:
    schedule = parse_schedule("cron(0 18 ? * MON-FRI *)", override_seconds=2.5)
    assert schedule.next_after(FRIDAY_EVENING) == FRIDAY_EVENING + timedelta(seconds=2.5)


@pytest.mark.parametrize(
    "expression",
    ["rate(0 minutes)", "rate(1 week)", "cron(0 18 * *)", "cron(0 18 L * ? *)", "at(2026-01-01)"],
)
def test_unsupported_expressions_are_rejected(expression: str) -> None:
    with pytest.raises(ValueError):
        parse_schedule(expression)


def test_sqs_record_shape() -> None:
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "rh",
        "Body": "{}",
        "MD5OfBody": "99914b932bd37a50b76c4dd9b8c5e2c9",
        "Attributes": {
            "ApproximateReceiveCount": "3",
            "MessageGroupId": "g",
            "SequenceNumber": "1",
            "Other": "x",
        },
        "MessageAttributes": {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}},
    }
    record = sqs_record(message, "arn:aws:sqs:ap-southeast-3:123456789012:q.fifo", "ap-southeast-3")
    assert record["attributes"] == {
        "ApproximateReceiveCount": "3",
        "MessageGroupId": "g",
        "SequenceNumber": "1",
    }
    assert record["messageAttributes"]["blob"] == {
        "binaryValue": "AAE=",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "Binary",
    }
    assert (record["eventSource"], record["awsRegion"]) == ("aws:sqs", "ap-southeast-3")


def test_stream_record_fixes_what_moto_returns() -> None:
    raw = {
        "eventID": "e",
        "eventName": "INSERT",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2026, 1, 1, tzinfo=UTC),
            "Keys": {"pk": {"S": "31-1"}},
            "NewImage": {"pk": {"S": "31-1"}, "photo": {"B": b"\xff"}},
            "SequenceNumber": "100",
        },
    }
    record = stream_record(raw, "arn:stream", "ap-southeast-3")
    assert record["awsRegion"] == "ap-southeast-3"
    assert record["eventSourceARN"] == "arn:stream"
    assert record["dynamodb"]["ApproximateCreationDateTime"] == 1767225600
    assert record["dynamodb"]["NewImage"]["photo"] == {"B": "/w=="}


def test_scheduled_event_shape() -> None:
    event = scheduled_event(
        "arn:aws:events:ap-southeast-3:123456789012:rule/r", "ap-southeast-3", FRIDAY_EVENING
    )
    assert event["detail-type"] == "Scheduled Event"
    assert (event["source"], event["time"], event["detail"]) == ("aws.events", "2026-11-27T21:13:30Z", {})


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (None, set()),
        ({"statusCode": 200}, set()),
        ({"batchItemFailures": []}, set()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, {"b"}),
        ({"batchItemFailures": [{"itemIdentifier": "zzz"}]}, None),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, None),
        ({"batchItemFailures": [{}]}, None),
    ],
)
def test_partial_batch_response(result: object, expected: set[str] | None) -> None:
    assert failed_item_ids(result, ["a", "b"]) == expected
