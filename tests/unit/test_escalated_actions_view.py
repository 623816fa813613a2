"""A report another province is handling is read-only at its origin (``access.can_act``): the agency
view must not offer the actions the API would refuse with ``handled_by_other_province`` (a coordinator
opening it in the console saw take, forward, refuse and reject, each answered 403), while the reporter's
confirm and reopen stay offered once the other province's Selesai is mirrored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from msgspec.structs import replace

from chalicelib.api import views
from chalicelib.domain import workflow
from chalicelib.domain.access import can_act
from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.status import AGENCY_ACTIONS, Status
from chalicelib.provinces.registry import registry
from tests.unit.factories import event, new_report

JAKARTA, BANTEN = registry().get("31"), registry().get("36")
COORDINATOR = Actor(province="31", agency="koordinator", role=Role.ADMIN, subject="t", area=None)


def offered(report: object) -> set[str]:
    """What the reporter's tracking view offers."""
    return set(views.report_view(report, full_content=True).allowed_actions)  # type: ignore[arg-type]


def agency_offered(report: object) -> set[str]:
    """What the agency view offers."""
    return set(views.agency_actions(report))  # type: ignore[arg-type]


def test_a_report_handed_to_another_province_offers_no_agency_action_at_its_origin() -> None:
    report = workflow.escalate(new_report(area="36.71.01"), BANTEN, event("escalate"))
    # Mirrored as Banten accepted it: Disposisi, handled there
    mirrored = replace(report, status=Status.DISPOSISI, remote_agency="dlh-kota-tangerang")
    assert not can_act(COORDINATOR, mirrored)
    assert not agency_offered(mirrored) & {a.value for a in AGENCY_ACTIONS}
    assert not agency_offered(report) & {a.value for a in AGENCY_ACTIONS}


def test_the_reporter_keeps_confirm_and_reopen_of_a_report_done_in_another_province() -> None:
    now = datetime.now(UTC)
    report = workflow.escalate(
        new_report(area="36.71.01"), BANTEN, event("escalate", now - timedelta(hours=2))
    )
    done = replace(report, status=Status.SELESAI, resolved_at=now - timedelta(hours=1))
    assert {"confirm", "reopen"} <= offered(done)


def test_the_same_report_of_this_province_still_offers_its_agency_actions() -> None:
    report = workflow.assign(new_report(), JAKARTA, "sudin-bm-js", event("route"))
    assert {"take", "reject", "refuse"} <= agency_offered(report)
