"""A neighbour province's escalation queue refuses a hand-over (IAM: its queue policy does not admit
this province yet) or does not exist (its stack not deployed): the change is saved and answered as
saved, nothing is lost, and the sweep sends the message once the queue takes it again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError, ReadTimeoutError

from chalicelib import container
from chalicelib.data.queues import queue_url
from chalicelib.domain.clock import utcnow
from infra.local.aws import REGION
from infra.local.pipeline import patched_env
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

TANGERANG = {
    "category": "sampah",
    "description": "Tumpukan sampah di pinggir Jl. Daan Mogot perbatasan Jakarta-Tangerang.",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
}
BANTEN_AGENCY = "dlh-kota-tangerang"
REFUSALS = ["AWS.SimpleQueueService.AccessDenied", "AccessDenied", "AWS.SimpleQueueService.NonExistentQueue"]


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


# What is left once botocore's own retries give up on a queue that is only briefly unwell: raised
# above botocore's retry loop, as its last answer
TRANSIENT = ["RequestThrottled", "ThrottlingException", "InternalError:500", "timeout"]


def _aws_error(code: str, operation: str) -> Exception:
    if code == "timeout":
        return ReadTimeoutError(endpoint_url="https://sqs.ap-southeast-3.amazonaws.com/")
    name, _, status = code.partition(":")
    error = {
        "Error": {"Code": name, "Message": "refused"},
        "ResponseMetadata": {"HTTPStatusCode": int(status or 400)},
    }
    return ClientError(error, operation)  # type: ignore[arg-type]


class Refusing:
    """Makes one province's escalation queue refuse every lookup and send, as AWS answers ``code``
    (``delivered``: each send is delivered first, its answer lost, as a timeout may be)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.refused = 0

    def start(self, province: str, code: str, *, delivered: bool = False) -> None:
        original = BaseClient._make_api_call
        queue = f"aduan-{province}-escalation.fifo"

        def refusing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            target = str(params.get("QueueUrl") or params.get("QueueName") or "")
            if operation in ("GetQueueUrl", "SendMessage") and target.endswith(queue):
                if delivered and operation == "GetQueueUrl":
                    return original(client, operation, params)
                if delivered:
                    original(client, operation, params)
                self.refused += 1
                raise _aws_error(code, operation)
            return original(client, operation, params)

        queue_url.cache_clear()  # as in a fresh container: the lookup is refused too
        self.monkeypatch.setattr(BaseClient, "_make_api_call", refusing)

    def stop(self) -> None:
        self.monkeypatch.undo()
        queue_url.cache_clear()


@pytest.fixture
def refusing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Refusing]:
    refusal = Refusing(monkeypatch)
    yield refusal
    refusal.stop()


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _sweep(province: Province, minutes: int = 6) -> Any:
    with patched_env(province.env):
        return container.sweeper().sweep(now=utcnow() + timedelta(minutes=minutes))


def _copy(banten: Province, report_id: str) -> Any:
    return _json(banten.get(f"/agency/reports/36~{report_id}", banten.token(BANTEN_AGENCY)))


@pytest.mark.parametrize("code", REFUSALS)
def test_an_officer_hands_a_report_to_a_neighbour_whose_queue_refuses(
    provinces: World, refusing: Refusing, code: str
) -> None:
    """Given a report about Kota Tangerang that Banten handed back to Jakarta, and Banten's queue
    refusing Jakarta, when Jakarta's officer hands it to Banten again, then the officer is answered
    that it was handed over (it was a 404 or a 500 while it was saved), and once Banten's queue takes
    messages again the sweep hands it over: Banten's agency has it and Jakarta tracks it there."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    provinces.settle()
    back = banten.act(f"36~{report_id}", "refuse", BANTEN_AGENCY, {"note": "Bukan kami", "to_agency": "31:"})
    assert back.status_code == 200, back.body
    provinces.settle()
    agency = _json(jakarta.get(f"/reports/{report_id}"))["agency"]["id"]
    refusing.start("36", code)
    note = {"note": "Lokasi di Kota Tangerang", "to_agency": "36:"}
    handed = jakarta.act(report_id, "refuse", agency, note)
    assert handed.status_code == 200, handed.body
    assert _json(handed)["status"]["code"] == "KOORDINASI" and _json(handed)["escalated_to"] == "36"
    assert refusing.refused
    refusing.stop()
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] != "DISPOSISI"  # still handed back
    assert report_id in _sweep(jakarta).resent
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "DISPOSISI"
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "DISPOSISI"


@pytest.mark.parametrize("code", REFUSALS[1:])
def test_the_route_handler_hands_over_to_a_neighbour_whose_queue_refuses(
    provinces: World, refusing: Refusing, code: str
) -> None:
    """Given Banten's queue refusing Jakarta, when Jakarta routes a report about Kota Tangerang, then
    the intake message is done (it was retried five times into the DLQ, each time refused again)
    and the report waits escalated; once Banten's queue takes messages again the sweep hands it over."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    refusing.start("36", code)
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    stats = jakarta.runner.drain()
    assert (stats["route"].records, stats["route"].failures) == (1, 0)
    assert _json(jakarta.get(f"/reports/{report_id}"))["escalated_to"] == "36"
    refusing.stop()
    assert report_id in _sweep(jakarta).resent
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "DISPOSISI"


@pytest.mark.parametrize("code", REFUSALS[1:])
def test_banten_s_steps_reach_jakarta_once_its_queue_takes_them_again(
    provinces: World, refusing: Refusing, code: str
) -> None:
    """Given a hand-over Banten accepted, and Jakarta's queue refusing Banten, when Banten's officer
    takes it, then the officer is answered (it was a 404 or a 500) and the copy is in progress; Jakarta
    does not know yet; once Jakarta's queue takes messages again, Banten's sweep sends the copy's
    state (it was never sent again: Jakarta showed Disposisi until Banten's next step)."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    provinces.settle()
    refusing.start("31", code)
    taken = banten.act(f"36~{report_id}", "take", BANTEN_AGENCY)
    assert taken.status_code == 200, taken.body
    assert _json(taken)["status"]["code"] == "PROSES"
    refusing.stop()
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "DISPOSISI"
    assert f"36~{report_id}" in [f"36~{i}" for i in _sweep(banten).resent]
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "PROSES"
    assert _sweep(banten, minutes=90).resent == []  # sent: nothing owed any more


@pytest.mark.parametrize("code", REFUSALS[1:])
def test_a_reopen_reaches_the_neighbour_once_its_queue_takes_it_again(
    provinces: World, refusing: Refusing, code: str
) -> None:
    """Given Jakarta's report resolved by Banten, and Banten's queue refusing Jakarta, when the
    citizen reopens it in Jakarta, then the citizen is answered that it is reopened (it was a 404 or
    a 500), and once Banten's queue takes messages again Jakarta's sweep sends the reopen: Banten's
    copy goes back to its agency (the reopen was lost: Banten's copy stayed done and closed itself)."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _reopened_while_refused(provinces, refusing, code)
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "SELESAI"
    assert report_id in _sweep(jakarta).resent
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "DISPOSISI"
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "DISPOSISI"


def test_an_officer_s_next_action_names_the_version_the_refused_step_was_answered_with(
    provinces: World, refusing: Refusing
) -> None:
    """Given a hand-over Banten accepted, and Jakarta's queue refusing Banten, when Banten's officer
    takes it and then, naming the version that answer gave (If-Match, as the console does), estimates
    it, then the estimate is recorded: the take was answered as stored after the sweep's mark (it was
    answered one version behind, and the estimate got 409 version_conflict)."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    provinces.settle()
    key = f"36~{report_id}"
    refusing.start("31", "AccessDenied")
    taken = banten.act(key, "take", BANTEN_AGENCY)
    assert taken.status_code == 200, taken.body
    assert _json(taken)["version"] == _copy(banten, report_id)["version"]
    when = {"estimated_completion": (utcnow() + timedelta(days=3)).date().isoformat()}
    estimated = banten.act(key, "estimate", BANTEN_AGENCY, when, **{"If-Match": str(_json(taken)["version"])})
    assert estimated.status_code == 200, estimated.body
    refusing.stop()
    assert f"36~{report_id}" in [f"36~{i}" for i in _sweep(banten).resent]
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "PROSES"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the count metrics the publisher adds."""
    names: list[str] = []
    monkeypatch.setattr("chalicelib.services.outbox.count", lambda name, value=1: names.append(name))
    return names


@pytest.mark.parametrize("code", TRANSIENT)
def test_banten_s_step_reaches_jakarta_after_its_queue_stays_busy(
    provinces: World, refusing: Refusing, counted: list[str], code: str
) -> None:
    """Given a hand-over Banten accepted, and Jakarta's queue throttling, failing (5xx) or timing out
    past botocore's retries, when Banten's officer takes it, then the officer is answered that it is
    taken (it was a 503 for a saved step, never sent again unless the officer asked again), counted
    as a delay (``HandoversDelayed``, not the ``HandoversUndelivered`` that alarms), and Banten's
    sweep sends the copy's state once the queue takes it."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    provinces.settle()
    refusing.start("31", code)
    taken = banten.act(f"36~{report_id}", "take", BANTEN_AGENCY)
    assert taken.status_code == 200, taken.body
    assert _json(taken)["status"]["code"] == "PROSES"
    assert _json(taken)["version"] == _copy(banten, report_id)["version"]  # answered as stored, marked
    assert refusing.refused and "HandoversDelayed" in counted and "HandoversUndelivered" not in counted
    refusing.stop()
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "DISPOSISI"
    assert report_id in _sweep(banten).resent
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report_id}"))["status"]["code"] == "PROSES"
    assert _sweep(banten, minutes=90).resent == []


@pytest.mark.parametrize("code", TRANSIENT[::3])
def test_a_reopen_reaches_the_neighbour_after_its_queue_stays_busy(
    provinces: World, refusing: Refusing, counted: list[str], code: str
) -> None:
    """Given Jakarta's report resolved by Banten, and Banten's queue throttling or timing out, when
    the citizen reopens it in Jakarta, then the citizen is answered that it is reopened (it was a 503
    for a saved reopen), and Jakarta's sweep sends the reopen: Banten's copy goes back to its agency."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _reopened_while_refused(provinces, refusing, code)
    assert counted == ["HandoversDelayed"]
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "SELESAI"
    assert report_id in _sweep(jakarta).resent
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "DISPOSISI"


def test_an_officer_hands_a_report_to_a_neighbour_whose_queue_stays_busy(
    provinces: World, refusing: Refusing, counted: list[str]
) -> None:
    """Given a report Banten handed back to Jakarta, and Banten's queue throttling, when Jakarta's
    officer hands it to Banten again, then the officer is answered that it was handed over (it was a
    503 for a saved hand-over), and the sweep hands it over."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    provinces.settle()
    back = banten.act(f"36~{report_id}", "refuse", BANTEN_AGENCY, {"note": "Bukan kami", "to_agency": "31:"})
    assert back.status_code == 200, back.body
    provinces.settle()
    agency = _json(jakarta.get(f"/reports/{report_id}"))["agency"]["id"]
    refusing.start("36", "RequestThrottled")
    handed = jakarta.act(
        report_id, "refuse", agency, {"note": "Lokasi di Kota Tangerang", "to_agency": "36:"}
    )
    assert handed.status_code == 200, handed.body
    assert _json(handed)["escalated_to"] == "36" and counted == ["HandoversDelayed"]
    refusing.stop()
    provinces.settle()
    assert report_id in _sweep(jakarta).resent
    provinces.settle()
    assert _copy(banten, report_id)["status"]["code"] == "DISPOSISI"


def _reopened_while_refused(provinces: World, refusing: Refusing, code: str) -> str:
    """Jakarta's report about Kota Tangerang, resolved by Banten, reopened by its citizen in Jakarta
    (answered 200) while Banten's queue does not take messages (``code``), which it takes again after;
    the report's id."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    created = _json(jakarta.post("/reports", TANGERANG))
    report_id, key = created["id"], f"36~{created['id']}"
    provinces.settle()
    assert banten.act(key, "take", BANTEN_AGENCY).status_code == 200
    proof = banten.evidence(key, BANTEN_AGENCY)
    assert banten.act(key, "resolve", BANTEN_AGENCY, {"note": "Diangkut", **proof}).status_code == 200
    provinces.settle()
    refusing.start("36", code)
    secret = {"X-Report-Secret": created["secret"]}
    reopened = jakarta.post(f"/reports/{report_id}/reopen", {"reason": "Masih menumpuk"}, secret)
    assert reopened.status_code == 200, reopened.body
    refusing.stop()
    return report_id


def _quarantined(code: str) -> list[str]:
    """The reasons of every message on a province's quarantine queue, consumed."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=f"aduan-{code}-quarantine")["QueueUrl"]
    reasons: list[str] = []
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages"
    ):
        for message in got:
            reasons.append(message["MessageAttributes"]["quarantine_reason"]["StringValue"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return reasons


def test_a_hand_back_whose_answer_was_lost_is_re_sent_and_dropped_quietly_once_taken_back(
    provinces: World, refusing: Refusing, caplog: pytest.LogCaptureFixture
) -> None:
    """Given a hand-over Banten accepted, when Banten's officer hands it back and Jakarta's queue takes
    the message but its answer is lost (a timeout), then the officer is answered that it was handed back
    and Jakarta takes it back; Banten's sweep sends the copy's state again (a later version: the mark
    was a write), and Jakarta drops that late update quietly, logged at info and counted: it was
    quarantined as ``not_handed_over``, setting off the quarantine alarm for an authentic message."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = _json(jakarta.post("/reports", TANGERANG))["id"]
    provinces.settle()
    _quarantined("31")
    refusing.start("31", "timeout", delivered=True)
    back = banten.act(f"36~{report_id}", "refuse", BANTEN_AGENCY, {"note": "Bukan kami", "to_agency": "31:"})
    assert back.status_code == 200, back.body
    refusing.stop()
    provinces.settle()
    taken_back = _json(jakarta.get(f"/reports/{report_id}"))
    assert taken_back["escalated_to"] is None and taken_back["agency"]["province"] == "31"
    assert report_id in _sweep(banten).resent
    with caplog.at_level("INFO"):
        provinces.settle()
    assert _quarantined("31") == []
    assert _json(jakarta.get(f"/reports/{report_id}")) == taken_back
    late = [
        r for r in caplog.records if r.getMessage().startswith("late update from the province that handed")
    ]
    assert [(r.levelname, r.report_id, r.from_province) for r in late] == [("INFO", report_id, "36")]  # type: ignore[attr-defined]
