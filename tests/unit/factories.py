"""Small builders for domain objects in tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from msgspec.structs import replace

from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.domain.workflow import Event

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def new_report(
    *,
    province: str = "31",
    category: str = "jalan_rusak",
    area: str = "31.74.01",
    report_id: str = "31-261127-K3M9",
    at: datetime = T0,
) -> Report:
    """A freshly submitted report (Menunggu)."""
    return Report(
        key=report_id,
        id=report_id,
        province=province,
        category=category,
        description="Jalan berlubang di depan sekolah",
        location=Location(lat=-6.23, lon=106.85, area_code=area),
        visibility=Visibility.PRIVATE,
        status=Status.MENUNGGU,
        created_at=at,
        updated_at=at,
        timeline=(TimelineEntry(f"{report_id}:submit", at, Action.SUBMIT, Status.MENUNGGU, province),),
    )


_ticks = itertools.count(1)


def event(name: str, at: datetime | None = None, province: str = "31", **kwargs: object) -> Event:
    """An event with a unique id, by default a little later than the previous one."""
    when = at or T0 + timedelta(minutes=next(_ticks))
    return Event(event_id=name, at=when, province=province, **kwargs)  # type: ignore[arg-type]


class OneStoredReport:
    """One stored report; the sweep's reads and writes of it."""

    def __init__(self, report: Report) -> None:
        self.stored = report

    def due_before(self, province: str, now: datetime, *, limit: int = 100) -> list[Report]:
        due = self.stored.next_timer
        return [self.stored] if due is not None and due <= now else []

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.stored if key == self.stored.key else None

    def save(self, report: Report) -> Report:
        self.stored = replace(report, version=report.version + 1)
        return self.stored

    def list_by_status(self, *args: Any, **kwargs: Any) -> Any:
        return type("Page", (), {"items": []})()
