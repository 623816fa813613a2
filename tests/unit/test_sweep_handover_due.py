"""The sweep's re-send of a hand-over message owed (``handover_due``), with the real publisher and
fakes of storage and queues: what it counts as re-sent is what it sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from msgspec.structs import replace

from chalicelib.domain.report import ESCALATION_RESEND_AFTER, Report, TimelineEntry
from chalicelib.domain.status import Action, Status
from chalicelib.errors import RetryableUnavailable
from chalicelib.provinces.registry import registry
from chalicelib.services.outbox import ChangePublisher
from chalicelib.services.sweeper import Sweeper
from tests.unit.factories import T0, new_report
from tests.unit.factories import OneStoredReport as Reports

REPORT_ID = "31-261127-TB01"


class Queues:
    """Records every hand-over message sent; the first ``busy`` sends find the queue busy."""

    def __init__(self, busy: int = 0) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.busy = busy

    def send_escalation(self, province: str, message: dict[str, Any], **kwargs: Any) -> None:
        if self.busy:
            self.busy -= 1
            raise RetryableUnavailable("busy")
        self.sent.append((province, message))


def _entry(name: str, minutes: int, action: Action, status: Status, province: str = "31") -> TimelineEntry:
    return TimelineEntry(f"{REPORT_ID}:{name}", T0 + timedelta(minutes=minutes), action, status, province)


def _sweep(report: Report, now: datetime, *, busy: int = 0) -> tuple[Any, Queues, Reports]:
    queues, reports = Queues(busy), Reports(report)
    publisher = ChangePublisher(queues, registry())  # type: ignore[arg-type]
    sweeper = Sweeper(reports, queues, publisher, registry(), "31")  # type: ignore[arg-type]
    return sweeper.sweep(now=now), queues, reports


def _reopened_then(*later: TimelineEntry, escalated_to: str | None) -> Report:
    """Jakarta's report about Kota Tangerang, handed to Banten, resolved there, reopened by its
    reporter while Banten's queue refused Jakarta (marked for the sweep), then ``later``."""
    submitted = new_report(report_id=REPORT_ID, category="sampah", area="36.71.01")
    reopen = _entry("reopen", 120, Action.REOPEN, Status.DISPOSISI)
    timeline = (
        *submitted.timeline,
        _entry("escalate", 1, Action.ESCALATE, Status.MENUNGGU),
        _entry("resolve", 60, Action.RESOLVE, Status.SELESAI, "36"),
        reopen,
        *later,
    )
    return replace(
        submitted,
        status=timeline[-1].status,
        agency="sudin-lh-js" if escalated_to is None else None,
        escalated_to=escalated_to,
        remote_version=0 if escalated_to is None else 7,
        timeline=timeline,
        updated_at=timeline[-1].at,
        handover_due=reopen.at + ESCALATION_RESEND_AFTER,
        version=9,
    )


def test_a_reopen_still_owed_is_sent_and_counted_as_re_sent() -> None:
    owed = _reopened_then(escalated_to="36")
    result, queues, reports = _sweep(owed, T0 + timedelta(hours=4))
    assert [(p, m["type"], m["action"]) for p, m in queues.sent] == [("36", "feedback", "reopen")]
    assert result.resent == [REPORT_ID] and reports.stored.handover_due is None


def test_a_report_taken_back_before_its_reopen_was_re_sent_owes_nothing_and_is_not_counted() -> None:
    """Given a reopen Banten's queue refused, and Banten then handing the report back (Jakarta took
    it back), when Jakarta's sweep comes to the mark, then it sends nothing, clears the mark and does
    not count the report as re-sent (it did: ``resent`` named a report nothing was sent for)."""
    taken_back = _reopened_then(
        _entry("return", 179, Action.RETURN, Status.DITOLAK, "36"),
        _entry("back", 180, Action.REFUSE, Status.DISPOSISI),
        escalated_to=None,
    )
    result, queues, reports = _sweep(taken_back, T0 + timedelta(hours=4))
    assert queues.sent == []
    assert result.resent == []
    assert reports.stored.handover_due is None


def test_a_queue_busy_once_is_asked_again_in_place(monkeypatch: Any) -> None:
    """The publisher asks a busy queue once more (after a short pause) before leaving the message to
    a later sweep; busy twice, the mark stays for the next look."""
    monkeypatch.setattr("chalicelib.errors.time.sleep", lambda seconds: None)
    owed = _reopened_then(escalated_to="36")
    result, queues, reports = _sweep(owed, T0 + timedelta(hours=4), busy=1)
    assert len(queues.sent) == 1 and result.resent == [REPORT_ID] and reports.stored.handover_due is None
    result, queues, reports = _sweep(owed, T0 + timedelta(hours=4), busy=2)
    assert queues.sent == [] and result.resent == []
    assert reports.stored.handover_due is not None and reports.stored.handover_due > T0 + timedelta(hours=4)
