"""Jakarta's coordinator lists the reports Jakarta handed to a neighbouring province ("Diserahkan ke
provinsi lain"): with the province, the status there and whether it accepted them; never in an inbox of
Jakarta's own; back in an agency's inbox once handed back; every neighbour merged page by page; and
copies stored before the list existed keyed into it by the backfill."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from typer.testing import CliRunner

from chalicelib import container
from chalicelib.config import settings
from chalicelib.data.models import ReportModel
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from cli.main import app as cli_app
from tests.integration.harness import Province, World, world
from tests.integration.test_escalation_flow import BANTEN_AGENCY, TANGERANG_GARBAGE

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _coordinator(jakarta: Province) -> dict[str, str]:
    return jakarta.token("koordinator", "coordinator")


def _handed(jakarta: Province, **query: str) -> tuple[int, dict[str, Any]]:
    response = jakarta.get(f"/agency/handed?{urlencode(query)}", _coordinator(jakarta))
    return response.status_code, _json(response)


def _row(jakarta: Province, report_id: str, **query: str) -> dict[str, Any] | None:
    """The report's row in the handed list (every page read), or None."""
    while True:
        code, page = _handed(jakarta, **query)
        assert code == 200, page
        found = next((item for item in page["items"] if item["id"] == report_id), None)
        if found is not None or not page["next_cursor"]:
            return found
        query = {**query, "cursor": page["next_cursor"]}


def test_a_report_handed_to_banten_is_in_jakartas_handed_list_with_its_state_there(provinces: World) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    created = jakarta.post("/reports", TANGERANG_GARBAGE)
    assert created.status_code == 201, created.body
    report_id = _json(created)["id"]
    # Given Jakarta routed it to Banten, and Banten has not read its queue yet
    jakarta.runner.drain(max_seconds=30)
    stored = ReportModel.get(report_id, consistent_read=True)
    assert stored.escalated_to == "36" and stored.agency_pk == "31#>36"  # no agency's inbox of Jakarta
    waiting = _row(jakarta, report_id, to="36")
    assert waiting is not None and waiting["status"]["code"] == "KOORDINASI"
    assert waiting["escalated_to"] == {"code": "36", "name": "Banten"}
    assert waiting["accepted"] is False and waiting["handling_agency"] is None
    assert _row(jakarta, report_id, to="32") is None
    assert _row(jakarta, report_id, status="KOORDINASI") is not None  # every neighbour, merged
    # When Banten accepts it, then takes it: the list follows Banten's status
    provinces.settle()
    accepted = _row(jakarta, report_id, to="36")
    assert accepted is not None and accepted["accepted"] is True
    assert accepted["handling_agency"]["id"] == BANTEN_AGENCY and accepted["status"]["code"] == "DISPOSISI"
    assert banten.act(f"36~{report_id}", "take", BANTEN_AGENCY).status_code == 200
    provinces.settle()
    taken = _row(jakarta, report_id, to="36", status="proses")
    assert taken is not None and taken["status"]["code"] == "PROSES"
    assert _row(jakarta, report_id, to="36", status="DISPOSISI") is None
    # When Banten hands it back: it leaves the list, for a Jakarta agency's inbox, marked handed back
    back = banten.act(f"36~{report_id}", "refuse", BANTEN_AGENCY, {"note": "Lokasi di sisi Jakarta"})
    assert back.status_code == 200, back.body
    provinces.settle()
    assert _row(jakarta, report_id, to="36") is None
    agency = _json(jakarta.get(f"/reports/{report_id}"))["agency"]["id"]
    inbox = _json(jakarta.get(f"/agency/reports?agency={agency}", _coordinator(jakarta)))
    row = next(item for item in inbox["items"] if item["id"] == report_id)
    assert row["handed_back"]["province"]["code"] == "36"


def test_only_coordinators_list_it_and_only_of_neighbours(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    officer = jakarta.get("/agency/handed", jakarta.token("sudin-bm-js"))
    assert officer.status_code == 403 and _json(officer)["error"]["code"] == "coordinator_only"
    code, body = _handed(jakarta, to="51")
    assert code == 404 and body["error"]["code"] == "not_a_neighbour"
    code, body = _handed(jakarta, to="3")
    assert code == 422, body
    code, body = _handed(jakarta)
    assert code == 200 and [n["code"] for n in body["neighbours"]] == ["32", "36"] and body["to"] is None
    # an empty ``to`` (a form's blank choice) means every neighbour, as the document says
    assert _handed(jakarta, to="") == (code, body)


def _copy(n: int, to: str, status: Status = Status.PROSES) -> Report:
    """Jakarta's copy of a report it handed to ``to``, in ``status`` there; newer than any other report."""
    at = utcnow() + timedelta(days=2, seconds=n)
    report_id = f"31-991231-H{n:03d}"
    entry = TimelineEntry(f"{report_id}:submit", at, Action.SUBMIT, Status.MENUNGGU, "31")
    return Report(
        key=report_id,
        id=report_id,
        province="31",
        category="sampah",
        description=f"uji serah {n}",
        location=Location(lat=-6.17, lon=106.63, area_code="36.71.01" if to == "36" else "32.75.01"),
        visibility=Visibility.PRIVATE,
        status=status,
        created_at=at,
        updated_at=at,
        escalated_to=to,
        remote_version=1,
        timeline=(entry,),
    )


@pytest.fixture
def seeded(provinces: World) -> Iterator[list[Report]]:
    """13 copies with Banten and Jawa Barat, interleaved by age; removed again afterwards."""
    rows = [container.reports().create(_copy(n, "36" if n % 3 else "32")) for n in range(13)]
    yield rows
    for row in rows:
        ReportModel(pk=row.key).delete(add_version_condition=False)


def _newest_first_in_full_pages(
    jakarta: Province, wanted: list[Report], **query: str
) -> list[dict[str, Any]]:
    """Every row of the handed list asked with ``query``, in pages of 4, asserting each page but the
    last is full, each row comes once, newest first, the ``wanted`` copies (the newest) first."""
    rows: list[dict[str, Any]] = []
    query = {**query, "limit": "4"}
    while True:
        code, page = _handed(jakarta, **query)
        assert code == 200, page
        rows.extend(page["items"])
        if not page["next_cursor"]:
            break
        assert len(page["items"]) == 4  # full unless the list ends here
        query["cursor"] = page["next_cursor"]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))  # each once
    assert [row["created_at"] for row in rows] == sorted((row["created_at"] for row in rows), reverse=True)
    newest = [r.id for r in sorted(wanted, key=lambda r: r.created_at, reverse=True)]
    assert ids[: len(newest)] == newest
    return rows


def test_every_neighbours_reports_are_merged_newest_first_in_full_pages(
    provinces: World, seeded: list[Report]
) -> None:
    jakarta = provinces["jakarta"]
    for to, wanted in ((None, seeded), ("32", [r for r in seeded if r.escalated_to == "32"])):
        rows = _newest_first_in_full_pages(jakarta, wanted, status="PROSES", **({"to": to} if to else {}))
        assert {row["escalated_to"]["code"] for row in rows} == ({"32", "36"} if to is None else {"32"})
    # A cursor of one listing is refused by another
    _, first = _handed(jakarta, status="PROSES", limit="4")
    code, body = _handed(jakarta, status="PROSES", limit="4", to="36", cursor=first["next_cursor"])
    assert code == 422 and body["error"]["code"] == "invalid_cursor"


def test_without_a_status_every_status_is_merged_newest_first(provinces: World) -> None:
    """Given copies with two neighbours in three statuses, interleaved by age, when the coordinator
    lists them without a status, then the pages are newest first across statuses (not by status name)."""
    jakarta = provinces["jakarta"]
    statuses = (Status.SELESAI, Status.MENUNGGU, Status.PROSES)
    rows = [
        container.reports().create(_copy(100 + n, "36" if n % 2 else "32", statuses[n % 3])) for n in range(9)
    ]
    try:
        _newest_first_in_full_pages(jakarta, rows)
    finally:
        for row in rows:
            ReportModel(pk=row.key).delete(add_version_condition=False)


def test_the_backfill_keys_a_copy_stored_before_the_list_into_it(
    provinces: World, seeded: list[Report]
) -> None:
    jakarta = provinces["jakarta"]
    old = seeded[1]
    dynamodb, table = boto3.client("dynamodb"), settings().reports_table
    # Given a copy stored as before: no by-agency key at all
    dynamodb.update_item(TableName=table, Key={"pk": {"S": old.key}}, UpdateExpression="REMOVE gp, gs")
    assert _row(jakarta, old.id, to="36", status="PROSES") is None
    # When the operator runs the backfill, twice
    first = CliRunner().invoke(cli_app, ["backfill", "handed", "--stage", "jakarta", "--table", table])
    again = CliRunner().invoke(cli_app, ["backfill", "handed", "--stage", "jakarta", "--table", table])
    # Then it is in the list, keyed once, and its version is unchanged (nobody's edit is lost)
    assert first.exit_code == 0 and not first.output.startswith("0 "), first.output
    assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output
    assert _row(jakarta, old.id, to="36", status="PROSES") is not None
    assert ReportModel.get(old.key, consistent_read=True).version == old.version
