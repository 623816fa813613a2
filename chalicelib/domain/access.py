"""Who may see and do what: the one authorization table.

- anyone: submit, read a report's public tracking view
- the reporter (holding the report's secret): their report's content, confirm, reopen
- an officer: their own agency's reports in their own province
- a coordinator or admin: every report of their province
- another province: only its own copy of a report escalated to it (it never holds our keys)
"""

from __future__ import annotations

from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.report import Report
from chalicelib.errors import Forbidden, NotFound


def can_handle(actor: Actor, report: Report) -> bool:
    """True if ``actor`` may see the report's content and act on it."""
    if report.province != actor.province:
        return False
    if actor.role in (Role.COORDINATOR, Role.ADMIN):
        return True
    return report.agency == actor.agency


def require_handle(actor: Actor, report: Report | None, key: str) -> Report:
    """The report if ``actor`` may act on it; 404 for another province's keys, 403 for another agency's."""
    if report is None or report.province != actor.province:
        raise NotFound(f"Laporan {key} tidak ditemukan (report not found).", code="report_not_found")
    if not can_handle(actor, report):
        raise Forbidden(
            "Laporan ini ditangani instansi lain (another agency handles this report).",
            code="not_your_agency",
        )
    return report


def require_agency_scope(actor: Actor, agency: str) -> None:
    """An officer may list only their own agency; coordinators and admins any agency of their province."""
    if actor.role is Role.OFFICER and agency != actor.agency:
        raise Forbidden(
            "Petugas hanya melihat laporan instansinya (officers see their own agency).",
            code="not_your_agency",
        )
