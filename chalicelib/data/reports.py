"""The report repository: the only code that reads and writes the reports table."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.data.aws import client_error_code, translate_errors
from chalicelib.data.mapping import from_model, stored_time, to_model
from chalicelib.data.models import PrivateModel, ReportModel
from chalicelib.domain.private import Contact, IdempotencyRecord
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status
from chalicelib.errors import IdCollision, IdempotencyKeyTaken, VersionConflict

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Page:
    """One page of reports and the cursor for the next (None at the end)."""

    items: list[Report]
    cursor: dict[str, Any] | None


def _connection() -> Connection:
    """The low-level connection (and its botocore client) the models already use."""
    return ReportModel._get_connection().connection


def _idem_pk(province: str, key_hash: str) -> str:
    return f"{province}#idem#{key_hash}"


def _private_item(
    report: Report, contact: Contact | None, idempotency: IdempotencyRecord | None
) -> PrivateModel:
    """The one private item a submission writes: its idempotency record (with any contact) or its contact."""
    if idempotency is None:
        assert contact is not None
        return PrivateModel(
            pk=f"{report.id}#contact",
            kind="contact",
            report_id=report.id,
            name=contact.name,
            phone=contact.phone,
            email=contact.email,
        )
    if contact is not None and report.contact_ref != idempotency.key_hash:
        raise ValueError("a report whose contact rides in its idempotency record must name it (contact_ref)")
    return PrivateModel(
        pk=_idem_pk(report.province, idempotency.key_hash),
        kind="idem",
        report_id=idempotency.report_id,
        body_hash=idempotency.body_hash,
        secret=idempotency.secret,
        name=contact.name if contact else None,
        phone=contact.phone if contact else None,
        email=contact.email if contact else None,
        # A bare record expires; one holding a reporter's contact is kept as long as the report.
        expires_at=None if contact else int(time.time()) + IDEMPOTENCY_TTL_SECONDS,
    )


class ReportRepository:
    """Reports and their private companions, as domain objects."""

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        """The report stored under ``key``, or None."""
        with translate_errors("get report"):
            try:
                return from_model(ReportModel.get(key, consistent_read=consistent))
            except DoesNotExist:
                return None

    def create(
        self,
        report: Report,
        *,
        contact: Contact | None = None,
        idempotency: IdempotencyRecord | None = None,
    ) -> Report:
        """Store a new report with its private item (contact and/or idempotency record) in one transaction.

        With both, the contact rides in the idempotency record (``report.contact_ref`` names it):
        two items per submission, so the transaction costs four write units, not six.
        """
        model = to_model(report)
        new_item = ReportModel.pk.does_not_exist()
        with translate_errors("create report"):
            if contact is None and idempotency is None:
                try:
                    model.save(condition=new_item, add_version_condition=False)
                except PutError as error:
                    if client_error_code(error) == "ConditionalCheckFailedException":
                        raise IdCollision("report id taken") from error
                    raise
                return from_model(model)
            private = _private_item(report, contact, idempotency)
            try:
                # The token makes a retried transaction (botocore retries after a timeout) idempotent.
                token = hashlib.sha256(f"{report.id}|{idempotency.key_hash if idempotency else ''}".encode())
                with TransactWrite(
                    connection=_connection(), client_request_token=token.hexdigest()[:36]
                ) as tx:
                    tx.save(model, condition=new_item)
                    tx.save(private, condition=PrivateModel.pk.does_not_exist() if idempotency else None)
            except TransactWriteError as error:
                reasons = [r.code if r else None for r in error.cancellation_reasons]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise IdCollision("report id taken") from error
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed" and idempotency is not None:
                    raise IdempotencyKeyTaken("idempotency key used concurrently") from error
                raise
        return from_model(model)

    def idempotency_record(
        self, province: str, key_hash: str, *, consistent: bool = True
    ) -> IdempotencyRecord | None:
        """The record of an earlier submission with this key, if any (strongly consistent by default)."""
        with translate_errors("read idempotency record"):
            try:
                item = PrivateModel.get(_idem_pk(province, key_hash), consistent_read=consistent)
            except DoesNotExist:
                return None
        return IdempotencyRecord(
            key_hash=key_hash,
            body_hash=item.body_hash or "",
            report_id=item.report_id or "",
            secret=item.secret or "",
        )

    def save(self, report: Report) -> Report:
        """Store a changed report if nobody changed it since it was read (optimistic locking)."""
        model = to_model(report)
        with translate_errors("save report"):
            try:
                model.save()
            except (PutError, UpdateError) as error:
                if client_error_code(error) == "ConditionalCheckFailedException":
                    raise VersionConflict(
                        "Laporan sudah diubah pihak lain; muat ulang dan coba lagi "
                        "(the report changed meanwhile; reload and retry).",
                    ) from error
                raise
        return from_model(model)

    def list_by_agency(
        self,
        province: str,
        agency: str,
        *,
        status: Status | None = None,
        limit: int = 20,
        cursor: dict[str, Any] | None = None,
        newest_first: bool = True,
    ) -> Page:
        """An agency's reports, optionally of one status, newest first, paged."""
        condition = ReportModel.agency_sk.startswith(f"{status.value}#") if status else None
        with translate_errors("list agency reports"):
            result = ReportModel.by_agency.query(
                f"{province}#{agency}",
                range_key_condition=condition,
                limit=limit,
                last_evaluated_key=cursor,
                scan_index_forward=not newest_first,
            )
            items = [from_model(m) for m in result]
        return Page(items=items, cursor=result.last_evaluated_key)

    def list_by_status(
        self,
        province: str,
        status: Status,
        *,
        limit: int = 20,
        cursor: dict[str, Any] | None = None,
        created_before: datetime | None = None,
        newest_first: bool = True,
    ) -> Page:
        """A province's reports of one status, by age, paged."""
        condition = ReportModel.created_at < stored_time(created_before) if created_before else None
        with translate_errors("list province reports"):
            result = ReportModel.by_status.query(
                f"{province}#{status.value}",
                range_key_condition=condition,
                limit=limit,
                last_evaluated_key=cursor,
                scan_index_forward=not newest_first,
            )
            items = [from_model(m) for m in result]
        return Page(items=items, cursor=result.last_evaluated_key)

    def due_before(self, province: str, now: datetime, *, limit: int = 100) -> list[Report]:
        """Open reports whose next timer (deadline or auto-close) has passed."""
        with translate_errors("list due reports"):
            result = ReportModel.by_due.query(
                f"{province}#due",
                range_key_condition=ReportModel.due_at <= stored_time(now),
                limit=limit,
            )
            return [from_model(m) for m in result]

    def list_created_between(
        self, province: str, status: Status, start: datetime, end: datetime, *, limit: int = 1000
    ) -> list[Report]:
        """A province's reports of one status created within [start, end], newest first, at most ``limit``."""
        low, high = (stored_time(t) for t in (start, end))
        with translate_errors("list province reports in a window"):
            result = ReportModel.by_status.query(
                f"{province}#{status.value}",
                range_key_condition=ReportModel.created_at.between(low, high),
                limit=limit,
                scan_index_forward=False,
            )
            return [from_model(m) for m in result]
