"""Updates that arrive at the origin after the province that sent them handed the report back: an
authentic late one is dropped (counted, logged at info with ids), never applied again and never
quarantined; one from a province that never handed it back is refused (quarantined by the caller)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from msgspec.structs import replace

from chalicelib.domain.protocol import Feedback, Update
from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action, Status
from chalicelib.provinces.registry import registry
from chalicelib.services.escalation import EscalationInbox
from chalicelib.services.handover_guard import HandoverRefused
from tests.unit.factories import T0, new_report

REPORT_ID = "31-261127-LT01"
COPY = f"36~{REPORT_ID}"
RETURN = TimelineEntry(f"{COPY}:act:refuse:1", T0 + timedelta(hours=1), Action.RETURN, Status.DITOLAK, "36")


class Reports:
    def __init__(self, report: Report) -> None:
        self.stored = report
        self.saves = 0

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.stored if key == self.stored.key else None

    def save(self, report: Report) -> Report:
        self.saves += 1
        self.stored = replace(report, version=report.version + 1)
        return self.stored


class Publisher:
    def intend(self, before: Report | None, after: Report) -> None:
        pass

    def published(self, before: Report | None, after: Report) -> list[Any]:
        return []

    def republish(self, report: Report, event_id: str) -> list[Any]:
        return []


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    monkeypatch.setattr(
        "chalicelib.services.escalation.count", lambda name, value=1: names.append(name), raising=False
    )
    return names


def _taken_back(*, escalated_to: str | None = None) -> Report:
    """Jakarta's report handed to Banten and handed back (version 5 of Banten's copy), taken back;
    ``escalated_to``: then handed over again."""
    submitted = new_report(report_id=REPORT_ID, category="sampah", area="36.71.01")
    timeline = (
        *submitted.timeline,
        TimelineEntry(
            f"{REPORT_ID}:escalate:1", T0 + timedelta(minutes=1), Action.ESCALATE, Status.MENUNGGU, "31"
        ),
        RETURN,
        TimelineEntry(
            f"{COPY}:v5:back", T0 + timedelta(hours=1, seconds=1), Action.REFUSE, Status.KOORDINASI, "31"
        ),
    )
    if escalated_to:
        again = T0 + timedelta(hours=2)
        timeline += (TimelineEntry(f"{REPORT_ID}:escalate:2", again, Action.ESCALATE, Status.MENUNGGU, "31"),)
    return replace(
        submitted,
        status=Status.DISPOSISI if escalated_to else timeline[-1].status,  # accepted there again (v7)
        agency=None if escalated_to else "sudin-lh-jb",
        escalated_to=escalated_to,
        remote_version=7 if escalated_to else 0,
        timeline=timeline,
        updated_at=timeline[-1].at,
        version=8,
    )


def _update(sender: str, version: int, *, returned: bool, entries: list[TimelineEntry]) -> Update:
    return Update(
        event_id=f"{sender}~{REPORT_ID}:v{version}",
        origin_id=REPORT_ID,
        from_province=sender,
        seq=version,
        status=Status.DITOLAK if returned else Status.PROSES,
        returned=returned,
        closed=returned,
        entries=entries,
    )


def _inbox(report: Report) -> tuple[EscalationInbox, Reports]:
    reports = Reports(report)
    inbox = EscalationInbox(reports, Publisher(), registry(), "31", evidence=lambda: None)  # type: ignore[arg-type]
    return inbox, reports


def test_the_hand_back_sent_again_under_a_later_version_is_dropped(
    counted: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Given the report taken back from Banten's update v5, when Banten's sweep sends its copy's
    state again as v6 (the hand-back's answer was lost), then nothing changes, nothing is refused,
    and it is counted and logged at info with the ids only (it was refused as not_handed_over)."""
    inbox, reports = _inbox(_taken_back())
    with caplog.at_level("INFO"):
        answered = inbox.apply_update(
            _update("36", 6, returned=True, entries=[RETURN]), T0 + timedelta(hours=3)
        )
    assert answered == reports.stored and reports.saves == 0
    assert counted == ["HandoverUpdatesLate"]
    [late] = [r for r in caplog.records if "late update" in r.getMessage()]
    assert (late.levelname, late.report_id, late.from_province) == ("INFO", REPORT_ID, "36")  # type: ignore[attr-defined]


def test_an_update_from_a_province_that_never_had_the_report_is_refused(counted: list[str]) -> None:
    inbox, reports = _inbox(_taken_back())
    jabar = TimelineEntry(f"32~{REPORT_ID}:x", T0 + timedelta(hours=2), Action.TAKE, Status.PROSES, "32")
    with pytest.raises(HandoverRefused) as refused:
        inbox.apply_update(_update("32", 6, returned=False, entries=[jabar]), T0 + timedelta(hours=3))
    assert refused.value.code == "not_handed_over" and reports.saves == 0 and counted == []


def test_a_stale_hand_back_after_the_report_was_handed_to_the_same_province_again_is_dropped(
    counted: list[str],
) -> None:
    """Given the report taken back from Banten and then handed to Banten again, when the old
    hand-back's state arrives late (v6, carrying the return step already applied), then it is dropped:
    the new hand-over is not taken back a second time."""
    inbox, reports = _inbox(_taken_back(escalated_to="36"))
    inbox.apply_update(_update("36", 6, returned=True, entries=[RETURN]), T0 + timedelta(hours=3))
    assert reports.saves == 0 and reports.stored.escalated_to == "36"
    assert counted == ["HandoverUpdatesLate"]


def test_a_new_hand_back_by_the_same_province_is_taken_back(counted: list[str]) -> None:
    inbox, reports = _inbox(_taken_back(escalated_to="36"))
    second = replace(RETURN, event_id=f"{COPY}:act:refuse:2", at=T0 + timedelta(hours=4))
    inbox.apply_update(_update("36", 9, returned=True, entries=[RETURN, second]), T0 + timedelta(hours=5))
    assert reports.saves == 1 and reports.stored.escalated_to is None and counted == []


def _banten_copy(**changes: Any) -> tuple[EscalationInbox, Reports]:
    """Banten's copy of the report (``changes`` applied) and Banten's inbox over it."""
    copy = replace(new_report(report_id=REPORT_ID, province="36", area="36.71.01"), key=COPY, **changes)
    reports = Reports(copy)
    inbox = EscalationInbox(reports, Publisher(), registry(), "36", evidence=lambda: None)  # type: ignore[arg-type]
    return inbox, reports


def test_feedback_that_no_longer_fits_the_copy_is_dropped_with_its_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Given Banten's copy closed (auto-closed at its own feedback deadline), when the reporter's
    reopen from Jakarta arrives after it, then the copy stays closed, nothing is saved, and the inbox
    answers that it dropped the message and why (the handler then logs it as dropped, not applied)."""
    inbox, reports = _banten_copy(status=Status.SELESAI, closed=True)
    copy = reports.stored
    reopen = Feedback(
        event_id=f"{REPORT_ID}:reopen:1",
        origin_id=REPORT_ID,
        from_province="31",
        action="reopen",
        reason="Masih tergenang",
        at=T0 + timedelta(days=8),
    )
    with caplog.at_level("WARNING"):
        handled = inbox.handle(reopen, now=T0 + timedelta(days=8))
    assert (handled.dropped, handled.report) == ("already_closed", copy) and reports.saves == 0
    assert any("feedback does not fit" in r.getMessage() for r in caplog.records)


def test_feedback_that_fits_the_copy_is_applied_not_dropped() -> None:
    """Given Banten's copy resolved (Selesai) a day ago, when the reporter's confirm arrives, then it
    is applied: the copy closes with the rating, and nothing says dropped."""
    resolved = T0 + timedelta(days=1)
    inbox, reports = _banten_copy(status=Status.SELESAI, resolved_at=resolved)
    confirm = Feedback(
        event_id=f"{REPORT_ID}:confirm:1", origin_id=REPORT_ID, from_province="31", action="confirm",
        rating=5, at=resolved + timedelta(hours=2),
    )  # fmt: skip
    handled = inbox.handle(confirm, now=resolved + timedelta(hours=2))
    assert handled.dropped is None and reports.saves == 1
    assert handled.report is not None and (handled.report.closed, handled.report.rating) == (True, 5)


ACCEPTED = TimelineEntry(f"{COPY}:accept:1", T0 + timedelta(minutes=2), Action.ACCEPT, Status.DISPOSISI, "36")
TAKEN = TimelineEntry(f"{COPY}:act:take:1", T0 + timedelta(minutes=30), Action.TAKE, Status.PROSES, "36")


def _handed_again_unacknowledged() -> Report:
    """Taken back from Banten (whose first hand-over's steps are merged), then handed to Banten again,
    which has not yet answered: the count of its versions starts again (``remote_version`` 0)."""
    report = _taken_back(escalated_to="36")
    first, *rest = report.timeline
    timeline = (first, *rest[:1], ACCEPTED, TAKEN, *rest[1:])
    return replace(
        report,
        status=Status.KOORDINASI,
        remote_version=0,
        remote_agency=None,
        timeline=timeline,
        sla_check_at=T0 + timedelta(hours=3),
    )


def test_an_update_of_the_earlier_hand_over_does_not_stand_for_the_new_one(counted: list[str]) -> None:
    """Given the report handed to Banten again and not yet acknowledged, when an update of Banten's
    first hand-over arrives again (v4: taken, Proses; re-sent, redriven from a dead-letter queue or
    replayed into the queue), then it is dropped as late: the report does not show Banten's old state
    as the new one's, and the new hand-over stays owed, so the sweep sends it again until answered."""
    before = _handed_again_unacknowledged()
    inbox, reports = _inbox(before)
    handled = inbox.take_update(
        _update("36", 4, returned=False, entries=[ACCEPTED, TAKEN]), T0 + timedelta(hours=3)
    )
    assert handled.dropped == "late_update" and reports.saves == 0
    assert reports.stored.status is Status.KOORDINASI and reports.stored.remote_version == 0
    assert reports.stored.own_timer is not None  # the hand-over is still re-sent
    assert counted == ["HandoverUpdatesLate"]


def test_the_first_update_of_the_new_hand_over_is_applied(counted: list[str]) -> None:
    """The new hand-over's first update brings Banten's acceptance of it, a step not seen here: applied."""
    inbox, reports = _inbox(_handed_again_unacknowledged())
    again = replace(ACCEPTED, event_id=f"{COPY}:accept:2", at=T0 + timedelta(hours=2, minutes=1))
    update = replace(
        _update("36", 9, returned=False, entries=[ACCEPTED, TAKEN, again]), status=Status.DISPOSISI
    )
    handled = inbox.take_update(update, T0 + timedelta(hours=3))
    assert handled.dropped is None and reports.saves == 1
    assert reports.stored.remote_version == 9 and reports.stored.status is Status.DISPOSISI
    assert reports.stored.has_event(again.event_id) and counted == []
