"""Notifications keep contact data to the notify handler: no address or phone in logs or queue messages.

A report whose reporter opted in to e-mail and SMS lives its whole life with every log line captured
and every notify-queue message recorded; the messages really go out (moto's records), yet the
address and the number appear nowhere else. A message's links (confirm/reopen, unsubscribe), used, gone
(link_gone), forged or clicked once, leave no token in any log line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.data.queues import QueueGateway
from infra.local.outbox import sent_messages, verify_senders
from tests.integration.harness import World, world
from tests.integration.test_privacy_logs import Captured, captured  # noqa: F401 (a fixture)

pytestmark = pytest.mark.integration

PHONE, EMAIL = "081299887766", "rahasia.warga@example.id"
SECRETS = (PHONE, "+6281299887766", "0812-9988-7766", EMAIL, "rahasia.warga")


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(sources=("route", "escalations", "notify")) as w:
        yield w


@pytest.fixture
def notify_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    messages: list[str] = []
    original = QueueGateway.send_notify

    def recording(self: QueueGateway, *args: Any, **kwargs: Any) -> None:
        messages.append(json.dumps([args, kwargs], default=str))
        original(self, *args, **kwargs)

    monkeypatch.setattr(QueueGateway, "send_notify", recording)
    return messages


def test_a_notified_life_logs_and_queues_no_address(
    provinces: World,
    moto_endpoint: str,
    captured: Captured,  # noqa: F811
    notify_messages: list[str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    jakarta = provinces["jakarta"]
    body = {
        "category": "sampah",
        "description": "Sampah di depan rumah.",
        "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
        "reporter": {"phone": PHONE, "email": EMAIL, "notify": ["email", "sms"]},
    }
    created = jakarta.post("/reports", body)
    assert created.status_code == 201, created.body
    report = json.loads(created.body)
    provinces.settle_notices()
    banten = provinces["banten"]
    key = f"36~{report['id']}"
    assert banten.act(key, "take", "dlh-kota-tangerang").status_code == 200
    provinces.settle_notices()
    told = [m for m in sent_messages(moto_endpoint) if m.to in (EMAIL, "+6281299887766")]
    assert len(told) == 6  # handed, accepted, taken: by e-mail and by SMS
    std = capfd.readouterr()
    text = captured.text(std.out + std.err)
    assert "notifications sent" in text
    assert [s for s in SECRETS if s in text] == []
    assert notify_messages and [s for s in SECRETS if s in "\n".join(notify_messages)] == []
    for message in notify_messages:
        [args, _kwargs] = json.loads(message)
        assert set(args[0]) <= {"key", "entry", "attempt", "digest", "to", "follow"}


def test_a_message_s_links_used_gone_and_refused_log_no_token(
    provinces: World,
    moto_endpoint: str,
    captured: Captured,  # noqa: F811
    capfd: pytest.CaptureFixture[str],
) -> None:
    # Given a Jakarta report whose reporter is told by e-mail, resolved: its Selesai e-mail carries the
    # confirm/reopen link and the unsubscribe link, each with its token
    email = "pelapor.tautan@example.id"
    body = {
        "category": "sampah",
        "description": "Sampah di depan rumah nomor tujuh.",
        "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
        "reporter": {"email": email, "notify": ["email"]},
    }
    jakarta = provinces["jakarta"]
    report = json.loads(jakarta.post("/reports", body).body)
    provinces.settle_notices()
    agency = json.loads(jakarta.get(f"/reports/{report['id']}").body)["agency"]["id"]
    assert jakarta.act(report["id"], "take", agency).status_code == 200
    proof = jakarta.evidence(report["id"], agency)
    assert jakarta.act(report["id"], "resolve", agency, {"note": "Beres", **proof}).status_code == 200
    provinces.settle_notices()
    done = next(m for m in sent_messages(moto_endpoint) if m.to == email and m.subject.endswith("Selesai"))
    feedback, unsubscribe = (
        done.body.split(f"{page}.html#", 1)[1].split()[0] for page in ("feedback", "unsubscribe")
    )
    # When the link is inspected, the reporter confirms with the secret instead, the link is opened again
    # (gone: its form would be refused), used anyway, and the e-mails are stopped by one click
    answers = [jakarta.post("/links/inspect", {"token": feedback, "purpose": "feedback"})]
    secret = {"X-Report-Secret": report["secret"]}
    assert jakarta.post(f"/reports/{report['id']}/confirm", {"rating": 4}, secret).status_code == 200
    answers.append(jakarta.post("/links/inspect", {"token": feedback, "purpose": "feedback"}))
    answers.append(jakarta.post("/links/reopen", {"token": feedback, "reason": "Masih ada sampahnya"}))
    answers.append(jakarta.post("/links/inspect", {"token": unsubscribe[::-1], "purpose": "unsubscribe"}))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answers.append(
        jakarta.client.http.post(
            f"/links/unsubscribe/{unsubscribe}", headers=form, body="List-Unsubscribe=One-Click"
        )
    )
    assert [a.status_code for a in answers] == [200, 404, 409, 404, 200]
    assert json.loads(answers[1].body)["error"]["code"] == "link_gone"
    provinces.settle_notices()
    # Then no log line holds a token, the secret or the address
    std = capfd.readouterr()
    text = captured.text(std.out + std.err)
    assert '"code":"link_gone"' in text
    private = (feedback, unsubscribe, unsubscribe[::-1], report["secret"], email, "pelapor.tautan")
    assert [word for word in private if word in text] == []
