"""The local moto's DynamoDB Query gives moto's own answers without sorting the whole table, and finds
a request's service without listing moto's package directory."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import backends, mock_aws
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from infra.local.moto_query import speed_up_queries

TABLE = "t"


def _table(client: Any, items: int, seed: int = 3) -> None:
    """A table keyed (pk, sk), with a hash-only index and an index whose keys many items share."""
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (("pk", "S"), ("sk", "N"), ("g", "S"), ("gs", "S"))
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "gs", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by-g-only",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    rng = random.Random(seed)
    rows = [(f"p{n % 7}", n) for n in range(items)]
    rng.shuffle(rows)  # stored in no key order
    requests = []
    for pk, sk in rows:
        item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "v": {"S": f"v{sk}"}}
        if sk % 3:  # a sparse index: a third of the items are in neither
            item |= {"g": {"S": f"g{sk % 2}"}, "gs": {"S": f"s{sk % 4}"}}  # ties on the index's keys
        requests.append({"PutRequest": {"Item": item}})
    for start in range(0, len(requests), 25):
        client.batch_write_item(RequestItems={TABLE: requests[start : start + 25]})


QUERIES: list[dict[str, Any]] = [
    {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p3"}}},
    {
        "KeyConditionExpression": "pk = :p AND sk > :s",
        "ExpressionAttributeValues": {":p": {"S": "p1"}, ":s": {"N": "20"}},
        "ScanIndexForward": False,
    },
    {
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "g1"}},
    },
    {
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g AND gs = :s",
        "ExpressionAttributeValues": {":g": {"S": "g0"}, ":s": {"S": "s2"}},
        "ScanIndexForward": False,
    },
    {
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g AND begins_with(gs, :s)",
        "FilterExpression": "sk > :n",
        "ExpressionAttributeValues": {":g": {"S": "g1"}, ":s": {"S": "s"}, ":n": {"N": "30"}},
    },
    {
        "IndexName": "by-g-only",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "g0"}},
    },
]


def _answers(items: int = 60) -> list[Any]:
    """Every query's pages (Limit 4, following LastEvaluatedKey) and a Scan, as the SDK receives them."""
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    _table(client, items)
    answers: list[Any] = []
    for query in QUERIES:
        start: dict[str, Any] = {}
        while True:
            page = client.query(TableName=TABLE, Limit=4, **query, **start)
            page.pop("ResponseMetadata")
            answers.append(page)
            if "LastEvaluatedKey" not in page:
                break
            start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    answers.append({k: v for k, v in client.scan(TableName=TABLE).items() if k != "ResponseMetadata"})
    return json.loads(json.dumps(answers))


@pytest.fixture
def moto_own(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """moto's own answers, then the fast Query installed (both undone after the test)."""
    for owner, name in ((Table, "query"), (Table, "all_items"), (backends, "list_of_moto_modules")):
        current = getattr(owner, name)
        monkeypatch.setattr(owner, name, getattr(current, "moto_own", current))
    with mock_aws():
        answers = _answers()
    speed_up_queries()
    assert getattr(Table.query, "aduan_fast", False)
    yield answers


def test_queries_and_scans_answer_as_moto_s_own(moto_own: list[Any]) -> None:
    with mock_aws():
        fast = _answers()
    assert fast == moto_own
    assert sum(len(page.get("Items", [])) for page in fast) > 60  # the queries do find items


def test_a_query_compares_the_keys_of_its_own_items_not_the_whole_table(
    moto_own: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        _table(client, 2_000)
        comparisons = []
        own_lt = DynamoType.__lt__

        def counted(self: DynamoType, other: DynamoType) -> bool:
            comparisons.append(1)
            return own_lt(self, other)

        monkeypatch.setattr(DynamoType, "__lt__", counted)
        found = client.query(
            TableName=TABLE,
            IndexName="by-g",
            KeyConditionExpression="g = :g AND gs = :s",
            ExpressionAttributeValues={":g": {"S": "g1"}, ":s": {"S": "s1"}},
        )["Items"]
        # moto's own sorts all 2,000 items first: about 20,000 comparisons
        assert len(found) == 334 and len(comparisons) < 20 * len(found), len(comparisons)
        comparisons.clear()
        assert len(client.scan(TableName=TABLE)["Items"]) == 2_000
        assert len(comparisons) > 10_000  # a Scan's items still come sorted by key


def test_moto_s_modules_are_listed_once_not_per_request(
    moto_own: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = []
    own_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(path) or own_listdir(path))
    names = list(backends.list_of_moto_modules())
    assert "dynamodb" in names and "sqs" in names
    assert names == list(backends.list_of_moto_modules.moto_own())  # type: ignore[attr-defined]
    listed.clear()
    assert "dynamodb" in backends.list_of_moto_modules()
    assert listed == []
