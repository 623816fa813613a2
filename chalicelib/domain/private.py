"""Data kept apart from reports: reporter contact, idempotency records, and the reporter's secret
(how it is derived and the only form of it that is stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal, get_args

from msgspec import Struct

NotifyChannel = Literal["email", "sms"]
CHANNELS: tuple[NotifyChannel, ...] = get_args(NotifyChannel)


class Contact(Struct, frozen=True):
    """How to reach the reporter. Never shown to the public or to officers of private reports."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    notify: tuple[str, ...] = ()  # the ``CHANNELS`` the reporter opted in to
    language: str = "id"  # of the notifications: "id" or "en"


# How long a submission's Idempotency-Key answers its retries (the same report, the same secret).
REPLAY_WINDOW_SECONDS = 24 * 3600


class IdempotencyRecord(Struct, frozen=True):
    """What a submission with an Idempotency-Key created, to answer its retries the same way."""

    key_hash: str
    body_hash: str
    report_id: str
    salt: str  # with the Idempotency-Key, derives the reporter's secret; the secret itself is never stored
    expires_at: int  # epoch seconds: after this a retry is refused, and DynamoDB's TTL deletes the record

    def expired(self, now_epoch: float) -> bool:
        """True once the 24-hour replay window has passed."""
        return now_epoch >= self.expires_at


class Addressee(Struct, frozen=True):
    """One recipient's channel for messages about one report: what sent-records, hourly counts and
    held updates are kept per (``recipient``: ``r``, a follower id, or ``<duplicate>/<id>``)."""

    report_key: str
    recipient: str
    channel: str


class TokenRecord(Struct, frozen=True):
    """What a link token stands for (its hash is the key; the token itself is never stored)."""

    purpose: str  # "feedback", "unsubscribe" or "follow"
    report_key: str
    recipient: str  # "r:email", "f<hash>:email", or a pending follower's e-mail (follow)
    expires_at: int  # epoch seconds
    used: bool


EVIDENCE_TICKET_SECONDS = 24 * 3600
"""How long an agency's evidence upload may be used for the resolve it was issued for."""


class EvidenceTicket(Struct, frozen=True):
    """An evidence upload issued to one agency for one action on one report (issue #15.3).

    ``used_by``: the event id of the action that used it (once; a retry of that action may again).
    ``verdict``: the evidence check's JSON, kept with the use so a retried action finds it.
    """

    upload_key: str
    report_key: str
    agency: str
    action: str
    expires_at: int  # epoch seconds
    used_by: str | None = None
    verdict: str | None = None


class StoredPrint(Struct, frozen=True):
    """A photo's fingerprint as stored: whose photo it is and in which role (``photo`` / ``evidence``)."""

    photo_id: str
    report_id: str
    role: str
    fingerprint: int


def hash_secret(secret: str) -> str:
    """The stored form of a reporter's secret (SHA-256, base64url: 43 characters, not 64)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).rstrip(b"=").decode()


def derive_secret(idempotency_key: str, salt: str) -> str:
    """The reporter's secret of a submission with an Idempotency-Key, from the key and the record's salt.

    Only the key's hash and the salt are stored, so the secret can be given again to a retry that
    presents the key, and to nobody who only reads the tables.
    """
    digest = hmac.new(idempotency_key.encode(), f"aduan-secret:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def hash_idempotency_key(key: str) -> str:
    """The stored form of an Idempotency-Key: 128 bits of its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]
