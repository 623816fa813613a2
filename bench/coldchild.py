"""One cold start, in a fresh process: ``python -m bench.coldchild <spec.json> <result.json>``.

Imports nothing but the standard library before the clock starts. Modes:

- ``app``: import ``app`` (as Lambda does for ``app.app`` / ``app.route`` ...) and serve one event,
  recording each AWS API call (operation and parameters) the handler made;
- ``floor``: ``import boto3``, create a client for each service the paired ``app`` run used, and make
  the same AWS calls with the same parameters (conditions dropped from writes, so a replay succeeds).

The figure is the time from before the first import to the handler's (or the last call's) return.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import base64  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

BYTES_TAG = "__bytes__"
CONDITION_KEYS = (
    "ConditionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ReturnValuesOnConditionCheckFailure",
)


class Context:
    """The parts of a Lambda context that handlers and Powertools read."""

    def __init__(self, name: str, memory_mb: int = 256) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:ap-southeast-3:123456789012:function:{name}"
        self.aws_request_id = "00000000-0000-0000-0000-000000000000"
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 20_000


def without_conditions(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The same write without its condition (a replay of a conditional write would fail)."""
    if operation == "PutItem":
        return {k: v for k, v in params.items() if k not in CONDITION_KEYS}
    if operation == "TransactWriteItems":
        items = []
        for entry in params["TransactItems"]:
            ((kind, body),) = entry.items()
            if kind == "ConditionCheck":
                continue
            if kind in ("Put", "Delete"):
                body = {k: v for k, v in body.items() if k not in CONDITION_KEYS}
            items.append({kind: body})
        return {**params, "TransactItems": items}
    return params


def _encode(value: Any) -> Any:
    """JSON for recorded parameters: binary values (the stored timeline) survive the round trip."""
    if isinstance(value, bytes | bytearray):
        return {BYTES_TAG: base64.b64encode(value).decode()}
    return str(value)


def _decode(obj: dict[str, Any]) -> Any:
    return base64.b64decode(obj[BYTES_TAG]) if set(obj) == {BYTES_TAG} else obj


def _record_calls() -> list[tuple[str, str, str, str]]:
    """Record every AWS API call (service, region, operation, parameters as JSON) from now on."""
    from chalicelib.vendor_internals import ApiCall, wrap_api_calls

    calls: list[tuple[str, str, str, str]] = []

    def recording(original: ApiCall) -> ApiCall:
        def record(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            region = client.meta.region_name
            calls.append((service, region, operation_name, json.dumps(api_params, default=_encode)))
            return original(client, operation_name, api_params)

        return record

    wrap_api_calls(recording)  # loads botocore.client, as the handler would anyway
    return calls


def run_app(spec: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, spec["root"])
    # app first, as in Lambda: what it imports at init is all that comes before it (gc.freeze sees that)
    module = importlib.import_module("app")
    calls = _record_calls()
    handler = getattr(module, spec["handler"])
    result = handler(spec["event"], Context(spec["function"]))
    elapsed = time.perf_counter() - T0
    status = result.get("statusCode") if isinstance(result, dict) else None
    failures = result.get("batchItemFailures") if isinstance(result, dict) else None
    return {
        "seconds": elapsed,
        "status": status,
        "failures": failures,
        "calls": [
            {"service": s, "region": r, "operation": o, "params": json.loads(p)} for s, r, o, p in calls
        ],
        "app_file": module.__file__,
        "pydantic": "pydantic" in sys.modules,
    }


def run_floor(spec: dict[str, Any]) -> dict[str, Any]:
    import boto3

    calls = spec["calls"]
    # one client per service and region (SES and SMS may be used in another region than the tables)
    wanted = list(dict.fromkeys((c["service"], c.get("region")) for c in calls)) or [
        ("dynamodb", None),
        ("sqs", None),
    ]
    clients = {(s, r): boto3.client(s, region_name=r) for s, r in wanted}
    services = [s for s, _ in wanted]
    for call in calls:
        method = getattr(clients[(call["service"], call.get("region"))], _snake(call["operation"]))
        method(**without_conditions(call["operation"], call["params"]))
    return {"seconds": time.perf_counter() - T0, "services": services, "calls": len(calls)}


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def main() -> None:
    spec_path, result_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle, object_hook=_decode)
    result = run_app(spec) if spec["mode"] == "app" else run_floor(spec)
    result["pid"] = os.getpid()
    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
