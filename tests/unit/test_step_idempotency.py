"""An Idempotency-Key names one caller's request: two accounts never share a step, and the same
caller's key with another body is refused (409 ``idempotency_key_reused``), never answered as the first."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.private import hash_secret
from chalicelib.domain.report import Report
from chalicelib.errors import Conflict
from chalicelib.provinces.registry import registry
from chalicelib.services.agency import ActionRequest, AgencyDesk
from chalicelib.services.feedback import FeedbackService
from tests.unit.factories import T0, event, new_report

JAKARTA = registry().get("31")
AGENCY = "sudin-bm-js"
OFFICER = Actor("u1", "31", AGENCY, Role.OFFICER, None)
COLLEAGUE = Actor("u2", "31", AGENCY, Role.OFFICER, None)
NOW = T0 + timedelta(days=1)
SECRET = "rahasia-pelapor-1"


class Reports:
    """Stored reports by key; every save bumps the version."""

    def __init__(self, *reports: Report) -> None:
        self.stored = {report.key: report for report in reports}

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.stored.get(key)

    def save(self, report: Report) -> Report:
        self.stored[report.key] = replace(report, version=report.version + 1)
        return self.stored[report.key]

    def save_together(self, first: Report, second: Report) -> tuple[Report, Report]:
        return self.save(first), self.save(second)


class Publisher:
    def intend(self, before: object, after: object) -> None:
        pass

    def published(self, before: object, after: object) -> list[object]:
        return []

    def republish(self, report: object, event_id: str) -> list[object]:
        return []


def _routed(report_id: str = "31-261127-K3M9") -> Report:
    return workflow.assign(new_report(report_id=report_id), JAKARTA, AGENCY, event(f"{report_id}:route"))


def _taken() -> Report:
    return workflow.take(_routed(), event("take", agency=AGENCY))


def _desk(reports: Reports) -> AgencyDesk:
    return AgencyDesk(reports, Publisher(), registry(), "31", evidence=None)  # type: ignore[arg-type]


def _estimate(day: int, key: str = "ticket-7") -> ActionRequest:
    return ActionRequest("estimate", estimated_completion=date(2026, 12, day), idempotency_key=key)


def _actions(report: Report, action: str) -> int:
    return sum(entry.action.value == action for entry in report.timeline)


def test_two_officers_with_the_same_key_each_take_their_own_step() -> None:
    reports = Reports(_taken())
    desk = _desk(reports)
    desk.act(OFFICER, "31-261127-K3M9", _estimate(10), now=NOW)
    desk.act(COLLEAGUE, "31-261127-K3M9", _estimate(10), now=NOW + timedelta(minutes=1))
    assert _actions(reports.stored["31-261127-K3M9"], "estimate") == 2


def test_a_second_officers_take_with_the_same_key_meets_the_state_machine() -> None:
    reports = Reports(_routed())
    desk = _desk(reports)
    take = ActionRequest("take", idempotency_key="ticket-1")
    desk.act(OFFICER, "31-261127-K3M9", take, now=NOW)
    with pytest.raises(Conflict) as refused:
        desk.act(COLLEAGUE, "31-261127-K3M9", take, now=NOW)
    assert refused.value.code == "illegal_transition"


def test_the_same_officer_key_and_body_is_one_step_answered_again() -> None:
    reports = Reports(_taken())
    desk = _desk(reports)
    first = desk.act(OFFICER, "31-261127-K3M9", _estimate(10), now=NOW)
    again = desk.act(OFFICER, "31-261127-K3M9", _estimate(10), now=NOW + timedelta(minutes=5))
    assert again.report.version == first.report.version
    assert _actions(reports.stored["31-261127-K3M9"], "estimate") == 1


def test_the_same_key_with_another_body_is_refused_not_answered_as_the_first() -> None:
    reports = Reports(_taken())
    desk = _desk(reports)
    desk.act(OFFICER, "31-261127-K3M9", _estimate(10), now=NOW)
    with pytest.raises(Conflict) as refused:
        desk.act(OFFICER, "31-261127-K3M9", _estimate(20), now=NOW)
    assert refused.value.code == "idempotency_key_reused"
    assert reports.stored["31-261127-K3M9"].estimated_completion == date(2026, 12, 10)


def test_a_merge_key_reused_for_another_original_is_refused() -> None:
    first, other, duplicate = (_routed(f"31-261127-{suffix}") for suffix in ("A1B2", "C3D4", "E5F6"))
    reports = Reports(first, other, duplicate)
    desk = _desk(reports)
    desk.act(OFFICER, duplicate.key, ActionRequest("duplicate", of=first.key, idempotency_key="m-1"), now=NOW)
    again = ActionRequest("duplicate", of=first.key, idempotency_key="m-1")
    assert desk.act(OFFICER, duplicate.key, again, now=NOW).report.duplicate_of == first.key
    with pytest.raises(Conflict) as refused:
        desk.act(OFFICER, duplicate.key, replace(again, of=other.key), now=NOW)
    assert refused.value.code == "idempotency_key_reused"
    assert reports.stored[other.key].version == other.version


def _resolved() -> Report:
    done = workflow.resolve(_taken(), JAKARTA, event("resolve", note="Ditambal", evidence="foto di JAKI"))
    return replace(done, secret_hash=hash_secret(SECRET))


def test_the_reporters_key_reused_with_another_rating_is_refused() -> None:
    reports = Reports(_resolved())
    feedback = FeedbackService(reports, Publisher(), registry(), "31")  # type: ignore[arg-type]

    def confirm(rating: int) -> Report:
        return feedback.respond(
            "31-261127-K3M9", SECRET, action="confirm", rating=rating, idempotency_key="form-1", now=NOW
        )

    first = confirm(5)
    assert confirm(5).version == first.version and _actions(first, "confirm") == 1
    with pytest.raises(Conflict) as refused:
        confirm(1)
    assert refused.value.code == "idempotency_key_reused"


def _unscoped(report_key: str, step: str, key: str) -> str:
    """A keyed step's id as a release before keys were the caller's gave it."""
    return f"{report_key}:{step}:{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def test_an_officers_retry_sent_across_the_deploy_finds_the_step_taken_before_it() -> None:
    taken = _taken()
    before = workflow.estimate(
        taken,
        date(2026, 12, 10),
        event(_unscoped(taken.key, "estimate", "ticket-7"), agency=AGENCY),
        JAKARTA.zone,
    )
    reports = Reports(before)
    again = _desk(reports).act(OFFICER, taken.key, _estimate(10), now=NOW)
    assert again.report.version == before.version
    assert _actions(reports.stored[taken.key], "estimate") == 1


def test_the_reporters_retry_sent_across_the_deploy_is_answered_not_refused() -> None:
    resolved = _resolved()
    confirmed = workflow.confirm(
        resolved, JAKARTA, 5, event(_unscoped(resolved.key, "confirm", "form-1"), at=NOW)
    )
    reports = Reports(confirmed)
    feedback = FeedbackService(reports, Publisher(), registry(), "31")  # type: ignore[arg-type]
    again = feedback.respond(
        resolved.key, SECRET, action="confirm", rating=5, idempotency_key="form-1", now=NOW
    )
    assert again.version == confirmed.version and _actions(again, "confirm") == 1
