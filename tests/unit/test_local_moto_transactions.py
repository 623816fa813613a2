"""The local moto's transactions: the same outcome as moto's own, copying only the items they name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.moto_server import serialise_dynamodb


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    serialise_dynamodb()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        for name in ("one", "two"):
            client.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        yield client


def _put(table: str, pk: str, value: str, *, new: bool = False) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": table, "Item": {"pk": {"S": pk}, "v": {"S": value}}}
    if new:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    return {"Put": put}


def _value(client: Any, table: str, pk: str) -> str | None:
    item = client.get_item(TableName=table, Key={"pk": {"S": pk}}).get("Item")
    return item["v"]["S"] if item else None


def test_a_transaction_applies_every_write(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=[_put("one", "a", "1", new=True), _put("two", "b", "2")])
    assert (_value(dynamodb, "one", "a"), _value(dynamodb, "two", "b")) == ("1", "2")


def test_a_failed_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    dynamodb.put_item(TableName="one", Item={"pk": {"S": "a"}, "v": {"S": "old"}})
    dynamodb.put_item(TableName="two", Item={"pk": {"S": "taken"}, "v": {"S": "x"}})
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                _put("one", "a", "new"),
                _put("one", "fresh", "new"),
                _put("two", "taken", "new", new=True),
            ]
        )
    assert _value(dynamodb, "one", "a") == "old"
    assert _value(dynamodb, "one", "fresh") is None
    assert _value(dynamodb, "two", "taken") == "x"
