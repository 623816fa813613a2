"""A province's operational alarms besides the dead-letter queues: overdue reports and handler errors."""

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


def overdue_alarm(province: ProvinceInfra) -> dict[str, Any]:
    """Reports that passed a service level, from the sweep's EMF metric ``ReportsOverdue``."""
    properties = {
        "AlarmName": f"aduan-{province.code}-reports-overdue",
        "AlarmDescription": (
            f"Reports of province {province.code} ({province.slug}) passed their service level "
            "(EMF metric ReportsOverdue from the sweep)."
        ),
        "Namespace": METRICS_NAMESPACE,
        "MetricName": "ReportsOverdue",
        "Dimensions": [
            {"Name": "province", "Value": province.code},
            {"Name": "service", "Value": SERVICE_NAME},
        ],
        "Statistic": "Sum",
        "Period": OVERDUE_PERIOD_SECONDS,
        "EvaluationPeriods": 1,
        "Threshold": ref("OverdueAlarmThreshold"),
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": alarm_actions(),
    }
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


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
