"""An SMS reporter stops the news about their report with its secret (``POST /reports/{id}/unsubscribe``),
over the shared moto server: the reporter hears nothing more on any channel, a follower still does."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local.outbox import Sent, sent_messages, verify_senders
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

PUBLIC_ROAD = {
    "category": "sampah",
    "description": "Tumpukan sampah di Jl. Tebet Raya, rahasia: rumah nomor 12.",
    "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
    "visibility": "public",
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("jakarta",), sources=("route", "notify")) as w:
        yield w


def _to(moto_endpoint: str, *addresses: str) -> list[Sent]:
    return [m for m in sent_messages(moto_endpoint) if m.to in addresses]


def _error(response: Any) -> dict[str, Any]:
    return dict(json.loads(response.body)["error"])


def test_the_reporter_stops_every_message_with_the_secret_and_a_follower_still_hears(
    provinces: World, moto_endpoint: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a public report whose reporter wants news by SMS and e-mail, and a follower
    tag = uuid.uuid4().hex[:10]
    phone = "0812" + str(int(tag, 16))[-8:].rjust(8, "1")
    email, follower = f"pelapor-{tag}@example.com", f"tetangga-{tag}@example.com"
    reporter = {"email": email, "phone": phone, "notify": ["sms", "email"], "language": "id"}
    jakarta = provinces["jakarta"]
    created = jakarta.post("/reports", {**PUBLIC_ROAD, "reporter": reporter})
    assert created.status_code == 201, created.body
    report = json.loads(created.body)
    assert jakarta.post(f"/reports/{report['id']}/follow", {"email": follower}).status_code == 202
    provinces.settle_notices()
    [confirmation] = _to(moto_endpoint, follower)
    token = confirmation.body.split("follow.html#", 1)[1].split()[0]
    assert jakarta.post("/links/follow", {"token": token}).status_code == 200
    sms = "+62" + phone[1:]
    [routed] = _to(moto_endpoint, sms)
    assert routed.body.endswith(f"/track.html?id={report['id']} Berhenti: tautan/balas STOP.")
    path = f"/reports/{report['id']}/unsubscribe"

    # When someone without the secret, or with a wrong one, asks: refused, in both languages
    for headers in ({}, {"X-Report-Secret": "7KQ2-M9XD-4TNB-0HWE-3RCV"}):
        refused = jakarta.post(path, {}, headers)
        assert refused.status_code == 403, refused.body
        assert _error(refused)["code"] == "invalid_secret"
        assert _error(refused)["message"] == "Kode rahasia laporan salah (wrong report secret)."
    # And the reporter asks with the secret, typed in small letters, twice (no body needed)
    typed = {"X-Report-Secret": report["secret"].lower()}
    for _ in range(2):
        stopped = jakarta.client.http.post(path, headers=typed)
        assert stopped.status_code == 200, stopped.body
        assert json.loads(stopped.body) == {"report_id": report["id"], "unsubscribed": True}
    answered = json.dumps([refused.body.decode(), stopped.body.decode()])
    logged = capsys.readouterr().out + caplog.text
    for private in (phone, phone[1:], email, report["secret"], report["secret"].lower(), follower):
        assert private not in answered and private not in logged

    # Then the agency's next steps reach the follower only
    agency = json.loads(jakarta.get(f"/reports/{report['id']}").body)["agency"]["id"]
    assert jakarta.act(report["id"], "take", agency).status_code == 200
    provinces.settle_notices()
    assert [m.subject.split(": ", 1)[1] for m in _to(moto_endpoint, follower)[1:]] == ["sedang diproses"]
    assert sorted(m.channel for m in _to(moto_endpoint, sms, email)) == ["email", "sms"]  # the routed ones
    assert json.loads(jakarta.get(f"/reports/{report['id']}").body)["followers"] == 1


def test_another_provinces_report_is_not_stopped_here(provinces: World) -> None:
    answered = provinces["jakarta"].post("/reports/36-261127-K3M9/unsubscribe", {}, {"X-Report-Secret": "x"})
    assert answered.status_code == 404 and _error(answered)["code"] == "report_in_other_province"
