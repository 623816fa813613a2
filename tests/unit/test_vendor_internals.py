"""The private library APIs of ``chalicelib/vendor_internals.py`` still exist and behave as relied on.

A failure here after upgrading PynamoDB, Powertools, the X-Ray SDK or botocore means the adapter
needs a new way to do the same thing (or a public API appeared): fix it there, nowhere else.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path
from typing import Any

import pytest
from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.models import Model

from chalicelib import vendor_internals
from chalicelib.vendor_internals import (
    ApiCall,
    forget_connection,
    table_connection,
    tracing_disabled,
    untrace_parameters,
    wrap_api_calls,
)

ROOT = Path(__file__).resolve().parents[2]


class _Thing(Model):
    class Meta:
        table_name = "vendor-internals-test"
        region = "ap-southeast-3"

    pk = UnicodeAttribute(hash_key=True)


def test_table_connection_is_the_models_own_and_holds_a_shared_connection() -> None:
    found = table_connection(_Thing)
    assert isinstance(found, TableConnection)
    assert found is table_connection(_Thing)  # one per model, created once
    assert found.table_name == "vendor-internals-test"
    assert isinstance(found.connection, Connection)
    # What data/models.py relies on: the session and client are public, and connections can be swapped.
    assert found.connection.session is not None
    assert found.connection.client.meta.service_model.service_name == "dynamodb"
    assert hasattr(found.connection, "add_meta_table") and hasattr(found.connection, "get_meta_table")


def test_a_forgotten_connection_is_made_again_from_the_models_meta() -> None:
    first = table_connection(_Thing)
    forget_connection(_Thing)
    again = table_connection(_Thing)
    assert again is not first and again.table_name == "vendor-internals-test"


@pytest.mark.parametrize(
    ("env", "disabled"),
    [
        ({"POWERTOOLS_TRACE_DISABLED": "true", "LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({"POWERTOOLS_TRACE_DISABLED": "false"}, True),  # outside Lambda
        ({"POWERTOOLS_TRACE_DISABLED": "false", "LAMBDA_TASK_ROOT": "/var/task"}, False),
        (
            {
                "POWERTOOLS_TRACE_DISABLED": "false",
                "LAMBDA_TASK_ROOT": "/var/task",
                "AWS_CHALICE_CLI_MODE": "1",
            },
            True,
        ),
    ],
)
def test_tracing_disabled_follows_powertools_rules(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], disabled: bool
) -> None:
    for name in ("POWERTOOLS_TRACE_DISABLED", "LAMBDA_TASK_ROOT", "AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert tracing_disabled() is disabled


def test_untraced_parameters_leave_the_x_ray_sdks_list_of_what_to_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aws_xray_sdk.ext import boto_utils

    # Given the SDK's own list, which records an S3 call's object key and the bucket
    monkeypatch.setattr(boto_utils, "whitelist", copy.deepcopy(boto_utils.whitelist))
    operations = boto_utils.whitelist["services"]["s3"]["operations"]
    assert "Key" in operations["GetObject"]["request_parameters"]
    assert "Key" in operations["PutObject"]["request_parameters"]
    # When the keys are untraced
    untrace_parameters("s3", frozenset({"Key", "CopySource"}))
    # Then no S3 operation records them, and the rest of the list is as it was
    assert all(
        not {"Key", "CopySource"} & set(operation.get("request_parameters", ()))
        for operation in operations.values()
    )
    assert operations["GetObject"]["request_parameters"] == ["VersionId"]
    assert operations["GetObject"]["request_descriptors"]["Bucket"] == {"rename_to": "bucket_name"}
    assert (
        "QueueUrl"
        in boto_utils.whitelist["services"]["sqs"]["operations"]["SendMessage"]["request_parameters"]
    )


def test_wrap_api_calls_sees_every_client_call_and_undoes() -> None:
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("sqs", region_name="ap-southeast-3")
    seen: list[tuple[str, str]] = []

    def recording(original: ApiCall) -> ApiCall:
        def record(api_client: Any, operation: str, params: dict[str, Any]) -> Any:
            seen.append((api_client.meta.service_model.service_name, operation))
            return original(api_client, operation, params)

        return record

    with Stubber(client) as stub:
        stub.add_response("list_queues", {"QueueUrls": []})
        stub.add_response("list_queues", {"QueueUrls": []})
        restore = wrap_api_calls(recording)
        try:
            client.list_queues()
        finally:
            restore()
        client.list_queues()
    assert seen == [("sqs", "ListQueues")]


def test_no_other_module_uses_a_private_library_attribute() -> None:
    """``x._name`` where ``x`` is not ``self``/``cls`` (our own objects) only in the adapters."""
    own = {"self", "cls", "province"}  # our own objects
    adapters = {Path(vendor_internals.__file__).resolve(), *LOCAL_ENGINE_PATCHES}
    found = []
    for folder in ("app.py", "chalicelib", "infra", "cli", "web", "tools", "bench"):
        paths = [ROOT / folder] if folder.endswith(".py") else sorted((ROOT / folder).rglob("*.py"))
        for path in paths:
            if path.resolve() in adapters:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr.startswith("_")
                    and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in own)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    assert found == KNOWN, "use a public API, or add the access to chalicelib/vendor_internals.py"


KNOWN: list[str] = []
# The local engine's speed patches of moto: never deployed (infra/local serves `make run` and the
# tests), patching moto's internals is what they are for, and each is checked against moto's own
# answers by tests/unit/test_local_moto_*.py, which fail on a moto upgrade that changes them.
LOCAL_ENGINE_PATCHES = {
    (ROOT / "infra" / "local" / name).resolve() for name in ("moto_serialize.py", "moto_sqs.py")
}
