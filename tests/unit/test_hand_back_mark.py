"""Which province handed a report back, as its inbox row marks it, and the origin's mirror of the other
province's acceptance without the origin's own reason for the hand-over."""

from __future__ import annotations

from datetime import timedelta

from msgspec.structs import replace

from chalicelib.domain.report import TimelineEntry
from chalicelib.domain.status import Action, Status
from chalicelib.services.escalation import _origin_reason, _without_our_reasons
from tests.unit.factories import T0, new_report
from tests.unit.test_late_updates import COPY, REPORT_ID, RETURN, _taken_back, _update


def test_a_report_taken_back_is_marked_with_the_province_s_return_step_until_handed_over_again() -> None:
    assert _taken_back().hand_back == RETURN
    assert _taken_back(escalated_to="36").hand_back is None
    assert new_report(report_id=REPORT_ID).hand_back is None


def test_the_copy_that_handed_a_report_back_is_not_marked_by_its_own_return() -> None:
    copy = replace(new_report(report_id=REPORT_ID), key=COPY, province="36", origin_province="31")
    assert replace(copy, timeline=(*copy.timeline, RETURN)).hand_back is None


def test_only_the_origin_s_own_reason_is_taken_off_an_acceptance() -> None:
    report = _taken_back(escalated_to="36")  # its escalate steps' notes: none, then "Alasan kedua"
    escalate = report.timeline[-1]
    report = replace(report, timeline=(*report.timeline[:-1], replace(escalate, note="Alasan kedua")))
    accepted = "Diterima Provinsi Banten; diteruskan ke DLH"

    def accept(note: str, action: Action = Action.ACCEPT) -> TimelineEntry:
        return TimelineEntry(
            f"{COPY}:accept:x", T0 + timedelta(hours=3), action, Status.DISPOSISI, "36", note=note
        )

    ours = accept(accepted + _origin_reason("DKI Jakarta", "Alasan kedua"))
    others = accept(accepted + _origin_reason("Jawa Barat", "Alasan kedua"))
    unknown = accept(accepted + _origin_reason("DKI Jakarta", "Alasan lain"))
    taken = accept("Ditangani" + _origin_reason("DKI Jakarta", "Alasan kedua"), Action.TAKE)
    update = _update("36", 9, returned=False, entries=[ours, others, unknown, taken])
    told = _without_our_reasons(report, "DKI Jakarta", update)
    assert [e.note for e in told.entries] == [accepted, others.note, unknown.note, taken.note]
