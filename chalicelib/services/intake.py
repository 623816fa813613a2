"""Submitting a report: validate against province data, store, hand to routing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from chalicelib.domain.clock import utcnow
from chalicelib.domain.ids import new_report_id
from chalicelib.domain.private import (
    REPLAY_WINDOW_SECONDS,
    Contact,
    IdempotencyRecord,
    body_digest,
    derive_secret,
    hash_idempotency_key,
    hash_secret,
    new_salt,
    new_secret,
    retention_end,
)
from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.errors import (
    Conflict,
    IdCollision,
    IdempotencyKeyTaken,
    RetryableUnavailable,
    ValidationFailed,
    idempotency_key_reused,
)
from chalicelib.observability import logger, traced
from chalicelib.provinces.registry import Registry

if TYPE_CHECKING:
    from chalicelib.data.queues import QueueGateway
    from chalicelib.data.reports import ReportRepository
    from chalicelib.privacy.photos import PhotoService
MAX_ID_ATTEMPTS = 5
CONCURRENT = "Pengiriman bersamaan; coba lagi (concurrent submission)."
NO_ID = "Tidak bisa membuat nomor laporan; coba lagi (could not allocate an id)."


class SubmitCommand(Struct, frozen=True):
    """A validated submission."""

    category: str
    description: str
    location: Location
    visibility: Visibility
    address: str | None = None
    contact: Contact | None = None
    photos: tuple[str, ...] = ()


class SubmitResult(Struct, frozen=True):
    """The stored report, the reporter's secret, and whether this answers a retry."""

    report: Report
    secret: str
    replayed: bool = False


class IntakeService:
    """Accepts reports for one province."""

    def __init__(
        self,
        reports: ReportRepository,
        queues: QueueGateway,
        registry: Registry,
        province: str,
        *,
        photos: Callable[[], PhotoService],
    ) -> None:
        self.reports = reports
        self.queues = queues
        self.registry = registry
        self.province = registry.get(province)
        self.photos = photos  # built on first use: most submissions carry no photo

    def validate(self, command: SubmitCommand) -> None:
        """Check the category, the area and the coordinates against province data."""
        self.province.category(command.category)
        area_province, _area = self.registry.area(command.location.area_code)
        box = area_province.data.bbox
        lat, lon = command.location.lat, command.location.lon
        if not (box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon):
            raise ValidationFailed(
                f"Koordinat ({lat}, {lon}) tidak berada di {area_province.name} "
                "(coordinates are outside the area's province).",
                code="location_mismatch",
            )

    @traced
    def submit(
        self,
        command: SubmitCommand,
        *,
        photo_uploads: Sequence[str] = (),
        idempotency_key: str | None = None,
        correlation_id: str | None = None,
        now: datetime | None = None,
    ) -> SubmitResult:
        """Store a new report (once per Idempotency-Key) and ask for it to be routed.

        ``photo_uploads`` are cleaned and published after the report was checked (so a refused
        report leaves no cleaned copies behind); the report stores their public keys.
        """
        self.validate(command)
        if photo_uploads:
            command = replace(command, photos=self.photos().publish(photo_uploads))
        now = now or utcnow()
        if idempotency_key:
            key_hash = hash_idempotency_key(idempotency_key)
            salt = new_salt()
            secret = derive_secret(idempotency_key, salt)
            # No read first: a key is nearly always new (one per form fill), and a retry's claim
            # fails its condition and reads the record then.
            report = self._new_report(command, now, secret)
            expires_at = int(now.timestamp()) + REPLAY_WINDOW_SECONDS
            record = IdempotencyRecord(key_hash, body_digest(command), report.id, salt, expires_at)
            try:
                self.reports.claim_idempotency(self.province.code, record)
            except IdempotencyKeyTaken:
                replay = self._replay(command, idempotency_key, record.body_hash, correlation_id, now)
                if replay is None:
                    raise RetryableUnavailable(CONCURRENT) from None
                return replay
            report = self._store_claimed(command, record, report, secret)
        else:
            secret = new_secret()
            report = self._store_new(command, now, secret)
        logger.thread_safe_append_keys(report_id=report.id)
        logger.info(
            "report submitted", extra={"category": report.category, "area": report.location.area_code}
        )
        self._request_routing(report, correlation_id)
        return SubmitResult(report=report, secret=secret)

    def _store_new(self, command: SubmitCommand, now: datetime, secret: str) -> Report:
        """Store a report submitted without an Idempotency-Key, drawing a new id on a collision."""
        for _attempt in range(MAX_ID_ATTEMPTS):
            report = self._new_report(command, now, secret)
            try:
                return self._create(report, command.contact)
            except IdCollision:
                continue
        raise RetryableUnavailable(NO_ID)

    def _store_claimed(
        self, command: SubmitCommand, record: IdempotencyRecord, report: Report, secret: str
    ) -> Report:
        """Store the report a claimed Idempotency-Key names; if its id is another report's, move the claim.

        A report under the id with the same secret is this very submission, stored by a concurrent
        retry: it is returned as is.
        """
        for _attempt in range(MAX_ID_ATTEMPTS):
            try:
                return self._create(report, command.contact)
            except IdCollision:
                stored = self.reports.get(report.id, consistent=True)
                if stored is not None and stored.secret_hash == report.secret_hash:
                    return stored
            moved = self._new_report(command, report.created_at, secret)
            try:
                self.reports.move_idempotency(
                    self.province.code, record.key_hash, from_report=report.id, to_report=moved.id
                )
            except IdempotencyKeyTaken:
                raise RetryableUnavailable(CONCURRENT) from None
            record = replace(record, report_id=moved.id)
            report = moved
        raise RetryableUnavailable(NO_ID)

    def _create(self, report: Report, contact: Contact | None) -> Report:
        """Store the report and its contact, kept ``contact_retention_days`` from the report's creation."""
        kept = retention_end(report.created_at, self.province.data.contact_retention_days)
        return self.reports.create(report, contact=contact, contact_expires_at=kept)

    def _replay(
        self,
        command: SubmitCommand,
        idempotency_key: str,
        body_hash: str,
        correlation_id: str | None,
        now: datetime,
    ) -> SubmitResult | None:
        record = self.reports.idempotency_record(self.province.code, hash_idempotency_key(idempotency_key))
        if record is None:
            return None
        if record.expired(now.timestamp()):
            raise Conflict(
                "Idempotency-Key ini sudah kedaluwarsa (older than 24 hours); kirim dengan kunci baru "
                "(the key's replay window has passed: send with a new key).",
                code="idempotency_key_expired",
            )
        if record.body_hash != body_hash:
            raise idempotency_key_reused()
        secret = derive_secret(idempotency_key, record.salt)
        report = self.reports.get(record.report_id, consistent=True)
        if report is None or report.secret_hash != hash_secret(secret):
            report = self._repair(command, record, secret, correlation_id)
        return SubmitResult(report=report, secret=secret, replayed=True)

    def _repair(
        self, command: SubmitCommand, record: IdempotencyRecord, secret: str, correlation_id: str | None
    ) -> Report:
        """The key's record names a report not stored (an attempt stopped after its claim): store it.

        The body is identical (checked by its hash), so the report is the one the first attempt meant.
        """
        logger.warning(
            "idempotency record without its report; storing it now", extra={"report_id": record.report_id}
        )
        report = self._new_report(command, utcnow(), secret, report_id=record.report_id)
        stored = self._store_claimed(command, record, report, secret)
        self._request_routing(stored, correlation_id)  # routing a routed report again is a no-op
        return stored

    def _new_report(
        self,
        command: SubmitCommand,
        now: datetime,
        secret: str,
        *,
        report_id: str | None = None,
    ) -> Report:
        report_id = report_id or new_report_id(self.province.code, now)
        entry = TimelineEntry(
            event_id=f"{report_id}:submit",
            at=now,
            action=Action.SUBMIT,
            status=Status.MENUNGGU,
            province=self.province.code,
        )
        return Report(
            key=report_id,
            id=report_id,
            province=self.province.code,
            category=command.category,
            description=command.description,
            location=command.location,
            visibility=command.visibility,
            status=Status.MENUNGGU,
            created_at=now,
            updated_at=now,
            address=command.address,
            secret_hash=hash_secret(secret),
            reporter_opted_in=bool(command.contact and command.contact.notify),
            photos=command.photos,
            timeline=(entry,),
            version=0,
        )

    def _request_routing(self, report: Report, correlation_id: str | None) -> None:
        try:
            self.queues.send_intake({"key": report.key}, correlation_id=correlation_id)
        except Exception as error:  # throttled, refused (IAM), gone: whatever it is, the report is stored
            # Stored is what counts: the citizen gets the id and secret, the sweeper routes it.
            logger.warning(
                "intake enqueue failed; the sweeper will route it",
                extra={"report_id": report.id, "error_type": type(error).__name__},
            )
