"""The shared stack: the reports table, the private (contact data, idempotency) table, the photos bucket."""

from __future__ import annotations

from typing import Any

from infra.cfn import Template, get_att, output, ref

REPORTS_TABLE_DEFAULT = "aduan-reports"
PHOTOS_BUCKET_DEFAULT = "aduan-photos"  # local stack; in AWS pass a globally unique name
UPLOADS_EXPIRE_DAYS = 1
PRIVATE_TABLE_DEFAULT = "aduan-private"
PRIVATE_TTL_ATTRIBUTE = "expires_at"

# GSI name -> (hash key, range key); string keys but ``NUMBER_KEYS``, projection ALL. Stored names
# are short (agency, status, due and public partitions and sort keys; created time): every item
# carries them. ``by-due``, ``by-public`` and ``by-geo`` are sparse: only open timers, a province's
# own public reports, and open reports (``<prov>#g#<geohash5>`` / ``<geohash9>#<created>``).
# ``by-support`` ranks an agency's reports by their support count (``su``, kept by DynamoDB's ADD).
REPORTS_INDEXES: dict[str, tuple[str, str]] = {
    "by-agency": ("gp", "gs"),
    "by-support": ("gp", "su"),
    "by-status": ("sp", "ct"),
    "by-due": ("dp", "du"),
    "by-public": ("pb", "ct"),
    "by-geo": ("gh", "gk"),
    "by-doubt": ("dq", "ra"),  # sparse: resolved reports whose evidence photo is not verified
}

# Private-table indexes: ``by-band`` (sparse) finds earlier photos sharing one band of a photo's
# fingerprint, ``<prov>#fp#<band>`` / ``<photo id>#<role>`` (issue #16: reuse of an old photo).
PRIVATE_INDEXES: dict[str, tuple[str, str]] = {
    "by-band": ("fb", "fk"),
}


NUMBER_KEYS = frozenset({"su"})


def _key_attributes(names: list[str]) -> list[dict[str, str]]:
    return [
        {"AttributeName": name, "AttributeType": "N" if name in NUMBER_KEYS else "S"}
        for name in sorted(set(names))
    ]


def _table_common() -> dict[str, Any]:
    return {
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "Tags": [{"Key": "aduan:component", "Value": "shared"}],
    }


def _indexes(keys: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "IndexName": name,
            "KeySchema": [
                {"AttributeName": hash_key, "KeyType": "HASH"},
                {"AttributeName": range_key, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
        for name, (hash_key, range_key) in keys.items()
    ]


def _reports_table() -> dict[str, Any]:
    indexes = _indexes(REPORTS_INDEXES)
    keys = ["pk"] + [k for pair in REPORTS_INDEXES.values() for k in pair]
    properties = {
        **_table_common(),
        "TableName": ref("ReportsTableName"),
        "AttributeDefinitions": _key_attributes(keys),
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
        "AttributeDefinitions": _key_attributes(["pk"] + [k for p in PRIVATE_INDEXES.values() for k in p]),
        "GlobalSecondaryIndexes": _indexes(PRIVATE_INDEXES),
        "TimeToLiveSpecification": {"AttributeName": PRIVATE_TTL_ATTRIBUTE, "Enabled": True},
    }
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def _photos_bucket() -> dict[str, Any]:
    """Private, encrypted; uploads/ expire (cleaned copies live under public/); browser POST uploads.

    No bucket policy: moto's CloudFormation cannot create one (the local stack deploys this
    template), and every URL the API hands out is HTTPS.
    """
    properties = {
        "BucketName": ref("PhotosBucketName"),
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "LifecycleConfiguration": {
            "Rules": [
                {
                    "Id": "expire-unclaimed-uploads",
                    "Status": "Enabled",
                    "Prefix": "uploads/",
                    "ExpirationInDays": UPLOADS_EXPIRE_DAYS,
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                },
                {
                    "Id": "expire-unclaimed-evidence",
                    "Status": "Enabled",
                    "Prefix": "evidence/",
                    "ExpirationInDays": UPLOADS_EXPIRE_DAYS,
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                },
            ]
        },
        "CorsConfiguration": {
            "CorsRules": [
                {
                    "AllowedMethods": ["POST"],
                    "AllowedOrigins": ref("PhotoUploadOrigins"),
                    "AllowedHeaders": ["*"],
                    "MaxAge": 600,
                }
            ]
        },
        "Tags": [{"Key": "aduan:component", "Value": "shared"}],
    }
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def shared_template() -> Template:
    """The shared stack's template."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Aduan shared tables (reports, private reporter data) and the photos bucket.",
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
            "PhotosBucketName": {
                "Type": "String",
                "Default": PHOTOS_BUCKET_DEFAULT,
                "Description": "Photos bucket (ADUAN_PHOTOS_BUCKET), globally unique: aduan-photos-<account>",
            },
            "PhotoUploadOrigins": {
                "Type": "CommaDelimitedList",
                "Default": "*",
                "Description": "Web origins allowed to POST photo uploads (CORS), e.g. https://aduan.bantenprov.go.id",
            },
        },
        "Resources": {
            "ReportsTable": _reports_table(),
            "PrivateTable": _private_table(),
            "PhotosBucket": _photos_bucket(),
        },
        "Outputs": {
            "ReportsTableName": output(ref("ReportsTable"), "Reports table name"),
            "ReportsTableArn": output(get_att("ReportsTable", "Arn"), "Reports table ARN"),
            "ReportsTableStreamArn": output(get_att("ReportsTable", "StreamArn"), "Reports table stream ARN"),
            "PrivateTableName": output(ref("PrivateTable"), "Private table name"),
            "PrivateTableArn": output(get_att("PrivateTable", "Arn"), "Private table ARN"),
            "PhotosBucketName": output(ref("PhotosBucket"), "Photos bucket name"),
        },
    }
