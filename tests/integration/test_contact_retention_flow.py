"""A reporter's contact is kept the province's ``contact_retention_days`` (UU PDP), over the shared moto
server: the stored contact item carries its TTL, and once past it (before DynamoDB deletes the item)
the report goes on whole while its reporter is told nothing, with no error, retry or dead letter."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

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
}
DAYS = 365  # Jakarta's contact_retention_days (its data file)


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("jakarta",), sources=("route", "notify")) as w:
        yield w


def test_a_contact_past_its_retention_is_told_nothing_and_the_report_goes_on(
    provinces: World, moto_endpoint: str
) -> None:
    # Given a Jakarta report whose reporter wants news by e-mail and SMS
    tag = uuid.uuid4().hex[:10]
    phone = "0812" + str(int(tag, 16))[-8:].rjust(8, "1")
    email, sms = f"simpan-{tag}@example.com", "+62" + phone[1:]
    reporter = {"email": email, "phone": phone, "notify": ["email", "sms"], "language": "id"}
    jakarta = provinces["jakarta"]
    created = jakarta.post("/reports", {**ROAD, "reporter": reporter})
    assert created.status_code == 201, created.body
    report_id = json.loads(created.body)["id"]
    provinces.settle_notices()
    told = [m for m in sent_messages(moto_endpoint) if m.to in (email, sms)]
    assert len(told) == 2  # sent to an agency, by e-mail and SMS
    # Then its contact item expires the province's period after the report's creation
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    key = {"pk": {"S": f"{report_id}#contact"}}
    item = dynamodb.get_item(TableName="aduan-private", Key=key, ConsistentRead=True)["Item"]
    stored = ReportRepository().get(report_id, consistent=True)
    assert stored is not None
    assert int(item["expires_at"]["N"]) == int(stored.created_at.timestamp()) + DAYS * 24 * 3600
    assert (item["e"]["S"], item["ch"]["S"]) == (email, "email,sms")

    # When the period has passed but DynamoDB has not deleted the item yet, and an officer takes it
    past = str(int(time.time()) - 60)
    dynamodb.update_item(
        TableName="aduan-private",
        Key=key,
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": past}},
    )
    agency = json.loads(jakarta.get(f"/reports/{report_id}").body)["agency"]["id"]
    taken = jakarta.act(report_id, "take", agency)
    assert taken.status_code == 200, taken.body
    delivered = provinces.settle_notices()  # a failed notify message would stay in flight: no settling

    # Then the notify handler ran and sent the reporter nothing, leaving no dead letter
    assert delivered["notify"] >= 1, delivered
    assert [m for m in sent_messages(moto_endpoint) if m.to in (email, sms)] == told
    assert [b for b in dead_letters(jakarta.env["ADUAN_NOTIFY_QUEUE"]) if report_id in b] == []
    # And the report is whole: in progress, with every step
    status = json.loads(jakarta.get(f"/reports/{report_id}").body)
    assert status["status"]["code"] == "PROSES", status
    after = ReportRepository().get(report_id, consistent=True)
    assert after is not None and len(after.timeline) == len(stored.timeline) + 1
    # And the contact item is left for DynamoDB's TTL, its expiry as it was
    item = dynamodb.get_item(TableName="aduan-private", Key=key, ConsistentRead=True)["Item"]
    assert item["expires_at"]["N"] == past


def test_a_contact_stored_before_the_retention_gets_it_from_the_backfill(provinces: World) -> None:
    from typer.testing import CliRunner

    from cli.main import app as cli_app

    # Given a report whose contact was stored by code without a retention period (no TTL)
    created = provinces["jakarta"].post(
        "/reports", {**ROAD, "reporter": {"name": "Sari", "phone": "081311112222"}}
    )
    assert created.status_code == 201, created.body
    report_id = json.loads(created.body)["id"]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    key = {"pk": {"S": f"{report_id}#contact"}}
    dynamodb.update_item(TableName="aduan-private", Key=key, UpdateExpression="REMOVE expires_at")
    before = dynamodb.get_item(TableName="aduan-private", Key=key, ConsistentRead=True)["Item"]
    # When the operator runs the backfill, twice
    command = ["backfill", "contacts", "--stage", "jakarta", "--table", "aduan-reports"]
    first = CliRunner().invoke(cli_app, [*command, "--private-table", "aduan-private"])
    again = CliRunner().invoke(cli_app, [*command, "--private-table", "aduan-private"])
    # Then the contact expires the province's period after the report's creation, set once
    assert first.exit_code == 0 and not first.output.startswith("0 "), first.output
    assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output
    item = dynamodb.get_item(TableName="aduan-private", Key=key, ConsistentRead=True)["Item"]
    stored = ReportRepository().get(report_id, consistent=True)
    assert stored is not None
    assert int(item["expires_at"]["N"]) == int(stored.created_at.timestamp()) + DAYS * 24 * 3600
    assert {k: v for k, v in item.items() if k != "expires_at"} == before  # nothing else changed
