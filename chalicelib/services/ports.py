"""What the services need from the data layer, as protocols (no AWS types here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.domain.private import (
    Addressee,
    Contact,
    EvidenceTicket,
    IdempotencyRecord,
    StoredPrint,
    TokenRecord,
)
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status

if TYPE_CHECKING:
    from chalicelib.privacy.photos import UploadTicket


class PageLike(Protocol):
    """A page of reports: full unless the list ends there (or ``incomplete``), and an opaque cursor."""

    @property
    def items(self) -> list[Report]: ...

    @property
    def cursor(self) -> str | None: ...

    @property
    def incomplete(self) -> bool: ...


class Reports(Protocol):
    """Report storage."""

    def get(self, key: str, *, consistent: bool = False) -> Report | None: ...

    def get_many(self, keys: Sequence[str]) -> list[Report]: ...

    def create(self, report: Report, *, contact: Contact | None = None) -> Report: ...

    def claim_idempotency(self, province: str, record: IdempotencyRecord) -> None: ...

    def move_idempotency(self, province: str, key_hash: str, *, from_report: str, to_report: str) -> None: ...

    def idempotency_record(
        self, province: str, key_hash: str, *, consistent: bool = True
    ) -> IdempotencyRecord | None: ...

    def save(self, report: Report) -> Report: ...

    def save_together(self, first: Report, second: Report) -> tuple[Report, Report]: ...

    def open_in_cells(
        self, province: str, cells: list[str], *, category: str | None = None, per_cell: int = ...
    ) -> list[Report]: ...

    def add_support(self, report: Report, supporter_hash: str) -> bool: ...

    def list_by_agency(
        self,
        province: str,
        agency: str,
        *,
        status: Status | None = None,
        keep: Callable[[Report], bool] | None = None,
        limit: int = 20,
        cursor: str | None = None,
        newest_first: bool = True,
    ) -> PageLike: ...

    def list_by_support(
        self,
        province: str,
        agency: str,
        *,
        keep: Callable[[Report], bool] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> PageLike: ...

    def list_by_status(
        self,
        province: str,
        status: Status,
        *,
        limit: int = 20,
        cursor: str | None = None,
        created_before: datetime | None = None,
        newest_first: bool = True,
    ) -> PageLike: ...

    def list_doubtful(
        self,
        province: str,
        *,
        limit: int = 20,
        cursor: str | None = None,
        keep: Callable[[Report], bool] | None = None,
    ) -> PageLike: ...

    def due_before(self, province: str, now: datetime, *, limit: int = 100) -> list[Report]: ...

    def list_public(
        self,
        province: str,
        start: datetime,
        end: datetime,
        *,
        statuses: frozenset[Status] | None = None,
        categories: frozenset[str] | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> PageLike: ...


class Queues(Protocol):
    """Outgoing messages."""

    def send_intake(self, message: dict[str, Any], *, correlation_id: str | None = None) -> None: ...

    def send_escalation(
        self,
        province: str,
        message: dict[str, Any],
        *,
        group_id: str,
        deduplication_id: str,
        correlation_id: str | None = None,
    ) -> None: ...

    def send_agency_work(self, province: str, agency: str, message: dict[str, Any]) -> None: ...

    def send_dead_letter(
        self,
        queue: str,
        body: str,
        attributes: dict[str, Any],
        *,
        group_id: str | None = None,
        deduplication_id: str,
    ) -> None: ...

    def send_quarantine(self, body: str, attributes: dict[str, Any], reason: str) -> None: ...

    def send_notify(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None: ...


class PhotoPublisher(Protocol):
    """Citizen photos: uploads checked, cleaned and published."""

    def publish(self, upload_keys: Sequence[str]) -> tuple[str, ...]: ...

    def original(self, upload_key: str) -> bytes | None: ...

    def cleaned(self, upload_key: str, data: bytes | None) -> bytes | None: ...

    def public_key(self, upload_key: str) -> str: ...

    def publish_cleaned(self, upload_key: str, cleaned: bytes | None) -> str: ...

    def new_upload(self, content_type: str, size: int, *, prefix: str = "uploads") -> UploadTicket: ...

    def read_public(self, public_key: str) -> bytes | None: ...


class EvidenceStore(Protocol):
    """Evidence upload tickets and photo fingerprints (``chalicelib.data.evidence``)."""

    def issue_ticket(self, province: str, ticket: EvidenceTicket) -> None: ...

    def ticket(self, province: str, upload_key: str) -> EvidenceTicket | None: ...

    def use_ticket(self, province: str, upload_key: str, event_id: str, verdict: str) -> None: ...

    def add_fingerprint(
        self, province: str, stored: StoredPrint, bands: list[str], *, variant: int = 0
    ) -> None: ...

    def prints_sharing_a_band(self, province: str, bands: list[str]) -> list[StoredPrint]: ...


class NoticeRecords(Protocol):
    """The private records behind notifications (chalicelib/data/notices.py)."""

    def audience(
        self, report_ids: Sequence[str], followed_keys: Sequence[str] = ()
    ) -> tuple[dict[str, Contact], dict[str, list[tuple[str, str, str]]]]: ...

    def claim(self, to: Addressee, about: str, expires_at: int) -> bool: ...

    def mark_sent(self, to: Addressee, about: str) -> None: ...

    def release(self, to: Addressee, about: str) -> None: ...

    def count(self, to: Addressee, hour: str, expires_at: int) -> int: ...

    def hold(self, to: Addressee, hour: str, line: str, expires_at: int) -> None: ...

    def held(self, to: Addressee, hour: str) -> set[str]: ...

    def suppressed(self, province: str, address_hash: str) -> bool: ...

    def suppress(self, province: str, address_hash: str, reason: str) -> None: ...

    def put_token(self, province: str, token_hash: str, record: TokenRecord) -> None: ...

    def token(self, province: str, token_hash: str) -> TokenRecord | None: ...

    def use_token(self, province: str, token_hash: str, purpose: str, now_epoch: int) -> bool: ...

    def drop_channel(self, report_id: str, channel: str) -> None: ...

    def drop_follower(self, report_key: str, follower: str) -> None: ...

    def follower_count(self, report_key: str) -> int: ...

    def add_follower(self, report_key: str, follower: str, language: str, email: str) -> None: ...

    def put_pending(
        self, report_key: str, follower: str, language: str, email: str, expires_at: int
    ) -> None: ...

    def pending(self, report_key: str, follower: str) -> tuple[str, str] | None: ...


class Senders(Protocol):
    """E-mail and SMS (chalicelib/data/channels.py)."""

    def email(self, to: str, subject: str, body: str, unsubscribe: str) -> str: ...

    def sms(self, phone: str, text: str) -> str: ...
