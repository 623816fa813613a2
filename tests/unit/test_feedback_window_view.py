"""The tracking view offers the reporter's confirm and reopen only while their windows are open: a
Selesai report closes by itself only when the sweep runs, and until then the forms would answer 409."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.api import views
from chalicelib.domain import workflow
from chalicelib.domain.protocol import Update
from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action, Status
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


def test_the_origin_of_a_handed_over_report_offers_neither_once_the_windows_have_passed() -> None:
    # Given Jakarta's report resolved by Banten long ago, the copy's close not mirrored yet
    at = datetime.now(UTC) - timedelta(days=JAKARTA.service_levels.autoclose_days + 1)
    origin = workflow.escalate(new_report(area="36.71.01"), registry().get("36"), event("esc", at))
    resolve = TimelineEntry("b:resolve", at, Action.RESOLVE, Status.SELESAI, "36", "dpu-kota-tangerang", "ok")
    update = Update(
        event_id="36~x:v3",
        origin_id=origin.id,
        from_province="36",
        seq=3,
        status=Status.SELESAI,
        agency="dpu-kota-tangerang",
        entries=[resolve],
    )
    report = workflow.mirror_remote(origin, update)
    assert report is not None and not report.closed
    # Then neither form is offered, as either would be refused
    assert not {"confirm", "reopen"} & set(offered(report))


def test_the_citizen_s_view_offers_only_the_reporter_s_actions() -> None:
    # Given a report an agency is working on, and one it resolved
    at = datetime.now(UTC) - timedelta(hours=1)
    working = workflow.take(
        workflow.assign(new_report(), JAKARTA, "sudin-bm-js", event("route", at)), event("t", at)
    )
    # Then the tracking view offers no agency step (take, resolve, ...) to whoever reads it
    assert offered(working) == []
    assert offered(resolved_at(at)) == ["confirm", "reopen"]


def test_the_tracking_view_says_until_when_each_answer_is_open() -> None:
    # Given a report resolved a day ago
    at = datetime.now(UTC) - timedelta(days=1)
    report = resolved_at(at)
    deadlines = views.report_view(report, full_content=False).deadlines
    # Then the view says until when the reporter may confirm (then it closes by itself) and reopen
    assert deadlines.confirm_by == report.autoclose_at.isoformat()  # type: ignore[union-attr]
    assert deadlines.reopen_by == (at + timedelta(days=JAKARTA.service_levels.reopen_days)).isoformat()
    # and, once a window has passed, no longer says it
    late = resolved_at(datetime.now(UTC) - timedelta(days=60))
    gone = views.report_view(late, full_content=False).deadlines
    assert (gone.confirm_by, gone.reopen_by) == (None, None)
