"""Data kept apart from reports: reporter contact, idempotency records, and the reporter's secret
(how it is derived and the only form of it that is stored)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from datetime import datetime, timedelta
from typing import Literal, get_args

from msgspec import Struct, to_builtins

from chalicelib.validation import REPORT_ID_ALPHABET

NotifyChannel = Literal["email", "sms"]
CHANNELS: tuple[NotifyChannel, ...] = get_args(NotifyChannel)


class Contact(Struct, frozen=True):
    """How to reach the reporter. Never shown to the public or to officers of private reports."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    notify: tuple[str, ...] = ()  # the ``CHANNELS`` the reporter opted in to
    language: str = "id"  # of the notifications: "id" or "en"


def retention_end(created_at: datetime, retention_days: int) -> int:
    """When a report's reporter contact and its followers' e-mails go (UU PDP's storage limit): the
    report's creation plus the province's ``contact_retention_days``, in epoch seconds. Their items'
    TTL (``expires_at``); past it they read as gone, whether or not DynamoDB deleted them yet."""
    return int((created_at + timedelta(days=retention_days)).timestamp())


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
    recipient: str  # "r:email", "f<hash>:email", or a pending follower's id (follow: never the address)
    expires_at: int  # epoch seconds
    used: bool
    answers: str | None = None  # a feedback link: the resolve step it answers (``Report.selesai_round``)


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


# The reporter's secret, easy to copy by hand and to read aloud: 20 characters of Crockford base32
# (no I, L, O, U: 100 random bits), in groups of 4, e.g. ``7KQ2-M9XD-4TNB-0HWE-3RCV``. Stored reports
# may hold the hash of a ``secrets.token_urlsafe(12)`` secret (16 characters, case-sensitive): such a
# secret is compared exactly as typed (only its hash is stored, so no other form can be matched).
SECRET_ALPHABET = REPORT_ID_ALPHABET
SECRET_CHARACTERS = 20
SECRET_GROUP = 4
SECRET_BITS = 5 * SECRET_CHARACTERS
# An Idempotency-Key record's salt starting so derives a secret in the grouped form; any other salt
# (base64url, which never holds a ".") derives the ungrouped secret its record was first answered with.
GROUPED_SALT_PREFIX = "g."
_CROCKFORD_READS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_secret() -> str:
    """A new reporter's secret: 100 random bits in the grouped form."""
    return _grouped(secrets.randbits(SECRET_BITS))


def new_salt() -> str:
    """A new Idempotency-Key record's salt (it derives a secret in the grouped form)."""
    return GROUPED_SALT_PREFIX + secrets.token_urlsafe(12)


def _grouped(number: int) -> str:
    """``number`` (``SECRET_BITS`` bits) as the grouped form."""
    return _in_groups(
        "".join(SECRET_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(SECRET_CHARACTERS)))
    )


def _in_groups(chars: str) -> str:
    return "-".join(chars[i : i + SECRET_GROUP] for i in range(0, SECRET_CHARACTERS, SECRET_GROUP))


def canonical_secret(typed: str) -> str | None:
    """The grouped secret a citizen meant (any case, spaces or dashes anywhere, O for 0, I or L for 1),
    or None if what they typed is not one (a secret issued before is then compared as typed)."""
    cleaned = _SEPARATORS.sub("", typed).upper().translate(_CROCKFORD_READS)
    if len(cleaned) != SECRET_CHARACTERS or any(c not in SECRET_ALPHABET for c in cleaned):
        return None
    return _in_groups(cleaned)


def hash_secret(secret: str) -> str:
    """The stored form of a reporter's secret (SHA-256, base64url: 43 characters, not 64)."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).rstrip(b"=").decode()


def secret_matches(typed: str, secret_hash: str) -> bool:
    """True if ``typed`` is the secret stored as ``secret_hash``: a grouped secret however it was
    typed (``canonical_secret``), one issued before exactly as issued (surrounding spaces aside)."""
    forms = {typed.strip(), canonical_secret(typed) or ""} - {""}
    matched = [hmac.compare_digest(hash_secret(form), secret_hash) for form in forms]
    return any(matched)


def derive_secret(idempotency_key: str, salt: str) -> str:
    """The reporter's secret of a submission with an Idempotency-Key, from the key and the record's salt.

    Only the key's hash and the salt are stored, so the secret can be given again to a retry that
    presents the key, and to nobody who only reads the tables. A salt from ``new_salt`` derives the
    grouped form; a record's salt from before derives the secret that record's submission answered.
    """
    digest = hmac.new(idempotency_key.encode(), f"aduan-secret:{salt}".encode(), hashlib.sha256).digest()
    if salt.startswith(GROUPED_SALT_PREFIX):
        return _grouped(int.from_bytes(digest, "big") >> (256 - SECRET_BITS))
    return base64.urlsafe_b64encode(digest[:12]).decode()


def body_digest(body: object) -> str:
    """The SHA-256, in hex, of ``body`` as JSON with sorted keys: what tells a retry (the identical
    body with the same Idempotency-Key) from the key reused for another request."""
    canonical = json.dumps(to_builtins(body), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def hash_idempotency_key(key: str) -> str:
    """The stored form of an Idempotency-Key: 128 bits of its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]
