"""Banten upgraded from the release before (commit 1379325): its reports stored the way that release
stored them, then every backfill docs/deploy.md's "Upgrading a running province" lists, in its order,
through the CLI as the operator runs them; a second run changes nothing."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from typer.testing import CliRunner

from chalicelib import container
from chalicelib.data.mapping import public_partition, stored_time
from chalicelib.data.models import ReportModel
from chalicelib.data.notices import NoticeStore
from chalicelib.data.reports import ReportRepository
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.provinces.registry import registry
from cli import backfill as backfill_cli
from cli.main import app as cli_app
from infra.local.config import PROJECT_ROOT
from infra.local.outbox import verify_senders
from tests.integration.harness import World, world
from tests.integration.test_escalation_flow import BANTEN_AGENCY, TANGERANG_GARBAGE
from tests.integration.test_selesai_reminder_flow import _reporter, _resolve, _submit

pytestmark = pytest.mark.integration

REPORTS, PRIVATE = "aduan-reports", "aduan-private"  # the stages' tables (.chalice/config.json)


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("banten", "jakarta"), sources=("route", "escalations", "notify")) as w:
        yield w
        w.settle_notices()  # every notice delivered, none delayed: nothing left for a later test


@pytest.fixture
def own_environment() -> Iterator[None]:
    """The CLI sets Banten's stage variables the environment lacks: this process's are restored after."""
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)


def documented_backfills() -> list[str]:
    """The backfills of docs/deploy.md's upgrade section, in its order."""
    text = (PROJECT_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text.split("## Upgrading a running province", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\s*bin/aduan backfill (\w+) --stage banten$", section, flags=re.MULTILINE)


def _item(table: str, key: str) -> dict[str, Any]:
    found = boto3.client("dynamodb").get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)
    return dict(found.get("Item", {}))


def _as_before(key: str, update: str, **values: str) -> None:
    """``update`` one item as the release before stored it (without what this one adds)."""
    table = PRIVATE if "#" in key else REPORTS
    given = {"ExpressionAttributeValues": {f":{k}": {"S": v} for k, v in values.items()}} if values else {}
    boto3.client("dynamodb").update_item(
        TableName=table, Key={"pk": {"S": key}}, UpdateExpression=update, **given
    )


def _handed_copy() -> Report:
    """Banten's copy of its own report, handed to Jakarta and in progress there."""
    at = utcnow() - timedelta(days=3)
    report_id = f"36-{at:%y%m%d}-U{secrets.randbelow(1000):03d}"
    entry = TimelineEntry(f"{report_id}:submit", at, Action.SUBMIT, Status.MENUNGGU, "36")
    return container.reports().create(
        Report(
            key=report_id,
            id=report_id,
            province="36",
            category="sampah",
            description="uji peningkatan: diserahkan ke Jakarta",
            location=Location(lat=-6.23, lon=106.85, area_code="31.74.01"),
            visibility=Visibility.PRIVATE,
            status=Status.PROSES,
            created_at=at,
            updated_at=at,
            escalated_to="31",
            remote_version=1,
            timeline=(entry,),
        )
    )


def _in_handed_list(provinces: World, report_id: str) -> bool:
    banten = provinces["banten"]
    query = {"to": "31", "status": "PROSES"}
    while True:
        answer = banten.get(f"/agency/handed?{urlencode(query)}", banten.token("koordinator", "coordinator"))
        assert answer.status_code == 200, answer.body
        page = answer.json_body
        if any(row["id"] == report_id for row in page["items"]):
            return True
        if not page["next_cursor"]:
            return False
        query["cursor"] = page["next_cursor"]


def test_banten_upgraded_from_the_release_before_runs_every_documented_backfill_once(
    provinces: World, own_environment: None
) -> None:
    # The upgrade section lists every backfill command there is, each once
    order = documented_backfills()
    assert sorted(order) == sorted(c.name for c in backfill_cli.app.registered_commands if c.name), order
    assert len(order) == len(set(order))
    banten = provinces["banten"]

    # Given a public Banten report Selesai, with a reporter told by e-mail and a follower, stored as the
    # release before stored them: woken at its auto-close, a contact and followers item without a TTL
    selesai = _submit(banten, TANGERANG_GARBAGE, _reporter("id", notify=("email",)))["id"]
    _resolve(provinces, banten, selesai, BANTEN_AGENCY)
    report = ReportRepository().get(selesai, consistent=True)
    assert report is not None and report.autoclose_at and report.reminder_due
    _as_before(selesai, "SET du = :du", du=stored_time(report.autoclose_at))
    _as_before(f"{selesai}#contact", "REMOVE expires_at")
    NoticeStore().add_follower(selesai, "f-upgrade", "id", f"ikut-{selesai.lower()}@example.com", 0)
    _as_before(f"{selesai}#followers", "REMOVE expires_at")
    # And an open public report stored before its indexes: no by-public, by-geo keys, no support count
    opened = _submit(banten, TANGERANG_GARBAGE, _reporter("id", notify=()))["id"]
    provinces.settle()
    keyed = _item(REPORTS, opened)
    _as_before(opened, "REMOVE pb, su, gh, gk")
    # And a copy of a report Banten handed to Jakarta, without its key in the handed list
    copy = _handed_copy()
    _as_before(copy.key, "REMOVE gp, gs")
    assert not _in_handed_list(provinces, copy.id)
    versions = {key: _item(REPORTS, key)["v"] for key in (selesai, opened, copy.key)}

    # When the operator runs every backfill in the documented order, then all of them again
    first = {name: CliRunner().invoke(cli_app, ["backfill", name, "--stage", "banten"]) for name in order}
    for name, run in first.items():
        assert run.exit_code == 0, (name, run.output)
    written = {k: _item(REPORTS, k) for k in (selesai, opened, copy.key)} | {
        k: _item(PRIVATE, k) for k in (f"{selesai}#contact", f"{selesai}#followers")
    }
    again = {name: CliRunner().invoke(cli_app, ["backfill", name, "--stage", "banten"]) for name in order}

    # Then each said what it changed, in the table it wrote, and the second run changed nothing
    for name in ("reminders", "handed", "contacts", "followers", "public", "geo", "support"):
        assert not first[name].output.startswith("0 "), (name, first[name].output)
    assert first["contacts"].output.rstrip().endswith(f"in {PRIVATE}"), first["contacts"].output
    assert first["followers"].output.rstrip().endswith(f"in {PRIVATE}"), first["followers"].output
    assert first["handed"].output.rstrip().endswith(f"in {REPORTS}"), first["handed"].output
    for name, run in again.items():
        assert run.exit_code == 0 and run.output.startswith("0 report(s) of banten "), (name, run.output)
    assert {k: _item(REPORTS, k) for k in (selesai, opened, copy.key)} | {
        k: _item(PRIVATE, k) for k in (f"{selesai}#contact", f"{selesai}#followers")
    } == written
    # And the Selesai report is woken at its reminder time; no report's version moved
    assert written[selesai]["du"]["S"] == stored_time(report.reminder_due)
    assert {key: written[key]["v"] for key in versions} == versions
    # And the contact and the followers expire the province's retention after the report's creation
    days = registry().get("36").data.contact_retention_days
    end = int(report.created_at.timestamp()) + days * 24 * 3600
    assert int(written[f"{selesai}#contact"]["expires_at"]["N"]) == end
    assert int(written[f"{selesai}#followers"]["expires_at"]["N"]) == end
    # And the open report is listed, on the map and ranked again, with the keys it had
    assert written[opened]["pb"]["S"] == public_partition("36")
    assert written[opened]["su"] == {"N": "0"}
    assert (written[opened]["gh"], written[opened]["gk"]) == (keyed["gh"], keyed["gk"])
    # And the handed copy is in Banten's list of reports with Jakarta
    assert written[copy.key]["gp"] == {"S": "36#>31"}
    assert _in_handed_list(provinces, copy.id)
    ReportModel(pk=copy.key).delete(add_version_condition=False)
