"""What the notify function does to the private table, the stage policy lets it do: moving a suppression
kept under the older unkeyed hash, and giving back the claim of a throttled send, delete an item.

moto does not enforce IAM, so each DynamoDB call here is checked against the stage policy's actions on
the private table (``.chalice/policy-jakarta.json``, what ``make infra`` renders), as AWS would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib.domain.private import Addressee
from chalicelib.notices.recipients import address_hash, legacy_address_hash
from infra.local.config import DEV_ADDRESS_KEY
from infra.naming import PRIVATE_TABLE

POLICY = Path(__file__).resolve().parents[2] / ".chalice" / "policy-jakarta.json"
KEY = DEV_ADDRESS_KEY.encode()


def _allowed_on_private_table() -> set[str]:
    allowed: set[str] = set()
    for statement in json.loads(POLICY.read_text())["Statement"]:
        if any(resource.endswith(f":table/{PRIVATE_TABLE}") for resource in statement["Resource"]):
            allowed.update(statement["Action"])
    return allowed


@pytest.fixture
def iam(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The private table's DynamoDB calls, refused where the stage policy does not allow them."""
    allowed, refused = _allowed_on_private_table(), []
    original = BaseClient._make_api_call

    def checked(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        tables = {params.get("TableName"), *(params.get("RequestItems") or {})}
        dynamodb = client.meta.service_model.service_name == "dynamodb"
        if dynamodb and PRIVATE_TABLE in tables and f"dynamodb:{operation}" not in allowed:
            refused.append(operation)
            error = {"Code": "AccessDeniedException", "Message": f"not authorized: dynamodb:{operation}"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)
        return original(client, operation, params)

    with mock_aws():
        from chalicelib.data.models import PrivateModel

        PrivateModel.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        boto3.client("dynamodb")  # botocore loaded before the patch
        monkeypatch.setattr(BaseClient, "_make_api_call", checked)
        yield refused


def test_a_suppression_kept_under_the_unkeyed_hash_is_moved_under_the_stage_policy(iam: list[str]) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given an address suppressed before the key, under its unkeyed hash
    store = NoticeStore()
    store.suppress("31", legacy_address_hash("pantul@example.com"), "bounce")
    keyed, legacy = address_hash("pantul@example.com", KEY), legacy_address_hash("pantul@example.com")
    # When the notify function first looks it up, then again
    assert store.suppressed("31", keyed, legacy)
    assert store.suppressed("31", keyed, legacy)
    # Then it was moved under the keyed hash with nothing the role may not do, the unkeyed one gone
    from chalicelib.data.models import PrivateModel

    assert iam == []
    assert PrivateModel.get(f"31#nsup#{keyed}").state == "bounce"
    with pytest.raises(PrivateModel.DoesNotExist):
        PrivateModel.get(f"31#nsup#{legacy}")


def test_a_throttled_send_gives_its_claim_back_under_the_stage_policy(iam: list[str]) -> None:
    from chalicelib.data.notices import NoticeStore

    store, to = NoticeStore(), Addressee("31-261127-K3M9", "r", "email")
    assert store.claim(to, "e-1", 4_102_444_800)
    store.release(to, "e-1")
    assert iam == [] and store.claim(to, "e-1", 4_102_444_800)
