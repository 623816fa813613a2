"""Hand-overs that do not go through keep private words private too.

A cross-border life in which every hand-over message meets trouble once: Banten's queue refuses the
hand-over (the sweep sends it again), Jakarta's queue stays busy for Banten's take, Banten's queue is
missing for the citizen's reopen, the answer to Banten's hand-back is lost (Banten's sweep sends it
again and Jakarta drops it as late), and Jakarta's agency queues refuse the work item of the report
taken back. Every log line (Powertools' output as formatted, every other logger from INFO up, the
process's stdout/stderr with the metrics), every message sent to another province and every metric's
dimensions are captured: none holds the reporter's contact, the tracking secret, an Idempotency-Key or
an officer's token; no log line holds the description, a note or the reopen reason either (those go to
the province handling the report, whose agency works it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from botocore.client import BaseClient

from chalicelib.data.queues import QueueGateway, queue_url
from tests.integration.harness import Province, World, world
from tests.integration.test_neighbour_unreachable import Refusing, _aws_error, _sweep
from tests.integration.test_privacy_logs import Captured, captured  # noqa: F401 (a fixture)

pytestmark = pytest.mark.integration

NAME, PHONE, EMAIL = "Wulan Permatasari", "081377665544", "wulan.permatasari@example.id"
CONTACT = (NAME, "Permatasari", PHONE, "+6281377665544", "0813-7766-5544", EMAIL, "wulan.permatasari")
DESCRIPTION = "Gunungan sampah menutup saluran di belakang Pasar Ciledug, rumah saya kebanjiran."
NOTES = {
    "resolve": "Diangkut truk regu Ciledug pukul enam pagi",
    "reopen": "Sampahnya dibuang lagi di tempat yang sama semalam",
    "refuse": "Ternyata saluran milik kota administrasi sebelah",
}
REPORT = {
    "category": "sampah",
    "description": DESCRIPTION,
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL},
}
BANTEN_AGENCY = "dlh-kota-tangerang"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


@pytest.fixture
def refusing() -> Iterator[Refusing]:
    # its own patch: stopping it undoes nothing else (the recording of messages sent)
    refusal = Refusing(pytest.MonkeyPatch())
    yield refusal
    refusal.stop()


@pytest.fixture
def to_provinces(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every hand-over message this process sends to another province's queue, as sent."""
    messages: list[str] = []
    original = QueueGateway.send_escalation

    def recording(self: QueueGateway, *args: Any, **kwargs: Any) -> Any:
        messages.append(json.dumps([args, kwargs], default=str, ensure_ascii=False))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QueueGateway, "send_escalation", recording)
    return messages


class Life:
    """One citizen's and the officers' requests, remembering every secret word they carried."""

    def __init__(self, provinces: World) -> None:
        self.provinces = provinces
        self.secrets: list[str] = []  # tracking secret, Idempotency-Keys, officers' tokens

    def key(self, name: str) -> dict[str, str]:
        value = f"kunci-rahasia-{name}-7f3a9c"
        self.secrets.append(value)
        return {"Idempotency-Key": value}

    def act(self, province: Province, key: str, action: str, agency: str, body: dict[str, Any]) -> Any:
        token = province.token(agency)
        self.secrets.append(token["Authorization"].removeprefix("Bearer "))
        path = f"/agency/reports/{quote(key)}/actions/{action}"
        answer = province.post(path, body, {**token, **self.key(action)})
        assert answer.status_code == 200, answer.body
        return json.loads(answer.body)


def _refusing_agency_queues(monkeypatch: pytest.MonkeyPatch, province: str) -> None:
    """Every agency work queue of ``province`` refuses this stage (its policy), as IAM answers."""
    original = BaseClient._make_api_call
    prefix = f"aduan-{province}-agency-"

    def refusing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        target = str(params.get("QueueUrl") or params.get("QueueName") or "").rsplit("/", 1)[-1]
        if operation in ("GetQueueUrl", "SendMessage") and target.startswith(prefix):
            raise _aws_error("AccessDenied", operation)
        return original(client, operation, params)

    queue_url.cache_clear()
    monkeypatch.setattr(BaseClient, "_make_api_call", refusing)


def _metric_dimensions(std: str) -> set[str]:
    """The dimension names of every metric set (EMF) written to stdout."""
    names: set[str] = set()
    for line in std.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "_aws" in record:
            for metrics in record["_aws"]["CloudWatchMetrics"]:
                names.update(name for dimensions in metrics["Dimensions"] for name in dimensions)
    return names


def test_hand_overs_sent_again_late_or_undelivered_log_and_send_no_private_word(
    provinces: World,
    refusing: Refusing,
    captured: Captured,  # noqa: F811
    to_provinces: list[str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    life = Life(provinces)
    # Given a private report about Kota Tangerang with the reporter's contact, routed while Banten's queue
    # refuses Jakarta: the hand-over is sent again by Jakarta's sweep
    refusing.start("36", "AccessDenied")
    created = jakarta.post("/reports", REPORT, life.key("submit"))
    assert created.status_code == 201, created.body
    report = json.loads(created.body)
    rid, key = report["id"], f"36~{report['id']}"
    life.secrets.append(report["secret"])
    jakarta.runner.drain()
    refusing.stop()
    assert rid in _sweep(jakarta).resent
    provinces.settle()
    # When Banten takes it while Jakarta's queue stays busy (Banten's sweep sends the update again)
    refusing.start("31", "RequestThrottled")
    life.act(banten, key, "take", BANTEN_AGENCY, {})
    refusing.stop()
    assert rid in _sweep(banten).resent
    provinces.settle()
    # And resolves it with a note; the citizen reopens it with a reason while Banten's queue is missing
    life.act(
        banten,
        key,
        "resolve",
        BANTEN_AGENCY,
        {"note": NOTES["resolve"], **banten.evidence(key, BANTEN_AGENCY)},
    )
    provinces.settle()
    refusing.start("36", "AWS.SimpleQueueService.NonExistentQueue")
    secret = {"X-Report-Secret": report["secret"], **life.key("reopen")}
    reopened = jakarta.post(f"/reports/{rid}/reopen", {"reason": NOTES["reopen"]}, secret)
    assert reopened.status_code == 200, reopened.body
    refusing.stop()
    assert rid in _sweep(jakarta).resent
    provinces.settle()
    # And Banten hands it back with a note, the answer lost; Jakarta takes it back while its agencies'
    # queues refuse the work item; Banten's sweep sends the hand-back again and Jakarta drops it as late
    refusing.start("31", "timeout", delivered=True)
    life.act(banten, key, "refuse", BANTEN_AGENCY, {"note": NOTES["refuse"], "to_agency": "31:dlh"})
    refusing.stop()
    with pytest.MonkeyPatch.context() as patch:
        _refusing_agency_queues(patch, "31")
        provinces.settle()
    queue_url.cache_clear()
    assert json.loads(jakarta.get(f"/reports/{rid}").body)["escalated_to"] is None
    assert rid in _sweep(banten).resent
    provinces.settle()
    # Then each trouble was logged ...
    std = capfd.readouterr()
    text = captured.text(std.out + std.err)
    for line in (
        "hand-over message not taken by the other province's queue",
        "late update from the province that handed the report back",
        "work item not taken by the agency's queue",
    ):
        assert line in text, line
    assert '"code":"neighbour_unreachable"' in text and '"code":"temporarily_unavailable"' in text
    # ... without the contact, a secret, the description or a note, in any log line or metric
    private = [*CONTACT, *life.secrets, DESCRIPTION, *NOTES.values()]
    assert [word for word in private if word in text] == []
    assert _metric_dimensions(std.out) <= {"province", "service", "category"}
    # And the messages to the other province carry the report's words to the agency working it, never
    # the reporter's contact, the tracking secret, an Idempotency-Key or an officer's token
    sent = "\n".join(to_provinces)
    assert DESCRIPTION in sent and len(to_provinces) >= 8
    assert [word for word in (*CONTACT, *life.secrets) if word in sent] == []
