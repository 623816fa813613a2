"""The notify handler's decisions against moto's DynamoDB, SES and SNS (in process).

Which entries tell the reporter, exactly once per (entry, recipient, channel) under redelivery,
the hourly limit and its summary, bounce suppression, and the single-use feedback token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_string, policy
from typing import Any, cast
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto import mock_aws
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from msgspec.structs import replace

from chalicelib.api.messages import SesNotification
from chalicelib.domain import workflow
from chalicelib.domain.private import Contact
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import NotFound, RetryableUnavailable
from chalicelib.notices.settings import NotifySettings
from chalicelib.provinces.registry import registry
from chalicelib.services.notify import HOURLY_LIMIT, SAVE_PAUSES_S, Notifier
from chalicelib.validation import convert
from tests.unit.factories import T0, event, new_report

REGION = "ap-southeast-1"
SETTINGS = NotifySettings("no-reply-31@aduan.example.id", "ADUAN31", REGION, "https://aduan.example.id")
JAKARTA = registry().get("31")
FAR = 4_102_444_800  # 2100-01-01: the followers' retention end (their TTL), far ahead


class Reports:
    """Reports by key (what the handler reads)."""

    def __init__(self) -> None:
        self.by_key: dict[str, Report] = {}

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.by_key.get(key)


class Queues:
    """Records what the handler re-enqueues."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, Any], int]] = []

    def send_notify(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
        self.sent.append((message, delay_seconds))


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        from chalicelib.data.models import PrivateModel

        PrivateModel.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SETTINGS.sender)
        yield


def _sent_emails() -> list[Any]:
    return list(get_backend("ses")[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


def _sent_sms() -> list[tuple[str, str]]:
    return list(get_backend("sns")[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values())


def _notifier(reports: Reports, queues: Queues, pauses: list[float] | None = None) -> Notifier:
    from chalicelib.data.channels import Channels
    from chalicelib.data.notices import NoticeStore

    senders = Channels(REGION, SETTINGS.sender, SETTINGS.sms_sender_id)
    return Notifier(
        cast(Any, reports),
        NoticeStore(),
        cast(Any, queues),
        registry(),
        "31",
        senders=lambda: senders,
        settings=lambda: SETTINGS,
        pause=(pauses if pauses is not None else []).append,
    )


def _with_contact(report: Report, **contact: Any) -> None:
    from chalicelib.data.reports import _contact_item

    _contact_item(report.id, Contact(**contact)).save()


def _lifecycle() -> list[Report]:
    """Submitted, routed, coordinated (to another agency: told), taken, resolved: one state per step."""
    submitted = new_report()
    routed = workflow.assign(submitted, JAKARTA, "dbm", event("e-route"))
    disposed = workflow.forward(routed, JAKARTA, "dsda", event("e-coordinate"))
    taken = workflow.take(disposed, event("e-take"))
    resolved = workflow.resolve(taken, JAKARTA, event("e-resolve", note="Sudah ditambal", evidence="foto"))
    return [routed, disposed, taken, resolved]


def test_each_telling_entry_reaches_each_opted_in_channel_once(aws: None) -> None:
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    states = _lifecycle()
    reports.by_key[states[-1].key] = states[-1]
    _with_contact(states[-1], email="warga@example.com", phone="0812 3456 7890", notify=("email", "sms"))
    now = T0 + timedelta(hours=1)
    sent = [
        notifier.entry(states[-1].key, e, 0, now) for e in ("e-route", "e-coordinate", "e-take", "e-resolve")
    ]
    assert sent == [2, 2, 2, 2]  # the coordination is told: another agency handles the report
    again = [
        notifier.entry(states[-1].key, e, 0, now) for e in ("e-route", "e-coordinate", "e-take", "e-resolve")
    ]
    assert again == [0, 0, 0, 0]  # redelivered: nothing twice
    mails, sms = _sent_emails(), _sent_sms()
    assert len(mails) == 4 and len(sms) == 4
    assert {m.destinations[0] for m in mails} == {"warga@example.com"}
    assert {p for p, _ in sms} == {"+6281234567890"}
    resolved: Any = message_from_string(mails[-1].raw_data, policy=policy.default)
    assert resolved["List-Unsubscribe"].startswith("<https://aduan.example.id/unsubscribe.html#")
    # a page is opened, not posted to: a one-click POST to it would be told as a stop that never happened
    assert resolved["List-Unsubscribe-Post"] is None
    body = resolved.get_content()
    assert "feedback.html#" in body and "Sudah ditambal" in body
    assert all("ditambal" not in text and "Jalan" not in text for _, text in sms)  # a private report


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("id", "Bukti belum terverifikasi: Foto tidak menyimpan lokasi GPS."),
        ("en", "Evidence not verified: The photo holds no GPS location."),
    ],
)
def test_the_selesai_email_carries_the_evidence_check_and_the_sms_does_not(
    aws: None, language: str, told: str
) -> None:
    from chalicelib.domain.report import CheckReason, EvidenceCheck

    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    no_gps = CheckReason(
        "place", "no_gps", "Foto tidak menyimpan lokasi GPS.", "The photo holds no GPS location."
    )
    check = EvidenceCheck(verified=False, time="pass", place="unknown", fresh="pass", reasons=(no_gps,))
    taken = _lifecycle()[2]
    done = workflow.resolve(
        taken,
        JAKARTA,
        event(
            "e-done",
            note="Sudah ditambal",
            evidence_photo="public/31/" + "b" * 32 + ".jpg",
            evidence_check=check,
        ),
    )
    assert done.timeline[-1].evidence_check == check
    reports.by_key[done.key] = done
    _with_contact(
        done, email="warga@example.com", phone="0812 3456 7890", notify=("email", "sms"), language=language
    )
    assert notifier.entry(done.key, "e-done", 0, T0 + timedelta(hours=1)) == 2
    body = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)).get_content()
    assert told in body
    ((_, sms),) = _sent_sms()
    assert "GPS" not in sms and "erifi" not in sms


def test_no_opt_in_no_message(aws: None) -> None:
    reports, queues = Reports(), Queues()
    states = _lifecycle()
    reports.by_key[states[-1].key] = states[-1]
    _with_contact(states[-1], email="warga@example.com")  # contact given, no channel chosen
    assert _notifier(reports, queues).entry(states[-1].key, "e-route", 0, T0) == 0
    assert _sent_emails() == []


class JustSaved:
    """Reads as DynamoDB may answer just after a save: an eventually consistent read may still give
    the report as it was, a strongly consistent one gives it as saved."""

    def __init__(self, seen: Report, saved: Report) -> None:
        self.seen, self.saved = seen, saved
        self.reads: list[bool] = []  # consistent?, per read

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        self.reads.append(consistent)
        return self.saved if consistent else self.seen


def test_an_entry_is_read_eventually_and_strongly_only_when_not_seen_yet(aws: None) -> None:
    """Given an entry an eventually consistent read already shows, one read at half the cost; given
    one it does not show yet (the message precedes its save), a strong read finds it and tells."""
    taken, resolved = _lifecycle()[2:]
    _with_contact(resolved, email="warga@example.com", notify=("email",))
    now = T0 + timedelta(hours=1)
    seen = JustSaved(resolved, resolved)
    assert _notifier(seen, Queues()).entry(resolved.key, "e-take", 0, now) == 1  # type: ignore[arg-type]
    assert seen.reads == [False]
    lagging = JustSaved(taken, resolved)
    assert _notifier(lagging, Queues()).entry(resolved.key, "e-resolve", 0, now) == 1  # type: ignore[arg-type]
    assert lagging.reads == [False, True]


class SavedLate:
    """Reads as DynamoDB answers while a slow save is still under way: the report as it was, until
    the ``saved_on``-th strongly consistent read."""

    def __init__(self, before: Report, saved: Report, saved_on: int) -> None:
        self.before, self.saved, self.saved_on = before, saved, saved_on
        self.reads: list[bool] = []

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        self.reads.append(consistent)
        return self.saved if self.reads.count(True) >= self.saved_on else self.before


def test_an_entry_saved_a_moment_late_is_told_in_place_not_deferred(aws: None) -> None:
    """Given a message read while its change's save is still under way, when the save lands before
    the in-place pauses end, then the entry is told at once (no later message overtakes it)."""
    taken, resolved = _lifecycle()[2:]
    _with_contact(resolved, email="warga@example.com", notify=("email",))
    queues, pauses = Queues(), []
    late = SavedLate(taken, resolved, saved_on=3)
    sent = _notifier(late, queues, pauses).entry(resolved.key, "e-resolve", 0, T0 + timedelta(hours=1))  # type: ignore[arg-type]
    assert sent == 1
    assert late.reads == [False, True, True, True]
    assert pauses == list(SAVE_PAUSES_S)
    assert queues.sent == []


def test_an_entry_not_saved_yet_is_looked_for_again_then_dropped(aws: None) -> None:
    reports, queues, pauses = Reports(), Queues(), []
    notifier = _notifier(reports, queues, pauses)
    assert notifier.entry("31-261127-K3M9", "e-route", 0, T0) == 0
    assert pauses == list(SAVE_PAUSES_S)
    assert queues.sent == [({"key": "31-261127-K3M9", "entry": "e-route", "attempt": 1}, 2)]
    queues.sent.clear()
    notifier.entry("31-261127-K3M9", "e-route", 5, T0)
    assert queues.sent == []


def _resolved_reopened_resolved() -> Report:
    """Seven steps within minutes (e-0 to e-6): routed, taken, estimated, Selesai, reopened, taken, Selesai
    again; six told to the reporter (not their own reopen)."""
    report = workflow.assign(new_report(), JAKARTA, "dbm", event("e-0"))
    report = workflow.take(report, event("e-1"))
    report = workflow.estimate(report, T0.date() + timedelta(days=7), event("e-2"), JAKARTA.zone)
    report = workflow.resolve(report, JAKARTA, event("e-3", note="Selesai", evidence="foto"))
    report = workflow.reopen(report, JAKARTA, event("e-4", note="Belum beres"))
    report = workflow.take(report, event("e-5"))
    return workflow.resolve(report, JAKARTA, event("e-6", note="Selesai lagi", evidence="foto"))


def test_past_the_hourly_limit_updates_fold_into_one_summary(aws: None) -> None:
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = _resolved_reopened_resolved()
    assert HOURLY_LIMIT + 2 == 6
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",))
    now = T0.replace(minute=10)
    sent = sum(notifier.entry(report.key, f"e-{n}", 0, now) for n in range(HOURLY_LIMIT + 3))
    assert sent == HOURLY_LIMIT and len(_sent_emails()) == HOURLY_LIMIT
    [(digest, delay)] = queues.sent
    assert digest == {"key": report.key, "digest": now.strftime("%Y%m%d%H"), "to": "r:email"}
    assert delay == 50 * 60 + 1
    assert notifier.digest(report.key, digest["digest"], "r:email", now) == 0  # too early: waits again
    later = now + timedelta(hours=1)
    assert notifier.digest(report.key, digest["digest"], "r:email", later) == 1
    assert notifier.digest(report.key, digest["digest"], "r:email", later) == 0  # once
    summary = _sent_emails()[-1].raw_data
    assert "2 more updates" in summary or "Ada 2 kabar" in summary


def test_a_duplicates_reporter_past_the_hourly_limit_gets_the_summary_too(aws: None) -> None:
    from chalicelib.api.messages import parse_notify_message

    # Given a report merged into an original, its reporter (the only one opted in) told of the original
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.assign(new_report(), JAKARTA, "dbm", event("o-route"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-route"))
    _with_contact(copy, email="kedua@example.com", notify=("email",))
    _merged, grown = workflow.mark_duplicate(copy, original, event("d-dup", agency="dbm"))
    # When the original changes more often in one hour than the limit allows
    now, sent = T0.replace(minute=10), 0
    steps = [
        lambda r: workflow.take(r, event("e-1")),
        lambda r: workflow.resolve(r, JAKARTA, event("e-2", note="Selesai", evidence="foto")),
        lambda r: workflow.reopen(r, JAKARTA, event("e-3", note="Belum beres")),
        lambda r: workflow.take(r, event("e-4")),
        lambda r: workflow.resolve(r, JAKARTA, event("e-5", note="Selesai lagi", evidence="foto")),
        lambda r: workflow.reopen(r, JAKARTA, event("e-6", note="Masih bocor")),
    ]
    for n, step in enumerate(steps, start=1):
        grown = step(grown)
        reports.by_key[grown.key] = grown
        sent += notifier.entry(grown.key, f"e-{n}", 0, now)
    # Then the summary it schedules is a message the notify handler accepts, and it is sent once
    assert sent == HOURLY_LIMIT
    [(digest, _delay)] = queues.sent
    assert digest["to"] == f"{copy.id}/r:email"
    message = parse_notify_message(digest)
    later = now + timedelta(hours=1)
    assert message.digest is not None and message.to is not None
    assert notifier.digest(message.key, message.digest, message.to, later) == 1
    assert _sent_emails()[-1].destinations[0] == "kedua@example.com"


def test_a_duplicates_reporter_s_summary_of_a_selesai_original_offers_no_confirm_link(aws: None) -> None:
    # Given a report merged into an original, its reporter (the only one opted in, by e-mail and SMS)
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.assign(new_report(), JAKARTA, "dbm", event("o-route"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-route"))
    _with_contact(copy, email="kedua@example.com", phone="081298765432", notify=("email", "sms"))
    _merged, grown = workflow.mark_duplicate(copy, original, event("d-dup", agency="dbm"))
    # When the original is worked on past the hourly limit and is Selesai when the summaries go out
    now = T0.replace(minute=10)
    steps = [
        lambda r: workflow.take(r, event("e-1")),
        lambda r: workflow.resolve(r, JAKARTA, event("e-2", note="Selesai", evidence="foto")),
        lambda r: workflow.reopen(r, JAKARTA, event("e-3", note="Belum beres")),
        lambda r: workflow.take(r, event("e-4")),
        lambda r: workflow.resolve(r, JAKARTA, event("e-5", note="Selesai lagi", evidence="foto")),
    ]
    for n, step in enumerate(steps, start=1):
        grown = step(grown)
        reports.by_key[grown.key] = grown
        notifier.entry(grown.key, f"e-{n}", 0, now)
    assert len(queues.sent) == 2  # one summary per channel
    later = now + timedelta(hours=1)
    for message, _delay in queues.sent:
        assert notifier.digest(grown.key, message["digest"], message["to"], later) == 1
    # Then neither summary offers the original's confirm/reopen link: it is its reporter's alone
    mail = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)).get_content()
    sms = _sent_sms()[-1][1]
    assert "kabar" in mail.lower() or "updates" in mail
    assert "feedback.html" not in mail and "feedback.html" not in sms


def _ses(notification: dict[str, Any]) -> tuple[str, list[str]]:
    """What the notify handler gives the notifier for an SES notification: its type and the addresses."""
    read = convert(SesNotification, notification)
    return read.notification_type.lower(), read.suppressed()


def test_a_bounce_suppresses_the_address(aws: None) -> None:
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    states = _lifecycle()
    reports.by_key[states[-1].key] = states[-1]
    _with_contact(states[-1], email="bounces@example.com", notify=("email",))
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "Bounces@example.com"}]},
    }
    assert notifier.feedback(*_ses(bounce)) == 1
    transient = {"notificationType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": []}}
    assert notifier.feedback(*_ses(transient)) == 0
    assert notifier.entry(states[-1].key, "e-route", 0, T0) == 0
    assert _sent_emails() == []


@pytest.mark.parametrize("throttled", ["the send", "the hourly count"])
def test_a_throttled_send_gives_its_claim_back_for_the_retry(
    aws: None, monkeypatch: pytest.MonkeyPatch, throttled: str
) -> None:
    from chalicelib.data import channels
    from chalicelib.data.notices import NoticeStore

    # Given the send (or the hourly counter before it) throttled once, after the message was claimed
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    states = _lifecycle()
    reports.by_key[states[-1].key] = states[-1]
    _with_contact(states[-1], email="warga@example.com", notify=("email",))
    owner, name = (channels, "_sent") if throttled == "the send" else (NoticeStore, "count")
    real = getattr(owner, name)
    calls = iter([RetryableUnavailable("throttled")])

    def flaky(*args: Any, **kwargs: Any) -> Any:
        failure = next(calls, None)
        if failure:
            raise failure
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)
    # When the message is handled, fails, and is handled again (the record's retry)
    with pytest.raises(RetryableUnavailable):
        notifier.entry(states[-1].key, "e-route", 0, T0)
    # Then the retry tells the citizen: the claim was given back
    assert notifier.entry(states[-1].key, "e-route", 0, T0) == 1
    assert len(_sent_emails()) == 1


def test_the_feedback_token_works_once_and_not_after_the_window(aws: None) -> None:
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    states = _lifecycle()
    resolved = states[-1]
    reports.by_key[resolved.key] = resolved
    _with_contact(resolved, email="warga@example.com", notify=("email",))
    notifier.entry(resolved.key, "e-resolve", 0, T0 + timedelta(hours=1))
    raw = _sent_emails()[-1].raw_data
    token = raw.split("feedback.html#", 1)[1].split()[0]
    assert resolved.autoclose_at is not None
    too_late = resolved.autoclose_at + timedelta(seconds=1)
    links, in_window = notifier.links, T0 + timedelta(days=1)
    with pytest.raises(NotFound):
        links.peek(token, "feedback", too_late)
    with pytest.raises(NotFound):
        links.peek(token, "unsubscribe", in_window)
    record = links.peek(token, "feedback", in_window)
    assert record.report_key == resolved.key and record.purpose == "feedback"
    assert links.use(token, "feedback", in_window)
    assert not links.use(token, "feedback", in_window)
    with pytest.raises(NotFound):
        links.peek(token, "feedback", in_window)
    assert json.dumps(raw).count(token) == 1  # the token is in the message; its record only has the hash


def test_a_selesai_message_read_after_a_later_resolve_links_its_own_round(aws: None) -> None:
    # Given a report resolved, reopened and resolved again before the first Selesai's message was read
    # (its notify message retried): the report the handler reads is in the second round
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    first = _lifecycle()[-1]
    reopened = workflow.reopen(first, JAKARTA, event("e-reopen", note="Belum beres"))
    again = workflow.take(reopened, event("e-take-2"))
    second = workflow.resolve(again, JAKARTA, event("e-resolve-2", note="Ditambal ulang", evidence="foto"))
    reports.by_key[second.key] = second
    _with_contact(second, email="warga@example.com", notify=("email",))
    # When the first Selesai is told
    assert notifier.entry(second.key, "e-resolve", 0, T0 + timedelta(hours=1)) == 1
    token = _sent_emails()[-1].raw_data.split("feedback.html#", 1)[1].split()[0]
    # Then its link answers the resolve it tells of, not the later one its words never described
    record = notifier.links.peek(token, "feedback", T0 + timedelta(hours=2))
    assert (record.answers, second.selesai_round) == ("e-resolve", "e-resolve-2")


def test_with_the_public_api_named_list_unsubscribe_is_one_click_on_the_api(aws: None) -> None:
    from chalicelib.data.channels import Channels
    from chalicelib.data.notices import NoticeStore

    reports, queues = Reports(), Queues()
    settings = NotifySettings(
        SETTINGS.sender, "ADUAN31", REGION, SETTINGS.public_url, "https://api.aduan.example.id"
    )
    senders = Channels(REGION, SETTINGS.sender, "ADUAN31")
    notifier = Notifier(
        cast(Any, reports),
        NoticeStore(),
        cast(Any, queues),
        registry(),
        "31",
        senders=lambda: senders,
        settings=lambda: settings,
    )
    states = _lifecycle()
    reports.by_key[states[-1].key] = states[-1]
    _with_contact(states[-1], email="warga@example.com", notify=("email",))
    assert notifier.entry(states[-1].key, "e-route", 0, T0) == 1
    mail: Any = message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)
    token = mail.get_content().split("unsubscribe.html#", 1)[1].split()[0]
    assert mail["List-Unsubscribe"] == f"<https://api.aduan.example.id/links/unsubscribe/{token}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_follow_confirmation_offers_no_unsubscribe_that_would_start_following(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given a pending follow request of a public report
    report = replace(new_report(), visibility=Visibility.PUBLIC)
    NoticeStore().put_pending(report.key, "f1", "id", "tetangga@example.com", FAR)
    # When its confirmation e-mail is sent
    assert _notifier(Reports(), Queues()).follow_confirmation(report.key, "f1", T0) == 1
    mail: Any = message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)
    # Then its one link starts following, and no List-Unsubscribe names it (a mail client's
    # "unsubscribe" would open or post to it): nothing is followed yet to stop
    assert "follow.html#" in mail.get_content()
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None


def test_the_reporter_of_a_duplicate_follows_the_original_without_its_private_words(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.link_actions import LinkActions

    # Given a private report being handled, and a second report of the same problem by another citizen
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("o-route")), event("o-take"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-route"))
    _with_contact(original, email="pertama@example.com", notify=("email",))
    _with_contact(copy, email="kedua@example.com", phone="081299998888", notify=("email", "sms"))
    # When an officer merges the second into the first
    merged, grown = workflow.mark_duplicate(copy, original, event("d-dup", agency="dbm"))
    reports.by_key.update({merged.key: merged, grown.key: grown})
    assert notifier.entry(merged.key, "d-dup", 0, T0) == 2
    told = message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)
    assert "digabung" in told["Subject"] and original.id in cast(Any, told).get_content()
    # Then the original's Selesai reaches both reporters; the second one without the officer's note
    done = workflow.resolve(grown, JAKARTA, event("o-resolve", note="Lubang ditambal", evidence="foto"))
    reports.by_key[done.key] = done
    assert notifier.entry(done.key, "o-resolve", 0, T0 + timedelta(hours=1)) == 3
    mails = {m.destinations[0]: m for m in _sent_emails()[-2:]}
    first = cast(Any, message_from_string(mails["pertama@example.com"].raw_data, policy=policy.default))
    second = cast(Any, message_from_string(mails["kedua@example.com"].raw_data, policy=policy.default))
    assert "Lubang ditambal" in first.get_content() and "feedback.html#" in first.get_content()
    body = second.get_content()
    assert "Lubang ditambal" not in body and "feedback.html#" not in body  # private words, reporter's link
    assert copy.id in body  # why they hear about it: their report was merged into this one
    # And the second reporter's unsubscribe link stops e-mail about the original (kept: SMS)
    token = body.split("unsubscribe.html#", 1)[1].split()[0]
    actions = LinkActions(cast(Any, None), NoticeStore(), "31")
    assert actions.unsubscribe(token, T0 + timedelta(hours=2)) == original.id
    closed = workflow.confirm(done, JAKARTA, 5, event("o-confirm"))
    reports.by_key[closed.key] = closed
    before = len(_sent_emails())
    # the second's SMS only: the first reporter confirmed it themselves (told nothing of their own step)
    assert notifier.entry(closed.key, "o-confirm", 0, T0 + timedelta(hours=3)) == 1
    assert _sent_emails()[before:] == [] and "ditutup" in _sent_sms()[-1][1]


def test_the_contacts_of_an_original_and_its_duplicates_are_read_in_one_request(aws: None) -> None:
    from bench.counting import CallCounter, application_clients
    from chalicelib.data.notices import NoticeStore

    # Given a public report with four reports merged into it, three of whose reporters opted in
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.assign(new_report(), JAKARTA, "dbm", event("o-route"))
    original = replace(original, visibility=Visibility.PUBLIC)
    _with_contact(original, email="asal@example.com", notify=("email",))
    for n in range(4):
        reported = new_report(report_id=f"31-261127-X{n}A2")
        copy = workflow.assign(reported, JAKARTA, "dbm", event(f"d{n}-route"))
        if n < 3:
            _with_contact(copy, email=f"salinan{n}@example.com", notify=("email",))
        _, original = workflow.mark_duplicate(copy, original, event(f"d{n}-dup", agency="dbm"))
    NoticeStore().add_follower(original.key, "f1", "id", "pengikut@example.com", FAR)
    NoticeStore().add_follower("31-261127-X3A2", "f2", "en", "ikut-salinan@example.com", FAR)
    # When the notifier gathers who to tell
    counter = CallCounter().attach(application_clients())
    try:
        found = notifier.recipients(original)
    finally:
        counter.detach()
    # Then every opted-in reporter and every follower is found, through one BatchGetItem rather
    # than two reads for each report
    assert sorted(r.address for r in found) == sorted(
        [
            "asal@example.com",
            "pengikut@example.com",
            "ikut-salinan@example.com",
            *(f"salinan{n}@example.com" for n in range(3)),
        ]
    )
    assert [r.address for r in found if r.merged_from == "31-261127-X3A2"] == ["ikut-salinan@example.com"]
    assert dict(counter.totals().operations) == {"dynamodb:BatchGetItem": 1}


def test_an_email_is_utf8_text_with_unfolded_headers_and_no_line_break_in_a_header() -> None:
    from email import message_from_bytes

    from chalicelib.data.channels import plain_email

    link = "<https://api.aduan.example.id/links/unsubscribe/" + "T" * 43 + ">"
    headers = {"Subject": "Laporan 31-261127-K3M9: Selesai — terverifikasi", "List-Unsubscribe": link}
    raw = plain_email(headers, "Catatan: sudah ditambal, café.\nhttps://aduan.example.id/track.html")
    assert b"\r\nList-Unsubscribe: " + link.encode() + b"\r\n" in raw  # one line, however long
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    mail: Any = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == headers["Subject"]
    assert (mail.get_content_type(), mail.get_content_charset(), mail["Content-Transfer-Encoding"]) == (
        "text/plain",
        "utf-8",
        "8bit",
    )
    assert mail.get_content() == "Catatan: sudah ditambal, café.\r\nhttps://aduan.example.id/track.html\r\n"
    with pytest.raises(ValueError):
        plain_email({"Subject": "Selesai\r\nBcc: someone@example.com"}, "body")


def test_a_follower_of_a_merged_report_is_never_told_it_is_their_report(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given a public report followed by e-mail, whose reporter asked for no news
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("o-route")), event("o-take"))
    followed = workflow.assign(new_report(report_id="31-261127-F0L1"), JAKARTA, "dbm", event("f-route"))
    followed = replace(followed, visibility=Visibility.PUBLIC)
    NoticeStore().add_follower(followed.key, "f1", "en", "pengikut@example.com", FAR)
    NoticeStore().add_follower(followed.key, "f2", "id", "pengikut-id@example.com", FAR)
    # When an officer merges it into the original, which is then done
    merged, grown = workflow.mark_duplicate(followed, original, event("d-dup", agency="dbm"))
    done = workflow.resolve(grown, JAKARTA, event("o-resolve", note="Lubang ditambal", evidence="foto"))
    reports.by_key.update({merged.key: merged, done.key: done})
    assert notifier.entry(merged.key, "d-dup", 0, T0) == 2
    assert notifier.entry(done.key, "o-resolve", 0, T0 + timedelta(hours=1)) == 2
    # Then the followers read that the report they follow was merged, never that they reported it
    bodies = [
        cast(Any, message_from_string(m.raw_data, policy=policy.default)).get_content()
        for m in _sent_emails()
    ]
    assert len(bodies) == 4
    for body in bodies:
        assert "Your report" not in body and "your report" not in body, body
        assert "Laporan Anda" not in body and "laporan Anda" not in body, body
        assert followed.id in body
    assert any("report you follow" in body for body in bodies)
    assert any("yang Anda ikuti" in body for body in bodies)


def test_a_merge_s_link_opens_the_original_the_message_tells_of(aws: None) -> None:
    # Given a private report being handled, and a second report of the same problem by another citizen
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("o-route")), event("o-take"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-route"))
    _with_contact(copy, email="kedua@example.com", phone="081299998888", notify=("email", "sms"))
    # When an officer merges the second into the first
    merged, grown = workflow.mark_duplicate(copy, original, event("d-dup", agency="dbm"))
    reports.by_key.update({merged.key: merged, grown.key: grown})
    assert notifier.entry(merged.key, "d-dup", 0, T0) == 2
    # Then "Lihat laporan" and the SMS's link open the original's tracking page (its id the message
    # names; without the original's secret it shows only what anyone tracking that id sees)
    body = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)).get_content()
    track = SETTINGS.track_link(original.id)
    assert f"Lihat laporan: {track}" in body.splitlines() and SETTINGS.track_link(copy.id) not in body
    sms = _sent_sms()[-1][1]
    assert copy.id in sms and track in sms
    # And a later message about the reporter's own report links it again
    undone, _ = workflow.unmark_duplicate(merged, grown, event("d-undo", agency="dbm"))
    reports.by_key[undone.key] = undone
    assert notifier.entry(undone.key, "d-undo", 0, T0 + timedelta(hours=1)) == 2
    later = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default))
    assert f"Lihat laporan: {SETTINGS.track_link(copy.id)}" in later.get_content().splitlines()


def test_a_selesai_sent_back_by_a_coordinator_is_told_to_the_reporter(aws: None) -> None:
    from chalicelib.domain.report import EvidenceCheck

    # Given a reporter told that their report is done, on a photo the checks did not verify
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    doubtful = EvidenceCheck(verified=False, time="unknown", place="unknown", fresh="pass")
    taken = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("e-route")), event("e-take"))
    done = workflow.resolve(
        taken,
        JAKARTA,
        event("e-resolve", note="Ditambal", evidence_photo=None, evidence="foto", evidence_check=doubtful),
    )
    _with_contact(
        done, email="warga@example.com", phone="081234567890", notify=("email", "sms"), language="en"
    )
    reports.by_key[done.key] = done
    assert notifier.entry(done.key, "e-resolve", 0, T0 + timedelta(hours=1)) == 2
    # When a coordinator sends it back to the agency (Selesai -> Proses)
    back = workflow.reject_evidence(done, event("e-back", note="Foto lama"))
    reports.by_key[back.key] = back
    # Then the reporter hears of it, on each channel, once: it is no longer done
    assert notifier.entry(back.key, "e-back", 0, T0 + timedelta(hours=2)) == 2
    assert notifier.entry(back.key, "e-back", 0, T0 + timedelta(hours=2)) == 0
    mail = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default))
    assert "worked on again" in mail["Subject"] and "In progress" in mail.get_content()
    assert "Foto lama" not in mail.get_content()  # the coordinator's words stay on the tracking page
    assert "worked on again" in _sent_sms()[-1][1]


def test_a_merge_undone_is_told_to_the_reporter_of_the_report_that_was_merged(aws: None) -> None:
    # Given a reporter told that their report was merged into another one
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.assign(new_report(), JAKARTA, "dbm", event("o-route"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-route"))
    _with_contact(copy, email="kedua@example.com", notify=("email",), language="id")
    merged, grown = workflow.mark_duplicate(copy, original, event("d-dup", agency="dbm"))
    reports.by_key.update({merged.key: merged, grown.key: grown})
    assert notifier.entry(merged.key, "d-dup", 0, T0) == 1
    # When a coordinator undoes the merge (Ditolak -> Disposisi)
    restored, shrunk = workflow.unmark_duplicate(merged, grown, event("d-undo", note="Beda lokasi"))
    reports.by_key.update({restored.key: restored, shrunk.key: shrunk})
    # Then its reporter hears that their own report is handled again, once
    assert notifier.entry(restored.key, "d-undo", 0, T0 + timedelta(hours=1)) == 1
    assert notifier.entry(restored.key, "d-undo", 0, T0 + timedelta(hours=1)) == 0
    mail = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default))
    body = mail.get_content()
    assert mail["To"] == "kedua@example.com" and copy.id in mail["Subject"]
    assert "bukan duplikat" in body and original.id in body and "Disposisi" in body


def test_a_selesai_held_for_the_hourly_summary_still_reaches_the_reporter_with_its_confirm_link(
    aws: None,
) -> None:
    # Given a reporter who reopened by their Selesai link (used now), and an agency that works fast:
    # taken and done again within the hour, past the hourly limit
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = _resolved_reopened_resolved()
    reports.by_key[report.key] = report
    _with_contact(
        report, email="warga@example.com", phone="081234567890", notify=("email", "sms"), language="en"
    )
    now = T0.replace(minute=10)
    for n in range(HOURLY_LIMIT + 3):
        notifier.entry(report.key, f"e-{n}", 0, now)
    assert len(queues.sent) == 2  # one summary per channel: the second Selesai was held
    # When the summaries go out after the hour
    later = now + timedelta(hours=1)
    for message, _delay in queues.sent:
        assert notifier.digest(report.key, message["digest"], message["to"], later) == 1
    # Then each carries a confirm/reopen link for the Selesai it summarises, usable until the window ends
    mail = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)).get_content()
    sms = _sent_sms()[-1][1]
    assert "feedback.html#" in mail and "feedback.html#" in sms
    from chalicelib.notices.texts import fits_one_segment

    assert fits_one_segment(sms)
    for text in (mail, sms):
        token = text.split("feedback.html#", 1)[1].split()[0]
        assert notifier.links.peek(token, "feedback", later).report_key == report.key


def _body(raw: str) -> str:
    return str(cast(Any, message_from_string(raw, policy=policy.default)).get_content())


def test_dates_and_times_are_the_province_s_not_utc(aws: None) -> None:
    """Given a report routed, and later Selesai, at 18:30 UTC (01:30 WIB the next day), then its due date,
    the confirm window's last day and a summary's times are read on Jakarta's calendar and clock, as the
    tracking page shows them."""
    from zoneinfo import ZoneInfo

    from chalicelib.domain.clock import day_words

    wib = ZoneInfo("Asia/Jakarta")
    late = T0.replace(hour=18, minute=30)  # 28 November, 01:30 WIB
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = workflow.assign(new_report(at=late), JAKARTA, "dbm", event("z-0", at=late))
    steps = [
        lambda r: workflow.take(r, event("z-1", at=late + timedelta(minutes=1))),
        lambda r: workflow.resolve(
            r, JAKARTA, event("z-2", at=late + timedelta(minutes=2), note="Selesai", evidence="foto")
        ),
        lambda r: workflow.reopen(r, JAKARTA, event("z-3", at=late + timedelta(minutes=3), note="Belum")),
        lambda r: workflow.take(r, event("z-4", at=late + timedelta(minutes=4))),
        lambda r: workflow.resolve(
            r, JAKARTA, event("z-5", at=late + timedelta(minutes=5), note="Lagi", evidence="foto")
        ),
    ]
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",), language="id")
    notifier.entry(report.key, "z-0", 0, late + timedelta(seconds=2))
    assert (
        report.finish_due is not None and report.finish_due.date() != report.finish_due.astimezone(wib).date()
    )
    assert f"Selesai paling lambat: {day_words(report.finish_due.astimezone(wib).date(), 'id')}." in _body(
        _sent_emails()[-1].raw_data
    )
    for n, step in enumerate(steps, start=1):
        report = step(report)
        reports.by_key[report.key] = report
        notifier.entry(report.key, f"z-{n}", 0, late + timedelta(minutes=n, seconds=2))
    assert report.autoclose_at is not None
    until = day_words(report.autoclose_at.astimezone(wib).date(), "id")
    selesai = _body(_sent_emails()[2].raw_data)
    # the link stops working at the window's end, not at that day's end: its time is said, Jakarta's
    assert "Selesai" in selesai and f"(berlaku sampai {until} pukul 01:32 WIB)" in selesai
    [(digest, _delay)] = queues.sent  # the fifth message of the hour is held
    assert notifier.digest(report.key, digest["digest"], "r:email", late + timedelta(hours=2)) == 1
    summary = _body(_sent_emails()[-1].raw_data)
    assert "- 01:35 WIB Selesai" in summary and f"(berlaku sampai {until} pukul 01:35 WIB)" in summary


@pytest.mark.parametrize(
    ("language", "told"),
    [("id", "Estimasi selesai: 9 Desember 2026."), ("en", "Estimated completion: 9 December 2026.")],
)
def test_an_estimate_given_after_the_take_is_told(aws: None, language: str, told: str) -> None:
    """Given a report taken (Proses), when the agency estimates its completion a few minutes later (an
    estimate can only follow the take), then the reporter is told the date by e-mail and SMS: it is
    what a long job's reporter waits for, and the take's message, sent before it, could not carry it."""
    from datetime import date

    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    taken = _lifecycle()[2]
    estimated = workflow.estimate(taken, date(2026, 12, 9), event("e-estimate"), JAKARTA.zone)
    reports.by_key[estimated.key] = estimated
    _with_contact(
        estimated,
        email="warga@example.com",
        phone="0812 3456 7890",
        notify=("email", "sms"),
        language=language,
    )
    now = estimated.timeline[-1].at + timedelta(seconds=2)
    assert notifier.entry(estimated.key, "e-estimate", 0, now) == 2
    assert told in _body(_sent_emails()[-1].raw_data)
    ((_, sms),) = _sent_sms()
    assert estimated.id in sms and "track.html" in sms


@pytest.mark.parametrize(
    ("language", "routed", "handed"),
    [
        ("id", "Status laporan: Disposisi.", "Status laporan: Koordinasi."),
        ("en", "Report status: Disposition (Disposisi).", "Report status: Coordination (Koordinasi)."),
    ],
)
def test_each_email_names_the_status_as_the_tracking_page_does(
    aws: None, language: str, routed: str, handed: str
) -> None:
    """Given a report routed (Disposisi), then handed to Banten (Koordinasi), each e-mail names the status
    the report is now in with the tracking page's label (English with the Indonesian name kept)."""
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = workflow.assign(new_report(), JAKARTA, "dbm", event("s-route"))
    banten = registry().get("36")
    report = workflow.escalate(report, banten, event("s-hand", note="Lokasi di Tangerang"))
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",), language=language)
    now = T0 + timedelta(hours=1)
    assert notifier.entry(report.key, "s-route", 0, now) + notifier.entry(report.key, "s-hand", 0, now) == 2
    first, second = (_body(m.raw_data) for m in _sent_emails())
    assert routed in first and handed in second
    assert "Lokasi di Tangerang" not in second  # the officer's note to the other province is not told


def test_a_take_after_a_reopen_does_not_repeat_the_last_round_s_estimate(aws: None) -> None:
    """Given a report estimated for 30 November, Selesai, then reopened and taken again on 5 December,
    the second take's message tells no estimate (the last round's date has passed: a new estimate is
    told by its own message)."""
    from datetime import date

    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("p-0")), event("p-1"))
    report = workflow.estimate(report, date(2026, 11, 30), event("p-2"), JAKARTA.zone)
    report = workflow.resolve(report, JAKARTA, event("p-3", note="Selesai", evidence="foto"))
    later = T0 + timedelta(days=8)
    report = workflow.reopen(report, JAKARTA, event("p-4", at=later, note="Belum beres"))
    report = workflow.take(report, event("p-5", at=later + timedelta(minutes=1)))
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",), language="id")
    assert notifier.entry(report.key, "p-5", 0, later + timedelta(minutes=2)) == 1
    body = _body(_sent_emails()[-1].raw_data)
    assert "Status laporan: Proses." in body and "Estimasi" not in body and "30 November" not in body


@pytest.mark.parametrize(
    ("language", "said"),
    [("id", "ditutup otomatis"), ("en", "closed automatically")],
)
def test_an_automatic_close_says_why(aws: None, language: str, said: str) -> None:
    """Given a report Selesai whose reporter did not answer in time, the close they are told of says it
    was automatic, for want of an answer (a confirm's close needs no reason: the reporter gave it)."""
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    resolved = _lifecycle()[-1]
    assert resolved.autoclose_at is not None
    closed = workflow.autoclose(resolved, event("e-auto", at=resolved.autoclose_at + timedelta(minutes=5)))
    reports.by_key[closed.key] = closed
    _with_contact(
        closed, email="warga@example.com", phone="081234567890", notify=("email", "sms"), language=language
    )
    assert notifier.entry(closed.key, "e-auto", 0, closed.timeline[-1].at + timedelta(seconds=2)) == 2
    mail = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default))
    assert said in mail["Subject"] and said in mail.get_content() and said in _sent_sms()[-1][1]


@pytest.mark.parametrize(
    ("language", "said", "texted"),
    [
        (
            "id",
            "ditutup otomatis pada 7 Desember 2026 pukul {time} WIB.",
            "Selesai, tutup otomatis 7 Desember 2026: ",
        ),
        (
            "en",
            "closes automatically on 7 December 2026, {time} WIB.",
            "done, closes by itself 7 December 2026: ",
        ),
    ],
)
def test_the_reminder_reaches_the_reporter_alone_with_the_confirm_link_and_the_closing_day(
    aws: None, language: str, said: str, texted: str
) -> None:
    """Given a public report Selesai on 27 November (Jakarta's calendar), followed by e-mail, when the
    sweep's reminder is told, then its reporter (e-mail and SMS) reads the day it closes by itself with
    the confirm/reopen link (the e-mail with the time, as its confirm line), and the follower is not told
    (a follower cannot confirm)."""
    from chalicelib.data.notices import NoticeStore

    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    resolved = replace(_lifecycle()[-1], visibility=Visibility.PUBLIC)
    assert resolved.autoclose_at is not None
    reminded = workflow.remind(resolved, event("e-remind", at=resolved.autoclose_at - timedelta(days=2)))
    reports.by_key[reminded.key] = reminded
    NoticeStore().add_follower(reminded.key, "f1", "en", "pengikut@example.com", FAR)
    _with_contact(
        reminded, email="warga@example.com", phone="081234567890", notify=("email", "sms"), language=language
    )
    now = reminded.timeline[-1].at + timedelta(seconds=2)
    assert notifier.entry(reminded.key, "e-remind", 0, now) == 2
    assert notifier.entry(reminded.key, "e-remind", 0, now) == 0  # redelivered: nothing twice
    [mail] = _sent_emails()
    assert set(mail.destinations) == {"warga@example.com"}  # not the follower
    body = _body(mail.raw_data)
    closes = resolved.autoclose_at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert said.format(time=f"{closes:%H:%M}") in body and "feedback.html#" in body and "Selesai" in body
    [(phone, sms)] = _sent_sms()
    assert phone == "+6281234567890" and texted + "https://aduan.example.id/feedback.html#" in sms


def test_a_reminder_read_after_the_reporter_answered_is_not_sent(aws: None) -> None:
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    resolved = _lifecycle()[-1]
    assert resolved.autoclose_at is not None
    soon = resolved.autoclose_at - timedelta(days=2)
    reminded = workflow.remind(resolved, event("e-remind", at=soon))
    confirmed = workflow.confirm(reminded, JAKARTA, 5, event("e-confirm", at=soon + timedelta(seconds=1)))
    reports.by_key[confirmed.key] = confirmed
    _with_contact(confirmed, email="warga@example.com", notify=("email",), language="id")
    assert notifier.entry(confirmed.key, "e-remind", 0, soon + timedelta(seconds=2)) == 0
    assert _sent_emails() == []
