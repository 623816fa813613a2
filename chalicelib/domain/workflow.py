"""What each action does to a report: pure functions from (report, facts) to a new report.

Services load, call one of these, and save; they never change a report by hand.
Every function checks the state machine first and appends one timeline entry.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import asdict, replace

from chalicelib.domain.report import EvidenceCheck, Report, TimelineEntry
from chalicelib.domain.sla import autoclose_after, deadlines, reopen_window
from chalicelib.domain.status import Action, Status, next_status
from chalicelib.errors import (
    Conflict,
    Forbidden,
    ValidationFailed,
    already_closed,
    not_a_duplicate,
    reason_required,
)
from chalicelib.provinces.registry import Province
from chalicelib.validation import NOTE_MAX_LENGTH, problem

if TYPE_CHECKING:
    from chalicelib.domain.protocol import Update

# The latest estimated completion (EWS) an agency may give: a job of more than one budget year is
# possible, a date decades ahead is a slip of the keyboard.
MAX_ESTIMATE_DAYS = 730


class Event(Struct, frozen=True):
    """Who did what, when, with which id (the id makes redelivery harmless).

    Its fields are those of the timeline entry it becomes, which adds the action and the status.
    """

    event_id: str
    at: datetime
    province: str
    agency: str | None = None
    note: str | None = None
    evidence: str | None = None
    target: str | None = None
    evidence_photo: str | None = None
    evidence_check: EvidenceCheck | None = None
    by: str | None = None  # the acting account, only when the step records it (``access.recorded_account``)


def _apply(report: Report, action: Action, event: Event, **changes: object) -> Report:
    _check_note(event.note)
    status = next_status(report.status, action)
    fields = asdict(event)
    if fields["by"] is None:  # a step that records no account: the entry's ``by`` stays unset
        del fields["by"]
    entry = TimelineEntry(action=action, status=status, **fields)
    return report.with_entries([entry], status=status, **changes)


def _check_note(note: str | None) -> None:
    """A step's note, the officer's words with the step's own (``Bukan wewenang: … → <agency>``),
    within ``NOTE_MAX_LENGTH``: a longer one could not travel in an update to another province."""
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        over = len(note) - NOTE_MAX_LENGTH
        raise ValidationFailed(
            f"Catatan bersama keterangan langkah ini terlalu panjang: kurangi {over} karakter "
            f"(the note, with this step's own words, is {over} characters over {NOTE_MAX_LENGTH}).",
            code="too_long",
            details=[problem("note", f"kurangi {over} karakter", "too_long")],
        )


def assign(
    report: Report, province: Province, agency_id: str, event: Event, *, action: Action = Action.ROUTE
) -> Report:
    """Give the report to an agency of ``province`` (routing, forwarding, re-routing, SLA)."""
    province.agency(agency_id)
    changes: dict[str, object] = {"agency": agency_id}
    if report.coordinate_due is None:
        clock = deadlines(
            province, report.category, event.at if report.is_received_escalation else report.created_at
        )
        changes.update(coordinate_due=clock.coordinate_by, finish_due=clock.finish_by)
    return _apply(report, action, replace(event, agency=agency_id), **changes)


def escalate(report: Report, to_province: Province, event: Event) -> Report:
    """Hand the report to another province; our clock stops, theirs starts on acceptance."""
    note = event.note or f"Diteruskan ke Provinsi {to_province.name}"
    return _apply(
        report, Action.ESCALATE, replace(event, note=note), escalated_to=to_province.code, agency=None
    )


def take(report: Report, event: Event) -> Report:
    """The assigned agency starts work (Proses)."""
    return _apply(report, Action.TAKE, replace(event, agency=report.agency))


def estimate(report: Report, completion: date, event: Event, zone: tzinfo) -> Report:
    """Record the estimated completion date (EWS) of a long job: from today to ``MAX_ESTIMATE_DAYS`` ahead,
    by the province's calendar (``zone``), as the officer's date field and the tracking page count days."""
    today = event.at.astimezone(zone).date()
    if completion < today:
        raise ValidationFailed(
            "Estimasi selesai tidak boleh di masa lalu (date is in the past).", code="invalid_date"
        )
    if completion > today + timedelta(days=MAX_ESTIMATE_DAYS):
        raise ValidationFailed(
            f"Estimasi selesai paling lambat {MAX_ESTIMATE_DAYS} hari lagi "
            f"(at most {MAX_ESTIMATE_DAYS} days ahead).",
            code="invalid_date",
        )
    # The date is the report's ``estimated_completion`` (clients write it in their reader's language);
    # the entry's note is only the officer's own words
    return _apply(
        report, Action.ESTIMATE, replace(event, agency=report.agency), estimated_completion=completion
    )


def forward(report: Report, province: Province, to_agency: str, event: Event) -> Report:
    """Disposisi to a Suku Dinas (the agency's child) or Koordinasi to another agency."""
    target = province.agency(to_agency)
    if to_agency == report.agency:
        raise Conflict("Laporan sudah di instansi ini (already with this agency).", code="same_agency")
    action = Action.DISPOSE if target.parent == report.agency else Action.COORDINATE
    note = event.note or f"Diteruskan ke {target.name}"
    return assign(report, province, to_agency, replace(event, note=note), action=action)


def refuse(report: Report, province: Province, to_agency: str, event: Event) -> Report:
    """Bukan wewenang: re-routed to the suggested agency of this province."""
    target = province.agency(to_agency)
    note = f"Bukan wewenang: {event.note or '-'} → {target.name}"
    return assign(report, province, to_agency, replace(event, note=note), action=Action.REFUSE)


def reject(report: Report, event: Event) -> Report:
    """Ditolak, with a reason (duplicate, not a public matter, emergency for 112...)."""
    if not event.note:
        raise ValidationFailed("Alasan penolakan wajib diisi (a reason is required).", code="reason_required")
    return _apply(report, Action.REJECT, replace(event, agency=event.agency or report.agency))


def hand_back(report: Report, origin: Province, suggested_agency: str | None, event: Event) -> Report:
    """A received escalation is not ours: return it to the origin province with a suggestion."""
    if suggested_agency:
        origin.agency(suggested_agency)
    note = f"Dikembalikan ke Provinsi {origin.name}: {event.note or 'bukan wewenang'}"
    return _apply(report, Action.RETURN, replace(event, note=note, target=suggested_agency), closed=True)


def resolve(report: Report, province: Province, event: Event) -> Report:
    """Selesai, with a note and evidence; the reporter has a window to confirm or reopen.

    Whether the evidence must be a photo is the category's (province data), checked before this.
    """
    if not event.note or not (event.evidence or event.evidence_photo):
        raise ValidationFailed(
            "Catatan dan bukti (foto atau uraian) wajib diisi "
            "(a note and evidence, a photo or a description, are required).",
            code="evidence_required",
        )
    return _apply(
        report,
        Action.RESOLVE,
        replace(event, agency=report.agency),
        resolved_at=event.at,
        autoclose_at=event.at + autoclose_after(province),
    )


def _require_review(report: Report, event: Event) -> None:
    """A review of doubtful evidence: the report is in doubt, and the reviewer is not the account that
    resolved it (four eyes, "prinsip empat mata": a coordinator's resolve is reviewed by another coordinator
    or admin of the province). A resolve that recorded no account (the agency's own officer, or one stored
    without it) is reviewed by any coordinator."""
    if not report.evidence_in_doubt:
        raise Conflict(
            "Bukti laporan ini tidak sedang diragukan (this report's evidence is not in doubt).",
            code="evidence_not_in_doubt",
        )
    if report.resolved_by_account(event.by):
        raise Forbidden(
            "Anda sendiri yang menyelesaikan laporan ini: buktinya ditinjau koordinator atau admin lain "
            "di provinsi ini (prinsip empat mata) (you resolved this report yourself: another coordinator "
            "or admin of the province reviews its evidence, the four-eyes principle).",
            code="own_evidence",
        )


def accept_evidence(report: Report, event: Event) -> Report:
    """A coordinator accepts the photo of a resolve that was not verified (it leaves the doubtful list)."""
    _require_review(report, event)
    note = event.note or "Bukti diterima koordinator"
    return _apply(report, Action.ACCEPT_EVIDENCE, replace(event, note=note))


def reject_evidence(report: Report, event: Event) -> Report:
    """A coordinator sends a doubtful resolve back to the agency (Proses), with a reason."""
    _require_review(report, event)
    if not event.note:
        raise reason_required()
    return _apply(
        report,
        Action.REJECT_EVIDENCE,
        replace(event, agency=report.agency, note=f"Bukti ditolak: {event.note}"),
        resolved_at=None,
        autoclose_at=None,
    )


def feedback_deadline(report: Report, province: Province, action: Action) -> datetime | None:
    """When the reporter's ``action`` (confirm or reopen) stops being accepted: a reopen within the
    province's window from Selesai, a confirm until the report closes by itself (``autoclose_at``; the
    sweep may not have run yet). The origin of a report another province resolved has no auto-close of
    its own (the copy's close reaches it as an update): its confirm window counts from the mirrored
    resolve, as its Selesai message's link does. None before any resolve."""
    resolved = report.resolved_at
    if action is Action.REOPEN:
        return resolved + reopen_window(province) if resolved else None
    return report.autoclose_at or (resolved + autoclose_after(province) if resolved else None)


def feedback_expired(report: Report, province: Province, action: Action, at: datetime) -> bool:
    """Whether the reporter's ``action`` at ``at`` comes after its window (``feedback_deadline``)."""
    deadline = feedback_deadline(report, province, action)
    return deadline is not None and at > deadline


def confirm(report: Report, province: Province, rating: int, event: Event) -> Report:
    """The reporter confirms the fix with a 1-5 rating; the report closes (within the window)."""
    if report.closed:
        raise already_closed()
    if feedback_expired(report, province, Action.CONFIRM, event.at):
        raise Conflict(
            "Batas waktu konfirmasi sudah lewat; laporan ditutup otomatis (the confirm window has passed).",
            code="confirm_expired",
        )
    return _apply(
        report,
        Action.CONFIRM,
        replace(event, note=event.note or f"Dikonfirmasi, nilai {rating}/5"),
        closed=True,
        rating=rating,
        autoclose_at=None,
    )


def reopen(report: Report, province: Province, event: Event) -> Report:
    """The reporter says it is not fixed: back to the agency, within the reopen window."""
    if report.closed:
        raise already_closed()
    if feedback_expired(report, province, Action.REOPEN, event.at):
        raise Conflict(
            "Batas waktu membuka kembali sudah lewat (reopen window has passed).", code="reopen_expired"
        )
    if not event.note:
        raise reason_required()
    # The last round's estimate was for the work now found unfinished: the agency gives a new one
    return _apply(
        report,
        Action.REOPEN,
        replace(event, agency=report.agency),
        resolved_at=None,
        autoclose_at=None,
        estimated_completion=None,
    )


def remind(report: Report, event: Event) -> Report:
    """The confirm window ends soon: the step that tells the reporter, once per Selesai round (the sweep,
    at ``Report.reminder_due``). It changes nothing else: the report stays Selesai until it is confirmed,
    reopened or closed by itself."""
    if report.closed:
        raise already_closed()
    return _apply(report, Action.REMIND, event)


def autoclose(report: Report, event: Event) -> Report:
    """No answer from the reporter in time: the report closes as Selesai."""
    note = event.note or "Ditutup otomatis: tidak ada tanggapan pelapor"
    return _apply(report, Action.AUTOCLOSE, replace(event, note=note), closed=True, autoclose_at=None)


def sla_escalate(report: Report, province: Province, event: Event) -> Report:
    """A deadline passed: mark overdue and move it one level up (Suku Dinas -> Dinas -> coordinator)."""
    current = province.agencies.get(report.agency or "")
    parent = current.parent if current else province.data.routing.default_agency
    breached = "koordinasi" if report.status is not Status.PROSES else "penyelesaian"
    check_again = event.at + timedelta(hours=province.service_levels.coordinate_hours)
    agency: str | None
    next_check: datetime | None
    if parent and parent != report.agency:
        agency, next_check = parent, check_again
        note = f"Melewati batas waktu {breached}: dieskalasi ke {province.agency(parent).name}"
    else:
        agency, next_check = report.agency, None
        note = f"Melewati batas waktu {breached}: sudah di tingkat tertinggi"
    return _apply(
        report,
        Action.SLA_ESCALATE,
        replace(event, agency=agency, note=note),
        agency=agency,
        overdue=True,
        escalation_level=report.escalation_level + 1,
        sla_check_at=next_check,
    )


def mirror_remote(report: Report, update: Update) -> Report | None:
    """The origin's report after another province's update, or None if it adds nothing.

    The receiving province enforces the state machine for its own actions; the
    origin mirrors its latest state (by sequence number, so a late or repeated
    update never rolls it back) and merges its timeline entries by event id.
    """
    # never another province's accounts (its sender leaves them out; a forged one is not kept either)
    fresh = [e.handed_over() for e in update.entries if not report.has_event(e.event_id)]
    if update.seq <= report.remote_version:
        return report.with_entries(fresh) if fresh else None
    merged = report.with_entries(fresh)
    return replace(
        merged,
        remote_version=update.seq,
        status=update.status,
        resolved_at=_remote_resolved_at(merged, update),
        remote_agency=update.agency,
        coordinate_due=update.coordinate_due,
        finish_due=update.finish_due,
        estimated_completion=update.estimated_completion,
        overdue=update.overdue,
        closed=update.closed or report.closed,
        rating=report.rating if report.rating is not None else update.rating,
    )


def _remote_resolved_at(merged: Report, update: Update) -> datetime | None:
    """When the other province resolved the report (its latest resolve step), while it is Selesai:
    the origin's reopen window and the citizen's status page count from it."""
    if update.status is not Status.SELESAI:
        return None
    resolves = [
        e.at for e in merged.timeline if e.action is Action.RESOLVE and e.province == update.from_province
    ]
    return max(resolves, default=merged.resolved_at)


def take_back(
    report: Report, province: Province, agency_id: str, from_province: Province, event: Event
) -> Report:
    """The other province returned the report (bukan wewenang): route it here, to ``agency_id``."""
    target = province.agency(agency_id)
    note = f"Dikembalikan oleh Provinsi {from_province.name}; diteruskan ke {target.name}"
    back = replace(report, escalated_to=None, remote_agency=None, remote_version=0)
    return assign(back, province, agency_id, replace(event, note=note), action=Action.REFUSE)


def mark_duplicate(duplicate: Report, original: Report, event: Event) -> tuple[Report, Report]:
    """Duplikat: the report closes (Ditolak) linked to ``original``, which gains its supports plus one.

    Both must be open reports of this province that no other province handles, and the duplicate
    must have no duplicates of its own (undo those first).
    """
    if duplicate.key == original.key:
        raise Conflict(
            "Laporan tidak bisa duplikat dirinya (a report cannot duplicate itself).", code="same_report"
        )
    if not original.is_open or original.duplicate_of:
        raise Conflict("Laporan asli sudah ditutup (the original is closed).", code="original_closed")
    if duplicate.duplicates:
        raise Conflict(
            "Laporan ini punya duplikat; batalkan dulu (this report has duplicates of its own).",
            code="has_duplicates",
        )
    if any(r.is_received_escalation or r.escalated_to for r in (duplicate, original)):
        raise Conflict(
            "Laporan lintas provinsi tidak dapat digabung (reports handled across provinces are not merged).",
            code="escalated_report",
        )
    note = f"Duplikat dari {original.id}" + (f": {event.note}" if event.note else "")
    merged = _apply(
        duplicate,
        Action.DUPLICATE,
        replace(event, agency=event.agency or duplicate.agency, note=note, target=original.id),
        closed=True,
        duplicate_of=original.id,
    )
    grown = replace(
        original,
        duplicates=(*original.duplicates, duplicate.id),
        support_count=original.support_count + duplicate.support_count + 1,
    )
    return merged, grown


def unmark_duplicate(duplicate: Report, original: Report, event: Event) -> tuple[Report, Report]:
    """Undo a wrong merge: the duplicate reopens (Disposisi) and the original gives its supports back."""
    if duplicate.duplicate_of != original.id:
        raise not_a_duplicate()
    note = f"Bukan duplikat dari {original.id}" + (f": {event.note}" if event.note else "")
    restored = _apply(
        duplicate,
        Action.UNDUPLICATE,
        replace(event, agency=duplicate.agency, note=note, target=original.id),
        closed=False,
        duplicate_of=None,
    )
    shrunk = replace(
        original,
        duplicates=tuple(d for d in original.duplicates if d != duplicate.id),
        support_count=max(0, original.support_count - duplicate.support_count - 1),
    )
    return restored, shrunk
