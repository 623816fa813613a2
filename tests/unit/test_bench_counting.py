"""The benchmark's call counter (bench/counting.py): hooks on a botocore client, units per call."""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.stub import Stubber

from bench.coldchild import without_conditions
from bench.counting import CallCounter, Totals, sqs_requests

REPORT = {
    "pk": {"S": "31-261128-K3M9"},
    "d": {"S": "x" * 600},
    "sp": {"S": "31#MENUNGGU"},
    "ct": {"S": "2026-11-28T00:00:00.000Z"},
}


def _client(service: str) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        service, region_name="ap-southeast-3", aws_access_key_id="x", aws_secret_access_key="x"
    )


def test_hooks_count_calls_and_ask_for_consumed_capacity() -> None:
    client = _client("dynamodb")
    counter = CallCounter().attach([client, client])  # attached once per client
    seen: dict[str, Any] = {}
    client.meta.events.register("before-parameter-build.dynamodb", lambda params, **_: seen.update(params))
    with Stubber(client) as stub:
        stub.add_response("get_item", {"Item": REPORT})
        stub.add_response("put_item", {})
        client.get_item(TableName="aduan-reports", Key={"pk": REPORT["pk"]}, ConsistentRead=True)
        client.put_item(TableName="aduan-reports", Item={**REPORT, "d": {"S": "y" * 1200}})
    counter.detach()
    assert seen["ReturnConsumedCapacity"] == "TOTAL"
    totals = counter.totals()
    assert totals.operations == {"dynamodb:GetItem": 1, "dynamodb:PutItem": 1}
    assert (totals.read_requests, totals.read_units) == (1, 1.0)
    assert (totals.write_requests, totals.write_units) == (1, 2)  # the new image is over 1 KB
    assert totals.index_write_units == 2  # same status key: the index entry is updated in place (2 KB)


def test_put_is_charged_on_the_larger_of_the_old_and_new_item() -> None:
    counter = CallCounter()
    big = {**REPORT, "d": {"S": "x" * 1500}}
    counter.record("dynamodb", "PutItem", {"TableName": "aduan-reports", "Item": big}, {})
    call = counter.record("dynamodb", "PutItem", {"TableName": "aduan-reports", "Item": REPORT}, {})
    assert call.write_units == 2


def test_transaction_items_cost_twice_and_failed_calls_still_count() -> None:
    counter = CallCounter()
    params = {
        "TransactItems": [
            {"Put": {"TableName": "aduan-reports", "Item": REPORT}},
            {"Put": {"TableName": "aduan-private", "Item": {"pk": {"S": "31#idem#abc"}}}},
        ]
    }
    call = counter.record("dynamodb", "TransactWriteItems", params, {})
    assert call.write_units == 4
    failed = counter.record(
        "dynamodb",
        "PutItem",
        {"TableName": "aduan-reports", "Item": REPORT},
        {"Error": {"Code": "ConditionalCheckFailedException"}},
    )
    assert failed.error == "ConditionalCheckFailedException" and failed.write_units == 1
    assert Totals.of(counter.calls).errors == 1


def test_query_is_charged_on_the_total_size_read_and_scans_are_counted() -> None:
    counter = CallCounter()
    items = [{**REPORT, "pk": {"S": f"k{i}"}} for i in range(20)]  # about 20 x 700 bytes
    call = counter.record(
        "dynamodb", "Query", {"TableName": "aduan-reports", "IndexName": "by-agency"}, {"Items": items}
    )
    assert call.read_units == 2.0  # ~14 KB eventually consistent: 4 units of 4 KB, halved
    counter.record("dynamodb", "Scan", {"TableName": "aduan-reports"}, {"Items": []})
    assert counter.totals().scans == 1


def test_sqs_requests_are_per_64_kb_chunk_and_fifo_is_flagged() -> None:
    assert sqs_requests("SendMessage", {"MessageBody": "x" * 100}) == 1
    assert sqs_requests("SendMessage", {"MessageBody": "x" * (64 * 1024 + 1)}) == 2
    assert sqs_requests("ReceiveMessage", {}) == 1
    counter = CallCounter()
    call = counter.record(
        "sqs", "SendMessage", {"QueueUrl": "http://q/aduan-36-escalation.fifo", "MessageBody": "{}"}, {}
    )
    assert call.fifo and counter.totals().messages_sent == 1 and counter.totals().sqs_fifo_requests == 1


def test_cold_start_floor_replays_writes_without_their_conditions() -> None:
    put = {
        "TableName": "t",
        "Item": REPORT,
        "ConditionExpression": "attribute_not_exists(#0)",
        "ExpressionAttributeNames": {"#0": "pk"},
    }
    assert without_conditions("PutItem", put) == {"TableName": "t", "Item": REPORT}
    tx = {"TransactItems": [{"Put": put}, {"ConditionCheck": {"TableName": "t", "Key": {}}}]}
    assert without_conditions("TransactWriteItems", tx) == {
        "TransactItems": [{"Put": {"TableName": "t", "Item": REPORT}}]
    }
    assert without_conditions("GetItem", {"Key": {}}) == {"Key": {}}


def test_recorded_binary_parameters_replay_as_the_same_bytes() -> None:
    import json

    from bench.coldchild import _decode, _encode

    params = {"Item": {"pk": {"S": "31-261128-K3M9"}, "tl": {"B": b"\x01\x8b\x00binary"}}}
    replayed = json.loads(json.dumps(params, default=_encode), object_hook=_decode)
    assert replayed == params
