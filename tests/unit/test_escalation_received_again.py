"""A report escalated again to a province that handed it back reopens the province's copy through the
optimistic-locking helper: a copy changed meanwhile is read again and the hand-over applied to it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from msgspec.structs import replace

from chalicelib.domain.protocol import Escalate, ReportOut
from chalicelib.domain.report import Report, Visibility
from chalicelib.domain.status import Status
from chalicelib.errors import IdCollision, VersionConflict
from chalicelib.provinces.registry import registry
from chalicelib.services.escalation import EscalationInbox
from tests.unit.factories import T0, new_report

REPORT_ID = "31-261127-RA01"
COPY = f"36~{REPORT_ID}"


class Reports:
    """Banten's copy, changed by someone else on the first ``conflicts`` saves."""

    def __init__(self, copy: Report, conflicts: int) -> None:
        self.stored = copy
        self.conflicts = conflicts
        self.saves = 0

    def create(self, report: Report) -> Report:
        raise IdCollision("the copy exists")

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.stored if key == self.stored.key else None

    def save(self, report: Report) -> Report:
        self.saves += 1
        if self.conflicts:
            self.conflicts -= 1
            self.stored = replace(self.stored, version=self.stored.version + 1)  # changed meanwhile
            raise VersionConflict("changed meanwhile")
        assert report.version == self.stored.version, "saved on the version read"
        self.stored = replace(report, version=report.version + 1)
        return self.stored


class Publisher:
    """Records what it was asked to publish last."""

    seen: tuple[Report | None, Report] | None = None

    def intend(self, before: Report | None, after: Report) -> None:
        pass

    def published(self, before: Report | None, after: Report) -> list[Any]:
        self.seen = (before, after)
        return []

    def republish(self, report: Report, event_id: str) -> list[Any]:
        return []


def _handed_back_copy() -> Report:
    """Banten's copy of Jakarta's report, handed back (closed) earlier."""
    submitted = new_report(report_id=REPORT_ID, province="36", category="sampah", area="36.71.01")
    return replace(submitted, key=COPY, origin_province="31", status=Status.DITOLAK, closed=True, version=4)


def _escalate_again() -> Escalate:
    return Escalate(
        event_id=f"{REPORT_ID}:escalate:2",
        origin_province="31",
        report=ReportOut(
            id=REPORT_ID,
            category="sampah",
            description="Sampah menumpuk di pinggir jalan",
            lat=-6.17,
            lon=106.63,
            area_code="36.71.01",
            visibility=Visibility.PRIVATE,
            created_at=T0,
        ),
        reason="Lokasi di wilayah Banten",
    )


def test_a_copy_changed_meanwhile_is_read_again_and_reopened_for_the_new_hand_over() -> None:
    reports = Reports(_handed_back_copy(), conflicts=1)
    publisher = Publisher()
    inbox = EscalationInbox(reports, publisher, registry(), "36", evidence=lambda: None)  # type: ignore[arg-type]
    copy = inbox.receive(_escalate_again(), T0 + timedelta(days=1))
    assert reports.saves == 2
    assert copy == reports.stored and copy.version == 6
    assert not copy.closed and copy.status is not Status.DITOLAK
    assert publisher.seen is not None and publisher.seen[1] == copy
