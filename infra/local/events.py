"""Lambda-shaped events: built from what boto3 returns (SQS messages, stream records), or made up
(schedules, API Gateway requests, SQS batches) for tests and benchmarks that call a handler directly."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping, Sequence
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


def api_proxy_event(
    method: str,
    resource: str,
    path: str,
    *,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    path_parameters: Mapping[str, str] | None = None,
    region: str = "ap-southeast-3",
) -> dict[str, Any]:
    """An API Gateway REST proxy event as Lambda receives it (``body`` is sent as JSON)."""
    all_headers = {
        "Accept": "application/json",
        "Host": f"example.execute-api.{region}.amazonaws.com",
        "User-Agent": "Mozilla/5.0",
        **(headers or {}),
    }
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": dict(path_parameters) if path_parameters is not None else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "accountId": ACCOUNT_ID,
            "apiId": "example",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7", "userAgent": all_headers["User-Agent"]},
            "requestTimeEpoch": int(datetime.now(UTC).timestamp() * 1000),
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def sqs_event(
    queue: str,
    bodies: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    message_attributes: Sequence[Mapping[str, str]] | None = None,
    region: str = "ap-southeast-3",
) -> dict[str, Any]:
    """An SQS event carrying ``bodies`` from ``queue``; with ``groups``, as from a FIFO queue;
    ``message_attributes``: each body's string message attributes (a hand-over's signature)."""
    now = str(int(datetime.now(UTC).timestamp() * 1000))
    records = []
    for index, body in enumerate(bodies):
        attributes = {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": now,
            "SenderId": ACCOUNT_ID,
            "ApproximateFirstReceiveTimestamp": now,
        }
        if groups is not None:
            attributes |= {
                "MessageGroupId": groups[index],
                "MessageDeduplicationId": uuid.uuid4().hex,
                "SequenceNumber": str(10**19 + index),
            }
        records.append(
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": uuid.uuid4().hex,
                "body": body,
                "attributes": attributes,
                "messageAttributes": {
                    name: {"stringValue": value, "dataType": "String"}
                    for name, value in (message_attributes[index] if message_attributes else {}).items()
                },
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{queue}",
                "awsRegion": region,
            }
        )
    return {"Records": records}
