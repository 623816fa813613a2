"""The province dashboard: counts by status and category over time, service levels per agency.

Reads the ``by-status`` index one status at a time, newest first, and stops paging at the window's
start (no Scan). Everything after the reading is pure functions over reports, unit-tested alone.

Service levels (Pergub 128/2017): *coordinated* = taken (Proses) by this province before the
coordinate deadline; *finished* = Selesai before the finish deadline. The deadlines are the category's
(``sla.levels``: its override, else the province's), so the document names them with each category.
A report still inside its deadline is *pending*; a rejected or closed report that never got there is
not counted.

A kota's coordinator sees the dashboard of its kota: the reports it may see (``access.can_view``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from msgspec import Struct

from chalicelib.domain import sla
from chalicelib.domain.access import PROVINCE_WIDE, can_view
from chalicelib.domain.actor import Actor
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Report
from chalicelib.domain.status import Action, Status
from chalicelib.errors import Forbidden
from chalicelib.provinces.registry import Province, Registry

if TYPE_CHECKING:
    from chalicelib.data.reports import ReportRepository
MAX_DAYS = 90
PAGE_SIZE = 100

Outcome = Literal["met", "missed", "pending"]


class Window(Struct, frozen=True):
    """Whole local days, ``days`` of them, ending today."""

    days: int
    since: datetime  # start of the first day, aware
    until: datetime  # now
    tz: ZoneInfo

    def dates(self) -> list[date]:
        """Every day of the window, oldest first."""
        first = self.since.astimezone(self.tz).date()
        return [first + timedelta(days=n) for n in range(self.days)]


def window(days: int, now: datetime, tz: ZoneInfo) -> Window:
    """The window of ``days`` (capped at 90) local days ending on ``now``'s day."""
    days = max(1, min(days, MAX_DAYS))
    today = now.astimezone(tz).date()
    since = datetime.combine(today - timedelta(days=days - 1), time(0), tzinfo=tz)
    return Window(days=days, since=since, until=now, tz=tz)


def reports_in_window(reports: ReportRepository, province: str, since: datetime) -> list[Report]:
    """Every report of the province created since ``since``, each status read newest first until older."""
    found: list[Report] = []
    for status in Status:
        cursor: str | None = None
        while True:
            page = reports.list_by_status(province, status, limit=PAGE_SIZE, cursor=cursor, newest_first=True)
            recent = [r for r in page.items if r.created_at >= since]
            found.extend(recent)
            if page.cursor is None or len(recent) < len(page.items):
                break
            cursor = page.cursor
    return found


def _first(report: Report, province: str, status: Status, action: Action) -> datetime | None:
    """When this province first moved the report to ``status`` by ``action``."""
    return next(
        (
            e.at
            for e in report.timeline
            if e.province == province and e.action is action and e.status is status
        ),
        None,
    )


def _outcome(done_at: datetime | None, due: datetime | None, report: Report, now: datetime) -> Outcome | None:
    if due is None:
        return None
    if done_at is not None:
        return "met" if done_at <= due else "missed"
    if report.status is Status.DITOLAK or report.closed:
        return None
    return "missed" if now > due else "pending"


def coordinate_outcome(report: Report, province: str, now: datetime) -> Outcome | None:
    """Taken (Proses) before the coordinate deadline?"""
    taken = _first(report, province, Status.PROSES, Action.TAKE)
    return _outcome(taken, report.coordinate_due, report, now)


def finish_outcome(report: Report, province: str, now: datetime) -> Outcome | None:
    """Selesai before the finish deadline?"""
    resolved = _first(report, province, Status.SELESAI, Action.RESOLVE)
    return _outcome(resolved, report.finish_due, report, now)


def evidence_outcome(report: Report, province: str) -> bool | None:
    """Completed here (Selesai): was the latest resolve's evidence photo verified? None if not completed."""
    if report.status is not Status.SELESAI:
        return None
    resolve = report.latest(Action.RESOLVE)
    if resolve is None or resolve.province != province:
        return None
    return resolve.evidence_check is not None and resolve.evidence_check.verified


def _evidence_share(outcomes: Counter[str]) -> dict[str, Any]:
    completions = outcomes["verified"] + outcomes["unverified"]
    return {
        "completions": completions,
        "verified": outcomes["verified"],
        "rate": round(outcomes["verified"] / completions, 4) if completions else None,
    }


def _compliance(outcomes: Counter[str]) -> dict[str, Any]:
    decided = outcomes["met"] + outcomes["missed"]
    return {
        "met": outcomes["met"],
        "missed": outcomes["missed"],
        "pending": outcomes["pending"],
        "rate": round(outcomes["met"] / decided, 4) if decided else None,
    }


def agency_of(report: Report) -> str | None:
    """The agency whose row counts ``report``: none while it has none (not yet routed, or rejected before),
    nor once it was handed to another province (that province's work, counted for none of ours)."""
    return None if report.escalated_to else report.agency


def agency_compliance(reports: Iterable[Report], province: Province, now: datetime) -> list[dict[str, Any]]:
    """Service-level compliance of each agency of the province (``agency_of``), most reports first."""
    coordinate: dict[str, Counter[str]] = defaultdict(Counter)
    finish: dict[str, Counter[str]] = defaultdict(Counter)
    evidence: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for report in reports:
        agency_id = agency_of(report)
        if agency_id is None:
            continue
        totals[agency_id] += 1
        for outcomes, outcome in (
            (coordinate, coordinate_outcome(report, province.code, now)),
            (finish, finish_outcome(report, province.code, now)),
        ):
            if outcome:
                outcomes[agency_id][outcome] += 1
        verified = evidence_outcome(report, province.code)
        if verified is not None:
            evidence[agency_id]["verified" if verified else "unverified"] += 1
    rows = []
    for agency_id, total in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        agency = province.agencies.get(agency_id)
        rows.append(
            {
                "id": agency_id,
                "name": agency.name if agency else agency_id,
                "short_name": agency.short_name if agency else agency_id,
                "total": total,
                "coordinate": _compliance(coordinate[agency_id]),
                "finish": _compliance(finish[agency_id]),
                # the share of its completions whose evidence photo was verified (issue #16)
                "evidence": _evidence_share(evidence[agency_id]),
            }
        )
    return rows


def daily_counts(reports: Iterable[Report], win: Window, key: str) -> dict[str, list[int]]:
    """ReportRepository created per local day, split by ``status`` or ``category`` (their current value)."""
    index = {day: n for n, day in enumerate(win.dates())}
    series: dict[str, list[int]] = {}
    for report in reports:
        slot = index.get(report.created_at.astimezone(win.tz).date())
        if slot is None:
            continue
        name = report.status.value if key == "status" else report.category
        series.setdefault(name, [0] * win.days)[slot] += 1
    return series


def aggregate(reports: list[Report], province: Province, win: Window) -> dict[str, Any]:
    """The dashboard document for ``reports`` (already limited to the window)."""
    by_status = Counter(r.status.value for r in reports)
    by_category = Counter(r.category for r in reports)
    categories = []
    for code, count in sorted(by_category.items(), key=lambda item: (-item[1], item[0])):
        category = province.categories.get(code)
        coordinate_hours, finish_days = sla.levels(province, code)
        categories.append(
            {
                "code": code,
                "name": category.name_id if category else code,
                "name_en": category.name_en if category else code,
                "icon": category.icon if category else None,
                "count": count,
                # its deadlines (service levels), which the compliance below is measured against
                "coordinate_hours": coordinate_hours,
                "finish_days": finish_days,
            }
        )
    return {
        "province": province.code,
        "days": win.days,
        "since": win.since.isoformat(),
        "until": win.until.isoformat(),
        "total": len(reports),
        "escalated_out": sum(1 for r in reports if r.escalated_to),
        # in no agency's row, nor handed on: with ``agencies``' totals and ``escalated_out``, makes ``total``
        "unassigned": sum(1 for r in reports if not r.escalated_to and agency_of(r) is None),
        "received_from_other_province": sum(1 for r in reports if r.is_received_escalation),
        "statuses": [
            {"code": s.value, "label": s.label, "label_en": s.label_en, "count": by_status[s.value]}
            for s in Status
        ],
        "categories": categories,
        # the province's own deadlines; a category may have others (``categories``, ``sla.levels``)
        "service_levels": {
            "coordinate_hours": province.service_levels.coordinate_hours,
            "finish_days": province.service_levels.finish_days,
        },
        "series": {
            "dates": [d.isoformat() for d in win.dates()],
            "by_status": daily_counts(reports, win, "status"),
            "by_category": daily_counts(reports, win, "category"),
        },
        "agencies": agency_compliance(reports, province, win.until),
    }


class Dashboard:
    """The dashboard of one province."""

    def __init__(self, reports: ReportRepository, registry: Registry, province: str) -> None:
        self.reports = reports
        self.province = registry.get(province)

    def build(self, days: int, *, actor: Actor | None = None, now: datetime | None = None) -> dict[str, Any]:
        """The dashboard of the last ``days`` days (at most 90); of ``actor``'s area if it has one.

        Only for coordinators and admins: ``Forbidden(role_required)`` for any other ``actor``.
        """
        if actor is not None and actor.role not in PROVINCE_WIDE:
            raise Forbidden(
                "Dasbor hanya untuk koordinator dan admin (coordinators and admins only).",
                code="role_required",
            )
        win = window(days, now or utcnow(), self.province.zone)
        reports = reports_in_window(self.reports, self.province.code, win.since)
        area = actor.area if actor else None
        if actor and area:
            reports = [r for r in reports if can_view(actor, r)]
        document = aggregate(reports, self.province, win)
        kota = self.province.areas.get(area) if area else None
        document["area"] = {"code": area, "name": kota.name if kota else area} if area else None
        return document
