"""After a change is saved: tell whoever must act now.

Messages are derived from the timeline entries a change added, so a handler that
meets an event it already applied can publish the same messages again (receivers
are idempotent by event id): a crash between saving and sending is repaired by
the retry that follows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.protocol import Escalate, Feedback, Message, ReportOut, Update, WorkItem
from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action
from chalicelib.observability import logger
from chalicelib.provinces.registry import Registry
from chalicelib.validation import convert, to_builtins

if TYPE_CHECKING:
    from chalicelib.data.queues import QueueGateway
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


NOTIFY_DELAY_SECONDS = 1  # the write it precedes takes milliseconds: most find their entry at once


class ChangePublisher:
    """Turns saved changes into queue messages."""

    def __init__(self, queues: QueueGateway, registry: Registry) -> None:
        self.queues = queues
        self.registry = registry

    def intend(self, before: Report | None, after: Report) -> None:
        """Before ``after`` is saved: ask the notify handler to tell citizens of its new entries.

        Sent first so that a crash after the save loses no notification; the handler waits for an
        entry not saved yet and drops it if it never appears (the save failed or lost a race).
        Nothing is sent for a report nobody can be told about (no queue message, no invocation).
        """
        from chalicelib.notices.kinds import notice_kind

        if not after.has_audience:
            return
        for entry in after.timeline:
            if (before is None or not before.has_event(entry.event_id)) and notice_kind(after, entry):
                message = {"key": after.key, "entry": entry.event_id}
                self.queues.send_notify(message, delay_seconds=NOTIFY_DELAY_SECONDS)

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

    def _escalate(self, report: Report, entry: TimelineEntry) -> None:
        message = Escalate(
            event_id=entry.event_id,
            origin_province=report.province,
            report=ReportOut(
                id=report.id,
                category=report.category,
                description=report.description,
                lat=float(report.location.lat),
                lon=float(report.location.lon),
                area_code=report.location.area_code,
                address=report.address,
                visibility=report.visibility,
                photos=list(report.photos),
                created_at=report.created_at,
            ),
            reason=entry.note,
        )
        self._send(report.escalated_to or "", report.id, message)

    def _update_origin(self, report: Report) -> None:
        latest = report.timeline[-1]
        returned = latest.action is Action.RETURN
        message = Update(
            event_id=f"{report.key}:v{report.version}",
            origin_id=report.id,
            from_province=report.province,
            seq=report.version,
            status=report.status,
            agency=report.agency,
            returned=returned,
            suggested_agency=latest.target if returned else None,
            coordinate_due=report.coordinate_due,
            finish_due=report.finish_due,
            estimated_completion=report.estimated_completion,
            overdue=report.overdue,
            closed=report.closed,
            rating=report.rating,
            entries=[e for e in report.timeline if e.province == report.province],
        )
        self._send(report.origin_province or "", report.id, message)

    def _feedback(self, report: Report, entry: TimelineEntry) -> None:
        confirmed = entry.action is Action.CONFIRM
        message = Feedback(
            event_id=entry.event_id,
            origin_id=report.id,
            from_province=report.province,
            action="confirm" if confirmed else "reopen",
            rating=report.rating if confirmed else None,
            reason=entry.note,
            at=entry.at,
        )
        self._send(report.escalated_to or "", report.id, message)

    def _send(self, province: str, group: str, message: Message) -> None:
        body = _checked(message)
        self.queues.send_escalation(
            province, body, group_id=group, deduplication_id=_dedup_id(message.event_id)
        )

    def _work_item(self, report: Report, entry: TimelineEntry) -> None:
        province = self.registry.get(report.province)
        agency = province.agencies.get(entry.agency or "")
        if agency is None or not agency.work_queue:
            return

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
        self.queues.send_agency_work(report.province, agency.id, _checked(item))
        logger.info("work item sent", extra={"agency": agency.id, "report_id": report.id})


def _checked(message: Message | WorkItem) -> dict[str, Any]:
    """``message`` as JSON-ready data, once the protocol accepts it as its receiver will.

    A message the protocol refuses raises ``ValidationFailed`` and is not sent (the record fails
    and is retried, then parked in its DLQ).
    """
    body: dict[str, Any] = to_builtins(message)
    convert(type(message), body)
    return body


def _dedup_id(event_id: str) -> str:
    """FIFO deduplication ids allow 128 characters of a limited alphabet."""
    return "".join(c if c.isalnum() or c in "-_.:~#" else "_" for c in event_id)[:128]
