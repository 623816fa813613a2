"""Reporter contact data never leaves the private table: not in logs, responses, queues or other provinces.

A full life of a cross-border report (submit with name, phone and e-mail; route; escalate to
Banten; take; resolve; confirm), plus invalid requests that echo a phone number, runs with every
log line captured: Powertools' output as it is formatted, every other logger from INFO up, and the
process's stdout/stderr. None of it may contain the reporter's name, phone or e-mail, the tracking
secret or the officer's token; no log line the description or the agency's note either.
"""

from __future__ import annotations

import io
import json
import logging
import time
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from chalicelib.data.queues import QueueGateway
from chalicelib.domain.private import hash_idempotency_key
from chalicelib.domain.protocol import ReportOut
from chalicelib.observability import logger
from chalicelib.privacy.masking import scrub_text
from infra.local.aws import REGION
from tests.integration.harness import World, world
from tests.integration.test_neighbour_unreachable import Refusing, _sweep

pytestmark = pytest.mark.integration

NAME, PHONE, EMAIL = "Siti Aminah Rahmawati", "081234567890", "siti.rahmawati@example.id"
SECRETS = ("Siti", "Aminah", "Rahmawati", PHONE, "0812-3456-7890", "+6281234567890", EMAIL, "siti.rahmawati")
BORDER = {
    "category": "sampah",
    "description": "Tumpukan sampah di perbatasan Jakarta-Tangerang, bau menyengat.",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL},
}
BANTEN_AGENCY = "dlh-kota-tangerang"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


class Captured:
    """Everything logged while it is active."""

    def __init__(self) -> None:
        self.powertools = io.StringIO()
        self.other = io.StringIO()

    def text(self, std: str) -> str:
        return "\n".join((self.powertools.getvalue(), self.other.getvalue(), std))


@pytest.fixture
def captured() -> Iterator[Captured]:
    capture = Captured()
    # Powertools' lines exactly as its handler formats them (the same formatter), down to DEBUG
    ours = logging.StreamHandler(capture.powertools)
    ours.setFormatter(logger.registered_formatter)
    logger.addHandler(ours)
    level = logger.log_level
    logger.setLevel("DEBUG")
    # Every other logger (chalice, botocore, the local runner) from INFO up, unfiltered
    root = logging.getLogger()
    theirs = logging.StreamHandler(capture.other)
    theirs.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    theirs.setLevel(logging.INFO)
    root_level = root.level
    root.addHandler(theirs)
    root.setLevel(logging.INFO)
    try:
        yield capture
    finally:
        logger.handlers.remove(ours)
        logger.setLevel(level)
        root.removeHandler(theirs)
        root.setLevel(root_level)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every message the queue gateway sends (intake, escalations, agency work, dead letters)."""
    messages: list[Any] = []
    for name in ("send_intake", "send_escalation", "send_agency_work", "send_dead_letter"):
        original = getattr(QueueGateway, name)

        def recording(self: QueueGateway, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            messages.append(json.dumps([args, kwargs], default=str, ensure_ascii=False))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(QueueGateway, name, recording)
    return messages


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_a_whole_cross_border_life_logs_no_contact_data(
    provinces: World, captured: Captured, sent: list[Any], capfd: pytest.CaptureFixture[str]
) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    responses: list[str] = []
    # Given a citizen reports garbage in Kota Tangerang with their name, phone and e-mail
    created = jakarta.post("/reports", BORDER, {"X-Correlation-Id": "privasi-1"})
    assert created.status_code == 201, created.body
    report = _json(created)
    # When it is routed, escalated to Banten, taken, resolved and confirmed
    provinces.settle()
    key = f"36~{report['id']}"
    token = banten.token(BANTEN_AGENCY)
    responses.append(banten.get("/agency/reports", token).body.decode())
    responses.append(banten.get(f"/agency/reports/{quote(key)}", token).body.decode())
    assert banten.act(key, "take", BANTEN_AGENCY).status_code == 200
    resolved = banten.act(
        key, "resolve", BANTEN_AGENCY, {"note": "Sudah diangkut", **banten.evidence(key, BANTEN_AGENCY)}
    )
    assert resolved.status_code == 200, resolved.body
    provinces.settle()
    confirmed = jakarta.post(
        f"/reports/{report['id']}/confirm", {"rating": 5}, {"X-Report-Secret": report["secret"]}
    )
    assert confirmed.status_code == 200, confirmed.body
    provinces.settle()
    responses += [confirmed.body.decode(), jakarta.get(f"/reports/{report['id']}").body.decode()]
    # And someone sends invalid requests whose answers echo what they sent: a phone number, an
    # e-mail, a name, the place they stand
    for category in (f"wa {PHONE}", EMAIL, f"laporan {NAME}"):
        echoed = jakarta.post("/reports", {**BORDER, "category": category})
        assert (
            echoed.status_code == 422 and category in echoed.body.decode()
        )  # the caller's own text, to them
    elsewhere = {**BORDER["location"], "lat": -7.1701234, "lon": 106.6305678}  # not in Kota Tangerang
    mismatch = jakarta.post("/reports", {**BORDER, "location": elsewhere})
    assert mismatch.status_code == 422 and "-7.1701234" in mismatch.body.decode()
    bad_phone = jakarta.post("/reports", {**BORDER, "reporter": {"name": NAME, "phone": f"{PHONE} (WA)!"}})
    assert bad_phone.status_code == 422
    assert jakarta.post("/reports", f'{{"reporter": {{"phone": "{PHONE}"').status_code == 400
    # Then the life really happened and was logged ...
    std = capfd.readouterr()
    text = captured.text(std.out + std.err)
    assert "report submitted" in text and "escalation message applied" in text and "request refused" in text
    # ... the refusals were logged by their code, without the words that repeat the caller's input
    assert text.count('"code":"unknown_category"') == 3 and '"code":"location_mismatch"' in text
    assert "wa [phone]" not in text and "laporan" not in text and "-7.1701234" not in text
    # ... but no log line, queue message or agency response holds the reporter's contact
    assert _leaks(text) == []
    assert sent and _leaks("\n".join(sent)) == []
    assert _leaks("\n".join(responses)) == []
    # ... nor any the tracking secret or the officer's token, and no log line the private words
    bearer = token["Authorization"].removeprefix("Bearer ")
    assert [s for s in (report["secret"], bearer) if s in text + "\n".join(sent + responses)] == []
    assert [w for w in (BORDER["description"], "Sudah diangkut") if w in text] == []


def test_a_late_hand_back_is_logged_and_counted_as_dropped_not_applied(
    provinces: World,
    captured: Captured,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a report about Kota Tangerang that Banten handed back with a note, the answer lost (a
    timeout), and that Jakarta took back, when Banten's sweep sends the hand-back again, then Jakarta's
    handler says it dropped it (why, and its type), neither logs it as applied nor counts it as an
    applied update, and no log line holds the contact, the secret, the description or the note."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report = _json(jakarta.post("/reports", BORDER))
    provinces.settle()
    key, note = f"36~{report['id']}", "Saluran ini ternyata milik kota sebelah"
    refusing = Refusing(pytest.MonkeyPatch())
    refusing.start("31", "timeout", delivered=True)
    try:
        back = banten.act(key, "refuse", BANTEN_AGENCY, {"note": note, "to_agency": "31:"})
    finally:
        refusing.stop()
    assert back.status_code == 200, back.body
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report['id']}"))["escalated_to"] is None  # taken back
    assert report["id"] in _sweep(banten).resent
    counted: list[str] = []
    monkeypatch.setattr("chalicelib.api.events.count", lambda name, value=1: counted.append(name))
    mark = len(captured.powertools.getvalue())
    provinces.settle()
    late = captured.powertools.getvalue()[mark:]
    assert "late update from the province that handed the report back" in late
    [dropped] = [json.loads(line) for line in late.splitlines() if "escalation message dropped" in line]
    assert (dropped["type"], dropped["reason"], dropped["report_id"]) == (
        "update",
        "late_update",
        report["id"],
    )
    assert "escalation message applied" not in late and "Escalation_update" not in counted
    std = capfd.readouterr()
    text = captured.text(std.out + std.err)
    assert _leaks(text) == []
    assert [w for w in (report["secret"], BORDER["description"], note) if w in text] == []


def test_the_contact_is_stored_apart_and_nowhere_else(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    report = _json(jakarta.post("/reports", BORDER))
    provinces.settle()
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    contact = dynamodb.get_item(TableName="aduan-private", Key={"pk": {"S": f"{report['id']}#contact"}})[
        "Item"
    ]
    assert (contact["n"]["S"], contact["p"]["S"], contact["e"]["S"]) == (NAME, PHONE, EMAIL)
    for table, key in (("aduan-reports", report["id"]), ("aduan-reports", f"36~{report['id']}")):
        item = dynamodb.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True)["Item"]
        assert _leaks(json.dumps(item, ensure_ascii=False, default=_inflated)) == [], key


def _inflated(value: bytes) -> str:
    """A stored binary attribute (the deflated timeline: a version byte, then raw deflate) as text."""
    return zlib.decompress(value[1:], -15).decode()


def test_with_an_idempotency_key_the_contact_lives_only_in_the_contact_record(provinces: World) -> None:
    # Given a Jakarta report with contact data and an Idempotency-Key
    jakarta = provinces["jakarta"]
    report = _json(jakarta.post("/reports", BORDER, {"Idempotency-Key": "privacy-test-key-1"}))
    provinces.settle()
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    stored = dynamodb.get_item(
        TableName="aduan-reports", Key={"pk": {"S": report["id"]}}, ConsistentRead=True
    )["Item"]
    # Then the contact is in the contact record and nowhere else
    contact = dynamodb.get_item(TableName="aduan-private", Key={"pk": {"S": f"{report['id']}#contact"}})
    assert (contact["Item"]["n"]["S"], contact["Item"]["p"]["S"]) == (NAME, PHONE)
    record = dynamodb.get_item(
        TableName="aduan-private", Key={"pk": {"S": f"31#idem#{hash_idempotency_key('privacy-test-key-1')}"}}
    )["Item"]
    assert record["rid"]["S"] == report["id"]
    assert _leaks(json.dumps(record)) == [] and _leaks(json.dumps(stored, default=_inflated)) == []
    # And the key record holds no secret, only a salt, and expires after the 24-hour replay window
    assert report["secret"] not in json.dumps(record) + json.dumps(stored, default=_inflated)
    assert "sc" not in record and "sl" in record
    assert 0 < int(record["expires_at"]["N"]) - time.time() <= 24 * 3600


def test_a_retry_gets_the_same_secret_within_the_window_and_nothing_after_it(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    headers = {"Idempotency-Key": f"replay-window-{time.time_ns()}"}
    first = jakarta.post("/reports", BORDER, headers)
    # When the same submission is retried within the window, it gets the same report and secret
    again = jakarta.post("/reports", BORDER, headers)
    assert first.status_code == 201 and again.status_code in (200, 201), again.body
    assert (_json(again)["id"], _json(again)["secret"]) == (_json(first)["id"], _json(first)["secret"])
    # When the window has passed (DynamoDB's TTL deletes the record some time after it expires)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    key = {"pk": {"S": f"31#idem#{hash_idempotency_key(headers['Idempotency-Key'])}"}}
    dynamodb.update_item(
        TableName="aduan-private",
        Key=key,
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    late = jakarta.post("/reports", BORDER, headers)
    # Then the retry is refused: no secret is returned and no report is created
    assert late.status_code == 409 and _json(late)["error"]["code"] == "idempotency_key_expired"
    assert _json(first)["secret"] not in late.body.decode()
    assert dynamodb.get_item(TableName="aduan-private", Key=key)["Item"]["rid"]["S"] == _json(first)["id"]


def test_the_escalation_message_has_no_place_for_contact_data() -> None:
    fields = set(ReportOut.__struct_fields__)
    assert not fields & {"reporter", "contact", "name", "phone", "email", "secret", "secret_hash"}
    assert ReportOut.__struct_config__.forbid_unknown_fields  # and a sender cannot slip one in


def test_the_masking_itself(capfd: pytest.CaptureFixture[str], captured: Captured) -> None:
    logger.info(
        f"ditelepon ke {PHONE}, +62 812-3456-7890 dan (021) 555-0123, surat ke {EMAIL}",
        extra={
            "reporter": {"name": NAME, "phone": PHONE},
            "nested": [{"email": EMAIL}],
            "first_name": "Siti",
        },
    )
    try:
        raise ValueError(f"nomor {PHONE} tidak sah")
    except ValueError:
        logger.exception("gagal")
    line = captured.powertools.getvalue()
    assert _leaks(line) == [] and "[phone]" in line and "[email]" in line and "*****" in line
    assert "ValueError: nomor [phone] tidak sah" in line
    # Ordinary values stay readable: ids, dates, decimals, correlation ids
    kept = "31-261127-K3M9 36~31-261127-K3M9 2026-08-12T02:00:00+07:00 0.0812345678 3f0812a4-0812-4567-89ab"
    assert scrub_text(kept) == kept
