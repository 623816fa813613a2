"""A report moved to another agency of the province (Disposisi, Koordinasi, re-routing, the sweep's
escalation): its reporter and followers hear the new agency once; a step that keeps the agency, the
first assignment (routing's message) and the one after a hand-back (the return's) say nothing new."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string, policy
from typing import Any, cast

import pytest
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.report import Report, Visibility
from chalicelib.domain.status import Action
from chalicelib.notices.kinds import Kind, notice_kind
from chalicelib.provinces.registry import registry
from chalicelib.services.notify import HOURLY_LIMIT
from tests.unit.factories import T0, event, new_report
from tests.unit.test_notifier import (
    FAR,
    JAKARTA,
    Queues,
    Reports,
    _notifier,
    _sent_emails,
    _sent_sms,
    _with_contact,
    aws,
)

__all__ = ["aws"]

DBM = "Dinas Bina Marga Provinsi DKI Jakarta"
SUDIN = "Suku Dinas Bina Marga Kota Administrasi Jakarta Selatan"


def _routed() -> Report:
    return workflow.assign(new_report(), JAKARTA, "dbm", event("e-route"))


def _kind(report: Report, event_id: str) -> Kind | None:
    return notice_kind(report, next(e for e in report.timeline if e.event_id == event_id))


@pytest.mark.parametrize(
    ("language", "body", "status", "sms"),
    [
        (
            "id",
            f"Laporan Anda kini ditangani {SUDIN}.",
            "Status laporan: Disposisi.",
            "dialihkan ke instansi",
        ),
        (
            "en",
            f"Your report is now handled by {SUDIN}.",
            "Report status: Disposition (Disposisi).",
            "moved to another agency",
        ),
    ],
)
def test_a_disposition_to_a_suku_dinas_is_told_once_naming_it(
    aws: None, language: str, body: str, status: str, sms: str
) -> None:
    # Given a reporter told their report was sent to Dinas Bina Marga
    reports = Reports()
    notifier = _notifier(reports, Queues())
    routed = _routed()
    _with_contact(
        routed, email="warga@example.com", phone="081234567890", notify=("email", "sms"), language=language
    )
    reports.by_key[routed.key] = routed
    assert notifier.entry(routed.key, "e-route", 0, T0) == 2
    # When the Dinas hands it to its Suku Dinas, with an internal note
    disposed = workflow.forward(
        routed, JAKARTA, "sudin-bm-js", event("e-dispose", note="Wilayah Jaksel", by="x")
    )
    reports.by_key[disposed.key] = disposed
    # Then the reporter hears of it once on each channel: the new agency, the status, the tracking page
    assert notifier.entry(disposed.key, "e-dispose", 0, T0 + timedelta(hours=1)) == 2
    assert notifier.entry(disposed.key, "e-dispose", 0, T0 + timedelta(hours=1)) == 0
    mail = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default))
    text = mail.get_content()
    assert body in text.splitlines() and status in text.splitlines() and "track.html?id=" in text
    assert "Wilayah Jaksel" not in text  # the step's note is internal
    said = _sent_sms()[-1][1]
    assert sms in said and SUDIN not in said and "track.html?id=" in said


def test_a_coordination_names_the_other_agency_and_koordinasi_to_a_follower_too(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given a public report followed by e-mail, taken by Dinas Bina Marga
    reports = Reports()
    notifier = _notifier(reports, Queues())
    taken = replace(workflow.take(_routed(), event("e-take")), visibility=Visibility.PUBLIC)
    NoticeStore().add_follower(taken.key, "f1", "id", "pengikut@example.com", FAR)
    # When it coordinates with Dinas SDA
    moved = workflow.forward(taken, JAKARTA, "dsda", event("e-coordinate", note="Saluran"))
    reports.by_key[moved.key] = moved
    # Then the follower reads the new agency and Koordinasi, never "your report"
    assert notifier.entry(moved.key, "e-coordinate", 0, T0) == 1
    text = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)).get_content()
    assert "Laporan kini ditangani Dinas Sumber Daya Air Provinsi DKI Jakarta." in text
    assert "Status laporan: Koordinasi." in text and "Laporan Anda" not in text


def test_only_a_step_that_changes_the_agency_is_told() -> None:
    routed = _routed()
    assert _kind(routed, "e-route") is Kind.ROUTED  # routing's own message names the first agency
    refused = workflow.refuse(routed, JAKARTA, "dlh", event("e-refuse", note="Bukan wewenang"))
    assert _kind(refused, "e-refuse") is Kind.MOVED
    # the sweep moves an overdue report one level up: told; at the top it stays where it is: not told
    up = workflow.sla_escalate(refused, JAKARTA, event("e-sla-1"))
    assert up.agency == "koordinator" and _kind(up, "e-sla-1") is Kind.MOVED
    top = workflow.sla_escalate(up, JAKARTA, event("e-sla-2"))
    assert top.agency == "koordinator" and _kind(top, "e-sla-2") is None


def test_the_agency_a_hand_back_routes_to_is_not_told_twice() -> None:
    # Given a report handed to Banten and handed back (the return's own message tells the citizen)
    banten = registry().get("36")
    escalated = workflow.escalate(_routed(), banten, event("e-escalate"))
    back = workflow.take_back(escalated, JAKARTA, "dlh", banten, event("e-back"))
    assert back.timeline[-1].action is Action.REFUSE
    # Then routing it here again sends no second message; a move after that is told
    assert _kind(back, "e-back") is None
    moved = workflow.forward(back, JAKARTA, "dsda", event("e-coordinate"))
    assert _kind(moved, "e-coordinate") is Kind.MOVED


def test_moves_past_the_hourly_limit_fold_into_the_summary(aws: None) -> None:
    # Given a report routed and moved five times within one hour
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = _routed()
    for n, agency in enumerate(("sudin-bm-js", "dbm", "dsda", "dlh", "dishub")):
        report = workflow.forward(report, JAKARTA, agency, event(f"e-move-{n}"))
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",), language="en")
    now = T0.replace(minute=30)
    told = ["e-route", *(f"e-move-{n}" for n in range(5))]
    assert sum(notifier.entry(report.key, e, 0, now) for e in told) == HOURLY_LIMIT
    # Then the two held moves go out in one summary after the hour
    [(digest, _delay)] = queues.sent
    assert notifier.digest(report.key, digest["digest"], digest["to"], now + timedelta(hours=1)) == 1
    summary = cast(Any, message_from_string(_sent_emails()[-1].raw_data, policy=policy.default)).get_content()
    assert "2 more updates" in summary and summary.count("moved to another agency") == 2


def test_a_move_inside_the_other_province_is_told_by_the_origin() -> None:
    from chalicelib.domain.report import TimelineEntry
    from chalicelib.domain.status import Status

    # Given a report handed to Banten, which accepted it for DLH Kota Tangerang (Banten's update)
    escalated = workflow.escalate(_routed(), registry().get("36"), event("e-escalate"))
    at = T0 + timedelta(hours=3)
    accept = TimelineEntry("b-accept", at, Action.ACCEPT, Status.DISPOSISI, "36", agency="dlh-kota-tangerang")
    move = TimelineEntry(
        "b-move", at + timedelta(minutes=5), Action.COORDINATE, Status.KOORDINASI, "36", agency="dishub"
    )
    stay = TimelineEntry(
        "b-sla", at + timedelta(minutes=9), Action.SLA_ESCALATE, Status.KOORDINASI, "36", agency="dishub"
    )
    mirrored = escalated.with_entries([accept, move, stay])
    # Then Jakarta tells its reporter of Banten's move to its Dinas Perhubungan, and not of a step
    # that kept it there
    assert _kind(mirrored, "b-accept") is Kind.ACCEPTED
    assert _kind(mirrored, "b-move") is Kind.MOVED
    assert _kind(mirrored, "b-sla") is None
