"""A flood morning: DynamoDB cancels the submit's transaction because a table or an index is throttled
(or another transaction holds the item). That is a 503 with Retry-After the client retries with the same
Idempotency-Key, never a 500; the retry stores the report once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from chalicelib.data.models import ReportModel
from chalicelib.vendor_internals import table_connection
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

# A report with a contact: stored with its contact in one TransactWriteItems
BODY = {
    "category": "trotoar",
    "description": "Banjir setinggi lutut, trotoar ambles di depan halte.",
    "location": {"lat": -6.2, "lon": 106.8, "area_code": "31.74.01"},
    "reporter": {"notify": ["email"], "email": "warga@example.id", "language": "id"},
}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


def _cancelled(reason: str, times: int) -> Any:
    """A before-send hook: the first ``times`` TransactWriteItems are cancelled with ``reason`` on the
    report's item, as DynamoDB answers a throttled (or conflicting) transaction (HTTP 400)."""
    left = [times]

    def hook(request: Any, **_: Any) -> AWSResponse | None:
        if left[0] <= 0 or request.headers.get("X-Amz-Target", b"") not in (
            b"DynamoDB_20120810.TransactWriteItems",
            "DynamoDB_20120810.TransactWriteItems",
        ):
            return None
        left[0] -= 1
        body = {
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message": f"Transaction cancelled [{reason}, None]",
            "CancellationReasons": [{"Code": reason, "Message": "busy"}, {"Code": "None"}],
        }
        headers = {"x-amzn-RequestId": "injected", "Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 400, headers, _Raw(json.dumps(body).encode()))

    return hook


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(("jakarta",)) as w:
        w["jakarta"].get("/health")
        yield w


@pytest.mark.parametrize(
    "reason", ["ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"]
)
def test_a_cancelled_submit_transaction_is_a_503_and_the_retry_stores_the_report_once(
    provinces: World, reason: str
) -> None:
    jakarta = provinces["jakarta"]
    events = table_connection(ReportModel).connection.client.meta.events
    # Given DynamoDB cancels the submit's transaction more often than botocore retries it
    events.register("before-send.dynamodb", _cancelled(reason, times=10), unique_id="flood-cancel")
    key = {"Idempotency-Key": f"flood-{reason}"}
    try:
        refused = jakarta.post("/reports", BODY, key)
    finally:
        events.unregister("before-send.dynamodb", unique_id="flood-cancel")
    # Then the citizen's phone is told to wait and send again, in the API's error envelope
    assert refused.status_code == 503, refused.body
    assert int(refused.headers["Retry-After"]) > 0
    assert json.loads(refused.body)["error"]["code"] == "temporarily_unavailable"
    # And the same report sent again is stored, once
    first = jakarta.post("/reports", BODY, key)
    again = jakarta.post("/reports", BODY, key)
    assert (first.status_code, again.status_code) == (201, 201), (first.body, again.body)
    assert json.loads(first.body)["id"] == json.loads(again.body)["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
