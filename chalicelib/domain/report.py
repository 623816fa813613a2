"""The report aggregate and its timeline, as plain data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType
from msgspec.structs import replace

from chalicelib.domain.clock import Moment
from chalicelib.domain.geo import rounded
from chalicelib.domain.ids import EventId
from chalicelib.domain.status import Action, Status
from chalicelib.provinces.model import AgencyId
from chalicelib.validation import EVIDENCE_MAX_LENGTH, NOTE_MAX_LENGTH, ProvinceCode, PublicPhotoKey

ESCALATION_RESEND_AFTER = timedelta(minutes=5)
ESCALATION_RESEND_MAX = timedelta(hours=1)  # re-sends of a hand-over nobody acknowledges slow to hourly
# The reporter of a Selesai report is reminded this long before it closes by itself (one constant, not a
# province setting: the timer is read from the report alone, with no stored attribute to carry a lead)
REMIND_BEFORE = timedelta(days=2)
ACCOUNT_MAX_LENGTH = 128  # an agency account's id (the token's ``sub``) a step records


class Visibility(StrEnum):
    """Who may see the report's content. Private by default, as JAKI."""

    PRIVATE = "private"
    PUBLIC = "public"


class Location(Struct, frozen=True):
    """Where the problem is: coordinates and the Kemendagri area code."""

    lat: float
    lon: float
    area_code: str


CheckOutcome = Literal["pass", "fail", "unknown"]
Check = Literal["time", "place", "fresh"]


class CheckReason(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Why one check of an evidence photo did not pass, for people (``id``: Bahasa Indonesia, ``en``)
    and machines (``code``). Decoded strictly: it also arrives in another province's update."""

    check: Check
    code: Annotated[str, Meta(min_length=1, max_length=40, pattern="^[a-z_]+$")]
    id: Annotated[str, Meta(min_length=1, max_length=300)]
    en: Annotated[str, Meta(min_length=1, max_length=300)]


class EvidenceCheck(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The verdict on a resolve's evidence photo, taken before its metadata was stripped (issue #16).

    ``verified`` only when the photo was taken after the report, at its place, and never seen before.
    ``domain.evidence.judge`` makes it; the resolve entry keeps it as is (here, so the API's cold
    path can read it without loading the image checks).
    """

    verified: bool
    time: CheckOutcome
    place: CheckOutcome
    fresh: CheckOutcome
    reasons: Annotated[tuple[CheckReason, ...], Meta(max_length=10)] = ()

    @classmethod
    def of(
        cls, time: CheckOutcome, place: CheckOutcome, fresh: CheckOutcome, reasons: tuple[CheckReason, ...]
    ) -> EvidenceCheck:
        """The check with these outcomes and reasons: verified only when all three pass."""
        return cls((time, place, fresh) == ("pass", "pass", "pass"), time, place, fresh, reasons)


class TimelineEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One change in a report's life, as the citizen will read it (and as an update carries it)."""

    event_id: EventId
    at: Moment
    action: Action
    status: Status
    province: ProvinceCode
    agency: AgencyId | None = None
    note: Annotated[str, Meta(max_length=NOTE_MAX_LENGTH)] | None = None
    evidence: Annotated[str, Meta(max_length=EVIDENCE_MAX_LENGTH)] | None = None  # a reference, never a link
    target: Annotated[str, Meta(max_length=60)] | None = None
    # the cleaned copy of a photo uploaded for this very action (resolve), used for no other report
    evidence_photo: PublicPhotoKey | None = None
    evidence_check: EvidenceCheck | None = None  # resolve with a photo: what the checks found
    # The account that took the step when it was not an officer of the report's agency: a coordinator's
    # or admin's step (``access.recorded_account``). Internal: shown to officers only, never to
    # citizens, and never handed to another province (``handed_over``). UNSET, not None, when there is
    # none: an unset field is never encoded, so an update's entries carry no ``by`` key at all, which a
    # receiver that does not know the field (decoding strictly) would refuse.
    by: Annotated[str, Meta(max_length=ACCOUNT_MAX_LENGTH)] | UnsetType = UNSET

    def handed_over(self) -> TimelineEntry:
        """The entry as it travels between provinces (an update's): without the account that took it."""
        return self if self.by is UNSET else replace(self, by=UNSET)


class Report(Struct, frozen=True):
    """A citizen report, or another province's copy of one it escalated here.

    ``key`` is the storage key; it equals ``id`` for a province's own reports and
    is ``<province>~<origin id>`` for an escalation received from elsewhere.
    """

    key: str
    id: str
    province: str
    category: str
    description: str
    location: Location
    visibility: Visibility
    status: Status
    created_at: datetime
    updated_at: datetime
    address: str | None = None
    agency: str | None = None
    coordinate_due: datetime | None = None
    finish_due: datetime | None = None
    estimated_completion: date | None = None
    overdue: bool = False
    escalation_level: int = 0
    # when the sweep looks again: at an overdue report, or to re-send an unacknowledged hand-over
    sla_check_at: datetime | None = None
    escalated_to: str | None = None
    remote_agency: str | None = None
    remote_version: int = 0
    origin_province: str | None = None
    closed: bool = False
    rating: int | None = None
    resolved_at: datetime | None = None
    autoclose_at: datetime | None = None
    secret_hash: str | None = None
    photos: tuple[str, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    version: int = 0
    # Citizens who support the report instead of reporting it again (duplicates merged in count too).
    support_count: int = 0
    duplicate_of: str | None = None  # the original's id, while this report is merged into it
    duplicates: tuple[str, ...] = ()  # ids of the reports merged into this one
    # The reporter opted in to a notification channel at submit; None when the stored report has no
    # such attribute (taken as yes). A copy received from another province: no (its origin tells).
    reporter_opted_in: bool | None = None
    # When the sweep sends again the hand-over message another province's queue refused (a copy's
    # state to its origin, the reporter's confirm or reopen to the province handling it); None: none owed
    handover_due: datetime | None = None

    @property
    def map_place(self) -> tuple[float, float]:
        """Where the report is shown on a map: a public one's place, a private one's to about 110 m."""
        if self.visibility is Visibility.PUBLIC:
            return self.location.lat, self.location.lon
        return rounded(self.location.lat, self.location.lon)

    @property
    def is_open(self) -> bool:
        """True while the report may still be worked on (nearby listing, support, merge)."""
        return self.status.is_open and not self.closed

    @property
    def area_province(self) -> str:
        """The province the location lies in."""
        return self.location.area_code[:2]

    @property
    def has_audience(self) -> bool:
        """True when a citizen may have to be told of its changes: its reporter opted in, it is public
        (it may have followers), or reports were merged into it (their reporters and followers)."""
        return (
            self.reporter_opted_in is not False
            or self.visibility is Visibility.PUBLIC
            or bool(self.duplicates)
        )

    @property
    def is_received_escalation(self) -> bool:
        """True for this province's copy of another province's report."""
        return self.origin_province is not None

    @property
    def next_timer(self) -> datetime | None:
        """When the sweeper must next look at this report: its own timer, or a hand-over owed."""
        own = self.own_timer
        if self.handover_due is None:
            return own
        return self.handover_due if own is None else min(own, self.handover_due)

    @property
    def own_timer(self) -> datetime | None:
        """The report's own next deadline, re-check, auto-close or re-send of its unacknowledged hand-over."""
        if self.closed or self.status is Status.DITOLAK:
            return None
        if self.escalated_to:
            # The other province's clock runs; ours only re-sends the hand-over until it is acknowledged.
            if self.remote_version:
                return None
            return self.sla_check_at or self.updated_at + ESCALATION_RESEND_AFTER
        if self.status is Status.SELESAI:
            return self.reminder_due or self.autoclose_at
        if self.overdue:
            return self.sla_check_at
        if self.status is Status.PROSES:
            return self.finish_due
        pending = [d for d in (self.coordinate_due, self.finish_due) if d is not None]
        return min(pending) if pending else None

    @property
    def reminder_due(self) -> datetime | None:
        """When the sweep reminds the reporter that this Selesai report closes by itself: ``REMIND_BEFORE``
        its auto-close, once per Selesai round. None once this round's reminder is in the timeline, for a
        report whose reporter did not opt in (a copy from another province cannot know: its origin
        decides), and for a window too short to remind within it (the reminder would follow Selesai)."""
        if self.status is not Status.SELESAI or self.closed or not self.autoclose_at or not self.resolved_at:
            return None
        if self.reporter_opted_in is False and not self.is_received_escalation:
            return None
        at = self.autoclose_at - REMIND_BEFORE
        if at <= self.resolved_at or self.reminded:
            return None
        return at

    @property
    def reminded(self) -> bool:
        """True if this Selesai round's reminder is in the timeline (an earlier round's has its own id)."""
        return self.has_event(self.reminder_event_id)

    @property
    def reminder_event_id(self) -> str:
        """The id of this Selesai round's reminder: the round is the number of resolves so far."""
        rounds = sum(1 for entry in self.timeline if entry.action is Action.RESOLVE)
        return f"{self.key}:remind:{rounds}"

    @property
    def selesai_round(self) -> str | None:
        """The id of the latest resolve step: the Selesai round a reporter's confirm or reopen answers."""
        resolve = self.latest(Action.RESOLVE)
        return resolve.event_id if resolve else None

    def latest(self, action: Action) -> TimelineEntry | None:
        """The latest entry of ``action``, or None."""
        return next((entry for entry in reversed(self.timeline) if entry.action is action), None)

    @property
    def evidence_check(self) -> EvidenceCheck | None:
        """The check of the latest resolve's photo (None without one, or before any resolve)."""
        resolve = self.latest(Action.RESOLVE)
        return resolve.evidence_check if resolve else None

    @property
    def evidence_in_doubt(self) -> bool:
        """Selesai on a photo that is not verified, not yet accepted by a coordinator, still open to review.

        A copy handed to another province is reviewed there (it is that province's work).
        """
        if self.status is not Status.SELESAI or self.closed or self.escalated_to:
            return False
        for entry in reversed(self.timeline):
            if entry.action is Action.ACCEPT_EVIDENCE:
                return False
            if entry.action is Action.RESOLVE:
                return entry.evidence_check is not None and not entry.evidence_check.verified
        return False

    @property
    def resolved_by(self) -> str | None:
        """The account of the latest resolve, when one was recorded (a coordinator's or admin's resolve;
        None for the agency's own officer, and for a resolve stored without an account)."""
        resolve = self.latest(Action.RESOLVE)
        return (resolve.by or None) if resolve else None

    def resolved_by_account(self, account: str | None) -> bool:
        """True if the latest resolve recorded ``account``: its evidence is not that account's to review."""
        return account is not None and self.resolved_by == account

    @property
    def reopened_at(self) -> datetime | None:
        """When the reporter last reopened it (said the work was not done), or None if never."""
        return next((e.at for e in reversed(self.timeline) if e.action is Action.REOPEN), None)

    def handed_back_by(self, province: str) -> bool:
        """True if ``province`` once handed this report back (its return step, merged from its update)."""
        return any(entry.action is Action.RETURN and entry.province == province for entry in self.timeline)

    @property
    def hand_back(self) -> TimelineEntry | None:
        """The return step of the province that last handed this report back (merged from its update),
        while the report is handled here again: None once it is handed over anew, and on a report no
        other province ever handed back."""
        for entry in reversed(self.timeline):
            if entry.action is Action.ESCALATE and entry.province == self.province:
                return None
            if entry.action is Action.RETURN and entry.province != self.province:
                return entry
        return None

    def has_event(self, event_id: str) -> bool:
        """True if the event was already applied (redelivered messages are no-ops)."""
        return any(entry.event_id == event_id for entry in self.timeline)

    def with_entries(self, entries: Sequence[TimelineEntry], **changes: object) -> Report:
        """A copy with ``entries`` merged into the timeline (in time order) and ``changes`` applied."""
        timeline = tuple(sorted((*self.timeline, *entries), key=lambda e: e.at))
        updated_at = max([self.updated_at, *(entry.at for entry in entries)])
        return replace(self, timeline=timeline, updated_at=updated_at, **changes)
