"""Packaging caps each SQS event source at its function's reserved concurrency (infra/concurrency.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.package import PackageError, finalize_template


def _template(tmp_path: Path, reserved: int | None) -> Path:
    props: dict[str, Any] = {
        "FunctionName": "aduan-banten-route",
        "Layers": [{"Ref": "AduanDepsLayer"}],
        "Events": {
            "RouteSqsEventSource": {
                "Type": "SQS",
                "Properties": {"Queue": "arn", "FunctionResponseTypes": ["ReportBatchItemFailures"]},
            }
        },
    }
    if reserved is not None:
        props["ReservedConcurrentExecutions"] = reserved
    path = tmp_path / "sam.json"
    template = {"Resources": {"Route": {"Type": "AWS::Serverless::Function", "Properties": props}}}
    path.write_text(json.dumps(template), encoding="utf-8")
    return path


def _event(template: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = template["Resources"]["Route"]["Properties"]["Events"]["RouteSqsEventSource"]
    return event["Properties"]


def test_an_sqs_event_source_polls_at_most_its_function_s_reservation(tmp_path: Path) -> None:
    assert _event(finalize_template(_template(tmp_path, 5)))["ScalingConfig"] == {"MaximumConcurrency": 5}
    assert "ScalingConfig" not in _event(finalize_template(_template(tmp_path, None)))


def test_an_sqs_consumer_reserving_less_than_an_event_source_s_least_cap_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        PackageError, match="Route: reserved concurrency 1, an SQS consumer needs 2"
    ) as refused:
        finalize_template(_template(tmp_path, 1))
    assert str(refused.value).endswith(
        "Route: konkurensi cadangan 1, konsumen SQS membutuhkan 2 "
        "(Route: reserved concurrency 1, an SQS consumer needs 2)"
    )
