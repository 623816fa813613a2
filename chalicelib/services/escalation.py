"""A province's inbound escalation queue: hand-overs in, state updates back, reporter feedback.

Every handler is idempotent by event id and by the receiver's copy key, so a
message delivered twice (or re-sent by the origin's sweeper) changes nothing twice;
an already-applied message re-publishes what it called for, repairing a crash
between saving and sending. An update the origin's queue refuses (or, busy, does not take) after a
hand-over is received needs no mark of its own: the origin, unacknowledged, sends the hand-over
again and its redelivery here sends the update again. A late update from the province that handed
a report back, after it was taken back, is dropped (counted, logged at info), not quarantined.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import Struct
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.clock import utcnow
from chalicelib.domain.ids import case_key
from chalicelib.domain.protocol import Escalate, Feedback, InboundMessage, Update
from chalicelib.domain.report import Report
from chalicelib.domain.routing import route
from chalicelib.domain.status import Action, Status
from chalicelib.domain.workflow import Event
from chalicelib.errors import Conflict, IdCollision
from chalicelib.observability import count, logger, traced
from chalicelib.services.base import PhotoCheckingService, Unchanged, short_hash
from chalicelib.services.handover_guard import HandoverRefused

KEPT_CHANGING = "report kept changing while applying a message"
LATE_UPDATE = "late_update"


class Handled(Struct, frozen=True):
    """What one inbound message came to: the report as it stands, and why it was dropped (changing
    nothing) if it was: ``LATE_UPDATE``, or the code of the reporter's feedback that no longer fits
    the copy (e.g. ``already_closed``); None when it was applied."""

    report: Report | None
    dropped: str | None = None


class EscalationInbox(PhotoCheckingService):
    """Applies messages from other provinces to this province's reports."""

    @traced
    def handle(self, message: InboundMessage, *, now: datetime | None = None) -> Handled:
        """Apply one inbound message, or drop it (a late update)."""
        now = now or utcnow()
        if isinstance(message, Escalate):
            return Handled(self.receive(message, now))
        if isinstance(message, Update):
            return self.take_update(message, now)
        return self.apply_feedback(message)

    def receive(self, message: Escalate, now: datetime) -> Report:
        """Accept a neighbour's report: our copy, our agency, our clock; or hand it back."""
        key = case_key(self.province.code, message.report.id)
        accept_id = f"{key}:accept:{short_hash(message.event_id, 12)}"
        incoming = message.report
        blank = Report(
            key=key,
            id=incoming.id,
            province=self.province.code,
            category=incoming.category,
            description=incoming.description,
            location=incoming.location(),
            visibility=incoming.visibility,
            status=Status.MENUNGGU,
            created_at=incoming.created_at,
            updated_at=now,
            address=incoming.address,
            origin_province=message.origin_province,
            photos=tuple(incoming.photos),
            reporter_opted_in=False,
        )
        copy = self._decide(blank, message, now, accept_id)
        # Created first, read only if a copy exists (a redelivery, or a report handed back earlier and
        # escalated here again): the usual first hand-over costs one write and no read.
        try:
            saved = self.reports.create(copy)  # the copy as stored: no read back
        except IdCollision:
            return self._receive_again(message, now, key, accept_id)
        logger.info("escalation received", extra={"report_id": copy.id, "status": copy.status.value})
        self.publisher.published(None, saved)
        self._remember_photos(saved)
        return saved

    def _remember_photos(self, copy: Report) -> None:
        """The citizen's photos, fingerprinted here too: this province judges the copy's evidence, and
        a resolve with the report's own "before" photo must be seen as one (idempotent)."""
        if copy.photos:
            self.evidence().fingerprint_report(copy)

    def _receive_again(self, message: Escalate, now: datetime, key: str, accept_id: str) -> Report:
        """A copy exists: repeat what this hand-over called for, or reopen the copy for a new one."""
        repeated = False

        def decide(existing: Report | None) -> Report | Unchanged[Report | None]:
            nonlocal repeated
            repeated = existing is not None and existing.has_event(accept_id)
            if existing is None or repeated:
                return Unchanged(existing, republish=accept_id if repeated else None)
            # Handed back earlier and now escalated here again: reopen our copy for the new hand-over.
            base = replace(
                existing,
                status=Status.MENUNGGU,
                closed=False,
                agency=None,
                coordinate_due=None,
                finish_due=None,
                overdue=False,
                escalation_level=0,
                sla_check_at=None,
            )
            return self._decide(base, message, now, accept_id)

        saved = self.change(
            lambda: self.reports.get(key, consistent=True), decide, kept_changing=KEPT_CHANGING
        )
        if saved is None:
            return self.receive(message, now)  # gone meanwhile: create it again
        if not repeated:
            self._remember_photos(saved)
        return saved

    def _decide(self, blank: Report, message: Escalate, now: datetime, event_id: str) -> Report:
        origin = self.registry.get(message.origin_province)
        if message.report.category not in self.province.categories:
            event = Event(event_id, now, self.province.code, note="Kategori tidak tersedia di provinsi ini")
            return workflow.hand_back(blank, origin, None, event)
        decision = route(self.province, blank.category, blank.location.area_code, received_from=origin.code)
        if decision.agency is None:
            return workflow.hand_back(
                blank, origin, None, Event(event_id, now, self.province.code, note=decision.reason)
            )
        agency = self.province.agency(decision.agency)
        note = f"Diterima Provinsi {self.province.name}; diteruskan ke {agency.name}"
        if message.reason:  # why the origin sent it (on a second hand-over, its answer to our hand-back)
            note += _origin_reason(origin.name, message.reason)
        event = Event(event_id, now, self.province.code, note=note)
        return workflow.assign(blank, self.province, agency.id, event, action=Action.ACCEPT)

    def apply_update(self, message: Update, now: datetime) -> Report | None:
        """Mirror the receiving province's state on our original report."""
        return self.take_update(message, now).report

    def take_update(self, message: Update, now: datetime) -> Handled:
        """``apply_update``, saying whether the update was dropped as late."""
        back_id = f"{message.event_id}:back"
        dropped: str | None = None

        def decide(report: Report | None) -> Report | Unchanged[Report | None]:
            nonlocal dropped
            dropped = None  # decided again on each read
            if report is not None and report.has_event(back_id):
                return Unchanged(report, republish=back_id)
            if report is not None and _late(report, message):
                dropped = LATE_UPDATE
                count("HandoverUpdatesLate")
                logger.info(
                    "late update from the province that handed the report back; dropped",
                    extra={"report_id": report.id, "from_province": message.from_province},
                )
                return Unchanged(report)
            if report is None or report.escalated_to != message.from_province:
                raise HandoverRefused("update for a report not handed to its sender", code="not_handed_over")
            from_province = self.registry.get(message.from_province)
            told = _without_our_reasons(report, self.province.name, message)
            if message.returned:
                # Merge their entries without mirroring their (closed) status, then route it here.
                unchanged = msgspec.structs.replace(told, seq=report.remote_version)
                base = workflow.mirror_remote(report, unchanged) or report
                agency = self._take_back_agency(base, message)
                event = Event(back_id, now, self.province.code)
                return workflow.take_back(base, self.province, agency, from_province, event)
            mirrored = workflow.mirror_remote(report, told)
            return Unchanged(report) if mirrored is None else mirrored

        report = self.change(
            lambda: self.reports.get(message.origin_id, consistent=True), decide, kept_changing=KEPT_CHANGING
        )
        return Handled(report, dropped)

    def _take_back_agency(self, report: Report, message: Update) -> str:
        suggested = message.suggested_agency
        if suggested and suggested in self.province.agencies:
            return suggested
        decision = route(
            self.province, report.category, report.location.area_code, received_from=message.from_province
        )
        return decision.agency or self.province.data.routing.default_agency

    def apply_feedback(self, message: Feedback) -> Handled:
        """The reporter confirmed or reopened at the origin: apply it to our copy, or drop it when it
        no longer fits the copy's state."""
        key = case_key(self.province.code, message.origin_id)
        dropped: str | None = None

        def read() -> Report:
            copy = self.reports.get(key, consistent=True)
            if copy is None:  # the escalate comes first in the report's message group: never handed over
                raise HandoverRefused("feedback for a report never handed over", code="not_handed_over")
            return copy

        def decide(copy: Report) -> Report | Unchanged[Report]:
            nonlocal dropped
            dropped = None  # decided again on each read
            if copy.has_event(message.event_id):
                return Unchanged(copy, republish=message.event_id)
            event = Event(message.event_id, message.at, message.from_province, note=message.reason)
            try:
                if message.action == "confirm":
                    return workflow.confirm(copy, self.province, message.rating or 0, event)
                return workflow.reopen(copy, self.province, event)
            except (
                Conflict
            ) as refused:  # e.g. the copy closed meanwhile (already_closed, reopen_expired, confirm_expired)
                # Ignored, not retried into the DLQ: the copy's own state stands, and its latest update
                # goes again so the origin mirrors it
                dropped = refused.code
                logger.warning(
                    "feedback does not fit the copy's state; ignored",
                    extra={"report_id": copy.id, "code": refused.code},
                )
                own = next((e for e in reversed(copy.timeline) if e.province == copy.province), None)
                return Unchanged(copy, republish=own.event_id if own else None)

        copy = self.change(read, decide, kept_changing=KEPT_CHANGING)
        return Handled(copy, dropped)


def _origin_reason(origin_name: str, reason: str) -> str:
    """What the receiver's acceptance adds to its note: why the origin handed the report over."""
    return f" (dari Provinsi {origin_name}: {reason})"


def _without_our_reasons(report: Report, here_name: str, update: Update) -> Update:
    """``update`` with its acceptance notes as the origin keeps them: without the reason the origin handed
    the report over with (``_origin_reason``), which the origin's own escalate step just before says
    already (its timeline would say it twice). The receiver's copy keeps it."""
    echoes = [
        _origin_reason(here_name, entry.note)
        for entry in report.timeline
        if entry.action is Action.ESCALATE and entry.province == report.province and entry.note
    ]
    entries = [
        msgspec.structs.replace(entry, note=_unechoed(entry.note, echoes))
        if entry.action is Action.ACCEPT and entry.note
        else entry
        for entry in update.entries
    ]
    return msgspec.structs.replace(update, entries=entries)


def _unechoed(note: str, echoes: list[str]) -> str:
    return next((note.removesuffix(echo) for echo in echoes if note.endswith(echo)), note)


def _late(report: Report, message: Update) -> bool:
    """An authentic update its sender sent again (the answer to its hand-back lost, its sweep sending a
    later version) after we took the report back: the report is no longer with the sender, which
    handed it back (its return step is in our timeline), or the update is a hand-back already taken
    back (its return step is ours already) while the report is with the sender again, or, while the
    sender has not yet acknowledged the report handed to it again, an update of the earlier hand-over
    (every entry ours already: any update of the new one brings the sender's acceptance of it)."""
    if report.escalated_to != message.from_province:
        return report.handed_back_by(message.from_province)
    if not report.remote_version and report.handed_back_by(message.from_province):
        # Its sequence number cannot tell: the count started again when the report was taken back
        return all(report.has_event(entry.event_id) for entry in message.entries)
    latest = message.entries[-1] if message.entries else None
    return message.returned and latest is not None and report.has_event(latest.event_id)
