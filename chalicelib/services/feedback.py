"""The reporter closes the loop: confirm with a rating, or reopen with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain import workflow
from chalicelib.domain.access import require_reporter
from chalicelib.domain.clock import utcnow
from chalicelib.domain.private import TokenRecord
from chalicelib.domain.report import Report
from chalicelib.domain.status import CITIZEN_ACTIONS, Status
from chalicelib.domain.workflow import Event
from chalicelib.errors import ValidationFailed, report_not_found
from chalicelib.provinces.registry import Registry
from chalicelib.services.base import KEPT_CHANGING, ProvinceService, Unchanged, already_done, step_id
from chalicelib.services.links import gone
from chalicelib.services.outbox import ChangePublisher
from chalicelib.services.tracking import TrackingService
from chalicelib.validation import MAX_RATING

if TYPE_CHECKING:
    from chalicelib.data.reports import ReportRepository


class FeedbackService(ProvinceService):
    """Reporter feedback on a province's own reports."""

    def __init__(
        self, reports: ReportRepository, publisher: ChangePublisher, registry: Registry, province: str
    ) -> None:
        super().__init__(reports, publisher, registry, province)
        self.tracking = TrackingService(reports, registry, province)

    def respond(
        self,
        report_id: str,
        secret: str | None,
        *,
        action: str,
        rating: int | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
        now: datetime | None = None,
    ) -> Report:
        """Confirm (rating 1-5) or reopen (reason) a report marked Selesai."""

        def read() -> Report:
            report = self.tracking.find(report_id)
            require_reporter(holds_secret=TrackingService.holds_secret(report, secret))
            return report

        def event_id(report: Report) -> str:
            # The reporter is the one account that holds the report's secret; a random id without a key
            # is never one another province (whose steps the timeline merges) could have taken before
            body = {"rating": rating, "reason": reason}
            key = idempotency_key or None
            return step_id(report.key, action, body, caller="reporter", idempotency_key=key)

        return self._respond(
            read,
            event_id,
            action=action,
            rating=rating,
            reason=reason,
            now=now,
            idempotency_key=idempotency_key or None,
        )

    def awaiting_feedback(self, report_key: str, now: datetime, answers: str | None = None) -> Report | None:
        """The report if it is Selesai, open, and within a window to confirm or reopen it (and, with
        ``answers``, in that Selesai round: a link of an earlier round opens no later one); else None."""
        report = self.reports.get(report_key)
        awaits = (
            report is not None
            and report.status is Status.SELESAI
            and answers in (None, report.selesai_round)
            and not report.closed
            and not all(workflow.feedback_expired(report, self.province, a, now) for a in CITIZEN_ACTIONS)
        )
        return report if awaits else None

    def respond_by_link(
        self,
        link: TokenRecord,
        link_digest: str,
        *,
        action: str,
        rating: int | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> Report:
        """Confirm or reopen through a message's single-purpose link (its token checked by the caller).

        The event id comes from the link, whatever the action: one link applies one action, once. A link
        answers the Selesai round it was sent for (``link.answers``): once the report was resolved again,
        it is gone (404 ``link_gone``), as the message it came in told of another resolution.
        """

        def read() -> Report:
            report = self.reports.get(link.report_key, consistent=True)
            if report is None or report.province != self.province.code:
                raise report_not_found()
            if link.answers not in (None, report.selesai_round):
                raise gone(link)
            return report

        return self._respond(
            read,
            lambda report: f"{report.key}:link:{link_digest}",
            action=action,
            rating=rating,
            reason=reason,
            now=now,
        )

    def _respond(
        self,
        read: Callable[[], Report],
        event_id_of: Callable[[Report], str],
        *,
        action: str,
        rating: int | None,
        reason: str | None,
        now: datetime | None,
        idempotency_key: str | None = None,
    ) -> Report:
        def decide(report: Report) -> Report | Unchanged[Report]:
            event_id = event_id_of(report)
            if done := already_done(report, event_id, idempotency_key):
                return Unchanged(report, republish=done)
            event = Event(event_id, now or utcnow(), self.province.code, note=reason)
            if action == "confirm":
                if rating is None or not 1 <= rating <= MAX_RATING:
                    raise ValidationFailed(
                        f"Nilai harus 1 sampai {MAX_RATING} (rating must be 1-{MAX_RATING}).",
                        code="invalid_rating",
                    )
                return workflow.confirm(report, self.province, rating, event)
            return workflow.reopen(report, self.province, event)

        return self.change(read, decide, kept_changing=KEPT_CHANGING)
