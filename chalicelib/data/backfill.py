"""One-off maintenance of stored reports: index keys of reports stored before their index existed."""

from __future__ import annotations

from typing import Any

from chalicelib.data.mapping import public_partition, status_partition
from chalicelib.data.models import ReportModel
from chalicelib.domain.report import Visibility
from chalicelib.domain.status import Status


def backfill_public(dynamodb: Any, table: str, province: str) -> int:
    """Add the ``by-public`` key to the province's own public reports stored without it; how many.

    Reads the province's ``by-status`` partitions (keys only, no Scan) and updates each report that
    is public, not a copy received from another province and has no key yet, on those conditions, so
    it is safe to run while the application writes and to run again.
    """
    names = {
        "#sp": ReportModel.status_pk.attr_name,
        "#vi": ReportModel.visibility.attr_name,
        "#op": ReportModel.origin_province.attr_name,
        "#pb": ReportModel.public_pk.attr_name,
    }
    needed = "#vi = :public AND attribute_not_exists(#op) AND attribute_not_exists(#pb)"
    public = {":public": {"S": Visibility.PUBLIC.value}}
    updated = 0
    for status in Status:
        pages = dynamodb.get_paginator("query").paginate(
            TableName=table,
            IndexName="by-status",
            KeyConditionExpression="#sp = :sp",
            FilterExpression=needed,
            ProjectionExpression="pk",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={":sp": {"S": status_partition(province, status)}, **public},
        )
        for item in (item for page in pages for item in page.get("Items", ())):
            try:
                dynamodb.update_item(
                    TableName=table,
                    Key={"pk": item["pk"]},
                    UpdateExpression="SET #pb = :pb",
                    ConditionExpression=needed,
                    ExpressionAttributeNames={k: v for k, v in names.items() if k != "#sp"},
                    ExpressionAttributeValues={":pb": {"S": public_partition(province)}, **public},
                )
                updated += 1
            except dynamodb.exceptions.ConditionalCheckFailedException:
                continue  # changed meanwhile: saved with its key, or no longer public
    return updated
