"""The IAM policy of a province's stage (``.chalice/policy-<stage>.json``, ``autogen_policy: false``).

Least privilege, generated from the province list so that a new province gets its own
policy (and the provinces it exchanges with may send to its escalation queue) by re-rendering:

* DynamoDB items of both tables and the reports indexes, only where the partition key
  starts with the province code (``31-`` report ids and contacts, ``31#`` index and
  idempotency keys, ``31~`` copies of escalated reports), guarded against requests
  without a key; no Scan, no table-level actions.
* SQS: send to its own queues and to the escalation queue of each province it exchanges
  with (``exchanges_with`` of its data file, among the provinces that have one); receive
  only from its own intake and escalation queues; park malformed messages on the DLQs of
  those two (the handlers do, instead of retrying a message that can never succeed).
* S3 photos: its own ``uploads/<code>/`` and ``evidence/<code>/`` (agency-bound evidence uploads)
  (sign uploads, read, delete) and ``public/<code>/``
  (write cleaned copies); read every ``public/`` copy (escalated reports link the origin's);
  ``ListBucket`` only under its own two prefixes (another province's unpublished upload keys
  stay unlisted); a missing photo elsewhere answers 403, which the data layer reads as not found.
* Logs of the stage's own functions, X-Ray segments.

ARNs carry ``${AWS::Partition}``, ``${AWS::Region}``, ``${AWS::AccountId}`` and the stack
parameter ``${PhotosBucket}``: packaging (``python -m infra.package``) wraps them in ``Fn::Sub``
so the role is pinned to the account, region and bucket it is deployed with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.data.key_prefixes import province_key_prefixes
from infra.naming import (
    APP_NAME,
    PRIVATE_TABLE,
    REPORTS_TABLE,
    agency_queue,
    dead_letter_queue,
    escalation_queue,
    handover_key_parameter,
    intake_queue,
    notify_queue,
    quarantine_queue,
)
from infra.provinces import ProvinceInfra

# IAM's limit for all inline policies of a role together (characters, whitespace excluded).
MAX_INLINE_POLICY_CHARS = 10_240

ITEM_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:ConditionCheckItem",
)
# The private table's items are deleted too: a throttled send gives its claim back, a suppression kept
# under the unkeyed hash is moved (chalicelib/data/notices.py); the reports table's never are.
PRIVATE_ITEM_ACTIONS = (*ITEM_ACTIONS, "dynamodb:DeleteItem")
QUERY_ACTIONS = ("dynamodb:Query",)
SEND_ACTIONS = ("sqs:SendMessage", "sqs:GetQueueUrl")
CONSUME_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)
PHOTO_UPLOAD_ACTIONS = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject")
PHOTO_PUBLISH_ACTIONS = ("s3:PutObject",)
PHOTO_READ_ACTIONS = ("s3:GetObject",)
PHOTO_BUCKET_ACTIONS = ("s3:ListBucket",)
LOG_ACTIONS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")
SIGNING_KEY_ACTIONS = ("ssm:GetParameter",)

# The stage's SES identities, in the region its notification settings name (ADUAN_NOTIFY_REGION).
SES_IDENTITIES = "arn:${AWS::Partition}:ses:*:${AWS::AccountId}:identity/*"
_ARN = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s"


def leading_key_patterns(code: str) -> list[str]:
    """Partition-key prefixes of a province: report ids, index/private keys, escalated copies."""
    return [f"{prefix}*" for prefix in province_key_prefixes(code)]


def leading_keys_condition(code: str) -> dict[str, Any]:
    """Every key the request touches starts with the province code, and there is a key."""
    return {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": leading_key_patterns(code)},
        "Null": {"dynamodb:LeadingKeys": "false"},
    }


def table_arn(table: str) -> str:
    """ARN of a DynamoDB table in the deploying account and region."""
    return _ARN % ("dynamodb", f"table/{table}")


def queue_arn(queue: str) -> str:
    """ARN of an SQS queue in the deploying account and region."""
    return _ARN % ("sqs", queue)


def photos_arn(path: str = "") -> str:
    """ARN of the photos bucket (``path`` empty) or of keys under it."""
    return "arn:${AWS::Partition}:s3:::${PhotosBucket}" + (f"/{path}" if path else "")


def log_group_arns(stage: str) -> list[str]:
    """Log groups (and their streams) of the stage's functions only."""
    base = f"log-group:/aws/lambda/{APP_NAME}-{stage}"
    return [_ARN % ("logs", base), _ARN % ("logs", f"{base}:*"), _ARN % ("logs", f"{base}-*")]


def _statement(sid: str, actions: Sequence[str], resources: list[str], **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources, **extra}


def stage_policy(province: ProvinceInfra, provinces: Sequence[ProvinceInfra]) -> dict[str, Any]:
    """The policy document of ``province``'s stage (named by its slug)."""
    code = province.code
    condition = leading_keys_condition(code)
    consumed = [intake_queue(code), escalation_queue(code), notify_queue(code)]
    own_sends = [*consumed, *(dead_letter_queue(q) for q in consumed)]
    own_sends += [agency_queue(code, agency) for agency in province.work_queue_agencies]
    own_sends.append(quarantine_queue(code))
    partners = set(province.exchanges_with)
    others = sorted(escalation_queue(p.code) for p in provinces if p.code != code and p.code in partners)
    statements = [
        _statement("OwnLogs", LOG_ACTIONS, log_group_arns(province.slug)),
        _statement("Tracing", XRAY_ACTIONS, ["*"]),
        _statement(
            "OwnHandoverSigningKey",
            SIGNING_KEY_ACTIONS,
            [_ARN % ("ssm", f"parameter{handover_key_parameter(code)}")],
        ),
        _statement("ReportsOfOwnProvince", ITEM_ACTIONS, [table_arn(REPORTS_TABLE)], Condition=condition),
        _statement(
            "ReportIndexesOfOwnProvince",
            QUERY_ACTIONS,
            [table_arn(f"{REPORTS_TABLE}/index/*")],
            Condition=condition,
        ),
        _statement(
            "PrivateItemsOfOwnProvince", PRIVATE_ITEM_ACTIONS, [table_arn(PRIVATE_TABLE)], Condition=condition
        ),
        _statement(
            "PrivateIndexesOfOwnProvince",
            QUERY_ACTIONS,
            [table_arn(f"{PRIVATE_TABLE}/index/*")],
            Condition=condition,
        ),
        _statement("SendToOwnQueues", SEND_ACTIONS, [queue_arn(q) for q in own_sends]),
        _statement(
            "ConsumeOwnQueues",
            CONSUME_ACTIONS,
            [queue_arn(q) for q in consumed],
        ),
        _statement("SendNotificationEmail", ["ses:SendRawEmail"], [SES_IDENTITIES]),
        # SMS to a phone number has no resource to name: SNS checks sns:Publish on "*".
        _statement("SendNotificationSms", ["sns:Publish"], ["*"]),
        {
            "Sid": "NoPublishingToTopics",
            "Effect": "Deny",
            "Action": ["sns:Publish"],
            "Resource": ["arn:${AWS::Partition}:sns:*:*:*"],
        },
        _statement(
            "PhotoUploadsOfOwnProvince",
            PHOTO_UPLOAD_ACTIONS,
            [photos_arn(f"uploads/{code}/*"), photos_arn(f"evidence/{code}/*")],
        ),
        _statement("PublishOwnPhotos", PHOTO_PUBLISH_ACTIONS, [photos_arn(f"public/{code}/*")]),
        _statement("ReadPublishedPhotos", PHOTO_READ_ACTIONS, [photos_arn("public/*")]),
        _statement(
            "ListOwnPhotoPrefixes",
            PHOTO_BUCKET_ACTIONS,
            [photos_arn()],
            Condition={
                "StringLike": {"s3:prefix": [f"uploads/{code}/*", f"evidence/{code}/*", f"public/{code}/*"]}
            },
        ),
    ]
    if others:
        statements.append(
            _statement("EscalateToOtherProvinces", SEND_ACTIONS, [queue_arn(q) for q in others])
        )
    return {"Version": "2012-10-17", "Statement": statements}
