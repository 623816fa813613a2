"""An agency's own ticketing system on its work queue, doing what docs/agencies.md tells its IT team:
receive with the documented call, read the report, act with an Idempotency-Key and If-Match, delete.

Sudin SDA Jakarta Pusat (``sudin-sda-jp``, ``work_queue: true``) is the agency; floods in Gambir are its.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from tests.integration.harness import Province, World, world
from tests.integration.test_agency_queue import _emptied

pytestmark = pytest.mark.integration

AGENCY = "sudin-sda-jp"
FLOOD = {
    "category": "banjir",
    "description": "Air setinggi lutut masuk rumah warga di gang belakang Pasar Baru.",
    "location": {"lat": -6.1862, "lon": 106.8343, "area_code": "31.71.01"},
    "address": "Gang Kelinci III no. 7",
    "reporter": {"name": "Siti Aminah", "phone": "081234567890", "email": "siti@example.id"},
}
# The fields of a work item (docs/agencies.md, "The work item"), and no other.
ITEM_FIELDS = {
    "type",
    "event_id",
    "report_key",
    "report_id",
    "province",
    "agency",
    "status",
    "category",
    "area_code",
    "action",
    "note",
    "at",
}


class AgencySystem:
    """The agency's integration as docs/agencies.md describes it (a few lines of any language)."""

    def __init__(self, province: Province, agency: str = AGENCY) -> None:
        self.province = province
        self.sqs = boto3.client("sqs")
        self.url = self.sqs.get_queue_url(QueueName=f"aduan-31-agency-{agency}")["QueueUrl"]
        self.token = province.token(agency)  # in production: the agency system's account's ID token

    def receive(self, wait: int = 20) -> list[dict[str, Any]]:
        """The documented receive call (``wait``: 0 where a test only checks the queue is empty)."""
        answer = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=wait,
            AttributeNames=["ApproximateReceiveCount"],
        )
        return list(answer.get("Messages", []))

    def read(self, item: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """``GET /agency/reports/{report_key}``: the report now (its version, its allowed actions)."""
        answer = self.province.get(f"/agency/reports/{quote(item['report_key'], safe='')}", self.token)
        return answer.status_code, json.loads(answer.body)

    def act(
        self, message: dict[str, Any], action: str, version: int, body: dict[str, Any] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """The action, once per message (its MessageId), on the version read."""
        key = json.loads(message["Body"])["report_key"]
        headers = {**self.token, "Idempotency-Key": message["MessageId"], "If-Match": str(version)}
        answer = self.province.post(
            f"/agency/reports/{quote(key, safe='')}/actions/{action}", body or {}, headers
        )
        return answer.status_code, json.loads(answer.body)

    def delete(self, message: dict[str, Any]) -> None:
        self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def stale(self, message: dict[str, Any]) -> bool:
        """The docs' test of an item whose report moved on: not readable as the agency's (403/404), or
        closed, or with no action left to the agency."""
        status, now = self.read(json.loads(message["Body"]))
        if status in (403, 404):
            return True
        assert status == 200, now
        return bool(now["closed"]) or not now["allowed_actions"]


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


@pytest.fixture
def system(provinces: World) -> AgencySystem:
    """The agency's system, its queue emptied of what earlier tests left there."""
    return _system(provinces, AGENCY)


def _system(provinces: World, agency: str) -> AgencySystem:
    provinces.settle()
    found = AgencySystem(provinces["jakarta"], agency)
    _emptied(_Queue(found))
    return found


class _Queue:
    """What ``_emptied`` uses of a work queue."""

    def __init__(self, system: AgencySystem) -> None:
        self.sqs, self.url = system.sqs, system.url

    def receive(self, wait_seconds: int = 0, max_messages: int = 10) -> list[dict[str, Any]]:
        answer = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=max_messages, WaitTimeSeconds=wait_seconds
        )
        return list(answer.get("Messages", []))


def _submitted(provinces: World, **changes: Any) -> dict[str, Any]:
    created = provinces["jakarta"].post("/reports", {**FLOOD, **changes})
    assert created.status_code == 201, created.body
    provinces.settle()
    return dict(json.loads(created.body))


def _received(system: AgencySystem, count: int) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for _ in range(5):
        messages += system.receive()
        if len(messages) >= count:
            break
    assert len(messages) == count, [m["Body"] for m in messages]
    return messages


def test_the_agency_system_takes_and_resolves_an_item_once_whatever_is_delivered_twice(
    provinces: World, system: AgencySystem
) -> None:
    jakarta = provinces["jakarta"]
    # Given a flood in Gambir routed to Sudin SDA Jakarta Pusat
    report = _submitted(provinces)
    [message] = _received(system, 1)
    item = json.loads(message["Body"])
    assert set(item) == ITEM_FIELDS
    assert (item["report_id"], item["agency"], item["status"], item["action"]) == (
        report["id"],
        AGENCY,
        "DISPOSISI",
        "route",
    )
    # When the system reads the report and takes it on the version read, then deletes the message
    status, now = system.read(item)
    assert status == 200 and "take" in now["allowed_actions"]
    taken = system.act(message, "take", now["version"])
    assert taken[0] == 200 and taken[1]["status"]["code"] == "PROSES"
    # And the same message comes again (its delete lost, or SQS delivering it twice): the same
    # Idempotency-Key and If-Match answer as the first time, and the report is taken once
    again = system.act(message, "take", now["version"])
    assert again[0] == 200 and again[1]["version"] == taken[1]["version"]
    system.delete(message)
    # When it resolves on a version someone changed meanwhile, it is told (409 version_conflict), nothing
    # changes, and it reads the report again and resolves on the new version
    assert (
        jakarta.act(report["id"], "estimate", AGENCY, {"estimated_completion": _today()}).status_code == 200
    )
    resolve = {"note": "Saluran dibersihkan", **jakarta.evidence(report["id"], AGENCY)}
    conflict = system.act(message | {"MessageId": "resolve-1"}, "resolve", taken[1]["version"], resolve)
    assert conflict[0] == 409 and conflict[1]["error"]["code"] == "version_conflict"
    _, now = system.read(item)
    done = system.act(message | {"MessageId": "resolve-1"}, "resolve", now["version"], resolve)
    assert done[0] == 200 and done[1]["status"]["code"] == "SELESAI"
    actions = [entry["action"] for entry in done[1]["timeline"]]
    assert actions.count("take") == 1 and actions.count("resolve") == 1
    # And the item read again now is stale: resolved, what is left is the reporter's, not listed here
    assert done[1]["allowed_actions"] == [] and system.stale(message)
    assert system.receive(wait=0) == []


def test_items_whose_report_moved_to_another_agency_or_province_are_stale_and_deleted(
    provinces: World, system: AgencySystem
) -> None:
    jakarta = provinces["jakarta"]
    # Given a flood routed to Sudin SDA Jakarta Pusat, and a blocked drain in Kembangan, at the Banten
    # border, routed to Sudin SDA Jakarta Barat (which works from its own system too), their items queued
    west = _system(provinces, "sudin-sda-jb")
    forwarded = _submitted(provinces)["id"]
    kembangan = {"lat": -6.19, "lon": 106.74, "area_code": "31.73.08"}
    handed = _submitted(provinces, category="saluran_air", location=kembangan)["id"]
    [pusat] = _received(system, 1)
    [barat] = _received(west, 1)
    # When, before the systems poll, a colleague forwards the first to Dinas SDA on the web and refuses the
    # second to Banten
    forward = {"to_agency": "dsda", "note": "Skala kota"}
    assert jakarta.act(forwarded, "forward", AGENCY, forward).status_code == 200
    refuse = {"to_agency": "36:", "note": "Genangan di sisi Kota Tangerang"}
    assert jakarta.act(handed, "refuse", "sudin-sda-jb", refuse).status_code == 200
    # Then both items read as stale, and the systems delete them without acting
    assert [system.stale(pusat), west.stale(barat)] == [True, True]
    system.delete(pusat)
    west.delete(barat)
    assert system.receive(wait=0) == [] and west.receive(wait=0) == []
    provinces.settle()


def test_an_item_carries_no_contact_no_secret_and_no_words_of_a_private_report(
    provinces: World, system: AgencySystem
) -> None:
    """Given a private flood (the default) whose reporter left a name, phone and e-mail, taken, resolved
    with a note and reopened by the reporter with a reason, then no work item of its life carries the
    description, address, reporter, secret, the officer's note or the reporter's reason: the system reads
    the words through the API with its token. A public report's reason is public and comes along."""
    jakarta = provinces["jakarta"]
    words = {"resolve": "Pompa regu dua dipasang Selasa", "reopen": "Air naik lagi ke dalam rumah kami"}
    private = _submitted(provinces)
    public = _submitted(provinces, visibility="public")
    for report in (private, public):
        assert jakarta.act(report["id"], "take", AGENCY).status_code == 200
        resolve = {"note": words["resolve"], **jakarta.evidence(report["id"], AGENCY)}
        assert jakarta.act(report["id"], "resolve", AGENCY, resolve).status_code == 200
        secret = {"X-Report-Secret": report["secret"]}
        reopened = jakarta.post(f"/reports/{report['id']}/reopen", {"reason": words["reopen"]}, secret)
        assert reopened.status_code == 200, reopened.body
    provinces.settle()
    items = [json.loads(m["Body"]) for m in _received(system, 4)]  # each route, each reopen
    by_report = {r["id"]: [i for i in items if i["report_id"] == r["id"]] for r in (private, public)}
    assert [i["action"] for i in by_report[private["id"]]] == ["route", "reopen"]
    private_text = json.dumps(by_report[private["id"]], ensure_ascii=False)
    secrets = (private["secret"], FLOOD["description"], FLOOD["address"], *FLOOD["reporter"].values())
    for text in (*secrets, *words.values()):
        assert text not in private_text
    assert [i["note"] for i in by_report[private["id"]]] == [None, None]
    public_reopen = [i for i in by_report[public["id"]] if i["action"] == "reopen"]
    assert [i["note"] for i in public_reopen] == [words["reopen"]]
    assert public["secret"] not in json.dumps(by_report[public["id"]])


def _today() -> str:
    from datetime import datetime, timedelta

    return (datetime.now(UTC) + timedelta(hours=7, days=3)).date().isoformat()
