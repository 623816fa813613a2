"""What every service that changes one province's reports is built from.

Every change to a stored report goes through ``change_report``: read the report, decide the change
with a pure workflow function, write it on the condition that its version is still the one read
(optimistic locking), and publish what the change calls for. Notifications to citizens are asked
for just before the write (``ChangePublisher.intend``), so a crash after the write loses none.
A ``VersionConflict`` on the write means someone else changed the report meanwhile: the report is
read again and the change decided again, up to ``MAX_ATTEMPTS`` times in all, after a short jittered pause.
A hand-over message the other province's queue refuses, or does not take because it stays busy, does
not undo or fail the change: the report is marked (``handover_due``) for the sweep to send it again
(an escalate needs no mark: the origin's sweep sends it again until it is acknowledged).
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from msgspec import Struct
from msgspec.structs import replace

from chalicelib.domain.private import body_digest
from chalicelib.domain.report import ESCALATION_RESEND_AFTER, Report
from chalicelib.errors import RetryableUnavailable, VersionConflict, idempotency_key_reused
from chalicelib.provinces.registry import Registry
from chalicelib.services.outbox import ChangePublisher, Undelivered

if TYPE_CHECKING:
    from chalicelib.data.reports import ReportRepository
    from chalicelib.services.evidence import EvidenceService
MAX_ATTEMPTS = 4
"""Attempts of one change (a first try and three retries) before ``RetryableUnavailable`` (503)."""

BACKOFF_SECONDS = 0.01
"""Before retry n (1, 2, 3): a pause drawn from 0 to ``BACKOFF_SECONDS * 2**n`` (140 ms at most in all)."""


KEPT_CHANGING = "Laporan terus berubah; coba lagi (report kept changing)."
"""The message of the 503 when a citizen's or an officer's change ran out of attempts."""

R = TypeVar("R", bound=Report | None)


class Unchanged(Struct, Generic[R], frozen=True):
    """A decision not to write: answer ``report`` as it is, first re-publishing ``republish`` if set."""

    report: R
    republish: str | None = None


def change_report(
    reports: ReportRepository,
    publisher: ChangePublisher,
    read: Callable[[], R],
    decide: Callable[[R], Report | Unchanged[R]],
    *,
    kept_changing: str,
    retry: bool = True,
) -> Report | R:
    """Read, decide, save on the version read, publish; on a ``VersionConflict`` read again and retry.

    ``decide`` is given what ``read`` returned and returns the changed report to save, or
    ``Unchanged``; whatever it raises propagates (a ``VersionConflict`` too: it is not retried).
    With ``retry=False`` the save's ``VersionConflict`` propagates at once (the caller named the
    version it expects). After ``MAX_ATTEMPTS`` conflicts: ``RetryableUnavailable(kept_changing)``.
    """

    def decide_one(before: tuple[R, ...]) -> tuple[Report, ...] | Unchanged[R]:
        decision = decide(before[0])
        return decision if isinstance(decision, Unchanged) else (decision,)

    return _change(
        reports,
        publisher,
        lambda: (read(),),
        decide_one,
        lambda after: (reports.save(after[0]),),
        kept_changing=kept_changing,
        retry=retry,
    )


def change_two_reports(
    reports: ReportRepository,
    publisher: ChangePublisher,
    read: Callable[[], tuple[Report, Report]],
    decide: Callable[[Report, Report], tuple[Report, Report] | Unchanged[Report]],
    *,
    kept_changing: str,
    retry: bool = True,
) -> Report:
    """``change_report`` for a change of two reports at once, saved in one transaction on both versions.

    Answers the first report as saved (or as ``Unchanged`` says).
    """
    return _change(
        reports,
        publisher,
        read,
        lambda before: decide(*before),
        lambda after: reports.save_together(*after),
        kept_changing=kept_changing,
        retry=retry,
    )


def _change(
    reports: ReportRepository,
    publisher: ChangePublisher,
    read: Callable[[], tuple[R, ...]],
    decide: Callable[[tuple[R, ...]], tuple[Report, ...] | Unchanged[R]],
    save: Callable[[tuple[Report, ...]], tuple[Report, ...]],
    *,
    kept_changing: str,
    retry: bool,
) -> Report | R:
    """The optimistic-locking loop of ``change_report`` and ``change_two_reports``, for their reports
    in order: answers the first as saved."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))
        before = read()
        decision = decide(before)
        if isinstance(decision, Unchanged):
            if decision.republish is not None and decision.report is not None:
                refused = publisher.republish(decision.report, decision.republish)
                return _owe_handover(reports, publisher, decision.report, refused)
            return decision.report
        for old, new in zip(before, decision, strict=True):
            publisher.intend(old, new)
        try:
            saved = save(decision)
        except VersionConflict:
            if not retry:
                raise
            continue
        # answered as stored: a mark for the sweep is a write too, and a client names the version it saw
        answers = [
            _owe_handover(reports, publisher, new, publisher.published(old, new))
            for old, new in zip(before, saved, strict=True)
        ]
        return answers[0]
    raise RetryableUnavailable(kept_changing)


def _owe_handover(
    reports: ReportRepository, publisher: ChangePublisher, report: Report, refused: list[Undelivered]
) -> Report:
    """Mark ``report`` for the sweep to send again the hand-over messages another province's queue did
    not take (refused or busy); answers the report as stored then (with its version: the next
    action's If-Match names it).

    A write only when one was refused, and none if the report is marked already (or, for an escalate,
    timed already). A crash before the mark loses the message as a crash before the send does: the
    retried trigger sends it again.
    """
    if all(undelivered.timed_already for undelivered in refused):
        return report

    def mark(current: Report | None) -> Report | Unchanged[Report | None]:
        if current is None or current.handover_due is not None:
            return Unchanged(current)
        return replace(current, handover_due=current.updated_at + ESCALATION_RESEND_AFTER)

    marked = change_report(
        reports,
        publisher,
        lambda: reports.get(report.key, consistent=True),
        mark,
        kept_changing="report kept changing while marking a hand-over to send again",
    )
    return marked or report


def short_hash(text: str, length: int = 20) -> str:
    """The first ``length`` hex digits of the SHA-256 of ``text`` (in event ids made from a key or token)."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]


STEP_DIGITS = 20
"""The hex digits that end a step's id (``step_id``)."""

KEY_DIGITS = 12
"""Of a keyed step's ``STEP_DIGITS`` hex digits, those of the caller's account with its Idempotency-Key;
the other 8 are the request body's: a step id as long as a random one, so the stored report grows by
nothing."""


def step_id(report_key: str, step: str, body: object, *, caller: str, idempotency_key: str | None) -> str:
    """The event id of ``step`` on a report: ``<report key>:<step>:<20 hex digits>``.

    With an Idempotency-Key, the digits are derived from the caller's account with the key, then the
    canonical ``body``: two callers never share a step, and the same caller's key with another body
    is told apart (``already_done``). Without one, they are random.
    """
    if idempotency_key is None:
        return f"{report_key}:{step}:{uuid.uuid4().hex[:STEP_DIGITS]}"
    scope = short_hash(f"{caller}\n{idempotency_key}", KEY_DIGITS)
    return f"{report_key}:{step}:{scope}{body_digest(body)[: STEP_DIGITS - KEY_DIGITS]}"


def already_done(report: Report, event_id: str, idempotency_key: str | None = None) -> str | None:
    """The id of the step ``event_id`` names if ``report`` has it (a retry: answer it as it is), else None.

    With the ``idempotency_key``, a step stored by a release that did not scope keys to their caller
    and body, under ``<report key>:<step>:`` and the key's own 20 hex digits, is that step too: a retry
    sent across the deploy is answered, not applied again. A step of the same caller's key with another
    body is 409 ``idempotency_key_reused``, never answered as the first.
    """
    if report.has_event(event_id):
        return event_id
    step = event_id[: len(event_id) - STEP_DIGITS]
    unscoped = f"{step}{short_hash(idempotency_key, STEP_DIGITS)}" if idempotency_key else None
    if unscoped is not None and report.has_event(unscoped):
        return unscoped
    same_key = event_id[: len(event_id) - (STEP_DIGITS - KEY_DIGITS)]
    if any(entry.event_id.startswith(same_key) for entry in report.timeline):
        raise idempotency_key_reused()
    return None


class ProvinceService:
    """Storage, the publisher of changes, the registry, and the province served."""

    def __init__(
        self, reports: ReportRepository, publisher: ChangePublisher, registry: Registry, province: str
    ) -> None:
        self.reports = reports
        self.publisher = publisher
        self.registry = registry
        self.province = registry.get(province)

    def change(
        self,
        read: Callable[[], R],
        decide: Callable[[R], Report | Unchanged[R]],
        *,
        kept_changing: str,
        retry: bool = True,
    ) -> Report | R:
        """``change_report`` with this service's storage and publisher."""
        return change_report(
            self.reports, self.publisher, read, decide, kept_changing=kept_changing, retry=retry
        )


class PhotoCheckingService(ProvinceService):
    """A province service that checks or fingerprints photos; the evidence service (and Pillow) is
    built on first use, since few of its events carry a photo."""

    def __init__(
        self,
        reports: ReportRepository,
        publisher: ChangePublisher,
        registry: Registry,
        province: str,
        *,
        evidence: Callable[[], EvidenceService],
    ) -> None:
        super().__init__(reports, publisher, registry, province)
        self.evidence = evidence
