"""After a change is saved: tell whoever must act now.

Messages are derived from the timeline entries a change added, so a handler that
meets an event it already applied can publish the same messages again (receivers
are idempotent by event id): a crash between saving and sending is repaired by
the retry that follows it.

A hand-over message another province's queue refuses (IAM) or that has no queue there, or that it
does not take because it stays busy (throttling, 5xx, timeouts past botocore's retries), is not an
error of the change it follows: it is logged, counted (``HandoversUndelivered`` for a refusal, which
alarms; ``HandoversDelayed`` for a busy queue, which does not) and answered as ``Undelivered``; the
change stands and the sweep sends the message again (``resend_handover``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from chalicelib.domain.access import citizen_sees_content
from chalicelib.domain.protocol import (
    UPDATE_MAX_ENTRIES,
    Escalate,
    Feedback,
    Message,
    ReportOut,
    Update,
    WorkItem,
    kind,
    published_by,
)
from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action
from chalicelib.errors import (
    AgencyQueueUnreachable,
    NeighbourUnreachable,
    RetryableUnavailable,
    retry_transient,
)
from chalicelib.observability import count, logger
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
        Action.UNDUPLICATE,  # a wrong merge undone: the report is back in the agency's hands
    }
)


SEND_ATTEMPTS = 2
SEND_FIRST_PAUSE_S = 0.05
"""A hand-over message a busy queue did not take (past botocore's retries) is asked again once in
place, after a pause of up to 50 ms, before the sweep is left to send it (5 minutes on at the soonest)."""

NOTIFY_DELAY_SECONDS = 1  # the write it precedes takes milliseconds: most find their entry at once
FEEDBACK_ACTIONS = (Action.CONFIRM, Action.REOPEN)


class Undelivered(Struct, frozen=True):
    """A hand-over message another province's queue refused or did not take (busy), or that has no
    queue there."""

    report_id: str
    to_province: str
    kind: str  # escalate, update, feedback

    @property
    def timed_already(self) -> bool:
        """An escalate: the origin's sweep sends it again anyway until the other province acknowledges it."""
        return self.kind == "escalate"


Send = Callable[[], "Undelivered | None"]


class ChangePublisher:
    """Turns saved changes into queue messages."""

    def __init__(
        self, queues: QueueGateway, registry: Registry, *, retry_busy_work_queues: bool = False
    ) -> None:
        """``retry_busy_work_queues``: a work item an agency's busy queue did not take fails the
        change's caller, for a caller that is retried and publishes again (the route and escalations
        handlers)."""
        self.queues = queues
        self.registry = registry
        self.retry_busy_work_queues = retry_busy_work_queues

    def intend(self, before: Report | None, after: Report) -> None:
        """Before ``after`` is saved: check the messages its new entries call for, and ask the notify
        handler to tell citizens of them.

        Every message is built first, none sent: one its receiver's schema would refuse raises
        ``ValidationFailed`` here, so the change is refused whole instead of saved with a message
        that can never be sent. The notify messages go first so that a crash after the save loses
        no notification; the handler waits for an entry not saved yet and drops it if it never
        appears (the save failed or lost a race). Nothing is sent for a report nobody can be told
        about (no queue message, no invocation).
        """
        from chalicelib.notices.kinds import notice_kind

        self._outgoing(before, after)
        if not after.has_audience:
            return
        for entry in after.timeline:
            if (before is None or not before.has_event(entry.event_id)) and notice_kind(after, entry):
                message = {"key": after.key, "entry": entry.event_id}
                self.queues.send_notify(message, delay_seconds=NOTIFY_DELAY_SECONDS)

    def published(self, before: Report | None, after: Report) -> list[Undelivered]:
        """Publish what the entries added between ``before`` and ``after`` call for; answers the
        hand-over messages another province's queue did not take (refused, or busy)."""
        return _sent(self._outgoing(before, after))

    def republish(self, report: Report, event_id: str) -> list[Undelivered]:
        """Publish again what an already-applied event called for (answers as ``published``)."""
        return [
            refused
            for entry in report.timeline
            if entry.event_id == event_id
            for refused in self.publish_entry(report, entry)
        ]

    def publish_entry(self, report: Report, entry: TimelineEntry) -> list[Undelivered]:
        """Send the messages one timeline entry calls for (answers as ``published``)."""
        return _sent(self._entry_messages(report, entry))

    def resend_handover(self, report: Report) -> list[Undelivered] | None:
        """Send again the hand-over message ``report`` owes (``handover_due``): a copy's current state to
        its origin, or the reporter's latest confirm or reopen to the province handling the report.
        Answers it if it is not taken again; None, sending nothing, for a report that owes nothing any
        more (its hand-over taken back meanwhile)."""
        if report.is_received_escalation:
            return _sent([self._to_province(report.origin_province or "", report.id, self._update(report))])
        told = None
        for entry in reversed(report.timeline):  # since the latest hand-over: never one to an earlier copy
            if entry.action is Action.ESCALATE:
                break
            if entry.action in FEEDBACK_ACTIONS and entry.province == report.province:
                told = entry
                break
        if told is None or not report.escalated_to:
            return None
        return _sent([self._to_province(report.escalated_to, report.id, self._feedback(report, told))])

    def _outgoing(self, before: Report | None, after: Report) -> list[Send]:
        return [
            send
            for entry in after.timeline
            if before is None or not before.has_event(entry.event_id)
            for send in self._entry_messages(after, entry)
        ]

    def _entry_messages(self, report: Report, entry: TimelineEntry) -> list[Send]:
        """The sends one timeline entry calls for, each message built and checked already."""
        sends: list[Send] = []
        if entry.action is Action.ESCALATE and report.escalated_to and not report.is_received_escalation:
            sends.append(self._to_province(report.escalated_to, report.id, self._escalate(report, entry)))
        if report.is_received_escalation and entry.province == report.province:
            sends.append(self._to_province(report.origin_province or "", report.id, self._update(report)))
        if entry.action in FEEDBACK_ACTIONS and report.escalated_to:
            sends.append(self._to_province(report.escalated_to, report.id, self._feedback(report, entry)))
        if entry.action in WORK_ACTIONS and entry.agency and not report.escalated_to:
            item = self._work_item(report, entry)
            if item is not None:
                sends.append(self._to_agency(item))
        return sends

    def _escalate(self, report: Report, entry: TimelineEntry) -> Escalate:
        return Escalate(
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
                # a link an Open311 client gave is none of ours to hand over (the receiver refuses it)
                photos=[key for key in report.photos if published_by(report.province, key)],
                created_at=report.created_at,
            ),
            reason=entry.note,
        )

    def _update(self, report: Report) -> Update:
        latest = report.timeline[-1]
        returned = latest.action is Action.RETURN
        own = [e for e in report.timeline if e.province == report.province]
        return Update(
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
            # the latest ones: the origin merged the older ones from the updates before (FIFO)
            entries=[entry.handed_over() for entry in own[-UPDATE_MAX_ENTRIES:]],
        )

    def _feedback(self, report: Report, entry: TimelineEntry) -> Feedback:
        confirmed = entry.action is Action.CONFIRM
        return Feedback(
            event_id=entry.event_id,
            origin_id=report.id,
            from_province=report.province,
            action="confirm" if confirmed else "reopen",
            rating=report.rating if confirmed else None,
            reason=entry.note,
            at=entry.at,
        )

    def _to_province(self, province: str, group: str, message: Message) -> Send:
        body = _checked(message)

        def send() -> Undelivered | None:
            def attempt() -> None:
                self.queues.send_escalation(
                    province, body, group_id=group, deduplication_id=_dedup_id(message.event_id)
                )

            try:
                retry_transient(attempt, attempts=SEND_ATTEMPTS, first_pause=SEND_FIRST_PAUSE_S)
            except (NeighbourUnreachable, RetryableUnavailable) as failed:
                # refused: only the other province's redeploy or policy fix lets it through (alarmed);
                # busy past botocore's retries: it goes through by itself (counted apart, no alarm)
                refused = isinstance(failed, NeighbourUnreachable)
                count("HandoversUndelivered" if refused else "HandoversDelayed")
                logger.warning(
                    "hand-over message not taken by the other province's queue; the sweep sends it again",
                    extra={
                        "report_id": group,
                        "to_province": province,
                        "type": kind(message),
                        "code": failed.code,
                    },
                )
                return Undelivered(group, province, kind(message))
            return None

        return send

    def _work_item(self, report: Report, entry: TimelineEntry) -> WorkItem | None:
        province = self.registry.get(report.province)
        agency = province.agencies.get(entry.agency or "")
        if agency is None or not agency.work_queue:
            return None
        return WorkItem(
            event_id=entry.event_id,
            report_key=report.key,
            report_id=report.id,
            province=report.province,
            agency=agency.id,
            status=report.status,
            category=report.category,
            area_code=report.location.area_code,
            action=entry.action,
            # the queue leaves Aduan for the agency's system: only words anyone may read travel on it
            note=entry.note if citizen_sees_content(report, holds_secret=False) else None,
            at=entry.at,
        )

    def _to_agency(self, item: WorkItem) -> Send:
        body = _checked(item)

        def send() -> None:
            try:
                self.queues.send_agency_work(item.province, item.agency, body)
            except (AgencyQueueUnreachable, RetryableUnavailable) as failed:
                if self.retry_busy_work_queues and isinstance(failed, RetryableUnavailable):
                    raise  # the intake message comes back, and routing publishes the item again
                # a notice beside the agency's inbox, where the saved report is: never a failed change
                count("WorkItemsUndelivered")
                logger.warning(
                    "work item not taken by the agency's queue; the report is in its inbox",
                    extra={"agency": item.agency, "report_id": item.report_id, "code": failed.code},
                )
                return
            logger.info("work item sent", extra={"agency": item.agency, "report_id": item.report_id})

        return send


def _sent(sends: list[Send]) -> list[Undelivered]:
    """Run every send in order; the hand-over messages not taken (any other failure propagates)."""
    return [refused for send in sends if (refused := send()) is not None]


def _checked(message: Message | WorkItem) -> dict[str, Any]:
    """``message`` as JSON-ready data, once the protocol accepts it as its receiver will.

    A message the protocol refuses raises ``ValidationFailed`` and is not sent: ``intend`` meets it
    before the change is saved.
    """
    body: dict[str, Any] = to_builtins(message)
    convert(type(message), body)
    return body


def _dedup_id(event_id: str) -> str:
    """FIFO deduplication ids allow 128 characters of a limited alphabet."""
    return "".join(c if c.isalnum() or c in "-_.:~#" else "_" for c in event_id)[:128]
