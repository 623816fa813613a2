"""Per agency with a work queue: a managed policy to attach to that agency's pollers (users or roles)."""

from __future__ import annotations

from typing import Any

from infra.cfn import get_att, output

# What a poller needs on its own queue, and nothing else.
POLL_ACTIONS = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
)


def poll_policy(queue_logical: str, queue_name: str, agency: str) -> dict[str, Any]:
    """An ``AWS::IAM::ManagedPolicy`` allowing to poll ``queue_name`` only."""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PollOwnWorkQueue",
                "Effect": "Allow",
                "Action": list(POLL_ACTIONS),
                "Resource": get_att(queue_logical, "Arn"),
            }
        ],
    }
    return {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "ManagedPolicyName": f"{queue_name}-poller",
            "Description": f"Poll the work queue {queue_name} of agency {agency} (and no other queue).",
            "PolicyDocument": document,
        },
    }


def poll_policy_output(logical: str, queue_name: str) -> dict[str, Any]:
    """The policy's ARN (``Ref`` of a managed policy), to attach to the agency's identities."""
    return output({"Ref": logical}, f"Managed policy to attach to the pollers of {queue_name}")
