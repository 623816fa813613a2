"""Following a public report by e-mail: a request, a confirmation e-mail (double opt-in), updates.

The request stores the address as a pending follower in the private table and asks the notify
handler (queue message: report key and follower id only) to send the confirmation e-mail, whose
link (a single-purpose ``follow`` token) makes the follower. Followers get the same updates as the
reporter, never the reporter's identity or words, and no confirm/reopen link.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Visibility
from chalicelib.errors import NotFound
from chalicelib.notices.recipients import follower_id
from chalicelib.services.links import LinkTokens
from chalicelib.services.tracking import TrackingService

if TYPE_CHECKING:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.data.queues import QueueGateway
REQUEST_VALID = timedelta(days=2)
PRIVATE = "Hanya laporan publik yang bisa diikuti (only public reports can be followed)."


class Following:
    """Follow requests and their confirmation, for one province's reports."""

    def __init__(
        self, tracking: TrackingService, records: NoticeStore, queues: QueueGateway, province: str
    ) -> None:
        self.tracking = tracking
        self.records = records
        self.queues = queues
        self.links = LinkTokens(records, province)

    def request(self, report_id: str, email: str, language: str, now: datetime | None = None) -> str:
        """Ask to follow a public report; answers its id. The address is only told the link."""
        report = self.tracking.find(report_id)
        if report.visibility is not Visibility.PUBLIC or report.is_received_escalation:
            raise NotFound(PRIVATE, code="not_followable")
        now = now or utcnow()
        follower = follower_id(email)
        self.records.put_pending(
            report.key, follower, language, email, int((now + REQUEST_VALID).timestamp())
        )
        self.queues.send_notify({"key": report.key, "follow": follower})
        return report.id

    def confirm(self, token: str, now: datetime | None = None) -> str:
        """The confirmation link was opened: the address follows the report; answers its id."""
        now = now or utcnow()
        record = self.links.peek(token, "follow", now)
        wanted = self.records.pending(record.report_key, record.recipient)
        if wanted is None:
            raise NotFound("Permintaan tidak ditemukan (request not found).", code="link_gone")
        language, email = wanted
        self.records.add_follower(record.report_key, record.recipient, language, email)
        self.links.use(token, "follow", now)
        return record.report_key.split("~")[-1]
