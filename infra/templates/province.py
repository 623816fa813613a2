"""A province's stack: intake, escalation (FIFO), notify and agency work queues, each with a DLQ and an
alarm; the quarantine queue of refused hand-overs (an alarm, no DLQ); the SES feedback topic that
delivers to the notify queue, and the queue policies (who may send to the escalation and notify queues).

Also the alarms on overdue reports and on the stage's Lambda errors, and per agency with a
work queue a managed policy its pollers get (receive/delete on that queue only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.texts import both
from infra.cfn import Template, camel, get_att, output, ref, sub
from infra.naming import function_roles_arn_pattern, quarantine_queue, ses_feedback_topic
from infra.provinces import ProvinceInfra
from infra.templates.agency_access import poll_policy, poll_policy_output
from infra.templates.alarms import (
    ALARM_TOPIC_CONDITION,
    alarm_actions,
    error_alarms,
    overdue_alarm,
    sweep_behind_alarm,
    undelivered_alarm,
)

DEFAULT_VISIBILITY_TIMEOUT = 120  # at least 6x the Lambda timeout (20 s), as AWS advises for SQS sources
DEFAULT_MAX_RECEIVE_COUNT = 5
MESSAGE_RETENTION_SECONDS = 4 * 24 * 3600
DLQ_RETENTION_SECONDS = 14 * 24 * 3600
DEFAULT_OVERDUE_THRESHOLD = 1


@dataclass(frozen=True)
class QueueSpec:
    """One work queue and its dead-letter queue."""

    logical: str  # logical id prefix, e.g. "Intake"
    name: str  # queue name without the ".fifo" suffix
    fifo: bool
    purpose: str
    agency: str | None = None  # the agency polling this queue, for agency work queues

    @property
    def queue_name(self) -> str:
        """The work queue's name."""
        return self.name + (".fifo" if self.fifo else "")

    @property
    def dlq_name(self) -> str:
        """The dead-letter queue's name (FIFO for a FIFO queue)."""
        return self.name + "-dlq" + (".fifo" if self.fifo else "")


def queue_specs(province: ProvinceInfra) -> list[QueueSpec]:
    """Every queue pair of a province, in a stable order."""
    prefix = f"aduan-{province.code}"
    specs = [
        QueueSpec("Intake", f"{prefix}-intake", False, "new reports to route"),
        QueueSpec("Escalation", f"{prefix}-escalation", True, "ordered report transitions and escalations"),
        QueueSpec("Notify", f"{prefix}-notify", False, "notifications to citizens, and SES feedback"),
    ]
    specs += [
        QueueSpec(
            f"Agency{camel(agency)}", f"{prefix}-agency-{agency}", False, f"work for agency {agency}", agency
        )
        for agency in province.work_queue_agencies
    ]
    logicals = [s.logical for s in specs]
    if len(set(logicals)) != len(logicals):
        raise ValueError(
            both(
                f"provinsi {province.code}: id instansi bertabrakan sebagai id logis: {logicals}",
                f"province {province.code}: agency ids collide as logical ids: {logicals}",
            )
        )
    return specs


def _queue_properties(name: str, fifo: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"QueueName": name, "SqsManagedSseEnabled": True}
    if fifo:
        properties |= {"FifoQueue": True, "ContentBasedDeduplication": False}
    return properties


def not_empty_alarm(queue_logical: str, name: str, description: str) -> dict[str, Any]:
    """An alarm's properties: as soon as the queue holds a message (a dead letter, a refused hand-over)."""
    return {
        "AlarmName": name,
        "AlarmDescription": description,
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": get_att(queue_logical, "QueueName")}],
        "Statistic": "Maximum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": alarm_actions(),
    }


def _resources(spec: QueueSpec, province: ProvinceInfra) -> dict[str, Any]:
    tags = [
        {"Key": "aduan:province", "Value": province.code},
        {"Key": "aduan:queue", "Value": spec.name},
    ]
    dlq = f"{spec.logical}Dlq"
    queue = {
        **_queue_properties(spec.queue_name, spec.fifo),
        "MessageRetentionPeriod": MESSAGE_RETENTION_SECONDS,
        "VisibilityTimeout": ref("VisibilityTimeoutSeconds"),
        "RedrivePolicy": {
            "deadLetterTargetArn": get_att(dlq, "Arn"),
            "maxReceiveCount": ref("MaxReceiveCount"),
        },
        "Tags": tags,
    }
    dead = {
        **_queue_properties(spec.dlq_name, spec.fifo),
        "MessageRetentionPeriod": DLQ_RETENTION_SECONDS,
        "Tags": tags,
    }
    alarm = not_empty_alarm(
        dlq,
        f"{spec.dlq_name}-not-empty",
        f"Messages in the dead-letter queue of {spec.queue_name} ({spec.purpose}).",
    )
    return {
        f"{spec.logical}Queue": {"Type": "AWS::SQS::Queue", "Properties": queue},
        dlq: {"Type": "AWS::SQS::Queue", "Properties": dead},
        f"{dlq}Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": alarm},
    }


def _outputs(spec: QueueSpec) -> dict[str, Any]:
    outputs: dict[str, Any] = {}
    for suffix, name in (("Queue", spec.queue_name), ("Dlq", spec.dlq_name)):
        logical = f"{spec.logical}{suffix}"
        outputs[f"{logical}Url"] = output(ref(logical), f"URL of {name}")
        outputs[f"{logical}Arn"] = output(get_att(logical, "Arn"), f"ARN of {name}")
    return outputs


def _parameters() -> dict[str, Any]:
    return {
        "VisibilityTimeoutSeconds": {
            "Type": "Number",
            "Default": DEFAULT_VISIBILITY_TIMEOUT,
            "MinValue": 0,
            "MaxValue": 43200,
            "Description": "Visibility timeout of the work queues (>= 6x the Lambda timeout; small locally).",
        },
        "MaxReceiveCount": {
            "Type": "Number",
            "Default": DEFAULT_MAX_RECEIVE_COUNT,
            "MinValue": 1,
            "MaxValue": 1000,
            "Description": "Receives before a message moves to its dead-letter queue.",
        },
        "AlarmTopicArn": {
            "Type": "String",
            "Default": "",
            "Description": "SNS topic notified by every alarm of the province (empty: no action).",
        },
        "OverdueAlarmThreshold": {
            "Type": "Number",
            "Default": DEFAULT_OVERDUE_THRESHOLD,
            "MinValue": 1,
            "Description": "Reports newly overdue within an hour that raise the overdue alarm.",
        },
    }


def exchange_partners(province: ProvinceInfra, provinces: Sequence[ProvinceInfra]) -> list[str]:
    """The codes of the provinces ``province`` exchanges hand-overs with (and that have a data file)."""
    partners = set(province.exchanges_with)
    return sorted(p.code for p in provinces if p.code != province.code and p.code in partners)


def escalation_queue_policy(province: ProvinceInfra, provinces: Sequence[ProvinceInfra]) -> dict[str, Any]:
    """Only the functions of the provinces it exchanges with (and its own) may send to its escalation queue.

    A Deny for every other principal: in one account an identity policy's Allow would otherwise
    suffice. Operators redriving the dead-letter queue use a role named ``aduan-operator*``.
    """
    partners = [province.code, *exchange_partners(province, provinces)]
    admitted = [function_roles_arn_pattern(code) for code in partners]
    admitted.append("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aduan-operator*")
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [ref("EscalationQueue")],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "OnlyExchangingProvincesSend",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sqs:SendMessage",
                        "Resource": get_att("EscalationQueue", "Arn"),
                        "Condition": {"ArnNotLike": {"aws:PrincipalArn": [sub(a) for a in admitted]}},
                    }
                ],
            },
        },
    }


def quarantine_resources(province: ProvinceInfra) -> dict[str, Any]:
    """The queue of refused hand-overs, and an alarm as soon as it holds one."""
    name = quarantine_queue(province.code)
    alarm = not_empty_alarm(
        "QuarantineQueue",
        f"{name}-not-empty",
        f"Province {province.code} refused a hand-over message (forged, altered or out of place): "
        "see the quarantine queue and the escalations function's log.",
    )
    queue = {**_queue_properties(name, False), "MessageRetentionPeriod": DLQ_RETENTION_SECONDS}
    return {
        "QuarantineQueue": {"Type": "AWS::SQS::Queue", "Properties": queue},
        "QuarantineQueueAlarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": alarm},
    }


def ses_feedback_resources(province: ProvinceInfra) -> dict[str, Any]:
    """The topic SES publishes bounces and complaints to, delivered to the notify queue (which
    suppresses the address): the stage's SES identity names this topic for its feedback."""
    statement = {
        "Sid": "SesFeedbackTopicSends",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": get_att("NotifyQueue", "Arn"),
        "Condition": {"ArnEquals": {"aws:SourceArn": ref("SesFeedbackTopic")}},
    }
    return {
        "SesFeedbackTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": ses_feedback_topic(province.code),
                "Subscription": [{"Protocol": "sqs", "Endpoint": get_att("NotifyQueue", "Arn")}],
            },
        },
        "NotifyQueuePolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [ref("NotifyQueue")],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            },
        },
    }


def province_template(province: ProvinceInfra, provinces: Sequence[ProvinceInfra] = ()) -> Template:
    """The stack template of one province (``provinces``: every province, for its queue policy)."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for spec in queue_specs(province):
        resources |= _resources(spec, province)
        outputs |= _outputs(spec)
        if spec.agency is not None:
            policy = f"{spec.logical}PollPolicy"
            resources[policy] = poll_policy(f"{spec.logical}Queue", spec.queue_name, spec.agency)
            outputs[f"{policy}Arn"] = poll_policy_output(policy, spec.queue_name)
    resources |= quarantine_resources(province)
    resources |= ses_feedback_resources(province)
    outputs["SesFeedbackTopicArn"] = output(ref("SesFeedbackTopic"), "SES bounces and complaints")
    outputs["QuarantineQueueUrl"] = output(
        ref("QuarantineQueue"), f"URL of {quarantine_queue(province.code)}"
    )
    resources["EscalationQueuePolicy"] = escalation_queue_policy(province, provinces or [province])
    resources["ReportsOverdueAlarm"] = overdue_alarm(province)
    resources["HandoversUndeliveredAlarm"] = undelivered_alarm(province)
    resources["SweepBehindAlarm"] = sweep_behind_alarm(province)
    resources |= error_alarms(province)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (
            f"Aduan queues, alarms and agency poll policies of province {province.code} ({province.slug})."
        ),
        "Parameters": _parameters(),
        "Conditions": {ALARM_TOPIC_CONDITION: {"Fn::Not": [{"Fn::Equals": [ref("AlarmTopicArn"), ""]}]}},
        "Resources": resources,
        "Outputs": outputs,
    }
