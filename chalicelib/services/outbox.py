"""After a change is saved: tell whoever must act now.

Messages are derived from the timeline entries a change added, so a handler that
meets an event it already applied can publish the same messages again (receivers
are idempotent by event id): a crash between saving and sending is repaired by
the retry that follows it.
"""

from __future__ import annotations

from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action
from chalicelib.observability import logger
from chalicelib.provinces.registry import Registry
from chalicelib.services.ports import Queues

WORK_ACTIONS = frozenset(
    {
        Action.ROUTE,
        Action.ACCEPT,
        Action.DISPOSE,
        Action.COORDINATE,
        Action.REFUSE,
        Action.REOPEN,
        Action.SLA_ESCALATE,
    }
)


class ChangePublisher:
    """Turns saved changes into queue messages."""

    def __init__(self, queues: Queues, registry: Registry) -> None:
        self.queues = queues
        self.registry = registry

    def published(self, before: Report | None, after: Report) -> None:
        """Publish what the entries added between ``before`` and ``after`` call for."""
        for entry in after.timeline:
            if before is None or not before.has_event(entry.event_id):
                self.publish_entry(after, entry)

    def republish(self, report: Report, event_id: str) -> None:
        """Publish again what an already-applied event called for."""
        for entry in report.timeline:
            if entry.event_id == event_id:
                self.publish_entry(report, entry)

    def publish_entry(self, report: Report, entry: TimelineEntry) -> None:
        """The messages one timeline entry calls for."""
        if entry.action is Action.ESCALATE and report.escalated_to and not report.is_received_escalation:
            self._escalate(report, entry)
        if report.is_received_escalation and entry.province == report.province:
            self._update_origin(report)
        if entry.action in (Action.CONFIRM, Action.REOPEN) and report.escalated_to:
            self._feedback(report, entry)
        if entry.action in WORK_ACTIONS and entry.agency and not report.escalated_to:
            self._work_item(report, entry)

    # The message models (pydantic) load with the first message: most changes send none.

    def _escalate(self, report: Report, entry: TimelineEntry) -> None:
        from chalicelib.domain.protocol import Escalate, ReportOut

        message = Escalate(
            event_id=entry.event_id,
            origin_province=report.province,
            report=ReportOut.of(report),
            reason=entry.note,
        )
        self._send(report.escalated_to or "", report.id, message.event_id, message.model_dump(mode="json"))

    def _update_origin(self, report: Report) -> None:
        from chalicelib.domain.protocol import EntryOut, Update

        latest = report.timeline[-1]
        message = Update(
            event_id=f"{report.key}:v{report.version}",
            origin_id=report.id,
            from_province=report.province,
            seq=report.version,
            status=report.status,
            agency=report.agency,
            returned=latest.action is Action.RETURN,
            suggested_agency=latest.target if latest.action is Action.RETURN else None,
            coordinate_due=report.coordinate_due,
            finish_due=report.finish_due,
            estimated_completion=report.estimated_completion,
            overdue=report.overdue,
            closed=report.closed,
            rating=report.rating,
            entries=[EntryOut.of(e) for e in report.timeline if e.province == report.province],
        )
        self._send(report.origin_province or "", report.id, message.event_id, message.model_dump(mode="json"))

    def _feedback(self, report: Report, entry: TimelineEntry) -> None:
        from chalicelib.domain.protocol import Feedback

        message = Feedback(
            event_id=entry.event_id,
            origin_id=report.id,
            from_province=report.province,
            action="confirm" if entry.action is Action.CONFIRM else "reopen",
            rating=report.rating if entry.action is Action.CONFIRM else None,
            reason=entry.note,
            at=entry.at,
        )
        self._send(report.escalated_to or "", report.id, message.event_id, message.model_dump(mode="json"))

    def _send(self, province: str, group: str, event_id: str, body: dict[str, object]) -> None:
        self.queues.send_escalation(province, body, group_id=group, deduplication_id=_dedup_id(event_id))

    def _work_item(self, report: Report, entry: TimelineEntry) -> None:
        province = self.registry.get(report.province)
        agency = province.agencies.get(entry.agency or "")
        if agency is None or not agency.work_queue:
            return
        from chalicelib.domain.protocol import WorkItem

        item = WorkItem(
            event_id=entry.event_id,
            report_key=report.key,
            report_id=report.id,
            province=report.province,
            agency=agency.id,
            status=report.status,
            category=report.category,
            area_code=report.location.area_code,
            action=entry.action,
            note=entry.note,
            at=entry.at,
        )
        self.queues.send_agency_work(report.province, agency.id, item.model_dump(mode="json"))
        logger.info("work item sent", extra={"agency": agency.id, "report_id": report.id})


def _dedup_id(event_id: str) -> str:
    """FIFO deduplication ids allow 128 characters of a limited alphabet."""
    return "".join(c if c.isalnum() or c in "-_.:~#" else "_" for c in event_id)[:128]
