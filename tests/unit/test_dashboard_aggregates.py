"""Dashboard aggregates: pure functions over reports, and the paging that feeds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from msgspec.structs import replace

from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action, Status
from chalicelib.provinces.registry import registry
from chalicelib.services.dashboard import (
    Dashboard,
    agency_compliance,
    aggregate,
    coordinate_outcome,
    daily_counts,
    finish_outcome,
    reports_in_window,
    window,
)
from tests.unit.factories import T0, new_report

WIB = ZoneInfo("Asia/Jakarta")
NOW = T0 + timedelta(days=3)  # 2026-11-30 02:00 UTC = 09:00 WIB
JAKARTA = registry().get("31")


def report(
    n: int = 1,
    *,
    at: datetime = T0,
    agency: str | None = "sudin-bm-js",
    status: Status = Status.DISPOSISI,
    steps: tuple[tuple[Action, Status, timedelta], ...] = (),
    **changes: Any,
) -> Report:
    """A routed report with deadlines 6 h / 7 days after ``at`` and the given later steps."""
    base = new_report(report_id=f"31-261127-T{n:03d}", at=at)
    entries = tuple(
        TimelineEntry(f"{base.id}:{a.value}", at + delay, a, s, "31", agency=agency) for a, s, delay in steps
    )
    return replace(
        base,
        agency=agency,
        status=status,
        coordinate_due=at + timedelta(hours=6),
        finish_due=at + timedelta(days=7),
        timeline=base.timeline + entries,
        **changes,
    )


TAKE_IN_TIME = (Action.TAKE, Status.PROSES, timedelta(hours=2))
TAKE_LATE = (Action.TAKE, Status.PROSES, timedelta(hours=9))
RESOLVE_IN_TIME = (Action.RESOLVE, Status.SELESAI, timedelta(days=2))


def test_window_is_whole_local_days_capped_at_90() -> None:
    win = window(30, NOW, WIB)
    assert win.days == 30 and win.since == datetime(2026, 11, 1, 0, 0, tzinfo=WIB)
    assert win.dates()[0].isoformat() == "2026-11-01" and win.dates()[-1].isoformat() == "2026-11-30"
    assert window(365, NOW, WIB).days == 90 and window(0, NOW, WIB).days == 1


def test_coordinated_means_taken_before_the_coordinate_deadline() -> None:
    assert coordinate_outcome(report(steps=(TAKE_IN_TIME,)), "31", NOW) == "met"
    assert coordinate_outcome(report(steps=(TAKE_LATE,)), "31", NOW) == "missed"
    assert coordinate_outcome(report(), "31", NOW) == "missed"  # never taken, deadline passed
    assert coordinate_outcome(report(), "31", T0 + timedelta(hours=1)) == "pending"
    assert coordinate_outcome(report(status=Status.DITOLAK), "31", NOW) is None
    assert coordinate_outcome(report(steps=(TAKE_IN_TIME,)), "36", NOW) == "missed"  # another province's take


def test_finished_means_selesai_before_the_finish_deadline() -> None:
    assert finish_outcome(report(steps=(TAKE_IN_TIME, RESOLVE_IN_TIME)), "31", NOW) == "met"
    late = (Action.RESOLVE, Status.SELESAI, timedelta(days=8))
    assert finish_outcome(report(steps=(TAKE_IN_TIME, late)), "31", NOW + timedelta(days=9)) == "missed"
    assert finish_outcome(report(steps=(TAKE_IN_TIME,)), "31", NOW) == "pending"
    assert finish_outcome(report(steps=(TAKE_IN_TIME,)), "31", NOW + timedelta(days=8)) == "missed"
    assert finish_outcome(replace(report(), finish_due=None), "31", NOW) is None


def test_agency_compliance_rates_and_reports_handed_to_another_province_left_out() -> None:
    reports = [
        report(1, steps=(TAKE_IN_TIME, RESOLVE_IN_TIME)),
        report(2, steps=(TAKE_LATE,)),
        report(3, agency="sudin-lh-js", at=NOW - timedelta(hours=1)),
        report(4, agency=None, escalated_to="36", status=Status.KOORDINASI),
    ]
    rows = {row["id"]: row for row in agency_compliance(reports, JAKARTA, NOW)}
    assert list(rows) == ["sudin-bm-js", "sudin-lh-js"]
    bm = rows["sudin-bm-js"]
    assert bm["total"] == 2 and bm["name"].startswith("Suku Dinas")
    assert bm["coordinate"] == {"met": 1, "missed": 1, "pending": 0, "rate": 0.5}
    assert bm["finish"] == {"met": 1, "missed": 0, "pending": 1, "rate": 1.0}
    assert rows["sudin-lh-js"]["coordinate"] == {"met": 0, "missed": 0, "pending": 1, "rate": None}


def test_daily_counts_bucket_by_local_day() -> None:
    win = window(3, NOW, WIB)
    late_evening_utc = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)  # 29 Nov 03:00 WIB
    reports = [
        report(1, at=late_evening_utc),
        report(2, at=late_evening_utc, category="sampah"),
        report(3, at=datetime(2026, 11, 30, 1, 0, tzinfo=UTC), status=Status.PROSES),
    ]
    assert daily_counts(reports, win, "status") == {"DISPOSISI": [0, 2, 0], "PROSES": [0, 0, 1]}
    assert daily_counts(reports, win, "category") == {"jalan_rusak": [0, 1, 1], "sampah": [0, 1, 0]}


def test_aggregate_counts_statuses_and_categories_with_names() -> None:
    win = window(7, NOW, WIB)
    reports = [
        report(1),
        report(2, category="sampah"),
        report(3, category="sampah", status=Status.SELESAI),
        report(4, agency=None, escalated_to="36", status=Status.KOORDINASI),
    ]
    doc = aggregate(reports, JAKARTA, win)
    assert doc["total"] == 4 and doc["escalated_out"] == 1 and doc["days"] == 7
    assert {s["code"]: s["count"] for s in doc["statuses"]}["DISPOSISI"] == 2
    assert [(c["code"], c["count"], c["name"]) for c in doc["categories"]] == [
        ("jalan_rusak", 2, "Jalan Rusak"),
        ("sampah", 2, "Sampah"),
    ]
    assert len(doc["series"]["dates"]) == 7


@dataclass
class FakePage:
    items: list[Report]
    cursor: dict[str, Any] | None


class PagedReports:
    """list_by_status only, newest first, in pages of two; records every call."""

    def __init__(self, reports: list[Report]) -> None:
        self.reports = sorted(reports, key=lambda r: r.created_at, reverse=True)
        self.calls: list[tuple[str, Status, Any]] = []

    def list_by_status(
        self,
        province: str,
        status: Status,
        *,
        limit: int = 20,
        cursor: dict[str, Any] | None = None,
        created_before: datetime | None = None,
        newest_first: bool = True,
    ) -> FakePage:
        self.calls.append((province, status, cursor))
        assert newest_first
        matching = [r for r in self.reports if r.status is status]
        start = cursor["offset"] if cursor else 0
        page = matching[start : start + 2]
        more = start + 2 < len(matching)
        return FakePage(page, {"offset": start + 2} if more else None)


def test_reading_pages_each_status_and_stops_at_the_window_start() -> None:
    since = NOW - timedelta(days=2)
    recent = [report(n, at=NOW - timedelta(hours=n)) for n in range(1, 6)]
    old = [report(n, at=NOW - timedelta(days=10 + n)) for n in range(10, 15)]
    repo = PagedReports([*recent, *old, report(99, at=NOW - timedelta(hours=3), status=Status.SELESAI)])
    found = reports_in_window(repo, "31", since)  # type: ignore[arg-type]
    assert sorted(r.id for r in found) == sorted([*(r.id for r in recent), "31-261127-T099"])
    disposisi_calls = [c for c in repo.calls if c[1] is Status.DISPOSISI]
    assert len(disposisi_calls) == 3  # 5 recent in pages of 2, the third page reaches an old one and stops
    assert {c[1] for c in repo.calls} == set(Status)


def test_dashboard_service_builds_the_document() -> None:
    repo = PagedReports([report(1, at=NOW - timedelta(hours=1))])
    doc = Dashboard(repo, registry(), "31").build(30, now=NOW)  # type: ignore[arg-type]
    assert doc["province"] == "31" and doc["total"] == 1 and doc["agencies"][0]["id"] == "sudin-bm-js"


def test_aggregate_names_the_deadlines_compliance_is_measured_against() -> None:
    # A flood must be taken within 3 hours and finished within 3 days, not the province's 6 hours and
    # 7 days: the page must not say one pair of deadlines for all
    win = window(7, NOW, WIB)
    doc = aggregate([report(1, category="banjir"), report(2, category="lampu_jalan")], JAKARTA, win)
    assert doc["service_levels"] == {"coordinate_hours": 6.0, "finish_days": 7.0}
    levels = {c["code"]: (c["coordinate_hours"], c["finish_days"]) for c in doc["categories"]}
    assert levels == {"banjir": (3.0, 3.0), "lampu_jalan": (6.0, 7.0)}


def test_agency_rows_with_the_unassigned_and_the_handed_on_add_up_to_the_total() -> None:
    reports = [
        report(1),
        report(2, agency="sudin-lh-js"),
        report(3, agency=None, status=Status.MENUNGGU),
        report(4, agency=None, status=Status.DITOLAK),
        report(5, agency=None, escalated_to="36", status=Status.KOORDINASI),
        report(6, agency="sudin-bm-js", escalated_to="36", status=Status.KOORDINASI),
    ]
    doc = aggregate(reports, JAKARTA, window(7, NOW, WIB))
    assert doc["unassigned"] == 2 and doc["escalated_out"] == 2
    assert (
        sum(a["total"] for a in doc["agencies"]) + doc["unassigned"] + doc["escalated_out"]
        == doc["total"]
        == 6
    )
