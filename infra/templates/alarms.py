"""A province's operational alarms besides the dead-letter queues: overdue reports, hand-overs another
province's queue refuses, a sweep falling behind its due reports, and handler errors."""

from __future__ import annotations

from typing import Any

from infra.cfn import ref
from infra.naming import HANDLERS, METRICS_NAMESPACE, SERVICE_NAME, function_name
from infra.provinces import ProvinceInfra

ALARM_TOPIC_CONDITION = "HasAlarmTopic"
OVERDUE_PERIOD_SECONDS = 3600
ERRORS_PERIOD_SECONDS = 300


def alarm_actions() -> dict[str, Any]:
    """Notify ``AlarmTopicArn`` when one is given, else nothing."""
    return {"Fn::If": [ALARM_TOPIC_CONDITION, [ref("AlarmTopicArn")], {"Ref": "AWS::NoValue"}]}


def _count_alarm(
    province: ProvinceInfra, name: str, metric: str, what: str, threshold: Any
) -> dict[str, Any]:
    """An alarm on the hourly sum of one of Aduan's EMF count metrics of ``province``."""
    properties = {
        "AlarmName": f"aduan-{province.code}-{name}",
        "AlarmDescription": f"{what} (province {province.code}, {province.slug}; EMF metric {metric}).",
        "Namespace": METRICS_NAMESPACE,
        "MetricName": metric,
        "Dimensions": [
            {"Name": "province", "Value": province.code},
            {"Name": "service", "Value": SERVICE_NAME},
        ],
        "Statistic": "Sum",
        "Period": OVERDUE_PERIOD_SECONDS,
        "EvaluationPeriods": 1,
        "Threshold": threshold,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": alarm_actions(),
    }
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def overdue_alarm(province: ProvinceInfra) -> dict[str, Any]:
    """Reports that passed a service level, from the sweep's EMF metric ``ReportsOverdue``."""
    what = "Reports passed their service level (counted by the sweep)"
    return _count_alarm(province, "reports-overdue", "ReportsOverdue", what, ref("OverdueAlarmThreshold"))


def undelivered_alarm(province: ProvinceInfra) -> dict[str, Any]:
    """Any hand-over message another province's queue refused (IAM) or lacked, in the hour: the sweep
    sends it again, but only the other province's redeploy (or a policy fix) lets it through."""
    what = (
        "Another province's escalation queue refused this province's hand-over messages or does not "
        "exist; the sweep sends them again until it takes them (check that province's stack and queue policy)"
    )
    return _count_alarm(province, "handovers-undelivered", "HandoversUndelivered", what, 1)


SWEEP_BEHIND_RUNS = 3  # of the 12 runs in an hour: one long run is a flood's first minutes, three a backlog


def sweep_behind_alarm(province: ProvinceInfra) -> dict[str, Any]:
    """Sweep runs that ran out of time before the due reports (``SweepCutShort``), ``SWEEP_BEHIND_RUNS``
    or more in an hour: the due reports are done oldest first over several runs, and the newest wait."""
    what = (
        "Sweep runs ran out of time before every due report (service levels, reminders, auto-closes, "
        "hand-overs owed); the rest wait for later runs, the longest due first"
    )
    return _count_alarm(province, "sweep-behind", "SweepCutShort", what, SWEEP_BEHIND_RUNS)


def error_alarms(province: ProvinceInfra) -> dict[str, Any]:
    """One ``AWS/Lambda Errors`` alarm per function of the province's stage (named by its slug)."""
    resources: dict[str, Any] = {}
    for handler in HANDLERS:
        name = function_name(province.slug, handler)
        properties = {
            "AlarmName": f"{name}-errors",
            "AlarmDescription": f"Lambda function {name} failed (unhandled errors or timeouts).",
            "Namespace": "AWS/Lambda",
            "MetricName": "Errors",
            "Dimensions": [{"Name": "FunctionName", "Value": name}],
            "Statistic": "Sum",
            "Period": ERRORS_PERIOD_SECONDS,
            "EvaluationPeriods": 1,
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": alarm_actions(),
        }
        resources[f"Function{handler.logical_id}ErrorsAlarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": properties,
        }
    return resources
