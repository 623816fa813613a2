"""``aduan dlq`` covers every dead-letter queue of a province, and shows none of its private words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import dlq
from cli.dlq import _queues
from infra.provinces import ProvinceInfra, load_provinces
from infra.templates.province import queue_specs

PROVINCES = load_provinces()


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_every_queue_the_stack_gives_a_dlq_can_be_listed_shown_and_redriven(province: ProvinceInfra) -> None:
    # Given the queues the province template pairs with a DLQ
    in_template = {spec.queue_name for spec in queue_specs(province)}
    # When the CLI lists the province's queues, then it names each of them, the notify queue included
    listed = _queues(province.code)
    assert set(listed.values()) == in_template
    assert listed["notify"] == f"aduan-{province.code}-notify"


NAME, PHONE, EMAIL = "Siti Aminah", "081234567890", "siti.aminah@example.id"
WORDS = ("Tumpukan sampah di depan rumah Bu Siti", "Sudah diangkut pagi ini", "Belum beres, masih bau")
PRECISE = ("-6.1712345", "106.6305678")
PHOTO = "uploads/31/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9.jpg"
ACCOUNT = "koordinator.dki@example.go.id"


def _dead(body: str, number: int = 1) -> dict[str, Any]:
    return {"MessageId": f"m-{number}", "Body": body, "Attributes": {"ApproximateReceiveCount": "5"}}


def _escalate() -> str:
    report = {
        "id": "31-261127-K3M9",
        "category": "sampah",
        "description": WORDS[0],
        "lat": float(PRECISE[0]),
        "lon": float(PRECISE[1]),
        "area_code": "36.71.01",
        "address": "Jl. Melati 7, rumah Siti Aminah",
        "visibility": "private",
        "photos": [PHOTO],
        "created_at": "2026-11-27T01:00:00Z",
    }
    return json.dumps(
        {"type": "escalate", "event_id": "e-1", "origin_province": "31", "report": report, "reason": WORDS[1]}
    )


def _update() -> str:
    entry = {
        "event_id": "e-2",
        "at": "2026-11-27T02:00:00Z",
        "action": "resolve",
        "status": "selesai",
        "province": "36",
        "agency": "dlh-kota-tangerang",
        "note": WORDS[1],
        "evidence_photo": PHOTO,
        "by": ACCOUNT,
    }
    return json.dumps(
        {"type": "update", "event_id": "e-2", "origin_id": "31-261127-K3M9", "entries": [entry]}
    )


def _ses_bounce() -> str:
    inner = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": EMAIL}]},
        "mail": {"destination": [EMAIL], "commonHeaders": {"to": [f"{NAME} <{EMAIL}>"]}},
    }
    return json.dumps(
        {
            "Type": "Notification",
            "TopicArn": "arn:aws:sns:x:1:aduan-31-ses-feedback",
            "Message": json.dumps(inner),
        }
    )


def test_showing_a_dead_letter_prints_its_shape_and_ids_never_words_places_photos_accounts_or_contacts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given dead letters holding a hand-over of a private report, an update with an officer's note and
    # account, a feedback with the reporter's reason, a bounced e-mail, a body that is not JSON, and a
    # message someone sent with the reporter's contact
    bodies = [
        _escalate(),
        _update(),
        json.dumps(
            {"type": "feedback", "origin_id": "31-261127-K3M9", "action": "reopen", "reason": WORDS[2]}
        ),
        _ses_bounce(),
        f"{WORDS[0]} hubungi {PHONE}",
        json.dumps({"key": "31-261127-K3M9", "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL}}),
    ]
    monkeypatch.setattr(dlq.aws, "client", lambda service: object())
    monkeypatch.setattr(
        dlq.DeadLetters, "peek", lambda self, queue, limit: [_dead(b, n) for n, b in enumerate(bodies)]
    )
    # When an operator shows the escalation queue's dead letters
    shown = CliRunner().invoke(
        dlq.app, ["show", "--stage", "jakarta", "--queue", "escalation"], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.output
    # Then each message is shown by its kind, ids, status and area (enough to decide on a redrive) ...
    for kept in ('"type": "escalate"', '"31-261127-K3M9"', '"36.71.01"', '"dlh-kota-tangerang"', "m-5"):
        assert kept in shown.output, kept
    # ... a place only as a private report's place is shown on the public map (about 110 m)
    assert "-6.171" in shown.output and "106.631" in shown.output
    # ... but none of the words, the exact place, a photo key, an officer's account or a contact
    private = (*WORDS, *PRECISE, PHOTO, ACCOUNT, NAME, PHONE, EMAIL, "Melati", "siti.aminah")
    assert [p for p in private if p in shown.output] == []
