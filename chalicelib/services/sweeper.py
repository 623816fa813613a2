"""The scheduled sweep: service levels, the reminder before an auto-close, auto-close, and anything left
unsent.

Runs every few minutes per province. It reads only the sparse ``by-due`` index
(open timers, and hand-over messages another province's queue refused or, busy, did not take) and the
``MENUNGGU`` slice of ``by-status``: never a Scan. A run goes on through the due reports, the longest due
first, until none is left or its time runs short (docs/reliability.md: a flood morning).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from msgspec import Struct, field
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import ESCALATION_RESEND_AFTER, ESCALATION_RESEND_MAX, Report
from chalicelib.domain.status import Action, Status
from chalicelib.domain.workflow import Event
from chalicelib.errors import AduanError
from chalicelib.observability import count, logger, traced
from chalicelib.provinces.registry import Registry
from chalicelib.services.base import ProvinceService, Unchanged
from chalicelib.services.outbox import ChangePublisher

if TYPE_CHECKING:
    from chalicelib.data.queues import QueueGateway
    from chalicelib.data.reports import ReportRepository
UNROUTED_AFTER = timedelta(minutes=2)
SWEEP_TIMEOUT_MS = 20_000
"""The sweep function's timeout: ``lambda_timeout`` in ``.chalice/config.json`` (a test checks they agree)."""
SWEEP_RESERVE_MS = 5000
"""The time a sweep keeps when it stops reading due reports: for the re-queue of unrouted reports and the
handler's end."""


class SweepResult(Struct):
    """What one sweep did, for logs and metrics."""

    overdue: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    cut_short: bool = False  # the run's time ran out before the due reports did

    @property
    def done(self) -> int:
        """The due reports this run changed."""
        return len(self.overdue) + len(self.closed) + len(self.reminded) + len(self.resent)


class Sweeper(ProvinceService):
    """Enforces one province's timers."""

    def __init__(
        self,
        reports: ReportRepository,
        queues: QueueGateway,
        publisher: ChangePublisher,
        registry: Registry,
        province: str,
    ) -> None:
        super().__init__(reports, publisher, registry, province)
        self.queues = queues

    @traced
    def sweep(
        self,
        *,
        now: datetime | None = None,
        limit: int | None = None,
        time_left_ms: Callable[[], int] | None = None,
    ) -> SweepResult:
        """Escalate overdue reports, remind then close unanswered ones, re-send unacknowledged hand-overs.

        Reads the due reports the longest due first, page after page, until none is left, ``limit`` are
        read, or ``time_left_ms()`` (the Lambda's remaining time; by default ``SWEEP_TIMEOUT_MS`` from
        the call) falls to ``SWEEP_RESERVE_MS``: reports it skips (their trouble logged) or leaves for the
        next run never keep later ones from their turn within the run's time."""
        now = now or utcnow()
        result = SweepResult()
        if time_left_ms is None:
            started = time.monotonic()
            time_left_ms = lambda: SWEEP_TIMEOUT_MS - int((time.monotonic() - started) * 1000)  # noqa: E731
        for report in self.reports.due_before(self.province.code, now, limit=limit):
            if time_left_ms() <= SWEEP_RESERVE_MS:
                result.cut_short = True  # the rest at the next run, the longest due first
                count("SweepCutShort")
                logger.warning("sweep ran out of time before the due reports", extra={"done": result.done})
                break
            try:
                if report.handover_due is not None and report.handover_due <= now:
                    report = self._handover(report, now, result) or report
                self._one(report, now, result)
            except Exception as error:  # one report's trouble (a queue throttling, a raw AWS error) skips it
                code = error.code if isinstance(error, AduanError) else type(error).__name__
                logger.warning("sweep skipped a report", extra={"report_id": report.id, "code": code})
        self._requeue_unrouted(now, result)
        return result

    def _handover(self, listed: Report, now: datetime, result: SweepResult) -> Report | None:
        """Send again the hand-over message another province's queue did not take; keep the mark, to
        look again later (5 minutes to an hour, as long as it has waited), until it is taken. A report
        that owes nothing any more (taken back meanwhile) loses its mark and is not counted as re-sent."""
        refused = self.publisher.resend_handover(listed)  # sent first: its receiver is idempotent
        reads = iter([listed])

        def read() -> Report | None:
            return next(reads, None) or self.reports.get(listed.key, consistent=True)

        def decide(report: Report | None) -> Report | Unchanged[Report | None]:
            if report is None or report.handover_due is None or report.handover_due > now:
                return Unchanged(report)
            if not refused and report.version == listed.version:  # the state sent is the latest
                return replace(report, handover_due=None)
            wait = min(max(now - report.updated_at, ESCALATION_RESEND_AFTER), ESCALATION_RESEND_MAX)
            return replace(report, handover_due=now + wait)

        saved = self.change(read, decide, kept_changing="report kept changing during the sweep")
        if saved is not None and refused == []:  # sent (None: nothing was owed)
            result.resent.append(saved.id)
        return saved

    def _one(self, listed: Report, now: datetime, result: SweepResult) -> None:
        """One due report; if it changes meanwhile, read again and act only if it is still due."""
        reads = iter([listed])
        tally: list[list[str]] = []  # where the id goes once the change is saved
        resend: list[str] = []  # the hand-over to send again once its next re-send time is saved

        def read() -> Report | None:
            return next(reads, None) or self.reports.get(listed.key, consistent=True)

        def decide(report: Report | None) -> Report | Unchanged[Report | None]:
            tally.clear()
            resend.clear()
            timer = report.own_timer if report else None  # a hand-over owed: ``_handover``
            if report is None or timer is None or timer > now:
                return Unchanged(report)
            if report.escalated_to:
                escalation = report.latest(Action.ESCALATE)
                assert escalation is not None  # escalated_to is set by an escalate entry
                tally.append(result.resent)
                resend.append(escalation.event_id)
                # The next re-send waits as long as the hand-over has (5 minutes to an hour): a
                # neighbour that acknowledges nothing never fills the sweep's page of due reports
                wait = min(max(now - escalation.at, ESCALATION_RESEND_AFTER), ESCALATION_RESEND_MAX)
                return replace(report, sla_check_at=now + wait)
            if report.status is Status.SELESAI and report.reminder_due and now < (report.autoclose_at or now):
                # once per Selesai round (its id names the round); a sweep too late to remind closes instead
                tally.append(result.reminded)
                return workflow.remind(report, Event(report.reminder_event_id, now, self.province.code))
            if report.status is Status.SELESAI:
                tally.append(result.closed)
                event = Event(f"{report.key}:autoclose", now, self.province.code)
                return workflow.autoclose(report, event)
            tally.append(result.overdue)
            event = Event(f"{report.key}:sla:{report.escalation_level + 1}", now, self.province.code)
            return workflow.sla_escalate(report, self.province, event)

        saved = self.change(read, decide, kept_changing="report kept changing during the sweep")
        if saved is not None and resend and self.publisher.republish(saved, resend[0]):
            return  # refused again (logged): the next re-send time is saved
        if saved is not None and tally:
            tally[0].append(saved.id)

    def _requeue_unrouted(self, now: datetime, result: SweepResult) -> None:
        """ReportRepository stored but never routed (their intake message was lost): route them now."""
        page = self.reports.list_by_status(
            self.province.code,
            Status.MENUNGGU,
            created_before=now - UNROUTED_AFTER,
            limit=100,
            newest_first=False,
        )
        for report in page.items:
            if report.is_received_escalation or report.escalated_to:
                continue
            try:
                self.queues.send_intake({"key": report.key})
            except Exception as error:  # tried again at the next sweep
                logger.warning(
                    "sweep could not requeue a report",
                    extra={"report_id": report.id, "code": type(error).__name__},
                )
                continue
            result.requeued.append(report.id)
