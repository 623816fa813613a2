"""An estimate (EWS) as people read it: once, in words, Indonesian first with English.

The date lives in the report's ``estimated_completion``; an estimate entry's note is only the officer's
own words. Reports estimated before that change keep the note the API wrote then ("Estimasi selesai
2026-12-09"): it is the date again, so the views leave it out without rewriting the stored entry.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec

from chalicelib.api import views
from chalicelib.domain import workflow
from chalicelib.domain.report import Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action
from chalicelib.open311.mapping import request_entry
from chalicelib.provinces.registry import registry
from tests.unit.factories import T0, event, new_report

JAKARTA = registry().get("31")
DAY = date(2026, 12, 9)
WORDS = "Estimasi selesai 9 Desember 2026 (estimated completion: 9 December 2026)"


def taken(visibility: Visibility = Visibility.PUBLIC) -> Report:
    report = msgspec.structs.replace(new_report(), visibility=visibility)
    report = workflow.assign(report, JAKARTA, "sudin-bm-js", event("route", T0 + timedelta(minutes=1)))
    return workflow.take(report, event("take", T0 + timedelta(minutes=2)))


def estimated(report: Report, day: date = DAY, note: str | None = None) -> Report:
    return workflow.estimate(
        report, day, event("estimate", T0 + timedelta(minutes=3), note=note), JAKARTA.zone
    )


def with_legacy_note(report: Report, day: date = DAY) -> Report:
    """``report`` whose latest estimate entry carries the note the API stored before the change."""
    timeline = list(report.timeline)
    last = max(i for i, e in enumerate(timeline) if e.action is Action.ESTIMATE)
    timeline[last] = msgspec.structs.replace(timeline[last], note=f"Estimasi selesai {day.isoformat()}")
    return msgspec.structs.replace(report, timeline=tuple(timeline))


def test_the_words_of_an_estimate_are_indonesian_first_with_english() -> None:
    assert views.estimate_words(DAY) == WORDS
    assert views.estimate_words(date(2027, 8, 17)) == (
        "Estimasi selesai 17 Agustus 2027 (estimated completion: 17 August 2027)"
    )


def test_open311_status_notes_carry_the_estimate_in_words() -> None:
    notes = request_entry(registry(), estimated(taken())).status_notes
    assert notes == f"Proses. {WORDS}."


def test_open311_status_notes_carry_the_estimate_beside_the_officers_note() -> None:
    notes = request_entry(registry(), estimated(taken(), note="Menunggu alat berat")).status_notes
    assert notes == f"Proses: Menunggu alat berat. {WORDS}."


def test_a_private_requests_status_notes_carry_the_estimate_but_no_note() -> None:
    # the date is no one's words: the native view shows it to anyone as deadlines.estimated_completion
    notes = request_entry(registry(), estimated(taken(Visibility.PRIVATE), note="rahasia")).status_notes
    assert notes == f"Proses. {WORDS}."


def test_a_closed_requests_status_notes_no_longer_promise_the_estimate() -> None:
    report = estimated(taken())
    report = workflow.resolve(
        report, JAKARTA, event("resolve", T0 + timedelta(minutes=4), note="ditambal", evidence="foto.jpg")
    )
    assert "Estimasi" not in request_entry(registry(), report).status_notes


def test_a_legacy_estimate_note_is_not_shown_beside_the_date() -> None:
    report = with_legacy_note(estimated(taken()))
    view = views.report_view(report, full_content=True)
    [entry] = [e for e in view.timeline if e.action == "estimate"]
    assert entry.note is None
    assert view.deadlines.estimated_completion == DAY.isoformat()
    assert request_entry(registry(), report).status_notes == f"Proses. {WORDS}."


def test_an_earlier_legacy_estimate_note_is_left_out_too_and_the_stored_entry_is_kept() -> None:
    first = with_legacy_note(estimated(taken()), DAY)
    later = workflow.estimate(
        first, date(2026, 12, 20), event("estimate2", T0 + timedelta(minutes=5)), JAKARTA.zone
    )
    view = views.report_view(later, full_content=True)
    assert [e.note for e in view.timeline if e.action == "estimate"] == [None, None]
    assert any(e.note == "Estimasi selesai 2026-12-09" for e in later.timeline)  # stored data unchanged


def test_an_officers_own_note_on_an_estimate_is_kept() -> None:
    for note in ("Estimasi selesai 2026-12-09, menunggu alat berat", "Menunggu alat berat"):
        report = estimated(taken(), note=note)
        [entry] = [e for e in views.report_view(report, full_content=True).timeline if e.action == "estimate"]
        assert entry.note == note


def test_the_date_pattern_is_only_left_out_on_an_estimate_entry() -> None:
    entry = TimelineEntry(
        "x",
        datetime(2026, 11, 27, 3, tzinfo=T0.tzinfo),
        Action.TAKE,
        taken().status,
        "31",
        note="Estimasi selesai 2026-12-09",
    )
    assert views.entry_note(entry) == "Estimasi selesai 2026-12-09"
