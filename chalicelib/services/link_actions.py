"""What a message's links do: confirm or reopen one report, or stop one recipient's messages.

Each link carries a single-purpose token (``services/links.py``): never the report's secret. A
feedback link applies one action under an event id derived from the token, then marks the token
used (a retried request finds the event applied; a second action finds the token used).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from chalicelib.domain.clock import utcnow
from chalicelib.domain.private import CHANNELS
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import ValidationFailed
from chalicelib.notices.recipients import REPORTER, own_id
from chalicelib.services.base import short_hash
from chalicelib.services.feedback import FeedbackService
from chalicelib.services.links import LinkTokens, gone

if TYPE_CHECKING:
    from chalicelib.data.notices import NoticeStore


class LinkInfo(Struct, frozen=True):
    """What a link is for, shown before it is used (no contact detail)."""

    purpose: str
    report_id: str
    expires_at: int
    public_words: bool = False  # a feedback link's comment or reason is shown with its public report


class LinkActions:
    """One province's link endpoints."""

    def __init__(self, feedback: FeedbackService, records: NoticeStore, province: str) -> None:
        self.feedback = feedback
        self.records = records
        self.links = LinkTokens(records, province)

    def inspect(self, token: str, purpose: str, now: datetime | None = None) -> LinkInfo:
        """The link's purpose and report, if it can still be used: a feedback link only while its
        report awaits the reporter's word (Selesai, not closed, a window open); its form would be refused."""
        now = now or utcnow()
        record = self.links.peek(token, purpose, now)
        public_words = False
        if purpose == "feedback":
            report = self.feedback.awaiting_feedback(record.report_key, now, record.answers)
            if report is None:
                raise gone(record)
            public_words = report.visibility is Visibility.PUBLIC
        return LinkInfo(purpose, record.report_key.split("~")[-1], record.expires_at, public_words)

    def respond(
        self,
        token: str,
        *,
        action: str,
        rating: int | None = None,
        reason: str | None = None,
        now: datetime | None = None,
    ) -> Report:
        """Confirm (rating) or reopen (reason) the link's report, once."""
        now = now or utcnow()
        record = self.links.peek(token, "feedback", now)
        report = self.feedback.respond_by_link(
            record, short_hash(token), action=action, rating=rating, reason=reason, now=now
        )
        self.links.use(token, "feedback", now)
        return report

    def unsubscribe(self, token: str, now: datetime | None = None) -> str:
        """Stop the link's recipient's messages on its channel about its report; the report id."""
        now = now or utcnow()
        record = self.links.peek(token, "unsubscribe", now)
        recipient, _, channel = record.recipient.partition(":")
        if channel not in CHANNELS:
            raise ValidationFailed("Tautan rusak (broken link).", code="link_gone")
        # Someone told through a duplicate unsubscribes where their records are: the duplicate's.
        duplicate, who = own_id(recipient)
        key = duplicate or record.report_key
        report_id = key.split("~")[-1]
        if who == REPORTER:
            self.records.drop_channel(report_id, channel)
        else:
            self.records.drop_follower(key, who, now_epoch=now.timestamp())
        return record.report_key.split("~")[-1]
