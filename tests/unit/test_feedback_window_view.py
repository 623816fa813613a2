"""The tracking view offers the reporter's confirm and reopen only while their windows are open: a
Selesai report closes by itself only when the sweep runs, and until then the forms would answer 409."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.api import views
from chalicelib.domain import workflow
from chalicelib.domain.report import Report
from chalicelib.provinces.registry import registry
from tests.unit.factories import event, new_report

JAKARTA = registry().get("31")


def resolved_at(at: datetime) -> Report:
    report = workflow.assign(new_report(), JAKARTA, "sudin-bm-js", event("route", at))
    report = workflow.take(report, event("take", at))
    return workflow.resolve(report, JAKARTA, event("resolve", at, note="ditambal", evidence="foto.jpg"))


def offered(report: Report) -> list[str]:
    return views.report_view(report, full_content=False).allowed_actions


def test_both_are_offered_within_the_windows() -> None:
    report = resolved_at(datetime.now(UTC) - timedelta(days=1))
    assert {"confirm", "reopen"} <= set(offered(report))


@pytest.mark.parametrize("days", [JAKARTA.service_levels.reopen_days + 1, 60])
def test_neither_is_offered_once_the_windows_have_passed_though_the_sweep_has_not_closed_it(
    days: int,
) -> None:
    # Given a report resolved long ago that the sweep has not auto-closed yet
    report = resolved_at(datetime.now(UTC) - timedelta(days=days))
    assert not report.closed and report.autoclose_at is not None
    # Then neither form is offered, as either would be refused
    assert not {"confirm", "reopen"} & set(offered(report))
    late = event("late", datetime.now(UTC), note="masih rusak")
    for refused in (
        lambda: workflow.confirm(report, JAKARTA, 5, late),
        lambda: workflow.reopen(report, JAKARTA, late),
    ):
        with pytest.raises(Exception, match="lewat"):
            refused()
