"""The reminder before a Selesai report closes by itself, over the shared moto server: the sweep at the
right time, the real notify path, read from moto's own records of the messages sent.

Each test uses its own addresses, so moto's records (shared by the session) are filtered by them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from typer.testing import CliRunner

from chalicelib.config import settings
from chalicelib.data.mapping import stored_time
from chalicelib.data.reports import ReportRepository
from chalicelib.domain.clock import day_words, utcnow
from cli.main import app as cli_app
from infra.local.outbox import Sent, sent_messages, verify_senders
from infra.local.pipeline import patched_env
from tests.integration.harness import Province, World, world
from tests.integration.test_notifications import BANTEN_AGENCY, JAKARTA_ROAD, TANGERANG

pytestmark = pytest.mark.integration

REMINDER = {"id": "pengingat konfirmasi", "en": "reminder to confirm"}
SMS_WORDS = ("tutup otomatis", "pengingat konfirmasi", "closes by itself", "reminder to confirm")
# the sweep pages through every due report of the shared tables, those of earlier tests too
SWEEP_LIMIT = 5000


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("jakarta", "banten"), sources=("route", "escalations", "notify")) as w:
        yield w


def _reporter(language: str = "id", notify: tuple[str, ...] = ("email", "sms")) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10]
    digits = str(int(tag, 16))[-8:].rjust(8, "1")
    return {
        "email": f"warga-{tag}@example.com",
        "phone": f"0812{digits}",
        "notify": list(notify),
        "language": language,
    }


def _addresses(reporter: dict[str, Any]) -> tuple[str, str]:
    return reporter["email"], "+62" + reporter["phone"][1:]


def _to(moto_endpoint: str, reporter: dict[str, Any]) -> list[Sent]:
    addresses = _addresses(reporter)
    return [m for m in sent_messages(moto_endpoint) if m.to in addresses]


def _reminders(moto_endpoint: str, reporter: dict[str, Any]) -> list[Sent]:
    """The reminder e-mails (by their subject) and SMS (by their words, dated or not) sent to the reporter."""
    title = REMINDER[reporter["language"]]
    return [
        m
        for m in _to(moto_endpoint, reporter)
        if (m.channel == "email" and m.subject.endswith(title))
        or (m.channel == "sms" and any(words in m.body for words in SMS_WORDS))
    ]


def _submit(site: Province, body: dict[str, Any], reporter: dict[str, Any]) -> dict[str, Any]:
    created = site.post("/reports", {**body, "reporter": reporter})
    assert created.status_code == 201, created.body
    return dict(json.loads(created.body))


def _resolve(provinces: World, site: Province, key: str, agency: str | None = None) -> None:
    """The agency takes the report and resolves it with an evidence photo; every message settles."""
    provinces.settle()
    agency = agency or json.loads(site.get(f"/reports/{key}").body)["agency"]["id"]
    assert site.act(key, "take", agency).status_code == 200
    done = site.act(key, "resolve", agency, {"note": "Sudah diangkut", **site.evidence(key, agency)})
    assert done.status_code == 200, done.body
    provinces.settle()
    provinces.settle_notices()


def _selesai_in_jakarta(provinces: World, reporter: dict[str, Any]) -> tuple[Province, dict[str, Any]]:
    """Jakarta, and the reporter's report there about a road, taken and resolved (Selesai)."""
    jakarta = provinces["jakarta"]
    created = _submit(jakarta, JAKARTA_ROAD, reporter)
    _resolve(provinces, jakarta, created["id"])
    return jakarta, created


class NotifyClock:
    """How far the notify handler's clock runs ahead of the wall clock: what a sweep of days ahead
    asks to be told is told in that hour (the hourly limit counts messages per hour), as are the steps
    after it. Only the handler's own reading of the clock is moved (it imports ``utcnow`` when it runs),
    and only while it runs: every other module keeps the wall clock."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from unittest import mock

        from chalicelib.api import events
        from chalicelib.domain import clock

        real, handle = clock.utcnow, events._notify_record
        self.real = real
        self.ahead = timedelta(0)

        def shifted(record: Any) -> None:
            with mock.patch.object(clock, "utcnow", lambda: real() + self.ahead):
                handle(record)

        monkeypatch.setattr(events, "_notify_record", shifted)

    def at(self, now: datetime) -> None:
        self.ahead = now - self.real()


@pytest.fixture
def notify_clock(monkeypatch: pytest.MonkeyPatch) -> NotifyClock:
    import chalicelib.services.following  # noqa: F401  (imported on the wall clock: the handler may import it)

    return NotifyClock(monkeypatch)


def _sweep(provinces: World, site: Province, now: datetime, clock: NotifyClock) -> Any:
    """``site``'s sweep at ``now``; then every message settles, the notify handler's clock at ``now``."""
    from chalicelib import container

    with patched_env(site.env):
        result = container.sweeper().sweep(now=now, limit=SWEEP_LIMIT)
    clock.at(now)
    provinces.settle()
    provinces.settle_notices()
    return result


def _reminder_time(key: str) -> datetime:
    stored = ReportRepository().get(key, consistent=True)
    assert stored is not None and stored.reminder_due is not None and stored.autoclose_at is not None
    return stored.reminder_due


def test_the_sweep_reminds_an_opted_in_reporter_once_with_the_closing_day_and_the_confirm_link(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock
) -> None:
    from zoneinfo import ZoneInfo

    # Given a Jakarta report Selesai whose reporter wants news by e-mail and SMS, and has not answered
    reporter = _reporter("id")
    jakarta, created = _selesai_in_jakarta(provinces, reporter)
    told = len(_to(moto_endpoint, reporter))
    due = _reminder_time(created["id"])
    stored = ReportRepository().get(created["id"], consistent=True)
    assert stored is not None and stored.autoclose_at is not None
    # When the sweep runs a minute before the reminder is due, then at it, then again later
    assert created["id"] not in _sweep(provinces, jakarta, due - timedelta(minutes=1), notify_clock).reminded
    assert _reminders(moto_endpoint, reporter) == []
    assert created["id"] in _sweep(provinces, jakarta, due + timedelta(minutes=1), notify_clock).reminded
    assert created["id"] not in _sweep(provinces, jakarta, due + timedelta(hours=1), notify_clock).reminded
    # Then the reporter got exactly one reminder per channel: the day it closes (Jakarta's calendar)
    # and the Selesai message's confirm/reopen link
    reminders = _reminders(moto_endpoint, reporter)
    assert sorted(m.channel for m in reminders) == ["email", "sms"]
    assert len(_to(moto_endpoint, reporter)) == told + 2
    closes = stored.autoclose_at.astimezone(ZoneInfo("Asia/Jakarta"))
    closing = f"{day_words(closes.date(), 'id')} pukul {closes:%H:%M} WIB"  # the moment, as the link's
    mail = next(m for m in reminders if m.channel == "email")
    assert f"ditutup otomatis pada {closing}." in mail.body and "feedback.html#" in mail.body
    assert "rahasia" not in mail.body and created["secret"] not in mail.body
    sms = next(m for m in reminders if m.channel == "sms")
    assert created["id"] in sms.body and "feedback.html#" in sms.body and "rahasia" not in sms.body
    # and the link confirms the report
    token = mail.body.split("feedback.html#", 1)[1].split()[0]
    confirmed = jakarta.post("/links/confirm", {"token": token, "rating": 5})
    assert confirmed.status_code == 200, confirmed.body
    provinces.settle_notices()


@pytest.mark.parametrize("who", ["not_opted_in", "stopped"])
def test_a_reporter_who_did_not_opt_in_or_stopped_the_news_is_not_reminded(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock, who: str
) -> None:
    reporter = _reporter("id", notify=() if who == "not_opted_in" else ("email", "sms"))
    jakarta = provinces["jakarta"]
    created = _submit(jakarta, JAKARTA_ROAD, reporter)
    if who == "stopped":
        stopped = jakarta.post(
            f"/reports/{created['id']}/unsubscribe", {}, {"X-Report-Secret": created["secret"]}
        )
        assert stopped.status_code == 200, stopped.body
    _resolve(provinces, jakarta, created["id"])
    stored = ReportRepository().get(created["id"], consistent=True)
    assert stored is not None and stored.autoclose_at is not None
    swept = _sweep(provinces, jakarta, stored.autoclose_at - timedelta(days=1), notify_clock)
    # a reporter who did not opt in has no reminder timer at all (no write, no notify message)
    assert (created["id"] in swept.reminded) is (who == "stopped")
    assert _reminders(moto_endpoint, reporter) == []


@pytest.mark.parametrize("answer", ["confirm", "reopen"])
def test_no_reminder_after_the_reporter_answered(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock, answer: str
) -> None:
    reporter = _reporter("en")
    jakarta, created = _selesai_in_jakarta(provinces, reporter)
    due = _reminder_time(created["id"])
    body = {"rating": 4} if answer == "confirm" else {"reason": "Still there"}
    answered = jakarta.post(
        f"/reports/{created['id']}/{answer}", body, {"X-Report-Secret": created["secret"]}
    )
    assert answered.status_code == 200, answered.body
    provinces.settle_notices()
    assert created["id"] not in _sweep(provinces, jakarta, due + timedelta(minutes=1), notify_clock).reminded
    assert _reminders(moto_endpoint, reporter) == []


def test_a_reopen_then_a_new_selesai_gets_its_own_reminder(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock
) -> None:
    reporter = _reporter("en", notify=("email",))
    jakarta, created = _selesai_in_jakarta(provinces, reporter)
    first = _reminder_time(created["id"])
    assert created["id"] in _sweep(provinces, jakarta, first + timedelta(minutes=1), notify_clock).reminded
    assert len(_reminders(moto_endpoint, reporter)) == 1
    reopened = jakarta.post(
        f"/reports/{created['id']}/reopen", {"reason": "Still there"}, {"X-Report-Secret": created["secret"]}
    )
    assert reopened.status_code == 200, reopened.body
    _resolve(provinces, jakarta, created["id"])
    second = _reminder_time(created["id"])
    assert second > first
    # two hours on: not the hour of the first reminder and the steps after it (the hourly limit)
    assert created["id"] in _sweep(provinces, jakarta, second + timedelta(hours=2), notify_clock).reminded
    assert len(_reminders(moto_endpoint, reporter)) == 2


def test_a_report_handed_to_banten_is_reminded_once_by_jakarta_when_banten_s_sweep_says_so(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock
) -> None:
    # Given a Jakarta reporter's report about Kota Tangerang, resolved by Banten
    reporter = _reporter("id")
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    created = _submit(jakarta, TANGERANG, reporter)
    provinces.settle()
    key = f"36~{created['id']}"
    _resolve(provinces, banten, key, BANTEN_AGENCY)
    due = _reminder_time(key)  # Banten runs the auto-close timer, so the reminder's too
    origin = ReportRepository().get(created["id"], consistent=True)
    assert origin is not None and origin.own_timer is None
    # When both provinces sweep when the reminder is due
    assert created["id"] not in _sweep(provinces, jakarta, due + timedelta(minutes=1), notify_clock).reminded
    assert created["id"] in _sweep(provinces, banten, due + timedelta(minutes=1), notify_clock).reminded
    assert created["id"] not in _sweep(provinces, jakarta, due + timedelta(minutes=2), notify_clock).reminded
    # Then the reporter hears it once per channel, from Jakarta (Banten's step arrived in its update)
    assert sorted(m.channel for m in _reminders(moto_endpoint, reporter)) == ["email", "sms"]
    status = json.loads(jakarta.get(f"/reports/{created['id']}").body)
    assert status["timeline"][-1]["action"] == "remind" and status["status"]["code"] == "SELESAI"


def test_a_sweep_after_the_auto_close_time_closes_without_reminding(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock
) -> None:
    reporter = _reporter("id", notify=("email",))
    jakarta, created = _selesai_in_jakarta(provinces, reporter)
    swept = _sweep(provinces, jakarta, utcnow() + timedelta(days=11), notify_clock)
    assert created["id"] in swept.closed and created["id"] not in swept.reminded
    assert _reminders(moto_endpoint, reporter) == []


def test_a_report_selesai_before_the_reminder_existed_is_reminded_after_the_backfill(
    provinces: World, moto_endpoint: str, notify_clock: NotifyClock
) -> None:
    # Given a Selesai report stored as code without the reminder stored it: woken at its auto-close
    reporter = _reporter("id", notify=("email",))
    jakarta, created = _selesai_in_jakarta(provinces, reporter)
    due = _reminder_time(created["id"])
    stored = ReportRepository().get(created["id"], consistent=True)
    assert stored is not None and stored.autoclose_at is not None
    dynamodb, table = boto3.client("dynamodb"), settings().reports_table
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": created["id"]}},
        UpdateExpression="SET du = :du",
        ExpressionAttributeValues={":du": {"S": stored_time(stored.autoclose_at)}},
    )
    assert created["id"] not in _sweep(provinces, jakarta, due + timedelta(minutes=1), notify_clock).reminded
    # When the operator runs the backfill, twice
    first = CliRunner().invoke(cli_app, ["backfill", "reminders", "--stage", "jakarta", "--table", table])
    again = CliRunner().invoke(cli_app, ["backfill", "reminders", "--stage", "jakarta", "--table", table])
    # Then the report is woken at its reminder time, once, and the next sweep reminds the reporter
    assert first.exit_code == 0 and not first.output.startswith("0 "), first.output
    assert again.exit_code == 0 and again.output.startswith("0 report(s)"), again.output
    swept = _sweep(provinces, jakarta, due + timedelta(minutes=2), notify_clock)
    assert created["id"] in swept.reminded and created["id"] not in swept.closed
    assert [m.channel for m in _reminders(moto_endpoint, reporter)] == ["email"]
