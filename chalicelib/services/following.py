"""Following a public report by e-mail: a request, a confirmation e-mail (double opt-in), updates.

A follower's id is ``f`` and 16 hex digits of its address's keyed hash (``ADUAN_ADDRESS_KEY``). The
request stores the address as a pending follower in the private table and asks the notify
handler (queue message: report key and follower id only) to send the confirmation e-mail, whose
link (a single-purpose ``follow`` token) makes the follower. Followers get the same updates as the
reporter, never the reporter's identity or words, and no confirm/reopen link, until the report's
retention end (``retention_end``: its creation plus the province's ``contact_retention_days``), when
the reporter's contact goes too; a report past it can no longer be followed, nor can a closed one (a
request confirmed after its report closed answers ``link_gone`` with its number: the tracking page
says it is closed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.config import address_key
from chalicelib.domain.clock import utcnow
from chalicelib.domain.private import retention_end
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import NotFound
from chalicelib.notices.recipients import follower_id, legacy_follower_id
from chalicelib.services.links import LinkTokens, gone
from chalicelib.services.tracking import TrackingService

if TYPE_CHECKING:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.data.queues import QueueGateway
REQUEST_VALID = timedelta(days=2)
PRIVATE = "Hanya laporan publik yang bisa diikuti (only public reports can be followed)."
CLOSED = (
    "Laporan ini sudah ditutup: tidak ada kabar lagi untuk diikuti "
    "(this report is closed: there is no more news to follow)."
)
ENDED = (
    "Kabar laporan ini untuk pengikut sudah berakhir (masa simpan data) "
    "(this report's updates to followers have ended: the retention period has passed)."
)


class Following:
    """Follow requests and their confirmation, for one province's reports."""

    def __init__(
        self,
        tracking: TrackingService,
        records: NoticeStore,
        queues: QueueGateway,
        province: str,
        *,
        key: Callable[[], bytes] = address_key,
    ) -> None:
        self.tracking = tracking
        self.key = key  # of follower ids (``ADUAN_ADDRESS_KEY``)
        self.records = records
        self.queues = queues
        self.province = province
        self.links = LinkTokens(records, province)

    def _kept_until(self, report: Report, now: datetime) -> int:
        """The end of the report's followers' retention (their TTL); 404 ``follow_ended`` once past."""
        days = self.tracking.registry.get(self.province).data.contact_retention_days
        end = retention_end(report.created_at, days)
        if now.timestamp() >= end:
            raise NotFound(ENDED, code="follow_ended")
        return end

    def request(self, report_id: str, email: str, language: str, now: datetime | None = None) -> str:
        """Ask to follow a public report; answers its id. The address is only told the link."""
        report = self.tracking.find(report_id)
        if report.visibility is not Visibility.PUBLIC or report.is_received_escalation:
            raise NotFound(PRIVATE, code="not_followable")
        if report.closed:
            raise NotFound(CLOSED, code="follow_closed")
        now = now or utcnow()
        self._kept_until(report, now)
        follower = follower_id(email, self.key())
        self.records.put_pending(
            report.key, follower, language, email, int((now + REQUEST_VALID).timestamp())
        )
        self.queues.send_notify({"key": report.key, "follow": follower})
        return report.id

    def confirm(self, token: str, now: datetime | None = None) -> str:
        """The confirmation link was opened: the address follows the report; answers its id."""
        now = now or utcnow()
        record = self.links.peek(token, "follow", now)
        wanted = self.records.pending(record.report_key, record.recipient, now_epoch=now.timestamp())
        report = self.tracking.reports.get(record.report_key)
        if wanted is None or report is None:
            raise NotFound("Permintaan tidak ditemukan (request not found).", code="link_gone")
        if report.closed:  # closed since the request: following it would bring no news, ever
            raise gone(record)
        language, email = wanted
        kept = self._kept_until(report, now)
        follower = self._known_as(record.report_key, record.recipient, email, now)
        self.records.add_follower(record.report_key, follower, language, email, kept)
        self.links.use(token, "follow", now)
        return record.report_key.split("~")[-1]

    def _known_as(self, report_key: str, follower: str, email: str, now: datetime) -> str:
        """The id under which the address already follows the report (its id from before the key, or
        the keyed one when a request made before the key is confirmed), else ``follower``: one address,
        one follower."""
        ids = {follower_id(email, self.key()), legacy_follower_id(email)}
        known = ids & self.records.follower_ids(report_key, now_epoch=now.timestamp())
        return follower if follower in known or not known else min(known)
