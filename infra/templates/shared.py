"""The shared stack: the reports table and the private (contact data, idempotency) table."""

from __future__ import annotations

from typing import Any

from infra.cfn import Template, get_att, output, ref

REPORTS_TABLE_DEFAULT = "aduan-reports"
PRIVATE_TABLE_DEFAULT = "aduan-private"
PRIVATE_TTL_ATTRIBUTE = "expires_at"

# GSI name -> (hash key, range key); all string keys, projection ALL.
REPORTS_INDEXES: dict[str, tuple[str, str]] = {
    "by-agency": ("agency_pk", "agency_sk"),
    "by-status": ("status_pk", "created_at"),
    "by-due": ("due_pk", "due_at"),
}


def _string_attributes(names: list[str]) -> list[dict[str, str]]:
    return [{"AttributeName": n, "AttributeType": "S"} for n in sorted(set(names))]


def _table_common() -> dict[str, Any]:
    return {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "Tags": [{"Key": "aduan:component", "Value": "shared"}],
    }


def _reports_table() -> dict[str, Any]:
    indexes = [
        {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": hash_key, "KeyType": "HASH"},
                {"AttributeName": range_key, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for name, (hash_key, range_key) in REPORTS_INDEXES.items()
    ]
    keys = ["pk"] + [k for pair in REPORTS_INDEXES.values() for k in pair]
    properties = {
        **_table_common(),
        "TableName": ref("ReportsTableName"),
        "AttributeDefinitions": _string_attributes(keys),
        "GlobalSecondaryIndexes": indexes,
        "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
    }
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def _private_table() -> dict[str, Any]:
    properties = {
        **_table_common(),
        "TableName": ref("PrivateTableName"),
        "AttributeDefinitions": _string_attributes(["pk"]),
        "TimeToLiveSpecification": {"AttributeName": PRIVATE_TTL_ATTRIBUTE, "Enabled": True},
    }
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def shared_template() -> Template:
    """The shared stack's template."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Aduan shared tables: reports (with stream and GSIs) and private reporter data.",
        "Parameters": {
            "ReportsTableName": {
                "Type": "String",
                "Default": REPORTS_TABLE_DEFAULT,
                "Description": "Name of the reports table (ADUAN_REPORTS_TABLE).",
            },
            "PrivateTableName": {
                "Type": "String",
                "Default": PRIVATE_TABLE_DEFAULT,
                "Description": "Name of the private table (ADUAN_PRIVATE_TABLE).",
            },
        },
        "Resources": {"ReportsTable": _reports_table(), "PrivateTable": _private_table()},
        "Outputs": {
            "ReportsTableName": output(ref("ReportsTable"), "Reports table name"),
            "ReportsTableArn": output(get_att("ReportsTable", "Arn"), "Reports table ARN"),
            "ReportsTableStreamArn": output(get_att("ReportsTable", "StreamArn"), "Reports table stream ARN"),
            "PrivateTableName": output(ref("PrivateTable"), "Private table name"),
            "PrivateTableArn": output(get_att("PrivateTable", "Arn"), "Private table ARN"),
        },
    }
