"""Telling citizens: one timeline entry -> at most one message per (recipient, channel).

The notify queue carries ``{"key", "entry"}`` only (no address, no content). For each recipient and
channel the handler first claims a sent-record of the message with a conditional put, then sends,
then marks it sent: a redelivered message, or one handled twice concurrently, finds the claim and
sends nothing (at most once; a crash between the claim and the send loses that one message rather
than sending it twice). A throttled send gives its claim back and fails the record, so SQS retries
it with backoff (and after a few receives parks it in the DLQ, whose alarm fires). After
``HOURLY_LIMIT`` messages in an hour to one recipient about one report the rest are held and folded
into one summary sent when the hour ends. A send that fails ambiguously (a 5xx or a timeout: perhaps
delivered) is not retried; only an explicit throttling answer is.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from msgspec.structs import replace

from chalicelib.config import FOLLOW_MAIL_WINDOW_HOURS, FOLLOW_MAILS_PER_ADDRESS, address_key
from chalicelib.domain.private import Addressee
from chalicelib.domain.report import Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.errors import DeliveryUnknown, RetryableUnavailable, Undeliverable
from chalicelib.notices import texts
from chalicelib.notices.kinds import (
    CONFIRMABLE,
    NOT_TO_REPORTER,
    REPORTER_ONLY,
    Facts,
    Kind,
    facts,
    notice_kind,
)
from chalicelib.notices.recipients import Recipient, address_hash, legacy_address_hash, reporter_recipients
from chalicelib.notices.settings import NotifySettings
from chalicelib.observability import count, logger
from chalicelib.provinces.model import zone_label
from chalicelib.provinces.registry import Registry
from chalicelib.services.links import LinkTokens

if TYPE_CHECKING:
    from chalicelib.data.channels import Channels
    from chalicelib.data.notices import NoticeStore
    from chalicelib.data.queues import QueueGateway
    from chalicelib.data.reports import ReportRepository
HOURLY_LIMIT = 4  # a handed-over report can be handed, accepted, taken and done within one hour
# An entry not saved yet is read again strongly after these pauses (its save was slow), in place:
# deferring it at once would let a later entry's message, read after its own save, be told first.
SAVE_PAUSES_S = (0.25, 0.5)
WAIT_ATTEMPTS = 6  # then it is looked for again, 2 s to 64 s later, then dropped
RECORD_DAYS = 60
UNSUBSCRIBE_DAYS = 365
FOLLOW_MAIL_WINDOW = FOLLOW_MAIL_WINDOW_HOURS * 3600  # seconds


class Notifier:
    """Sends one province's notifications."""

    def __init__(
        self,
        reports: ReportRepository,
        records: NoticeStore,
        queues: QueueGateway,
        registry: Registry,
        province: str,
        *,
        senders: Callable[[], Channels],
        settings: Callable[[], NotifySettings],
        pause: Callable[[float], None] = time.sleep,
        key: Callable[[], bytes] = address_key,
    ) -> None:
        self.reports = reports
        self.records = records
        self.queues = queues
        self.registry = registry
        self.province = registry.get(province)
        self.senders = senders
        self.settings = settings
        self.pause = pause
        self.key = key  # of suppressed addresses (``ADUAN_ADDRESS_KEY``)
        self.links = LinkTokens(records, self.province.code)

    # --- an entry ---

    def entry(self, key: str, entry_id: str, attempt: int, now: datetime) -> int:
        """Tell everyone concerned about one entry; answers the number of messages sent.

        Read eventually consistent, at half the cost; only an entry not seen is looked for again
        on strong reads, at once and after ``SAVE_PAUSES_S`` (the message is sent just before its
        change is saved).
        """
        report = self.reports.get(key)
        entry = _find(report, entry_id)
        for pause in (0.0, *SAVE_PAUSES_S):
            if entry is not None:
                break
            if pause:
                self.pause(pause)
            report = self.reports.get(key, consistent=True)
            entry = _find(report, entry_id)
        if report is None or entry is None:
            self._wait_for(key, entry_id, attempt)
            return 0
        kind = notice_kind(report, entry)
        if kind is None:
            return 0
        told = self._facts(report, entry, kind)
        # Those who follow through a duplicate never read a private report's words.
        merged = told if told.public else replace(told, note=None)
        sent = 0
        for recipient in self.recipients(report, reporter_only=kind in REPORTER_ONLY, now=now):
            if kind in NOT_TO_REPORTER and not recipient.follower:
                continue
            sent += self._deliver(report, entry, merged if recipient.merged_from else told, recipient, now)
        return sent

    def recipients(
        self, report: Report, *, reporter_only: bool = False, now: datetime | None = None
    ) -> list[Recipient]:
        """The reporter's opted-in addresses, the report's followers (public reports only), then those
        of every report merged into it as a duplicate: they follow the original from then on.
        ``reporter_only``: the reporter's addresses alone (their contact is the only item read).
        A reporter's contact past its retention at ``now`` is none: nothing is sent to them."""
        at = now.timestamp() if now else None
        if reporter_only:
            contacts, _ = self.records.audience([report.id], now_epoch=at)
            return reporter_recipients(contacts.get(report.id))
        public = report.visibility is Visibility.PUBLIC
        # followers exist only on public reports, so a duplicate's are asked for without reading it
        followed = [report.key, *report.duplicates] if public else list(report.duplicates)
        contacts, following = self.records.audience([report.id, *report.duplicates], followed, now_epoch=at)

        def own(report_id: str, key: str) -> list[Recipient]:
            theirs = reporter_recipients(contacts.get(report_id))
            return theirs + [Recipient(f, "email", email, lang) for f, lang, email in following.get(key, ())]

        found = own(report.id, report.key)
        for duplicate in report.duplicates:
            found += [r.via(duplicate) for r in own(duplicate, duplicate)]
        return found

    def follow_confirmation(self, key: str, follower: str, now: datetime) -> int:
        """Send the confirmation e-mail of a follow request (double opt-in), once per request hour, and
        at most ``FOLLOW_MAILS_PER_ADDRESS`` to one address in ``FOLLOW_MAIL_WINDOW_HOURS``: past that
        none goes out (the request expires unanswered), so asking to follow many reports for someone
        else's address cannot fill their inbox."""
        # the following service (and the tracking and intake services it loads) only for this message
        from chalicelib.services.following import REQUEST_VALID  # how long its link works

        wanted = self.records.pending(key, follower)
        if wanted is None:
            return 0
        language, email = wanted
        if self._suppressed(email):
            return 0
        to, about = Addressee(key, follower, "email"), f"follow:{now:%Y%m%d%H}"
        if not self.records.claim(to, about, _epoch(now + timedelta(days=RECORD_DAYS))):
            return 0
        hashed = address_hash(email, self.key())
        if not self._follow_mail_counted(to, about, hashed, now):
            return 0

        def send() -> None:
            # the link's token is written here, so that a throttled write gives the claim back too
            try:
                token = self.links.issue("follow", key, follower, now + REQUEST_VALID)
                link = self.settings().token_link("follow.html", token)
                mail = texts.follow_email(key.split("~")[-1], language, link)
                # no List-Unsubscribe: nothing is followed yet, and a mail client's "unsubscribe" on
                # this link would open the page that starts following
                self.senders().email(email, mail.subject, mail.body)
            except RetryableUnavailable:  # nothing went out: the retry counts it again
                self.records.uncount_follow_mail(self.province.code, hashed, _epoch(now), FOLLOW_MAIL_WINDOW)
                raise

        # a throttled mark_sent after the send is no give-back: the e-mail went out
        return self._send_claimed(to, about, send)

    def _follow_mail_counted(self, to: Addressee, about: str, hashed: str, now: datetime) -> bool:
        """Count a follow confirmation to the address ``hashed`` (claimed as ``about``); False past its
        cap, the claim then marked sent so that a redelivery counts nothing again."""
        try:
            counted = self.records.count_follow_mail(
                self.province.code, hashed, FOLLOW_MAILS_PER_ADDRESS, _epoch(now), FOLLOW_MAIL_WINDOW
            )
        except RetryableUnavailable:  # nothing told yet: the claim goes back for the retry
            self.records.release(to, about)
            raise
        if not counted:
            self.records.mark_sent(to, about)
            logger.info("a follow confirmation e-mail was held back: its address had its share for the day")
            count("FollowMailsHeld")
        return counted

    def _wait_for(self, key: str, entry_id: str, attempt: int) -> None:
        """The message was sent before its change was saved: look again later, or give up."""
        if attempt + 1 >= WAIT_ATTEMPTS:
            logger.info("notification for an entry never saved dropped", extra={"attempt": attempt})
            return
        self.queues.send_notify(
            {"key": key, "entry": entry_id, "attempt": attempt + 1}, delay_seconds=2 << attempt
        )

    def _facts(self, report: Report, entry: TimelineEntry, kind: Kind) -> Facts:
        provinces = self.registry.provinces
        agency = provinces.get(entry.province, self.province).agencies.get(entry.agency or "")
        other = provinces.get((report.escalated_to if kind is Kind.HANDED else entry.province) or "")
        name = agency.name if agency else None
        province = other.name if other else None
        window_end = self._window_end(report, kind)
        zone, label = self.province.zone, zone_label(self.province.data)
        return facts(
            report,
            entry,
            kind,
            agency=name,
            province=province,
            zone=zone,
            home=self.province.name,
            window_end=window_end,
            zone_label=label,
        )

    # --- one recipient and channel ---

    def _deliver(
        self, report: Report, entry: TimelineEntry, told: Facts, to: Recipient, now: datetime
    ) -> int:
        if to.channel == "email" and self._suppressed(to.address):
            return 0
        box = _addressee(report, to)
        if not self.records.claim(box, entry.event_id, _epoch(now + timedelta(days=RECORD_DAYS))):
            return 0
        hour = now.strftime("%Y%m%d%H")
        expires = _epoch(now + timedelta(hours=2))
        try:
            count = self.records.count(box, hour, expires)
            if count > HOURLY_LIMIT:
                line = f"{self._clock(entry.at)} {texts.title(told.kind, to.language)}"
                self.records.hold(box, hour, line, expires)
                self.records.mark_sent(box, entry.event_id)
                if count == HOURLY_LIMIT + 1:  # the first held update of the hour schedules its summary
                    self._schedule_digest(report.key, hour, f"{to.id}:{to.channel}", now)
                return 0
        except RetryableUnavailable:  # nothing told yet: the claim goes back for the retry
            self.records.release(box, entry.event_id)
            raise
        return self._send_claimed(box, entry.event_id, lambda: self._send(report, entry, told, to, now))

    def _clock(self, moment: datetime) -> str:
        """A time of day as the tracking page shows it: the province's, labelled (``01:35 WIB``)."""
        return f"{moment.astimezone(self.province.zone):%H:%M} {zone_label(self.province.data)}"

    def _send_claimed(self, to: Addressee, about: str, send: Callable[[], object]) -> int:
        try:
            send()
        except RetryableUnavailable:
            self.records.release(to, about)
            raise
        except (Undeliverable, DeliveryUnknown) as error:
            # refused for good, or perhaps sent: never sent again (at most once per recipient)
            logger.warning(
                "a notification was not confirmed", extra={"record": _opaque(to, about), "code": error.code}
            )
            count("NotificationsUnconfirmed")
            self.records.mark_sent(to, about)
            return 0
        self.records.mark_sent(to, about)
        count("NotificationsSent")
        return 1

    def _send(self, report: Report, entry: TimelineEntry, told: Facts, to: Recipient, now: datetime) -> None:
        # a Selesai message's link answers the resolve it tells of, even read after a later one
        answers = entry.event_id if entry.action is Action.RESOLVE else report.selesai_round
        merged_into = told.original if told.kind is Kind.MERGED else None
        links = self._links(report, to, now, self._window_end(report, told.kind), answers, merged_into)
        senders = self.senders()
        if to.channel == "sms":
            senders.sms(to.address, texts.sms(told, to.language, links))
            return
        mail = texts.email(told, to.language, links, follower=to.follows, merged_from=to.merged_from)
        _email(senders, to, mail, links)

    def _window_end(self, report: Report, kind: Kind) -> datetime | None:
        """When the confirm/reopen window of a Selesai report ends (a handed-over report's too)."""
        if kind not in CONFIRMABLE:
            return None
        from chalicelib.domain.sla import autoclose_after  # a Selesai entry's window only

        if report.autoclose_at:
            return report.autoclose_at
        resolved = report.latest(Action.RESOLVE)
        return resolved.at + autoclose_after(self.province) if resolved else None

    def _links(
        self,
        report: Report,
        to: Recipient,
        now: datetime,
        window_end: datetime | None,
        answers: str | None,
        merged_into: str | None = None,
    ) -> texts.Links:
        """Where a message points: the tracking page of the report, or of the original it was
        ``merged_into`` (its news is about that one from then on; a private original's page shows only
        what its id, named in the message, already lets anyone track); a confirm/reopen link until
        ``window_end`` (never a follower's), answering the Selesai round ``answers`` (its resolve step's
        id); the unsubscribe link of the recipient's own subscription (a duplicate's stays the
        duplicate's: what they asked for, and what stops the original's news to them too)."""
        config = self.settings()
        confirm = None
        if window_end and not to.follower and window_end > now:
            recipient = f"{to.id}:{to.channel}"
            token = self.links.issue("feedback", report.key, recipient, window_end, answers)
            confirm = config.token_link("feedback.html", token)
        page, one_click = self._unsubscribe(report, to, now)
        track = config.track_link(merged_into or report.id)
        return texts.Links(track, page, confirm=confirm, one_click=one_click, form=config.form_link())

    def _unsubscribe(self, report: Report, to: Recipient, now: datetime) -> tuple[str, str | None]:
        """An e-mail's unsubscribe page link and its one-click (RFC 8058) address; nothing for an SMS."""
        if to.channel != "email":
            return "", None
        config = self.settings()
        expires = now + timedelta(days=UNSUBSCRIBE_DAYS)
        token = self.links.issue("unsubscribe", report.key, f"{to.id}:{to.channel}", expires)
        return config.token_link("unsubscribe.html", token), config.one_click_link(token)

    # --- the hourly summary ---

    def _schedule_digest(self, key: str, hour: str, to_ref: str, now: datetime) -> None:
        """Ask for the summary of ``hour``'s held updates to ``to_ref`` a second after that hour ends."""
        end = datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=now.tzinfo) + timedelta(hours=1)
        message = {"key": key, "digest": hour, "to": to_ref}
        self.queues.send_notify(message, delay_seconds=int((end - now).total_seconds()) + 1)

    def digest(self, key: str, hour: str, to_ref: str, now: datetime) -> int:
        """Send the summary of an hour's held updates once the hour is over (else wait again)."""
        end = datetime.strptime(hour, "%Y%m%d%H").replace(tzinfo=now.tzinfo) + timedelta(hours=1)
        if now < end:
            self._schedule_digest(key, hour, to_ref, now)
            return 0
        report = self.reports.get(key, consistent=True)
        to = (
            next((r for r in self.recipients(report, now=now) if f"{r.id}:{r.channel}" == to_ref), None)
            if report
            else None
        )
        if report is None or to is None:
            return 0
        if to.channel == "email" and self._suppressed(to.address):  # a bounce or complaint within the hour
            return 0
        box, about = _addressee(report, to), f"digest:{hour}"
        held = sorted(self.records.held(box, hour))
        if not held or not self.records.claim(box, about, _epoch(now + timedelta(days=RECORD_DAYS))):
            return 0
        return self._send_claimed(box, about, lambda: self._send_digest(report, to, held, now))

    def _send_digest(self, report: Report, to: Recipient, held: list[str], now: datetime) -> None:
        # A report Selesai now may have been told so only in this summary: its confirm/reopen link too
        done = report.status is Status.SELESAI and not report.closed
        window_end = self._window_end(report, Kind.RESOLVED) if done else None
        # sent after the hour: the report as it is now says whether a held update merged it
        links = self._links(report, to, now, window_end, report.selesai_round, report.duplicate_of)
        until = window_end.astimezone(self.province.zone).date() if window_end and links.confirm else None
        at = self._clock(window_end) if window_end and links.confirm else None
        if to.channel == "sms":
            self.senders().sms(to.address, texts.digest_sms(report.id, len(held), to.language, links))
            return
        # A report Ditolak now (not merged: its news goes on about the original) may have been told so
        # only in this summary: what the citizen can do next too
        rejected = report.status is Status.DITOLAK and report.duplicate_of is None
        mail = texts.digest_email(
            report.id,
            len(held),
            held,
            to.language,
            links,
            confirm_until=until,
            confirm_time=at,
            rejected=rejected,
        )
        _email(self.senders(), to, mail, links)

    # --- SES feedback ---

    def _suppressed(self, email: str) -> bool:
        """Whether an address bounced or complained: by its keyed hash, or its unkeyed one from before
        the key (in the same read; such a suppression is then moved under the keyed hash)."""
        code = self.province.code
        return self.records.suppressed(code, address_hash(email, self.key()), legacy_address_hash(email))

    def feedback(self, reason: str, addresses: list[str]) -> int:
        """Suppress the addresses an SES bounce or complaint (``reason``) names; answers how many."""
        for address in addresses:
            self.records.suppress(self.province.code, address_hash(address, self.key()), reason)
        count("AddressesSuppressed", len(addresses))
        return len(addresses)


def _find(report: Report | None, entry_id: str) -> TimelineEntry | None:
    if report is None:
        return None
    return next((e for e in report.timeline if e.event_id == entry_id), None)


def _email(senders: Channels, to: Recipient, mail: texts.Email, links: texts.Links) -> None:
    """Send ``mail`` with its unsubscribe header: one-click on the API when the stage names it, else the
    page (opened by the mail client, where the recipient presses the button)."""
    unsubscribe = links.one_click or links.unsubscribe
    senders.email(to.address, mail.subject, mail.body, unsubscribe, one_click=links.one_click is not None)


def _addressee(report: Report, to: Recipient) -> Addressee:
    return Addressee(report.key, to.id, to.channel)


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _opaque(to: Addressee, about: str) -> str:
    """A message as logs may show it (its parts name no address, but keep logs short)."""
    return hashlib.sha256(f"{to.report_key}|{about}|{to.recipient}|{to.channel}".encode()).hexdigest()[:12]
