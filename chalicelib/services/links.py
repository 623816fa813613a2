"""Single-purpose link tokens: random, stored only as a hash, expiring, and used once.

A link in a message carries such a token, never the report's secret. Purposes: ``feedback``
(confirm or reopen one report until the end of its window), ``unsubscribe`` (one recipient's
channel of one report) and ``follow`` (confirm following a public report).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.private import TokenRecord
from chalicelib.errors import NotFound
from chalicelib.validation import LINK_TOKEN, LINK_TOKEN_MAX_LENGTH, LINK_TOKEN_MIN_LENGTH

if TYPE_CHECKING:
    from chalicelib.data.notices import NoticeStore
GONE = "Tautan tidak berlaku lagi: sudah dipakai atau kedaluwarsa (link used or expired)."


def gone(record: TokenRecord | None = None) -> NotFound:
    """404 ``link_gone``; with ``record``, a link still within its life (used, or its report settled
    otherwise), ``details.report_id`` names its report: its holder was sent the link about that report
    and may go on to the tracking page. An expired, unknown or forged link, or one of another purpose,
    names nothing (docs/security.md)."""
    details = {"report_id": record.report_key.split("~")[-1]} if record else None
    return NotFound(GONE, code="link_gone", details=details)


def token_hash(token: str) -> str:
    """What a token's record is kept under: the SHA-256 of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class LinkTokens:
    """Issues, checks and uses one province's link tokens."""

    def __init__(self, records: NoticeStore, province: str) -> None:
        self.records = records
        self.province = province

    def issue(
        self, purpose: str, report_key: str, recipient: str, expires: datetime, answers: str | None = None
    ) -> str:
        """A new token (shown once, in the message) for ``purpose`` on ``report_key``; a feedback link
        ``answers`` one Selesai round (its resolve step) and opens no later one."""
        token = secrets.token_urlsafe(16)
        record = TokenRecord(purpose, report_key, recipient, int(expires.timestamp()), False, answers)
        self.records.put_token(self.province, token_hash(token), record)
        return token

    def peek(self, token: str, purpose: str, now: datetime) -> TokenRecord:
        """The token's record if it is usable now; ``NotFound`` (code ``link_gone``) otherwise, naming
        the report of a link used within its life (``gone``)."""
        record = self.records.token(self.province, token_hash(token)) if _shaped(token) else None
        if record is None or record.purpose != purpose or record.expires_at <= now.timestamp():
            raise gone()
        if record.used:
            raise gone(record)
        return record

    def use(self, token: str, purpose: str, now: datetime) -> bool:
        """Mark the token used, once (a conditional update): False if it could not be used."""
        return self.records.use_token(self.province, token_hash(token), purpose, int(now.timestamp()))


_LINK_TOKEN = re.compile(LINK_TOKEN)


def _shaped(token: str) -> bool:
    """Whether ``token`` is shaped as a link token (``LinkToken``): anything else is looked up nowhere."""
    return (
        LINK_TOKEN_MIN_LENGTH <= len(token) <= LINK_TOKEN_MAX_LENGTH
        and _LINK_TOKEN.fullmatch(token) is not None
    )
