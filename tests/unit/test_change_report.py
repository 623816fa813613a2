"""The one optimistic-locking loop every service changes reports with (chalicelib/services/base.py)."""

from __future__ import annotations

from typing import Any

import pytest
from msgspec.structs import replace

from chalicelib.domain.report import ESCALATION_RESEND_AFTER, Report
from chalicelib.errors import RetryableUnavailable, VersionConflict
from chalicelib.services import base
from chalicelib.services.base import MAX_ATTEMPTS, Unchanged, change_report
from chalicelib.services.outbox import Undelivered
from tests.unit.factories import new_report


class FlakyReports:
    """Saves fail with VersionConflict the first ``conflicts`` times; every read is counted; the
    report last saved is what ``get`` reads."""

    def __init__(self, conflicts: int) -> None:
        self.conflicts = conflicts
        self.saves = 0
        self.reads = 0
        self.stored: Report | None = None

    def save(self, report: Report) -> Report:
        self.saves += 1
        if self.saves <= self.conflicts:
            raise VersionConflict("changed meanwhile")
        self.stored = replace(report, version=report.version + 1)
        return self.stored

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.stored if self.stored is not None and self.stored.key == key else None


class Publisher:
    """Records what would be sent; ``refusing``: the hand-over messages the other province refuses."""

    def __init__(self, refusing: tuple[Undelivered, ...] = ()) -> None:
        self.sent: list[tuple[Report | None, Report]] = []
        self.resent: list[str] = []
        self.intended: list[Report] = []
        self.refusing = refusing

    def intend(self, before: Report | None, after: Report) -> None:
        self.intended.append(after)

    def published(self, before: Report | None, after: Report) -> list[Undelivered]:
        self.sent.append((before, after))
        return list(self.refusing) if before is not None and before.description != after.description else []

    def republish(self, report: Report, event_id: str) -> list[Undelivered]:
        self.resent.append(event_id)
        return list(self.refusing)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    pauses: list[float] = []
    monkeypatch.setattr(base.time, "sleep", pauses.append)
    return pauses


def _run(reports: FlakyReports, publisher: Publisher, *, retry: bool = True, decide: Any = None) -> Report:
    stored = new_report()

    def read() -> Report:
        reports.reads += 1
        return stored

    return change_report(
        reports,  # type: ignore[arg-type]
        publisher,  # type: ignore[arg-type]
        read,
        decide or (lambda r: replace(r, description="changed")),
        kept_changing="kept changing",
        retry=retry,
    )


def test_a_conflict_reads_again_and_retries_until_it_saves(no_sleep: list[float]) -> None:
    reports, publisher = FlakyReports(conflicts=MAX_ATTEMPTS - 1), Publisher()
    saved = _run(reports, publisher)
    assert saved.description == "changed" and saved.version == 1
    assert reports.reads == reports.saves == MAX_ATTEMPTS
    assert len(publisher.sent) == 1
    assert len(no_sleep) == MAX_ATTEMPTS - 1
    assert all(0 <= pause <= base.BACKOFF_SECONDS * 2**MAX_ATTEMPTS for pause in no_sleep)


def test_running_out_of_attempts_is_retryable_unavailable() -> None:
    reports, publisher = FlakyReports(conflicts=MAX_ATTEMPTS), Publisher()
    with pytest.raises(RetryableUnavailable, match="kept changing"):
        _run(reports, publisher)
    assert reports.saves == MAX_ATTEMPTS and not publisher.sent


def test_without_retry_the_conflict_is_the_answer() -> None:
    reports, publisher = FlakyReports(conflicts=1), Publisher()
    with pytest.raises(VersionConflict):
        _run(reports, publisher, retry=False)
    assert reports.saves == 1


def test_a_conflict_raised_by_the_decision_is_not_retried() -> None:
    reports, publisher = FlakyReports(conflicts=0), Publisher()

    def stale(report: Report) -> Report:
        raise VersionConflict("expected another version")

    with pytest.raises(VersionConflict):
        _run(reports, publisher, decide=stale)
    assert reports.reads == 1 and reports.saves == 0


def test_unchanged_writes_nothing_and_republishes_when_asked() -> None:
    reports, publisher = FlakyReports(conflicts=0), Publisher()
    answer = _run(reports, publisher, decide=lambda r: Unchanged(r, republish="e1"))
    assert answer.version == 0 and reports.saves == 0
    assert publisher.resent == ["e1"] and not publisher.sent


UPDATE_REFUSED = Undelivered("31-261127-K3M9", "31", "update")
ESCALATE_REFUSED = Undelivered("31-261127-K3M9", "36", "escalate")


def test_a_hand_over_the_other_province_refuses_keeps_the_change_and_marks_it_for_the_sweep() -> None:
    """Given the other province's queue refusing the update a change calls for, when the change is
    saved, then it stands (no error) and the report is marked, once, for the sweep to send it again
    five minutes after the change; an escalate is not marked (its re-send is timed until acknowledged)."""
    reports, publisher = FlakyReports(conflicts=0), Publisher(refusing=(UPDATE_REFUSED,))
    saved = _run(reports, publisher)
    assert saved.description == "changed"
    assert reports.saves == 2 and reports.stored is not None
    assert reports.stored.handover_due == saved.updated_at + ESCALATION_RESEND_AFTER
    assert reports.stored.description == "changed" and reports.stored.timeline == saved.timeline

    reports, publisher = FlakyReports(conflicts=0), Publisher(refusing=(ESCALATE_REFUSED,))
    _run(reports, publisher)
    assert reports.saves == 1 and reports.stored is not None and reports.stored.handover_due is None


def test_a_republished_hand_over_refused_again_marks_the_report_once() -> None:
    reports, publisher = FlakyReports(conflicts=0), Publisher(refusing=(UPDATE_REFUSED,))
    reports.stored = new_report()
    _run(reports, publisher, decide=lambda r: Unchanged(r, republish="e1"))
    assert reports.saves == 1 and reports.stored.handover_due is not None
    marked = reports.stored
    _run(reports, publisher, decide=lambda r: Unchanged(r, republish="e1"))
    assert reports.saves == 1 and reports.stored == marked  # marked already: no second write


def test_a_change_whose_hand_over_was_refused_is_answered_as_stored_after_its_mark() -> None:
    """The mark for the sweep is a write: the change is answered with the version stored after it,
    which the client's next action names (If-Match); the version before it was answered, and that
    next action got 409 version_conflict for a change nobody else made."""
    reports, publisher = FlakyReports(conflicts=0), Publisher(refusing=(UPDATE_REFUSED,))
    saved = _run(reports, publisher)
    assert reports.stored is not None and reports.saves == 2
    assert saved.version == reports.stored.version and saved == reports.stored
    # refused again when re-published: answered as stored too
    reports, publisher = FlakyReports(conflicts=0), Publisher(refusing=(UPDATE_REFUSED,))
    reports.stored = new_report()
    again = _run(reports, publisher, decide=lambda r: Unchanged(r, republish="e1"))
    assert again == reports.stored and again.handover_due is not None
