"""Lambda-shaped events built from what boto3 returns (SQS messages, stream records, schedules)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

ACCOUNT_ID = "123456789012"
_FIFO_ATTRIBUTES = ("MessageGroupId", "MessageDeduplicationId", "SequenceNumber")


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _message_attribute(attribute: Mapping[str, Any]) -> dict[str, Any]:
    binary = attribute.get("BinaryValue")
    shaped: dict[str, Any] = {
        "stringValue": attribute.get("StringValue"),
        "binaryValue": _b64(binary) if isinstance(binary, bytes) else binary,
        "stringListValues": list(attribute.get("StringListValues", [])),
        "binaryListValues": [_b64(b) for b in attribute.get("BinaryListValues", [])],
        "dataType": attribute.get("DataType", "String"),
    }
    return {k: v for k, v in shaped.items() if v is not None}


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of a Lambda SQS event, from a ``receive_message`` message."""
    received = message.get("Attributes", {})
    attributes = {
        key: received[key]
        for key in (
            "ApproximateReceiveCount",
            "SentTimestamp",
            "SenderId",
            "ApproximateFirstReceiveTimestamp",
            *_FIFO_ATTRIBUTES,
        )
        if key in received
    }
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": attributes,
        "messageAttributes": {
            k: _message_attribute(v) for k, v in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _jsonable(value: Any) -> Any:
    """Bytes as base64 and datetimes as epoch seconds, as Lambda's JSON has them."""
    if isinstance(value, bytes):
        return _b64(value)
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def stream_record(record: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """One record of a Lambda DynamoDB stream event, from a ``get_records`` record."""
    shaped: dict[str, Any] = _jsonable(dict(record))
    shaped["awsRegion"] = region
    shaped["eventSourceARN"] = stream_arn
    shaped.setdefault("eventSource", "aws:dynamodb")
    shaped.setdefault("eventVersion", "1.1")
    return shaped


def scheduled_event(rule_arn: str, region: str, when: datetime | None = None) -> dict[str, Any]:
    """A CloudWatch/EventBridge "Scheduled Event"."""
    moment = (when or datetime.now(UTC)).astimezone(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }
