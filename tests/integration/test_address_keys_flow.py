"""Stored e-mail addresses are keyed hashes (``ADUAN_ADDRESS_KEY``), over the shared moto server, and
what a stage kept before the key keeps working: an address suppressed under its unkeyed SHA-256 is
still suppressed (its record moved under the keyed hash) and an address following a report under its
old id, asking again, is one follower told once. No address, nor either hash of it, is logged."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.config import address_key
from chalicelib.notices.recipients import address_hash, legacy_address_hash, legacy_follower_id
from infra.local.aws import REGION
from infra.local.outbox import sent_messages, verify_senders
from tests.integration.harness import World, world
from tests.integration.test_follower_retention_flow import ROAD
from tests.integration.test_privacy_logs import Captured, captured

pytestmark = pytest.mark.integration
__all__ = ["captured"]
TABLE = "aduan-private"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("jakarta",), sources=("route", "notify")) as w:
        yield w


def _public_report(provinces: World) -> str:
    created = provinces["jakarta"].post("/reports", ROAD)
    assert created.status_code == 201, created.body
    provinces.settle_notices()
    return str(json.loads(created.body)["id"])


def _stored(pk: str) -> dict[str, Any] | None:
    got = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=TABLE, Key={"pk": {"S": pk}}, ConsistentRead=True
    )
    return got.get("Item")


def _ask(provinces: World, report_id: str, email: str) -> None:
    asked = provinces["jakarta"].post(f"/reports/{report_id}/follow", {"email": email, "language": "id"})
    assert asked.status_code == 202, asked.body
    provinces.settle_notices()


def test_an_address_suppressed_before_the_key_gets_no_mail_and_is_moved(
    provinces: World, moto_endpoint: str, captured: Captured, capfd: pytest.CaptureFixture[str]
) -> None:
    # Given an address that bounced before the key: suppressed under its unkeyed SHA-256
    email = f"Pantul-{uuid.uuid4().hex[:10]}@Example.com"
    legacy = f"31#nsup#{hashlib.sha256(email.lower().encode()).hexdigest()}"
    item = {"pk": {"S": legacy}, "k": {"S": "suppressed"}, "ss": {"S": "bounce"}}
    boto3.client("dynamodb", region_name=REGION).put_item(TableName=TABLE, Item=item)
    report_id = _public_report(provinces)
    # When it asks to follow a report
    _ask(provinces, report_id, email)
    # Then no confirmation e-mail is sent to it
    assert [m for m in sent_messages(moto_endpoint) if m.to.lower() == email.lower()] == []
    # and its suppression is kept under the keyed hash, no longer under the unkeyed one
    keyed = address_hash(email, address_key())
    assert _stored(legacy) is None
    assert (_stored(f"31#nsup#{keyed}") or {}).get("ss") == {"S": "bounce"}
    # and neither the address nor a hash of it was logged
    logged = captured.text("".join(capfd.readouterr())).lower()
    for secret in (email.lower(), keyed, legacy_address_hash(email), keyed[:16], legacy.split("#")[-1][:16]):
        assert secret not in logged


def test_a_follower_from_before_the_key_asking_again_is_one_follower_told_once(
    provinces: World, moto_endpoint: str, captured: Captured, capfd: pytest.CaptureFixture[str]
) -> None:
    jakarta = provinces["jakarta"]
    # Given an address following a public report under its id from before the key
    email = f"lama-{uuid.uuid4().hex[:10]}@example.com"
    report_id = _public_report(provinces)
    old = legacy_follower_id(email)
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=TABLE,
        Item={
            "pk": {"S": f"{report_id}#followers"},
            "k": {"S": "followers"},
            "fw": {"SS": [f"{old}|id|{email}"]},
            "expires_at": {"N": "4102444800"},
        },
    )
    # When it asks to follow the report again and confirms
    _ask(provinces, report_id, email)
    [confirmation] = [m for m in sent_messages(moto_endpoint) if m.to == email]
    token = confirmation.body.split("follow.html#", 1)[1].split()[0]
    assert jakarta.post("/links/follow", {"token": token}).status_code == 200
    # Then it is one follower, under its old id
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["followers"] == 1
    members = (_stored(f"{report_id}#followers") or {})["fw"]["SS"]
    assert {member.split("|", 1)[0] for member in members} == {old}
    # and an update tells it once
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    assert jakarta.act(report_id, "take", agency).status_code == 200
    provinces.settle_notices()
    assert len([m for m in sent_messages(moto_endpoint) if m.to == email]) == 2  # confirmation, update
    # and neither the address nor its keyed hash was logged
    logged = captured.text("".join(capfd.readouterr())).lower()
    for secret in (email, address_hash(email, address_key()), legacy_address_hash(email)):
        assert secret not in logged
