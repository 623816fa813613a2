"""Data kept apart from reports: reporter contact and idempotency records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    """How to reach the reporter. Never shown to the public or to officers of private reports."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class IdempotencyRecord:
    """What a submission with an Idempotency-Key created, to answer its retries the same way."""

    key_hash: str
    body_hash: str
    report_id: str
    secret: str
