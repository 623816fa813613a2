"""Notifications keep contact data to the notify handler: no address or phone in logs or queue messages.

A report whose reporter opted in to e-mail and SMS lives its whole life with every log line captured
and every notify-queue message recorded; the messages really go out (moto's records), yet the
address and the number appear nowhere else.
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
