"""Deploy the rendered templates to moto's CloudFormation, and fill in what moto's CloudFormation skips."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.texts import both
from infra.local.aws import REGION, client

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "generated"
STACK_PREFIX = "aduan-"


@dataclass(frozen=True)
class DeployedStack:
    """A stack moto has created, with its outputs."""

    name: str
    template: Path
    outputs: dict[str, str]


def template_paths(templates_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """``shared.json`` first, then every ``province-*.json``, sorted."""
    shared = templates_dir / "shared.json"
    if not shared.is_file():
        raise FileNotFoundError(
            both(
                f"{shared} tidak ada: jalankan dulu `python -m infra.render`",
                f"{shared} is missing: run `python -m infra.render` first",
            )
        )
    return [shared, *sorted(templates_dir.glob("province-*.json"))]


def _parameters(template: dict[str, Any], values: dict[str, str]) -> list[dict[str, str]]:
    declared = template.get("Parameters", {})
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in sorted(values.items()) if k in declared]


def _apply_skipped_table_settings(cfn: Any, dynamodb: Any, stack: str, template: dict[str, Any]) -> None:
    """moto's CloudFormation ignores TTL and point-in-time recovery on tables: set them by API."""
    for logical, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        props = resource.get("Properties", {})
        table = cfn.describe_stack_resource(StackName=stack, LogicalResourceId=logical)["StackResourceDetail"]
        name = table["PhysicalResourceId"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        pitr = props.get("PointInTimeRecoverySpecification", {})
        if pitr.get("PointInTimeRecoveryEnabled"):
            dynamodb.update_continuous_backups(
                TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
            )


def deploy_stack(
    endpoint_url: str, path: Path, parameters: dict[str, str] | None = None, *, region: str = REGION
) -> DeployedStack:
    """Create the stack of one template file and wait for CREATE_COMPLETE."""
    cfn = client("cloudformation", endpoint_url, region)
    template = json.loads(path.read_text(encoding="utf-8"))
    name = STACK_PREFIX + path.stem
    cfn.create_stack(
        StackName=name,
        TemplateBody=path.read_text(encoding="utf-8"),
        Parameters=_parameters(template, parameters or {}),
    )
    waiter = cfn.get_waiter("stack_create_complete")
    waiter.wait(StackName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    described = cfn.describe_stacks(StackName=name)["Stacks"][0]
    if described["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(
            f"stack {name}: {described['StackStatus']} {described.get('StackStatusReason', '')}"
        )
    _apply_skipped_table_settings(cfn, client("dynamodb", endpoint_url, region), name, template)
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    return DeployedStack(name=name, template=path, outputs=outputs)


def deploy_templates(
    endpoint_url: str,
    templates_dir: Path = TEMPLATES_DIR,
    *,
    visibility_timeout: int = 5,
    max_receive_count: int | None = None,
    region: str = REGION,
    queue_endpoint_url: str | None = None,
) -> list[DeployedStack]:
    """Deploy ``shared.json`` and every ``province-*.json``; returns the stacks in deploy order.

    ``queue_endpoint_url``: a second engine for the province stacks (queues, their policies and
    alarms); ``shared.json`` (tables, bucket) goes to ``endpoint_url``. The province templates
    reference nothing of the shared stack, so each deploys whole on its own engine.
    """
    parameters = {"VisibilityTimeoutSeconds": str(visibility_timeout)}
    if max_receive_count is not None:
        parameters["MaxReceiveCount"] = str(max_receive_count)
    stacks = []
    for path in template_paths(templates_dir):
        engine = endpoint_url if path.name == "shared.json" else (queue_endpoint_url or endpoint_url)
        stacks.append(deploy_stack(engine, path, parameters, region=region))
    return stacks
