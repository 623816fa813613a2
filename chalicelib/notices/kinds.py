"""Which timeline entries a citizen hears about, and the facts each message carries (pure).

A step that moves the report to another agency of the province (disposition, coordination,
re-routing, service-level escalation) is told only when the handling agency changes: its message names
the new agency. The first assignment is routing's to tell, and the one after another province hands the
report back is the return's. An estimate is told on its own, and only there: it can only follow the take
(Proses), whose message is sent before it (and after a reopen would repeat the last round's date).
A province's copy of another province's report never notifies: the origin province tells its own
reporter when the other province's update arrives. The reminder before an auto-close is the reporter's
alone (followers cannot confirm), and only while the report still waits for their answer.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from enum import StrEnum

from msgspec import Struct

from chalicelib.domain.report import EvidenceCheck, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status


class Kind(StrEnum):
    """What a notification tells; each has its texts in the catalogues."""

    ROUTED = "routed"
    TAKEN = "taken"
    ESTIMATED = "estimated"  # the agency's estimated completion (EWS), given or changed
    HANDED = "handed"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    REOPENED = "reopened"
    CLOSED = "closed"
    AUTOCLOSED = "autoclosed"  # closed as Selesai for want of the reporter's answer in time
    REMINDED = "reminded"  # still Selesai without an answer: it closes by itself soon
    MERGED = "merged"
    REWORKED = "reworked"  # a coordinator sent a Selesai back to the agency (Proses)
    UNMERGED = "unmerged"  # a wrong merge undone: the report is handled on its own again
    RETURNED = "returned"  # the other province handed it back (not its place): handled here again
    MOVED = "moved"  # another agency of the province handles it now (Disposisi, Koordinasi, ...)


KINDS: dict[Action, Kind] = {
    Action.ROUTE: Kind.ROUTED,
    Action.TAKE: Kind.TAKEN,
    Action.ESTIMATE: Kind.ESTIMATED,
    Action.ESCALATE: Kind.HANDED,
    Action.ACCEPT: Kind.ACCEPTED,
    Action.RESOLVE: Kind.RESOLVED,
    Action.REJECT: Kind.REJECTED,
    Action.DUPLICATE: Kind.MERGED,
    Action.REOPEN: Kind.REOPENED,
    Action.CONFIRM: Kind.CLOSED,
    Action.AUTOCLOSE: Kind.AUTOCLOSED,
    Action.REMIND: Kind.REMINDED,
    Action.REJECT_EVIDENCE: Kind.REWORKED,
    Action.UNDUPLICATE: Kind.UNMERGED,
    Action.RETURN: Kind.RETURNED,  # the other province's step, merged into the origin's timeline
}

# Steps that may give the report to another agency of the province: told only when they do (``moved``)
MOVES = frozenset({Action.DISPOSE, Action.COORDINATE, Action.REFUSE, Action.SLA_ESCALATE})
# Steps after which the report is handled by their entry's agency (in their entry's province)
_ASSIGNS = MOVES | {Action.ROUTE, Action.ACCEPT}


# Kinds whose messages carry the confirm/reopen link (to the reporter; never to a follower)
CONFIRMABLE = frozenset({Kind.RESOLVED, Kind.REMINDED})
# Kinds told to the reporter only: followers and the reporters of duplicates cannot confirm
REPORTER_ONLY = frozenset({Kind.REMINDED})
# Kinds told to everyone but the reporter: confirm and reopen are only ever the reporter's own step (with
# the report's secret, or their message's link), and nobody is told what they just did themselves
NOT_TO_REPORTER = frozenset({Kind.CLOSED, Kind.REOPENED})


def notice_kind(report: Report, entry: TimelineEntry) -> Kind | None:
    """What ``entry`` of ``report`` tells the citizen, or None (internal step, or a received copy; a
    reminder when the reporter did not opt in, or when it is no longer the report's news: confirmed,
    reopened or closed since; a move that leaves the report with the agency it had)."""
    if report.is_received_escalation:
        return None
    if entry.action is Action.REMIND and not _still_waiting(report, entry):
        return None
    if entry.action in MOVES:
        return Kind.MOVED if _moved(report, entry) else None
    return KINDS.get(entry.action)


def _moved(report: Report, entry: TimelineEntry) -> bool:
    """True if ``entry`` gave the report to an agency other than the one handling it just before, in
    the entry's province (agency ids are a province's own). The first assignment after a hand-over to
    another province is not: the other province's return told the citizen the report is handled here
    again, and the take names the agency."""
    if entry.agency is None:
        return False
    at = next((n for n, step in enumerate(report.timeline) if step.event_id == entry.event_id), 0)
    for step in reversed(report.timeline[:at]):
        if step.province != entry.province:
            continue
        if step.action is Action.ESCALATE:
            return False
        if step.action in _ASSIGNS:
            return step.agency != entry.agency
    return True  # never routed (the sweep's escalation of an unrouted report): nobody named an agency


def _still_waiting(report: Report, entry: TimelineEntry) -> bool:
    """True while the reminder ``entry`` is about the round ``report`` is in, Selesai and open, and its
    reporter opted in."""
    if report.reporter_opted_in is False or report.status is not Status.SELESAI or report.closed:
        return False
    return not any(e.action is Action.RESOLVE and e.at > entry.at for e in report.timeline)


class Facts(Struct, frozen=True):
    """What one notification may say. Texts for a private report's SMS use none of the content."""

    kind: Kind
    report_id: str
    public: bool
    agency: str | None = None  # the agency's name
    province: str | None = None  # the other province's name (handed, accepted, returned)
    home: str | None = None  # this province's name (returned: where the report is handled again)
    finish_due: date | None = None
    estimated_completion: date | None = None
    note: str | None = None  # the officer's note or reason (resolved, rejected)
    # the resolve's evidence check (public: the tracking page shows it, reasons too, on any report)
    verdict: EvidenceCheck | None = None
    confirm_until: date | None = None
    confirm_time: str | None = None  # the confirm window's end on that day, labelled (``04:51 WIB``)
    original: str | None = None  # merged, unmerged: the report this one was (or was not) merged into
    status: Status | None = None  # the status the entry left the report in (not told of a merge)
    # handed: the place lies in the other province (else a routing rule or an officer sent it across)
    place_there: bool = True


def facts(
    report: Report,
    entry: TimelineEntry,
    kind: Kind,
    *,
    agency: str | None,
    province: str | None,
    zone: tzinfo,
    home: str | None = None,
    window_end: datetime | None = None,
    zone_label: str = "",
) -> Facts:
    """The facts of ``entry`` (names, ``home`` this province's, and the confirm window's end already
    found by the caller); its
    days and times are those of the province's calendar and clock (``zone``, labelled ``zone_label``),
    as the tracking page shows its deadlines."""
    end = window_end.astimezone(zone) if window_end else None
    return Facts(
        kind=kind,
        report_id=report.id,
        public=report.visibility is Visibility.PUBLIC,
        agency=agency,
        province=province,
        home=home if kind is Kind.RETURNED else None,
        finish_due=report.finish_due.astimezone(zone).date() if report.finish_due else None,
        estimated_completion=report.estimated_completion,
        note=entry.note if kind in (Kind.RESOLVED, Kind.REJECTED) else None,
        verdict=entry.evidence_check if kind is Kind.RESOLVED else None,
        confirm_until=end.date() if end else None,
        confirm_time=f"{end:%H:%M} {zone_label}".strip() if end else None,
        original=entry.target if kind in (Kind.MERGED, Kind.UNMERGED) else None,
        # not for a merge (Ditolak as a duplicate: told in words, the news goes on about the original)
        # nor a return (Ditolak is the other province's: the report is handled here again)
        status=None if kind in (Kind.MERGED, Kind.RETURNED) else entry.status,
        place_there=kind is not Kind.HANDED or report.area_province == report.escalated_to,
    )
