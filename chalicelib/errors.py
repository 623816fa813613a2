"""Domain exceptions. Every layer raises these; the API maps them to HTTP once."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class AduanError(Exception):
    """Base of every expected failure: a machine-readable code, a human message, an HTTP status."""

    http_status = 400
    code = "bad_request"
    retry_after: int | None = None  # seconds, sent as Retry-After (on a 429 or 503 worth retrying)

    def __init__(
        self, message: str, *, code: str | None = None, details: Any = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details
        if retry_after is not None:
            self.retry_after = retry_after


class BadRequest(AduanError):
    """The request could not be read at all (malformed JSON, wrong content type)."""


class ValidationFailed(AduanError):
    """The request was readable but its content is invalid."""

    http_status = 422
    code = "validation_error"


class PayloadTooLarge(AduanError):
    """The body is larger than we accept."""

    http_status = 413
    code = "payload_too_large"


class Unauthorized(AduanError):
    """No credentials, or credentials that do not verify."""

    http_status = 401
    code = "unauthorized"


class Forbidden(AduanError):
    """Verified credentials that may not do this."""

    http_status = 403
    code = "forbidden"


class NotFound(AduanError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    http_status = 404
    code = "not_found"


class Conflict(AduanError):
    """The request conflicts with the current state (lost race, duplicate key)."""

    http_status = 409
    code = "conflict"


class IllegalTransition(Conflict):
    """The state machine does not allow this action from the report's current status."""

    code = "illegal_transition"


class VersionConflict(Conflict):
    """Someone else changed the report first (optimistic locking)."""

    code = "version_conflict"


class TooManyRequests(AduanError):
    """The caller is sending too much; try again later."""

    http_status = 429
    code = "too_many_requests"
    retry_after = 30


class RetryableUnavailable(AduanError):
    """A dependency is throttling or failing; the same request may succeed later."""

    http_status = 503
    code = "temporarily_unavailable"
    retry_after = 2


# Refusals raised in several places, each worded once.


def report_not_found(ref: str | None = None) -> NotFound:
    """404 ``report_not_found``, naming the report asked for when given."""
    named = f" {ref}" if ref else ""
    return NotFound(f"Laporan{named} tidak ditemukan (report not found).", code="report_not_found")


def malformed_json() -> BadRequest:
    """400 ``invalid_json``: the body is not JSON at all."""
    return BadRequest("Isi permintaan bukan JSON yang sah (malformed JSON).", code="invalid_json")


def reason_required() -> ValidationFailed:
    """422 ``reason_required``: an action that needs a reason came without one."""
    return ValidationFailed("Alasan wajib diisi (a reason is required).", code="reason_required")


def already_closed() -> Conflict:
    """409 ``already_closed``: the reporter acts on a closed report."""
    return Conflict("Laporan sudah ditutup (report already closed).", code="already_closed")


def not_a_duplicate() -> Conflict:
    """409 ``not_a_duplicate``: undoing a merge of a report that was not merged (into that one)."""
    return Conflict("Laporan ini bukan duplikat (this report is not a duplicate).", code="not_a_duplicate")


def idempotency_key_reused() -> Conflict:
    """409 ``idempotency_key_reused``: the caller used the key already, for a request with another body."""
    return Conflict(
        "Idempotency-Key ini sudah dipakai untuk permintaan lain (key reused with a different body).",
        code="idempotency_key_reused",
    )


def unknown_action(action: str, details: Any = None) -> ValidationFailed:
    """422 ``unknown_action``, naming (the start of) the action asked for."""
    return ValidationFailed(
        f"Aksi '{action[:20]}' tidak dikenal (unknown action).", code="unknown_action", details=details
    )


def retry_transient(step: Callable[[], T], *, attempts: int, first_pause: float) -> T:
    """``step()``, asked again in place after a ``RetryableUnavailable``, ``attempts`` times in all.

    Before retry n (1, 2, ...) a pause drawn from 0 to ``first_pause * 2**(n-1)`` seconds (full
    jitter: many callers failing together do not retry together). The last failure propagates.
    """
    for attempt in range(attempts - 1):
        try:
            return step()
        except RetryableUnavailable:
            time.sleep(random.uniform(0, first_pause * 2**attempt))
    return step()


class NeighbourUnreachable(AduanError):
    """Another province's escalation queue refused a hand-over message (IAM: its queue policy does not
    admit this province) or does not exist (its stack not deployed): sending again at once cannot help.

    Raised by the data layer; the services keep the change it follows and the sweep sends the message
    again later, so it reaches no caller in normal operation.
    """

    http_status = 503
    code = "neighbour_unreachable"
    retry_after = 300


class AgencyQueueUnreachable(AduanError):
    """An agency's work queue refused this stage (IAM) or does not exist.

    Raised by the data layer; the publisher logs and counts it after the change it follows is saved
    (the report is in the agency's inbox anyway), so it reaches no caller in normal operation.
    """

    http_status = 503
    code = "agency_queue_unreachable"
    retry_after = 300


class IdCollision(Conflict):
    """A new item's key is already taken (a drawn report id, or a copy created concurrently)."""

    code = "id_collision"


class IdempotencyKeyTaken(Conflict):
    """A concurrent submission with the same Idempotency-Key won the race."""

    code = "idempotency_key_taken"


class Undeliverable(AduanError):
    """A channel refused a message for good (a rejected address or number): retrying cannot help."""

    http_status = 422
    code = "undeliverable"


class DeliveryUnknown(AduanError):
    """A channel failed in a way that leaves unknown whether the message went out (a 5xx, a timeout):
    not retried, so that no one gets a message twice."""

    http_status = 503
    code = "delivery_unknown"
