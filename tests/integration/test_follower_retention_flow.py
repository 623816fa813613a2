"""A follower's e-mail is kept as long as the reporter's contact (UU PDP), over the shared moto server:
the stored followers item carries the report's retention end as its TTL; past it (before DynamoDB
deletes the item) an update tells the follower nothing, counts nobody and leaves no dead letter; the
backfill gives followers stored before their TTL, once."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.data.reports import ReportRepository
from infra.local.aws import REGION
from infra.local.outbox import sent_messages, verify_senders
from tests.integration.harness import World, dead_letters, world

pytestmark = pytest.mark.integration

ROAD = {
    "category": "sampah",
    "description": "Tumpukan sampah di Jl. Tebet Raya.",
    "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
    "visibility": "public",
}
DAYS = 365  # Jakarta's contact_retention_days (its data file)


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("jakarta",), sources=("route", "notify")) as w:
        yield w


def _followed(provinces: World, moto_endpoint: str) -> tuple[str, str, dict[str, Any]]:
    """A public Jakarta report with one confirmed follower: (report id, the follower's e-mail, its key)."""
    jakarta = provinces["jakarta"]
    created = jakarta.post("/reports", ROAD)
    assert created.status_code == 201, created.body
    report_id = json.loads(created.body)["id"]
    email = f"ikut-{uuid.uuid4().hex[:10]}@example.com"
    asked = jakarta.post(f"/reports/{report_id}/follow", {"email": email, "language": "id"})
    assert asked.status_code == 202, asked.body
    provinces.settle_notices()
    [confirmation] = [m for m in sent_messages(moto_endpoint) if m.to == email]
    token = confirmation.body.split("follow.html#", 1)[1].split()[0]
    assert jakarta.post("/links/follow", {"token": token}).status_code == 200
    return report_id, email, {"pk": {"S": f"{report_id}#followers"}}


def _item(key: dict[str, Any]) -> dict[str, Any]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    return dict(dynamodb.get_item(TableName="aduan-private", Key=key, ConsistentRead=True)["Item"])


def _end(report_id: str) -> int:
    stored = ReportRepository().get(report_id, consistent=True)
    assert stored is not None
    return int(stored.created_at.timestamp()) + DAYS * 24 * 3600


def test_a_follower_past_its_retention_is_told_nothing_and_not_counted(
    provinces: World, moto_endpoint: str
) -> None:
    # Given a public report with a confirmed follower
    report_id, email, key = _followed(provinces, moto_endpoint)
    jakarta = provinces["jakarta"]
    # Then its followers item expires when the reporter's contact does: the report's retention end
    item = _item(key)
    assert int(item["expires_at"]["N"]) == _end(report_id)
    assert json.loads(jakarta.get(f"/reports/{report_id}").body)["followers"] == 1

    # When the period has passed but DynamoDB has not deleted the item yet, and an officer takes it
    past = str(int(time.time()) - 60)
    boto3.client("dynamodb", region_name=REGION).update_item(
        TableName="aduan-private",
        Key=key,
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": past}},
    )
    told = [m for m in sent_messages(moto_endpoint) if m.to == email]
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    assert jakarta.act(report_id, "take", agency).status_code == 200
    delivered = provinces.settle_notices()

    # Then the notify handler ran and told the follower nothing, with no dead letter, and counts nobody
    assert delivered["notify"] >= 1, delivered
    assert [m for m in sent_messages(moto_endpoint) if m.to == email] == told
    assert [b for b in dead_letters(jakarta.env["ADUAN_NOTIFY_QUEUE"]) if report_id in b] == []
    status = json.loads(jakarta.get(f"/reports/{report_id}").body)
    assert status["status"]["code"] == "PROSES" and status["followers"] == 0
    assert _item(key)["expires_at"]["N"] == past  # left for DynamoDB's TTL


def test_followers_stored_before_the_retention_get_it_from_the_backfill(
    provinces: World, moto_endpoint: str
) -> None:
    from typer.testing import CliRunner

    from cli.main import app as cli_app

    # Given a followers item stored without a TTL, and another whose TTL was set already
    report_id, _, key = _followed(provinces, moto_endpoint)
    _, _, kept_key = _followed(provinces, moto_endpoint)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(TableName="aduan-private", Key=key, UpdateExpression="REMOVE expires_at")
    dynamodb.update_item(
        TableName="aduan-private",
        Key=kept_key,
        UpdateExpression="SET expires_at = :set",
        ExpressionAttributeValues={":set": {"N": "4102444800"}},
    )
    before, kept = _item(key), _item(kept_key)
    # When the operator runs the backfill, twice
    command = ["backfill", "followers", "--stage", "jakarta", "--table", "aduan-reports"]
    first = CliRunner().invoke(cli_app, [*command, "--private-table", "aduan-private"])
    again = CliRunner().invoke(cli_app, [*command, "--private-table", "aduan-private"])
    # Then the followers expire at the report's retention end, set once; the item with a TTL is left
    assert first.exit_code == 0 and not first.output.startswith("0 "), first.output
    assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output
    item = _item(key)
    assert int(item["expires_at"]["N"]) == _end(report_id)
    assert {k: v for k, v in item.items() if k != "expires_at"} == before  # nothing else changed
    assert _item(kept_key) == kept
