"""The report state machine, as Jakarta's CRM knows it.

Menunggu -> Disposisi / Koordinasi -> Proses -> Selesai, and Ditolak.
A duplicate (Duplikat) is Ditolak and closed, linked to its original; a coordinator's undo of a wrong
merge brings it back to Disposisi, with the agency it had.
One table decides which action is allowed from which status; nothing else
in the code base compares statuses to decide legality.
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct

from chalicelib.errors import IllegalTransition


class Status(StrEnum):
    """Report statuses, Indonesian names as citizens know them."""

    MENUNGGU = "MENUNGGU"
    KOORDINASI = "KOORDINASI"
    DISPOSISI = "DISPOSISI"
    PROSES = "PROSES"
    SELESAI = "SELESAI"
    DITOLAK = "DITOLAK"

    @property
    def label(self) -> str:
        """Indonesian label."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return _LABELS[self][1]

    @property
    def is_open(self) -> bool:
        """True while an agency still has work to do."""
        return self not in (Status.SELESAI, Status.DITOLAK)


_LABELS: dict[Status, tuple[str, str]] = {
    Status.MENUNGGU: ("Menunggu", "Waiting"),
    Status.KOORDINASI: ("Koordinasi", "Coordination"),
    Status.DISPOSISI: ("Disposisi", "Disposition"),
    Status.PROSES: ("Proses", "In progress"),
    Status.SELESAI: ("Selesai", "Done"),
    Status.DITOLAK: ("Ditolak", "Rejected"),
}


class Action(StrEnum):
    """Everything that can happen to a report."""

    SUBMIT = "submit"
    ROUTE = "route"  # assigned to an agency in the province
    ESCALATE = "escalate"  # handed to another province
    ACCEPT = "accept"  # the other province accepted the escalation
    TAKE = "take"  # the agency starts work
    ESTIMATE = "estimate"  # estimated completion date (EWS) for long jobs
    DISPOSE = "dispose"  # Dinas -> its Suku Dinas
    COORDINATE = "coordinate"  # agency -> another agency
    REFUSE = "refuse"  # bukan wewenang: re-routed to a suggested agency
    REJECT = "reject"  # Ditolak, with a reason
    RETURN = "return"  # a received escalation handed back: not this province's authority
    RESOLVE = "resolve"  # Selesai, with a note and evidence
    CONFIRM = "confirm"  # the reporter confirms, with a rating
    REOPEN = "reopen"  # the reporter says it is not fixed
    AUTOCLOSE = "autoclose"  # no answer from the reporter in time
    REMIND = "remind"  # the confirm window ends soon: the sweep reminds the reporter, once per Selesai
    SLA_ESCALATE = "sla_escalate"  # overdue: one level up
    DUPLICATE = "duplicate"  # Ditolak as a duplicate of another open report (Duplikat), closed
    UNDUPLICATE = "unduplicate"  # a coordinator undoes a wrong merge: back to Disposisi
    ACCEPT_EVIDENCE = "accept_evidence"  # a coordinator accepts an unverified evidence photo
    REJECT_EVIDENCE = "reject_evidence"  # a coordinator sends a doubtful resolve back: Proses


_OPEN_ASSIGNED = frozenset({Status.DISPOSISI, Status.KOORDINASI})
_WORKING = frozenset({Status.DISPOSISI, Status.KOORDINASI, Status.PROSES})


class Transition(Struct, frozen=True):
    """Which statuses an action may start from, and where it leads (None: unchanged)."""

    sources: frozenset[Status]
    target: Status | None


TRANSITIONS: dict[Action, Transition] = {
    Action.ROUTE: Transition(frozenset({Status.MENUNGGU}), Status.DISPOSISI),
    Action.ESCALATE: Transition(frozenset({Status.MENUNGGU}) | _WORKING, Status.KOORDINASI),
    Action.ACCEPT: Transition(frozenset({Status.MENUNGGU}), Status.DISPOSISI),
    Action.TAKE: Transition(_OPEN_ASSIGNED, Status.PROSES),
    Action.ESTIMATE: Transition(frozenset({Status.PROSES}), None),
    Action.DISPOSE: Transition(_WORKING, Status.DISPOSISI),
    Action.COORDINATE: Transition(_WORKING, Status.KOORDINASI),
    Action.REFUSE: Transition(_WORKING, Status.KOORDINASI),
    Action.REJECT: Transition(frozenset({Status.MENUNGGU}) | _WORKING, Status.DITOLAK),
    Action.RETURN: Transition(frozenset({Status.MENUNGGU}) | _WORKING, Status.DITOLAK),
    Action.RESOLVE: Transition(frozenset({Status.PROSES}), Status.SELESAI),
    Action.CONFIRM: Transition(frozenset({Status.SELESAI}), None),
    Action.REOPEN: Transition(frozenset({Status.SELESAI}), Status.DISPOSISI),
    Action.AUTOCLOSE: Transition(frozenset({Status.SELESAI}), None),
    Action.REMIND: Transition(frozenset({Status.SELESAI}), None),
    Action.SLA_ESCALATE: Transition(frozenset({Status.MENUNGGU}) | _WORKING, None),
    Action.DUPLICATE: Transition(frozenset({Status.MENUNGGU}) | _WORKING, Status.DITOLAK),
    Action.UNDUPLICATE: Transition(frozenset({Status.DITOLAK}), Status.DISPOSISI),
    Action.ACCEPT_EVIDENCE: Transition(frozenset({Status.SELESAI}), None),
    Action.REJECT_EVIDENCE: Transition(frozenset({Status.SELESAI}), Status.PROSES),
}


def next_status(current: Status, action: Action) -> Status:
    """The status after ``action``, or IllegalTransition if the machine forbids it."""
    transition = TRANSITIONS.get(action)
    if transition is None or current not in transition.sources:
        raise IllegalTransition(
            f"Laporan berstatus {current.label}: aksi '{action.value}' tidak diizinkan "
            f"(report is {current.label_en}; '{action.value}' is not allowed).",
            details={"status": current.value, "action": action.value},
        )
    return transition.target or current


AGENCY_ACTIONS = (
    Action.TAKE,
    Action.ESTIMATE,
    Action.DISPOSE,
    Action.COORDINATE,
    Action.REFUSE,
    Action.REJECT,
    Action.RESOLVE,
    Action.DUPLICATE,
)
CITIZEN_ACTIONS = (Action.CONFIRM, Action.REOPEN)


def allowed_actions(current: Status) -> list[Action]:
    """Agency and reporter actions the machine allows from ``current``, for clients to show buttons."""
    return [action for action in AGENCY_ACTIONS + CITIZEN_ACTIONS if current in TRANSITIONS[action].sources]
