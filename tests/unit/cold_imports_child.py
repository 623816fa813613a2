"""A fresh process serving one handler's first event, recording which modules it imported and why.

``python tests/unit/cold_imports_child.py <phase> <spec.json> <result.json>`` (cwd: the repository,
stage variables in the environment; AWS is moto's ``mock_aws`` in this process). Phases:

- ``seed``: create the stage's tables and queues, submit one report through the service layer,
  and write every item of both tables (low-level DynamoDB JSON) to the result;
- ``status``: load those items with boto3 alone, then ``import app`` and serve one
  ``GET /reports/{id}`` (with the reporter's secret, so the headers are read) through ``app.app``;
- ``route``: load those items, then ``import app`` and serve one intake batch through
  ``app.route``: a malformed message (moved to the DLQ) and the report's valid message;
- ``submit``: load those items, then ``import app`` and serve one ``POST /reports`` (the spec's
  body, with an ``Idempotency-Key``) through ``app.app``, then read the new report back with boto3;
- ``escalations``: load those items, then ``import app`` and serve one FIFO batch through
  ``app.escalations``: another province's Escalate, then read the province's copy, the answer
  sent to the other province's queue, and the escalation DLQ.

Before anything else it wraps ``__import__`` to note, for a few watched modules, each module whose
code imported them and the chain of imports that loaded them first (for the test's messages).
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

# Pydantic itself, Pillow (image decoding: the resolve path and reports with photos only), and the
# queue handlers' message module (whose importers one test checks).
WATCHED = (
    "pydantic",
    "PIL",
    "chalicelib.api.messages",
    "cryptography.hazmat.primitives.serialization",
)
importers: dict[str, set[str]] = {}
first_chains: dict[str, list[str]] = {}
_real_import = builtins.__import__


def _chain() -> list[str]:
    """``module:function`` of each of our frames on the stack, outermost first."""
    frames = []
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        module = str(frame.f_globals.get("__name__", "?"))
        if module == "app" or module.startswith("chalicelib."):
            frames.append(f"{module}:{frame.f_code.co_name}")
        frame = frame.f_back
    return frames[::-1]


def _tracking_import(
    name: str,
    globals: Mapping[str, object] | None = None,
    locals: Mapping[str, object] | None = None,
    fromlist: Sequence[str] | None = (),
    level: int = 0,
) -> ModuleType:
    if level == 0:
        names = {name, *(f"{name}.{item}" for item in fromlist or () if isinstance(item, str))}
        importer = str((globals or {}).get("__name__", "?"))
        for target in WATCHED:
            if importer.split(".")[0] == target.split(".")[0] and not target.startswith("chalicelib"):
                continue  # pydantic importing its own parts
            if any(n == target or n.startswith(target + ".") for n in names):
                importers.setdefault(target, set()).add(importer)
                if target not in sys.modules and target not in first_chains:
                    first_chains[target] = _chain()
    return _real_import(name, globals, locals, fromlist, level)


builtins.__import__ = _tracking_import

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-southeast-3"
ACCOUNT = "123456789012"


class Context:
    """The parts of a Lambda context that Chalice and Powertools read."""

    function_name = "aduan-jakarta-test"
    function_version = "$LATEST"
    memory_limit_in_mb = 256
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:aduan-jakarta-test"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/aduan-jakarta-test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 20_000


def create_resources() -> None:
    """The stage's tables and queues, from the generated templates, with boto3 alone."""
    import boto3

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    shared = json.loads((ROOT / "infra" / "generated" / "shared.json").read_text(encoding="utf-8"))
    names = {
        "ReportsTable": os.environ["ADUAN_REPORTS_TABLE"],
        "PrivateTable": os.environ["ADUAN_PRIVATE_TABLE"],
    }
    for logical, name in names.items():
        props = shared["Resources"][logical]["Properties"]
        extra = (
            {"GlobalSecondaryIndexes": props["GlobalSecondaryIndexes"]}
            if "GlobalSecondaryIndexes" in props
            else {}
        )
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=props["AttributeDefinitions"],
            KeySchema=props["KeySchema"],
            BillingMode=props["BillingMode"],
            **extra,
        )
    sqs = boto3.client("sqs", region_name=REGION)
    # every province's queues: an escalation answers to another province's queue
    for path in sorted((ROOT / "infra" / "generated").glob("province-*.json")):
        template = json.loads(path.read_text(encoding="utf-8"))
        for resource in template["Resources"].values():
            if resource["Type"] == "AWS::SQS::Queue":
                props = resource["Properties"]
                attributes = {"FifoQueue": "true"} if props.get("FifoQueue") else {}
                sqs.create_queue(QueueName=props["QueueName"], Attributes=attributes)


def table_items() -> dict[str, list[dict[str, Any]]]:
    import boto3

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    out = {}
    for name in (os.environ["ADUAN_REPORTS_TABLE"], os.environ["ADUAN_PRIVATE_TABLE"]):
        out[name] = dynamodb.scan(TableName=name, ConsistentRead=True)["Items"]
    return out


def load_items(items: dict[str, list[dict[str, Any]]]) -> None:
    import base64

    import boto3

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for table, rows in items.items():
        for row in rows:
            dynamodb.put_item(TableName=table, Item=_binary(row, base64.b64decode))


def _binary(value: Any, convert: Any) -> Any:
    """Binary attributes (``{"B": ...}``) through ``convert``: bytes to JSON and back."""
    if isinstance(value, dict):
        return {k: (convert(v) if k == "B" else _binary(v, convert)) for k, v in value.items()}
    if isinstance(value, list):
        return [_binary(v, convert) for v in value]
    return value


def seed() -> dict[str, Any]:
    import base64

    from chalicelib import container
    from chalicelib.domain.private import Contact
    from chalicelib.domain.report import Location, Visibility
    from chalicelib.services.intake import SubmitCommand

    command = SubmitCommand(
        category="jalan_rusak",
        description="Jalan berlubang besar di depan SDN Tebet 01, membahayakan pengendara motor.",
        location=Location(lat=-6.226, lon=106.853, area_code="31.74.01"),
        visibility=Visibility.PRIVATE,
        address="Jl. Tebet Raya No. 10",
        contact=Contact("Siti", None, None),
    )
    result = container.intake().submit(command)
    items = {t: _binary(rows, lambda b: base64.b64encode(b).decode()) for t, rows in table_items().items()}
    return {"report_id": result.report.id, "key": result.report.key, "secret": result.secret, "items": items}


def serve_status(spec: dict[str, Any]) -> dict[str, Any]:
    import app as module
    from infra.local.events import api_proxy_event

    report_id = spec["report_id"]
    headers = {"X-Report-Secret": spec["secret"], "X-Correlation-Id": "cold-test-1"}
    event = api_proxy_event(
        "GET",
        "/reports/{report_id}",
        f"/reports/{report_id}",
        headers=headers,
        path_parameters={"report_id": report_id},
    )
    response = module.app(event, Context())
    return {"status": response["statusCode"], "body": json.loads(response["body"])}


@contextmanager
def _counting_sessions_and_clients() -> Iterator[dict[str, Any]]:
    """Counts the botocore sessions made, and the clients made per service, inside the block."""
    import botocore.session

    made: dict[str, Any] = {"sessions": 0, "clients": {}}
    original_init, original_create = botocore.session.Session.__init__, botocore.session.Session.create_client

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        made["sessions"] += 1
        original_init(self, *args, **kwargs)

    def create(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        made["clients"][service_name] = made["clients"].get(service_name, 0) + 1
        return original_create(self, service_name, *args, **kwargs)

    botocore.session.Session.__init__ = init  # type: ignore[method-assign]
    botocore.session.Session.create_client = create  # type: ignore[method-assign]
    try:
        yield made
    finally:
        botocore.session.Session.__init__ = original_init  # type: ignore[method-assign]
        botocore.session.Session.create_client = original_create  # type: ignore[method-assign]


def serve_submit(spec: dict[str, Any]) -> dict[str, Any]:
    import boto3

    import app as module
    from infra.local.events import api_proxy_event

    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": spec["idempotency_key"],
        "X-Correlation-Id": "cold-test-submit",
    }
    event = api_proxy_event("POST", "/reports", "/reports", body=spec["body"], headers=headers)
    with _counting_sessions_and_clients() as made:
        response = module.app(event, Context())
    body = json.loads(response["body"])
    stored = None
    if response["statusCode"] == 201:
        items = boto3.client("dynamodb", region_name=REGION).scan(
            TableName=os.environ["ADUAN_REPORTS_TABLE"], ConsistentRead=True
        )["Items"]
        stored = sorted(item["pk"]["S"] for item in items)
    return {
        "status": response["statusCode"],
        "body": body,
        "headers": response.get("headers") or {},
        "report_keys": stored,
        "sessions": made["sessions"],
        "clients": made["clients"],
    }


def serve_route(spec: dict[str, Any]) -> dict[str, Any]:
    import boto3

    import app as module
    from infra.local.events import sqs_event

    queue = os.environ["ADUAN_INTAKE_QUEUE"]
    bodies = [json.dumps(spec["malformed"]), json.dumps({"key": spec["key"]})]
    result = module.route(sqs_event(queue, bodies), Context())
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=f"{queue}-dlq")["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
    dead = [
        {
            "body": m["Body"],
            "aduan_error": m.get("MessageAttributes", {}).get("aduan_error", {}).get("StringValue"),
        }
        for m in got.get("Messages", [])
    ]
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=os.environ["ADUAN_REPORTS_TABLE"], Key={"pk": {"S": spec["key"]}}, ConsistentRead=True
    )
    return {"result": result, "dead_letters": dead, "status_after": item["Item"]["st"]["S"]}


def _received(queue: str) -> list[dict[str, Any]]:
    import boto3

    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in got.get("Messages", [])]


def serve_escalations(spec: dict[str, Any]) -> dict[str, Any]:
    import boto3

    import app as module
    from chalicelib.domain.handover_auth import dev_key_id, dev_private_key, sign
    from infra.local.events import sqs_event

    queue = os.environ["ADUAN_ESCALATION_QUEUE"]
    body = json.dumps(spec["escalation"])
    sender = spec["escalation"]["origin_province"]
    signature = sign(dev_private_key(sender), dev_key_id(sender), sender, os.environ["ADUAN_PROVINCE"], body)
    event = sqs_event(
        queue,
        [body],
        groups=[spec["escalation"]["report"]["id"]],
        message_attributes=[signature.attributes()],
    )
    result = module.escalations(event, Context())
    report_id = spec["escalation"]["report"]["id"]
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=os.environ["ADUAN_REPORTS_TABLE"],
        Key={"pk": {"S": f"{os.environ['ADUAN_PROVINCE']}~{report_id}"}},
        ConsistentRead=True,
    )
    return {
        "result": result,
        "copy_status": item.get("Item", {}).get("st", {}).get("S"),
        "answers": _received(spec["answer_queue"]),
        "dead_letters": _received(f"{queue.removesuffix('.fifo')}-dlq.fifo"),
    }


def main() -> None:
    phase, spec_path, result_path = sys.argv[1:4]
    sys.path.insert(0, str(ROOT))  # as Lambda has the function's root on the path
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    from moto import mock_aws

    with mock_aws():
        create_resources()
        if phase == "seed":
            result = seed()
        else:
            load_items({t: rows for t, rows in spec["items"].items()})
            watched_before = sorted(m for m in WATCHED if m in sys.modules)
            serve = {
                "status": serve_status,
                "route": serve_route,
                "submit": serve_submit,
                "escalations": serve_escalations,
            }[phase]
            result = serve(spec)
            result["watched_before_handler"] = watched_before
    result["loaded"] = sorted(m for m in WATCHED if m in sys.modules)
    result["chalicelib_modules"] = sorted(m for m in sys.modules if m.startswith("chalicelib"))
    result["importers"] = {k: sorted(v) for k, v in importers.items()}
    result["first_chains"] = first_chains
    Path(result_path).write_text(json.dumps(result, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
