"""The reporter stops the news about their report, with the report's secret (the tracking page).

An SMS reporter has no unsubscribe link, and a "STOP" reply may never reach the SMS provider's opt-out
list (Indonesia's carriers do not carry two-way SMS through the major providers: docs/performance.md):
the secret checked as the reporter's confirm and reopen check it stops every channel the reporter opted
in to for this report. The contact item stays private and in place; only its opt-ins go. Followers
(who did not report it) keep theirs: each stops with their own e-mail's link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.access import require_reporter
from chalicelib.services.tracking import TrackingService

if TYPE_CHECKING:
    from chalicelib.data.notices import NoticeStore


class ReporterNotices:
    """The reporter's own notification settings, for one province's reports."""

    def __init__(self, tracking: TrackingService, records: NoticeStore) -> None:
        self.tracking = tracking
        self.records = records

    def stop(self, raw_id: str, secret: str | None) -> str:
        """No more messages to the reporter about the report (403 ``invalid_secret`` without its
        secret); answers its id. Idempotent: stopping again changes nothing."""
        report = self.tracking.find(raw_id)
        require_reporter(holds_secret=TrackingService.holds_secret(report, secret))
        self.records.drop_reporter(report.id)
        return report.id
