"""What a citizen's messages say after the report's turns: a Ditolak's way forward (a new report on the
province's form), a merge held for the hourly summary (the original's page, the citizen's own
unsubscribe), and a reporter's own confirm or reopen (told to the others, never back to them)."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_string, policy
from typing import Any, cast

import pytest
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.report import Report, Visibility
from chalicelib.notices.texts import fits_one_segment
from chalicelib.services.notify import HOURLY_LIMIT
from tests.unit.factories import T0, event, new_report
from tests.unit.test_notifier import (
    FAR,
    JAKARTA,
    SETTINGS,
    Queues,
    Reports,
    _notifier,
    _sent_emails,
    _sent_sms,
    _with_contact,
    aws,
)

__all__ = ["aws"]


def _mail(index: int = -1) -> str:
    return str(
        cast(Any, message_from_string(_sent_emails()[index].raw_data, policy=policy.default)).get_content()
    )


@pytest.mark.parametrize(
    ("language", "line"),
    [("id", "Kirim laporan baru: {form}"), ("en", "Send a new report: {form}")],
)
def test_the_ditolak_email_links_the_province_s_report_form(aws: None, language: str, line: str) -> None:
    # Given a reporter told by e-mail and SMS
    reports = Reports()
    notifier = _notifier(reports, Queues())
    rejected = workflow.reject(
        workflow.assign(new_report(), JAKARTA, "dbm", event("e-route")),
        event("e-reject", note="Lokasi kurang jelas"),
    )
    reports.by_key[rejected.key] = rejected
    _with_contact(
        rejected, email="warga@example.com", phone="081234567890", notify=("email", "sms"), language=language
    )
    # When the report is refused
    assert notifier.entry(rejected.key, "e-reject", 0, T0) == 2
    # Then the e-mail leads to the site's report form, to report again with more detail
    form = f"{SETTINGS.public_url}/index.html"
    assert line.format(form=form) in _mail().splitlines()
    # And the SMS keeps its one link (the tracking page, which offers the form too) within one segment
    sms = _sent_sms()[-1][1]
    assert form not in sms and SETTINGS.track_link(rejected.id) in sms and fits_one_segment(sms)


def test_a_merge_s_e_mail_offers_no_new_report(aws: None) -> None:
    # A merge is a Ditolak as a duplicate: the news goes on about the original, nothing to report again
    reports = Reports()
    notifier = _notifier(reports, Queues())
    original = workflow.assign(new_report(), JAKARTA, "dbm", event("o-route"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-route"))
    _with_contact(copy, email="kedua@example.com", notify=("email",))
    merged, grown = workflow.mark_duplicate(copy, original, event("d-dup", agency="dbm"))
    reports.by_key.update({merged.key: merged, grown.key: grown})
    assert notifier.entry(merged.key, "d-dup", 0, T0) == 1
    assert "index.html" not in _mail()


def test_a_merge_held_for_the_summary_links_the_original_and_keeps_the_citizen_s_own_unsubscribe(
    aws: None,
) -> None:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.link_actions import LinkActions

    # Given a report worked on fast (told four times within the hour), then merged into an original
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    original = workflow.assign(new_report(), JAKARTA, "dbm", event("o-route"))
    copy = workflow.assign(new_report(report_id="31-261127-D4P2"), JAKARTA, "dbm", event("d-0"))
    copy = workflow.take(copy, event("d-1"))
    copy = workflow.estimate(copy, date(2026, 12, 9), event("d-2"), JAKARTA.zone)
    copy = workflow.estimate(copy, date(2026, 12, 11), event("d-3"), JAKARTA.zone)
    merged, grown = workflow.mark_duplicate(copy, original, event("d-4", agency="dbm"))
    reports.by_key.update({merged.key: merged, grown.key: grown})
    _with_contact(copy, email="kedua@example.com", phone="081299998888", notify=("email", "sms"))
    now = T0.replace(minute=10)
    for n in range(HOURLY_LIMIT + 1):
        notifier.entry(merged.key, f"d-{n}", 0, now)
    assert len(queues.sent) == 2  # the merge was held on both channels
    # When the summaries go out after the hour
    later = now + timedelta(hours=1)
    for message, _delay in queues.sent:
        assert notifier.digest(merged.key, message["digest"], message["to"], later) == 1
    # Then, as the merge's own message would, they link the original's page (its news from then on)
    track = SETTINGS.track_link(original.id)
    mail = _mail()
    assert f"Lihat laporan: {track}" in mail.splitlines() and SETTINGS.track_link(copy.id) not in mail
    assert track in _sent_sms()[-1][1]
    # And the unsubscribe link stops the subscription they have, the duplicate's: no more e-mail about
    # the original either (the SMS stays)
    token = mail.split("unsubscribe.html#", 1)[1].split()[0]
    assert LinkActions(cast(Any, None), NoticeStore(), "31").unsubscribe(token, later) == copy.id
    assert [r.channel for r in notifier.recipients(grown, now=later)] == ["sms"]


def _resolved_public() -> Report:
    report = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("e-route")), event("e-take"))
    report = workflow.resolve(report, JAKARTA, event("e-resolve", note="Sudah ditambal", evidence="foto"))
    return replace(report, visibility=Visibility.PUBLIC)


@pytest.mark.parametrize("answer", ["confirm", "reopen"])
def test_a_reporter_is_not_told_their_own_answer_and_a_follower_is(aws: None, answer: str) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given a public report Selesai, its reporter told by e-mail and SMS, and a follower
    reports = Reports()
    notifier = _notifier(reports, Queues())
    done = _resolved_public()
    _with_contact(done, email="warga@example.com", phone="081234567890", notify=("email", "sms"))
    NoticeStore().add_follower(done.key, "f1", "id", "pengikut@example.com", FAR)
    # When the reporter answers through their message's link (the feedback service's event id)
    step = event(f"{done.key}:link:abc123", note="Belum beres" if answer == "reopen" else None)
    answered = (
        workflow.confirm(done, JAKARTA, 5, step)
        if answer == "confirm"
        else workflow.reopen(done, JAKARTA, step)
    )
    reports.by_key[answered.key] = answered
    # Then only the follower hears of it: the reporter is not told what they just did
    assert notifier.entry(answered.key, step.event_id, 0, T0 + timedelta(hours=1)) == 1
    assert [m.destinations[0] for m in _sent_emails()] == ["pengikut@example.com"] and _sent_sms() == []
    assert ("ditutup" if answer == "confirm" else "dibuka kembali") in _mail()


def test_a_ditolak_held_for_the_summary_still_says_what_to_do_next(aws: None) -> None:
    # Given a report worked on fast (told four times within the hour) and then refused
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = workflow.assign(new_report(), JAKARTA, "dbm", event("r-0"))
    report = workflow.take(report, event("r-1"))
    report = workflow.estimate(report, date(2026, 12, 9), event("r-2"), JAKARTA.zone)
    report = workflow.estimate(report, date(2026, 12, 11), event("r-3"), JAKARTA.zone)
    report = workflow.reject(report, event("r-4", note="Lokasi kurang jelas"))
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",))
    now = T0.replace(minute=10)
    for n in range(HOURLY_LIMIT + 1):
        notifier.entry(report.key, f"r-{n}", 0, now)
    [(message, _delay)] = queues.sent  # the Ditolak was held for the summary
    # When the summary goes out after the hour
    assert notifier.digest(report.key, message["digest"], message["to"], now + timedelta(hours=1)) == 1
    # Then it says a Ditolak is not reopened and leads to the province's report form, as the Ditolak
    # e-mail would have
    lines = _mail().splitlines()
    assert f"Kirim laporan baru: {SETTINGS.public_url}/index.html" in lines
    assert any(line.startswith("Laporan yang ditolak tidak dapat dibuka kembali.") for line in lines)
