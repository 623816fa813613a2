"""Who may see and do what: the one authorization table.

- anyone: submit; read a report's tracking view (its content only if the report is public)
- the reporter (holding the report's secret): their report's content; confirm or reopen it
- an officer (any agency): read, list and act on the reports assigned to their agency
- a coordinator (an agency marked ``coordinator``) or admin (the province-level coordinator):
  every report of their province; list any agency of it. A kota's coordinator (a coordinating
  agency with an ``area``, such as a Wali Kota's office) only within that kota: the reports located
  there (and any assigned to its own agency), and the agencies of that kota
- a coordinator or admin: also undo a wrong merge of duplicates (``unduplicate``), and review a resolve's
  doubtful evidence (``accept_evidence``, ``reject_evidence``), but never of a resolve their own account
  made (four eyes: ``own_evidence``, checked in ``workflow``): their steps record their account
  (``recorded_account``), shown to officers only
- another province: only its own copy ``<its code>~<id>`` of a report escalated to it, which holds
  only what the escalation carried (never the reporter's contact or secret)

Nobody reads reporter contact data through the API: not the public, not officers (as JAKI).
A report escalated to another province is read-only at the origin until it comes back: the
receiving province acts, the origin mirrors. Roles are checked against province data when a
token is verified (``role_permitted``): a ``coordinator`` claim for an ordinary agency is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.report import Report, Visibility
from chalicelib.domain.routing import in_area
from chalicelib.errors import Forbidden, report_not_found

if TYPE_CHECKING:
    from chalicelib.provinces.model import Agency

PROVINCE_WIDE = frozenset({Role.COORDINATOR, Role.ADMIN})


def coordinated_area(role: Role, agency: Agency) -> str | None:
    """The area a coordinator of ``agency`` oversees: its own for a kota's coordinator; else None."""
    return agency.area if role is Role.COORDINATOR else None


def role_permitted(role: Role, agency: Agency) -> bool:
    """Officer: any agency. Coordinator: a coordinating agency. Admin: the province-level coordinator."""
    if role is Role.OFFICER:
        return True
    if role is Role.COORDINATOR:
        return agency.coordinator
    return agency.coordinator and agency.level == "province"


def require_role_permitted(role: Role, agency: Agency) -> None:
    """``Forbidden(role_not_permitted)`` unless ``role_permitted``."""
    if not role_permitted(role, agency):
        raise Forbidden(
            f"Peran '{role}' tidak berlaku untuk instansi '{agency.id}' (role not permitted here).",
            code="role_not_permitted",
        )


def can_view(actor: Actor, report: Report) -> bool:
    """True if ``actor`` may read the report's content (agency detail, inbox row)."""
    if report.province != actor.province:
        return False
    own = report.agency is not None and report.agency == actor.agency
    if actor.role in PROVINCE_WIDE:
        return actor.area is None or own or in_area(report.location.area_code, actor.area)
    return own


def can_act(actor: Actor, report: Report) -> bool:
    """True if ``actor`` may change the report: may view it, and no other province is handling it."""
    return can_view(actor, report) and report.escalated_to is None


def may_unduplicate(actor: Actor, report: Report) -> bool:
    """True if ``actor`` may undo ``report``'s merge as a duplicate ("Batalkan duplikat") as far as the
    report itself tells: a coordinator or admin who may act on it. The original changes too, so whoever
    undoes it must also be able to act on that one (``AgencyDesk.may_unduplicate`` reads it)."""
    return actor.role in PROVINCE_WIDE and report.duplicate_of is not None and can_act(actor, report)


def recorded_account(actor: Actor, report: Report) -> str | None:
    """The account a step of ``actor`` on ``report`` records: a coordinator's or admin's (they act on other
    agencies' reports, and review doubtful evidence: who resolved must be known to refuse the review of
    one's own resolve), or anyone's not of the report's agency. None for an officer of the report's own
    agency: the entry's agency already says who (and the stored report stays small)."""
    if actor.role in PROVINCE_WIDE or actor.agency != report.agency:
        return actor.subject
    return None


def resolved_it(actor: Actor, report: Report) -> bool:
    """True if ``actor``'s account made the report's latest resolve (four eyes: another reviews it)."""
    return report.resolved_by_account(recorded_account(actor, report))


def require_view(actor: Actor, report: Report | None, key: str) -> Report:
    """The report if ``actor`` may read it; 404 for another province's keys, 403 for another agency's."""
    if report is None or report.province != actor.province:
        raise report_not_found(key)
    if not can_view(actor, report):
        if actor.role in PROVINCE_WIDE:  # a kota's coordinator, and the report lies elsewhere
            raise Forbidden(
                f"Laporan ini di luar wilayah {actor.area} (the report lies outside your area).",
                code="outside_your_area",
            )
        raise Forbidden(
            "Laporan ini ditangani instansi lain (another agency handles this report).",
            code="not_your_agency",
        )
    return report


def require_act(actor: Actor, report: Report | None, key: str) -> Report:
    """The report if ``actor`` may change it; as ``require_view``, plus 403 while another province has it."""
    visible = require_view(actor, report, key)
    if not can_act(actor, visible):
        raise Forbidden(
            f"Laporan sedang ditangani Provinsi {visible.escalated_to} (another province handles it).",
            code="handled_by_other_province",
            details={"province": visible.escalated_to},
        )
    return visible


def require_agency_scope(actor: Actor, agency: str, agency_area: str | None) -> None:
    """An officer may list only their own agency; coordinators and admins any agency of their province,
    a kota's coordinator those of its kota (``agency_area`` within its area) and its own."""
    if agency == actor.agency:
        return
    if actor.role not in PROVINCE_WIDE:
        raise Forbidden(
            "Petugas hanya melihat laporan instansinya (officers see their own agency).",
            code="not_your_agency",
        )
    if actor.area is not None and (agency_area is None or not in_area(agency_area, actor.area)):
        raise Forbidden(
            f"Instansi '{agency}' di luar wilayah {actor.area} (agency outside your area).",
            code="outside_your_area",
        )


def citizen_sees_content(report: Report, *, holds_secret: bool) -> bool:
    """The public tracking view shows description, location and photos of public reports only,
    or to the reporter holding the secret."""
    return holds_secret or report.visibility is Visibility.PUBLIC


def require_reporter(*, holds_secret: bool) -> None:
    """Only the reporter (holding the report's secret) confirms or reopens."""
    if not holds_secret:
        raise Forbidden("Kode rahasia laporan salah (wrong report secret).", code="invalid_secret")


def require_coordinator(actor: Actor) -> None:
    """``Forbidden(coordinator_only)`` unless the actor is a coordinator or admin."""
    if actor.role not in PROVINCE_WIDE:
        raise Forbidden(
            "Hanya koordinator yang dapat melakukan ini (coordinators only).", code="coordinator_only"
        )
