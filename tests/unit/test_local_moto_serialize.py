"""The local moto's DynamoDB answers are the very JSON moto's own serializer writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.serialize import BaseJSONSerializer

from infra.local.moto_serialize import speed_up_attribute_values

ITEM = {
    "pk": {"S": "31#R1"},
    "n": {"N": "12.5"},
    "empty": {"S": ""},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "tags": {"SS": ["a", "b"]},
    "nums": {"NS": ["1", "2"]},
    "blob": {"B": b"\x00\x01photo"},
    "timeline": {
        "L": [
            {"M": {"action": {"S": "submit"}, "at": {"S": "2026-12-06T05:00:00Z"}, "n": {"N": "1"}}},
            {"M": {"action": {"S": "route"}, "agency": {"NULL": True}, "blobs": {"BS": [b"x", b"y"]}}},
            {"L": [{"S": "nested"}, {"BOOL": True}, {"M": {}}]},
            {"S": "plain"},
        ]
    },
    "map": {"M": {"deep": {"M": {"deeper": {"L": []}}}}},
}


def _answers() -> dict[str, Any]:
    """Raw JSON bodies of GetItem, Query and Scan for ITEM (as the SDK receives them)."""
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    client.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.put_item(TableName="t", Item=ITEM)
    bodies: dict[str, Any] = {}

    def keep(http_response: Any, **kwargs: Any) -> None:
        bodies[kwargs["model"].name] = json.loads(http_response.content)

    client.meta.events.register("after-call.dynamodb", keep)
    client.get_item(TableName="t", Key={"pk": ITEM["pk"]})
    client.query(
        TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": ITEM["pk"]}
    )
    client.scan(TableName="t")
    client.update_item(
        TableName="t",
        Key={"pk": ITEM["pk"]},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "13"}},
        ReturnValues="ALL_NEW",
    )
    return bodies


@pytest.fixture
def moto_own(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """moto's own answers, then the fast copy installed (both undone after the test)."""
    current = BaseJSONSerializer._serialize_type_structure
    own = getattr(current, "moto_own", current)
    monkeypatch.setattr(BaseJSONSerializer, "_serialize_type_structure", own)
    with mock_aws():
        answers = _answers()
    speed_up_attribute_values()
    assert getattr(BaseJSONSerializer._serialize_type_structure, "aduan_fast", False)
    yield answers


def test_every_answer_is_the_same_json_as_motos_own(moto_own: dict[str, Any]) -> None:
    with mock_aws():
        fast = _answers()
    assert set(fast) == {"GetItem", "Query", "Scan", "UpdateItem"}
    for operation, body in moto_own.items():
        body.pop("ResponseMetadata", None)
        fast[operation].pop("ResponseMetadata", None)
        assert fast[operation] == body, operation
    assert fast["GetItem"]["Item"]["timeline"]["L"][0]["M"]["n"] == {"N": "1"}
    assert fast["GetItem"]["Item"]["blob"] == moto_own["GetItem"]["Item"]["blob"]
