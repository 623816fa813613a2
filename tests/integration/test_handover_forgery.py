"""Hand-overs that cannot be forged: through real queues (moto), a message is applied only when its
sender provably signed it for the receiving province and it fits the stored state.

Everything else changes nothing, is parked on the receiver's quarantine queue with its reason,
and is logged without content.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib.domain.handover_auth import dev_key_id, dev_private_key, sign
from infra.local.aws import REGION
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

BORDER = {
    "category": "sampah",
    "description": "Sampah menumpuk di perbatasan, sudah tiga hari tidak diangkut.",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
}
LOCAL = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan sekolah dasar negeri.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}
NOW = datetime.now(UTC).isoformat()
BANTEN_AGENCY = "dlh-kota-tangerang"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(("jakarta", "banten", "jawa-barat")) as w:
        yield w


def _queue_url(name: str) -> str:
    return str(boto3.client("sqs", region_name=REGION).get_queue_url(QueueName=name)["QueueUrl"])


def _send(to: str, body: str, attributes: dict[str, str], group: str) -> None:
    boto3.client("sqs", region_name=REGION).send_message(
        QueueUrl=_queue_url(f"aduan-{to}-escalation.fifo"),
        MessageBody=body,
        MessageGroupId=group,
        MessageDeduplicationId=uuid.uuid4().hex,
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def _signed(signer: str, claimed: str, recipient: str, body: str) -> dict[str, str]:
    """Attributes of ``body`` signed with ``signer``'s development key, claiming ``claimed``."""
    return sign(dev_private_key(signer), dev_key_id(claimed), claimed, recipient, body).attributes()


def _quarantined(code: str) -> list[tuple[str, str]]:
    """(reason, body) of every message on a province's quarantine queue, consumed."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = _queue_url(f"aduan-{code}-quarantine")
    found: list[tuple[str, str]] = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        messages = got.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            reason = message["MessageAttributes"]["quarantine_reason"]["StringValue"]
            found.append((reason, message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _state(province: Any, key: str) -> tuple[str, int]:
    """Status and timeline length: what the origin's tracking page, or the handling agency, sees."""
    if "~" in key:
        view = province.get(f"/agency/reports/{key}", province.token(BANTEN_AGENCY)).json_body
    else:
        view = province.get(f"/reports/{key}").json_body
    return view["status"]["code"], len(view["timeline"])


def _update(origin_id: str, sender: str) -> str:
    return json.dumps(
        {
            "type": "update",
            "event_id": f"{sender}~{origin_id}:forged:{uuid.uuid4().hex[:6]}",
            "origin_id": origin_id,
            "from_province": sender,
            "seq": 99,
            "status": "SELESAI",
            "closed": True,
            "entries": [],
        }
    )


@pytest.fixture(scope="module")
def border_report(provinces: World) -> str:
    """A Jakarta report about Kota Tangerang, handed over to Banten and accepted there."""
    created = provinces["jakarta"].post("/reports", BORDER)
    assert created.status_code == 201, created.body
    provinces.settle()
    _quarantined("31"), _quarantined("36"), _quarantined("32")  # start from empty quarantines
    return str(created.json_body["id"])


def test_a_genuine_hand_over_is_applied_and_nothing_is_quarantined(
    provinces: World, border_report: str
) -> None:
    jakarta_view = provinces["jakarta"].get(f"/reports/{border_report}").json_body
    assert jakarta_view["escalated_to"] == "36" and jakarta_view["agency"]["province"] == "36"
    assert _quarantined("31") == [] and _quarantined("36") == []


def test_a_third_province_forging_each_message_type_changes_nothing(
    provinces: World, border_report: str
) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    before = (_state(jakarta, border_report), _state(banten, f"36~{border_report}"))
    # Jawa Barat signs with its own key but claims to be Banten (update) and Jakarta (feedback, escalate)
    update = _update(border_report, "36")
    _send("31", update, _signed("32", "36", "31", update), border_report)
    feedback = json.dumps(
        {
            "type": "feedback",
            "event_id": f"{border_report}:forged-fb",
            "origin_id": border_report,
            "from_province": "31",
            "action": "confirm",
            "rating": 5,
            "at": NOW,
        }
    )
    _send("36", feedback, _signed("32", "31", "36", feedback), border_report)
    escalate = json.dumps(
        {
            "type": "escalate",
            "event_id": "31-261206-ZZZZ:escalate:1",
            "origin_province": "31",
            "report": {
                "id": "31-261206-ZZZZ",
                "category": "sampah",
                "description": "palsu",
                "lat": -6.17,
                "lon": 106.63,
                "area_code": "36.71.01",
                "visibility": "public",
                "created_at": NOW,
            },
        }
    )
    _send("36", escalate, _signed("32", "31", "36", escalate), "31-261206-ZZZZ")
    provinces.settle()
    # Then nothing changed in either province, and each was quarantined as a bad signature
    assert (_state(jakarta, border_report), _state(banten, f"36~{border_report}")) == before
    assert banten.get("/agency/reports/36~31-261206-ZZZZ", banten.token(BANTEN_AGENCY)).status_code == 404
    reasons = [r for r, _ in _quarantined("31") + _quarantined("36")]
    assert sorted(reasons) == ["bad_signature"] * 3


def test_an_altered_body_and_a_replay_to_another_province_are_refused(
    provinces: World, border_report: str
) -> None:
    banten = provinces["banten"]
    before = _state(banten, f"36~{border_report}")
    # A genuine feedback from Jakarta to Banten, with its rating changed on the way
    genuine = json.dumps(
        {
            "type": "feedback",
            "event_id": f"{border_report}:fb-altered",
            "origin_id": border_report,
            "from_province": "31",
            "action": "confirm",
            "rating": 1,
            "at": NOW,
        }
    )
    attributes = _signed("31", "31", "36", genuine)
    _send("36", genuine.replace('"rating": 1', '"rating": 5'), attributes, border_report)
    # The same genuine message replayed into Jawa Barat's queue
    _send("32", genuine, attributes, border_report)
    provinces.settle()
    assert _state(banten, f"36~{border_report}") == before
    assert [r for r, _ in _quarantined("36")] == ["bad_signature"]
    assert [r for r, _ in _quarantined("32")] == ["bad_signature"]


def test_signed_messages_that_do_not_fit_the_stored_state_change_nothing(
    provinces: World, border_report: str
) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    local = jakarta.post("/reports", LOCAL).json_body["id"]
    provinces.settle()
    before_local, before_border = _state(jakarta, local), _state(banten, f"36~{border_report}")
    # Banten, correctly signed, sends an update for a Jakarta report never handed to it
    update = _update(local, "36")
    _send("31", update, _signed("36", "36", "31", update), local)
    # Jawa Barat, correctly signed as itself, sends feedback about a report it is not the origin of
    feedback = json.dumps(
        {
            "type": "feedback",
            "event_id": f"{border_report}:fb-32",
            "origin_id": border_report,
            "from_province": "32",
            "action": "reopen",
            "reason": "palsu sekali",
            "at": NOW,
        }
    )
    _send("36", feedback, _signed("32", "32", "36", feedback), border_report)
    # Jawa Barat, correctly signed, escalates a Bandung report to Jakarta, which does not serve Bandung
    escalate = json.dumps(
        {
            "type": "escalate",
            "event_id": "32-261206-BDG1:escalate:1",
            "origin_province": "32",
            "report": {
                "id": "32-261206-BDG1",
                "category": "sampah",
                "description": "Sampah di Bandung",
                "lat": -6.91,
                "lon": 107.61,
                "area_code": "32.73.01",
                "visibility": "public",
                "created_at": NOW,
            },
        }
    )
    _send("31", escalate, _signed("32", "32", "31", escalate), "32-261206-BDG1")
    provinces.settle()
    assert _state(jakarta, local) == before_local and _state(banten, f"36~{border_report}") == before_border
    assert sorted(r for r, _ in _quarantined("31")) == ["area_not_served", "not_handed_over"]
    assert [r for r, _ in _quarantined("36")] == ["wrong_report"]


def test_an_escalation_of_another_province_s_report_is_refused(provinces: World, border_report: str) -> None:
    """Given Jakarta, correctly signed as itself, handing Banten a report whose id is Jawa Barat's,
    when Banten receives it, then it is quarantined as another province's report and no copy is
    made (a copy would squat the key Jawa Barat's own hand-over of that report would need)."""
    squatted = "32-261206-SQT1"
    escalate = json.dumps(
        {
            "type": "escalate",
            "event_id": f"{squatted}:escalate:1",
            "origin_province": "31",
            "report": {
                "id": squatted,
                "category": "sampah",
                "description": "Sampah di Batuceper",
                "lat": -6.17,
                "lon": 106.63,
                "area_code": "36.71.01",
                "visibility": "public",
                "created_at": NOW,
            },
        }
    )
    assert _escalated_by_jakarta(provinces, squatted, escalate) == (["wrong_report"], 404)


def test_an_update_carrying_steps_in_the_origins_name_is_refused(
    provinces: World, border_report: str
) -> None:
    """Given Banten, correctly signed as itself, sending Jakarta an update whose timeline entries claim
    to be Jakarta's own steps (a resolve by Jakarta's Suku Dinas), when Jakarta receives it, then it is
    quarantined and the reporter's timeline shows nothing of it."""
    jakarta = provinces["jakarta"]
    before = _state(jakarta, border_report)
    forged = {
        "event_id": f"{border_report}:resolve:forged",
        "at": NOW,
        "action": "resolve",
        "status": "SELESAI",
        "province": "31",
        "agency": "sudin-lh-js",
        "note": "Sudah dibersihkan (palsu)",
    }
    update = json.dumps({**json.loads(_update(border_report, "36")), "closed": False, "entries": [forged]})
    _send("31", update, _signed("36", "36", "31", update), border_report)
    provinces.settle()
    assert _state(jakarta, border_report) == before
    timeline = jakarta.get(f"/reports/{border_report}").json_body["timeline"]
    assert all(entry.get("note") != "Sudah dibersihkan (palsu)" for entry in timeline)
    assert [r for r, _ in _quarantined("31")] == ["foreign_entries"]


def test_a_partner_cannot_take_the_id_of_the_reporters_confirm_before_them(provinces: World) -> None:
    """Given a report handed to Banten, and Banten (signed as itself) sending the Selesai update with
    steps of its own whose ids look like the reporter's next confirm, when the reporter confirms
    without an Idempotency-Key, then the confirm is applied (its id is not one a partner can guess)."""
    jakarta = provinces["jakarta"]
    created = jakarta.post("/reports", BORDER).json_body
    provinces.settle()
    report_id, length = created["id"], _state(jakarta, created["id"])[1]
    planted = [
        {
            "event_id": f"{report_id}:confirm:{n}",
            "at": NOW,
            "action": "resolve",
            "status": "SELESAI",
            "province": "36",
            "agency": BANTEN_AGENCY,
        }
        for n in range(length, length + 6)
    ]
    update = json.dumps({**json.loads(_update(report_id, "36")), "closed": False, "entries": planted})
    _send("31", update, _signed("36", "36", "31", update), report_id)
    provinces.settle()
    assert _state(jakarta, report_id)[0] == "SELESAI"
    confirmed = jakarta.post(
        f"/reports/{report_id}/confirm", {"rating": 5}, {"X-Report-Secret": created["secret"]}
    )
    assert confirmed.status_code == 200, confirmed.body
    view = jakarta.get(f"/reports/{report_id}", {"X-Report-Secret": created["secret"]}).json_body
    assert view["rating"] == 5 and view["timeline"][-1]["action"] == "confirm"


def test_after_a_take_back_only_the_province_that_handed_it_back_is_dropped_quietly(
    provinces: World,
) -> None:
    """Given a report Banten handed back and Jakarta took back, when Banten (correctly signed) sends a
    late update about it, then it changes nothing and is not quarantined (it was, as
    ``not_handed_over``, setting off the alarm for an authentic message); when Jawa Barat, which never
    had it, sends one correctly signed as itself, or signs one claiming to be Banten, then those
    change nothing and are quarantined as before."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report_id = jakarta.post("/reports", BORDER).json_body["id"]
    provinces.settle()
    back = banten.act(f"36~{report_id}", "refuse", BANTEN_AGENCY, {"note": "Bukan kami", "to_agency": "31:"})
    assert back.status_code == 200, back.body
    provinces.settle()
    _quarantined("31")
    taken_back = jakarta.get(f"/reports/{report_id}").json_body
    assert taken_back["escalated_to"] is None
    late = _update(report_id, "36")
    _send("31", late, _signed("36", "36", "31", late), report_id)
    provinces.settle()
    assert jakarta.get(f"/reports/{report_id}").json_body == taken_back
    assert _quarantined("31") == []
    never_had_it = _update(report_id, "32")
    _send("31", never_had_it, _signed("32", "32", "31", never_had_it), report_id)
    forged = _update(report_id, "36")
    _send("31", forged, _signed("32", "36", "31", forged), report_id)
    provinces.settle()
    assert jakarta.get(f"/reports/{report_id}").json_body == taken_back
    assert sorted(reason for reason, _ in _quarantined("31")) == ["bad_signature", "not_handed_over"]


def test_a_partner_cannot_make_the_origin_show_photos_that_are_not_its_own(provinces: World) -> None:
    """Given a public Jakarta report handed to Banten, when Banten (correctly signed as itself) sends
    the Selesai update whose resolve step names as its evidence a photo of Jakarta's (another report's,
    a private one's: a key Banten holds from an earlier hand-over), then it is quarantined and the
    reporter's public page links no such photo: a province sends only the photos it published."""
    jakarta = provinces["jakarta"]
    report_id = jakarta.post("/reports", {**BORDER, "visibility": "public"}).json_body["id"]
    provinces.settle()
    _quarantined("31")
    before = jakarta.get(f"/reports/{report_id}").json_body
    resolve = {
        "event_id": f"36~{report_id}:resolve:photo",
        "at": NOW,
        "action": "resolve",
        "status": "SELESAI",
        "province": "36",
        "agency": BANTEN_AGENCY,
        "note": "Sudah dibersihkan",
        "evidence_photo": f"public/31/{'a' * 32}.jpg",
    }
    update = json.dumps({**json.loads(_update(report_id, "36")), "closed": False, "entries": [resolve]})
    _send("31", update, _signed("36", "36", "31", update), report_id)
    provinces.settle()
    after = jakarta.get(f"/reports/{report_id}").json_body
    assert (after["status"], after["timeline"]) == (before["status"], before["timeline"])
    assert [r for r, _ in _quarantined("31")] == ["foreign_photos"]


def _escalated_by_jakarta(provinces: World, report_id: str, escalate: str) -> tuple[list[str], int]:
    """Jakarta's correctly signed ``escalate`` of ``report_id`` sent to Banten and settled: the reasons
    Banten quarantined messages for since, and the status of Banten's copy (404: none was made)."""
    _send("36", escalate, _signed("31", "31", "36", escalate), report_id)
    provinces.settle()
    banten = provinces["banten"]
    copy = banten.get(f"/agency/reports/36~{report_id}", banten.token(BANTEN_AGENCY))
    return [r for r, _ in _quarantined("36")], copy.status_code


def _escalation_to_banten(**report: Any) -> tuple[str, str]:
    """A new Jakarta report's id, and its escalate message to Banten (a public garbage report in Kota
    Tangerang) with ``report``'s fields added."""
    report_id = f"31-261207-{uuid.uuid4().hex[:4].upper()}"  # hex digits: all in the ids' alphabet
    place = {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"}
    body = {"id": report_id, "category": "sampah", "description": "Sampah di Batuceper", **place}
    message = {
        "type": "escalate",
        "event_id": f"{report_id}:escalate:1",
        "origin_province": "31",
        "report": {**body, "visibility": "public", **report},
    }
    return report_id, json.dumps(message)


@pytest.mark.parametrize(
    "photo",
    [
        f"public/36/{'b' * 32}.jpg",
        f"public/32/{'c' * 32}.png",
        f"uploads/31/{'d' * 32}.jpg",
        "public/31/x.jpg",
    ],
    ids=["receiver-s-own", "a-third-province-s", "an-unstripped-upload", "not-a-photo-key"],
)
def test_an_escalation_naming_photos_that_are_not_the_origin_s_is_refused(
    provinces: World, photo: str
) -> None:
    """Given Jakarta, correctly signed as itself, handing Banten a public report whose photos include
    one that is not a photo Jakarta published (Banten's own, say a private report's, would then show on
    Banten's public map beside the copy), when Banten receives it, then it is quarantined, no copy made."""
    report_id, escalate = _escalation_to_banten(photos=[f"public/31/{'e' * 32}.jpg", photo], created_at=NOW)
    _quarantined("36")
    assert _escalated_by_jakarta(provinces, report_id, escalate) == (["foreign_photos"], 404)


def test_an_escalation_dated_in_the_future_is_refused(provinces: World) -> None:
    """Given Jakarta, correctly signed as itself, handing Banten a report dated a day ahead (every
    evidence photo of the copy would then fail as "taken before the report", and its service levels
    would start tomorrow), when Banten receives it, then it is quarantined and no copy is made; one
    dated within the clocks' skew of now is taken."""
    for ahead, reason in ((timedelta(days=1), ["future_dated"]), (timedelta(minutes=1), [])):
        created = (datetime.now(UTC) + ahead).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        report_id, escalate = _escalation_to_banten(created_at=created)
        _quarantined("36")
        assert _escalated_by_jakarta(provinces, report_id, escalate) == (reason, 404 if reason else 200)


def test_an_officer_cannot_hand_a_report_to_a_province_that_does_not_serve_its_place(
    provinces: World,
) -> None:
    """Given a report about a street in Jakarta Selatan, when its agency says "bukan wewenang" and
    hands it to Banten, which serves no part of Jakarta, then it is refused at once (422
    ``area_not_served``) and nothing changes: Banten would quarantine the hand-over, leaving the
    report read-only in Jakarta (``handled_by_other_province``) and in nobody's hands."""
    jakarta = provinces["jakarta"]
    report_id = jakarta.post("/reports", LOCAL).json_body["id"]
    provinces.settle()
    _quarantined("36")
    before = jakarta.get(f"/reports/{report_id}").json_body
    agency = before["agency"]["id"]
    try:
        handed = jakarta.act(report_id, "refuse", agency, {"note": "Bukan wewenang kami", "to_agency": "36:"})
    finally:  # while it is not refused, what it sent is settled and its quarantine emptied, for other tests
        provinces.settle()
        quarantined = _quarantined("36")
    assert handed.status_code == 422, handed.body
    assert handed.json_body["error"]["code"] == "area_not_served"
    assert "Banten" in handed.json_body["error"]["message"]
    assert jakarta.get(f"/reports/{report_id}").json_body == before
    assert quarantined == []
    # and the agency still acts on it
    assert jakarta.act(report_id, "take", agency).status_code == 200
