"""The agency view lists only what its caller may do: an officer never sees the reporter's confirm and
reopen (an agency sending them is refused), while the citizen's view of the same report keeps them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.api import views
from chalicelib.api.agency import agency_report
from chalicelib.domain import workflow
from chalicelib.domain.report import Report
from chalicelib.domain.status import Action
from chalicelib.provinces.registry import registry
from chalicelib.services.agency import OnDesk
from tests.unit.factories import event, new_report

JAKARTA = registry().get("31")


def _resolved() -> Report:
    at = datetime.now(UTC) - timedelta(hours=2)
    report = workflow.assign(new_report(), JAKARTA, "sudin-bm-js", event("route", at))
    report = workflow.take(report, event("take", at))
    return workflow.resolve(report, JAKARTA, event("resolve", at, note="ditambal", evidence="SPK-1"))


def test_an_officer_s_view_of_a_selesai_report_lists_no_reporter_action() -> None:
    # Given a report resolved two hours ago: its reporter may still confirm or reopen it
    report = _resolved()
    assert {"confirm", "reopen"} <= set(views.report_view(report, full_content=True).allowed_actions)
    # When its agency reads it
    seen = agency_report(OnDesk(report))
    # Then nothing is offered: the reporter's actions are not the agency's
    assert seen.allowed_actions == []


def test_an_officer_s_view_keeps_the_agency_s_actions_and_a_coordinator_s_extras() -> None:
    routed = workflow.assign(new_report(), JAKARTA, "sudin-bm-js", event("route"))
    assert {"take", "refuse", "reject"} <= set(agency_report(OnDesk(routed)).allowed_actions)
    other = workflow.assign(new_report(report_id="31-261127-AAAA"), JAKARTA, "sudin-bm-js", event("route-a"))
    merged, _ = workflow.mark_duplicate(routed, other, event("dup", agency="sudin-bm-js"))
    undo = agency_report(OnDesk(merged, (Action.UNDUPLICATE.value,))).allowed_actions
    assert undo == ["unduplicate"]
