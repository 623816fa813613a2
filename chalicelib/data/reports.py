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
from chalicelib.vendor_internals import table_connection

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Page:
    """One page of reports and the cursor for the next (None at the end)."""

    items: list[Report]
    cursor: dict[str, Any] | None


def _connection() -> Connection:
    """The low-level connection (and its botocore client) the models already use."""
    return table_connection(ReportModel).connection


def _idem_pk(province: str, key_hash: str) -> str:
    return f"{province}#idem#{key_hash}"


def _contact_item(report_id: str, contact: Contact) -> PrivateModel:
    return PrivateModel(
        pk=f"{report_id}#contact",
        kind="contact",
        report_id=report_id,
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
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

    def create(self, report: Report, *, contact: Contact | None = None) -> Report:
        """Store a new report (and its contact, in one transaction, if any); return it as stored."""
        model = to_model(report)
        new_item = ReportModel.pk.does_not_exist()
        with translate_errors("create report"):
            if contact is None:
                try:
                    model.save(condition=new_item, add_version_condition=False)
                except PutError as error:
                    if client_error_code(error) == "ConditionalCheckFailedException":
                        raise IdCollision("report id taken") from error
                    raise
                return from_model(model)
            try:
                # The token makes a retried transaction (botocore retries after a timeout) idempotent.
                token = hashlib.sha256(f"{report.id}|{report.secret_hash}".encode()).hexdigest()[:36]
                with TransactWrite(connection=_connection(), client_request_token=token) as tx:
                    tx.save(model, condition=new_item)
                    tx.save(_contact_item(report.id, contact))
            except TransactWriteError as error:
                reasons = [r.code if r else None for r in error.cancellation_reasons]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise IdCollision("report id taken") from error
                raise
        return from_model(model)

    def claim_idempotency(self, province: str, record: IdempotencyRecord, *, contact: Contact | None) -> None:
        """Write the record of a submission before its report (raises IdempotencyKeyTaken if it exists).

        Written first, it is the claim: a retry that finds it gets the same report (stored again
        from the identical body if the first attempt stopped before storing it).
        """
        item = PrivateModel(
            pk=_idem_pk(province, record.key_hash),
            kind="idem",
            report_id=record.report_id,
            body_hash=record.body_hash,
            secret=record.secret,
            name=contact.name if contact else None,
            phone=contact.phone if contact else None,
            email=contact.email if contact else None,
            # A bare record expires; one holding a reporter's contact is kept as long as the report.
            expires_at=None if contact else int(time.time()) + IDEMPOTENCY_TTL_SECONDS,
        )
        with translate_errors("claim idempotency key"):
            try:
                item.save(condition=PrivateModel.pk.does_not_exist())
            except PutError as error:
                if client_error_code(error) == "ConditionalCheckFailedException":
                    raise IdempotencyKeyTaken("idempotency key already used") from error
                raise

    def move_idempotency(self, province: str, key_hash: str, *, from_report: str, to_report: str) -> None:
        """Point a record at another report id (its first drawn id was taken by another report)."""
        item = PrivateModel(pk=_idem_pk(province, key_hash))
        with translate_errors("move idempotency record"):
            try:
                item.update(
                    actions=[PrivateModel.report_id.set(to_report)],
                    condition=PrivateModel.report_id == from_report,
                )
            except UpdateError as error:
                if client_error_code(error) == "ConditionalCheckFailedException":
                    raise IdempotencyKeyTaken("idempotency record moved concurrently") from error
                raise

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
