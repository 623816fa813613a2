"""After a change is saved: tell whoever must act now.

Messages are derived from the timeline entries a change added, so a handler that
meets an event it already applied can publish the same messages again (receivers
are idempotent by event id): a crash between saving and sending is repaired by
the retry that follows it.
"""

from __future__ import annotations

from typing import Any

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

    # Bodies are built and checked by the protocol's strict codec, loaded with the first message
    # (most changes send none); the pydantic models load only for a body it cannot vouch for.

    def _escalate(self, report: Report, entry: TimelineEntry) -> None:
        from chalicelib.domain import wire_codec

        body = _valid("escalate", wire_codec.escalate_body(report, entry))
        self._send(report.escalated_to or "", report.id, entry.event_id, body)

    def _update_origin(self, report: Report) -> None:
        from chalicelib.domain import wire_codec

        body = _valid("update", wire_codec.update_body(report))
        self._send(report.origin_province or "", report.id, str(body["event_id"]), body)

    def _feedback(self, report: Report, entry: TimelineEntry) -> None:
        from chalicelib.domain import wire_codec

        body = _valid("feedback", wire_codec.feedback_body(report, entry))
        self._send(report.escalated_to or "", report.id, entry.event_id, body)

    def _send(self, province: str, group: str, event_id: str, body: dict[str, object]) -> None:
        self.queues.send_escalation(province, body, group_id=group, deduplication_id=_dedup_id(event_id))

    def _work_item(self, report: Report, entry: TimelineEntry) -> None:
        province = self.registry.get(report.province)
        agency = province.agencies.get(entry.agency or "")
        if agency is None or not agency.work_queue:
            return
        from chalicelib.domain import wire_codec

        body = _valid("work", wire_codec.work_body(report, entry, agency.id))
        self.queues.send_agency_work(report.province, agency.id, body)
        logger.info("work item sent", extra={"agency": agency.id, "report_id": report.id})


def _valid(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` if the strict codec accepts it as a ``kind`` message; else as the protocol's model makes it.

    The model raises pydantic's ``ValidationError`` for a body the protocol refuses, so nothing
    invalid is sent (the record fails and is retried, then parked in its DLQ).
    """
    from chalicelib.domain import wire_codec

    if wire_codec.checked_fields(kind, body) is not None:
        return body
    from chalicelib.domain import protocol

    models: dict[str, type[protocol.BaseModel]] = {
        "escalate": protocol.Escalate,
        "update": protocol.Update,
        "feedback": protocol.Feedback,
        "work": protocol.WorkItem,
    }
    return models[kind].model_validate(body).model_dump(mode="json")


def _dedup_id(event_id: str) -> str:
    """FIFO deduplication ids allow 128 characters of a limited alphabet."""
    return "".join(c if c.isalnum() or c in "-_.:~#" else "_" for c in event_id)[:128]
