"""The report repository: the only code that reads and writes the reports table."""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from msgspec import Struct
from pynamodb.attributes import Attribute, NumberAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import GlobalSecondaryIndex
from pynamodb.transactions import TransactWrite

from chalicelib.data import cursors
from chalicelib.data.aws import on_failed_condition, stored_item, translate_errors
from chalicelib.data.mapping import (
    agency_partition,
    agency_sort_prefix,
    contact_pk,
    doubt_partition,
    due_partition,
    from_model,
    geo_partition,
    handed_partition,
    public_partition,
    status_partition,
    stored_time,
    to_model,
)
from chalicelib.data.models import PrivateModel, ReportModel
from chalicelib.domain.private import Contact, IdempotencyRecord
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status
from chalicelib.errors import Conflict, IdCollision, IdempotencyKeyTaken, VersionConflict
from chalicelib.vendor_internals import table_connection

MAX_EXAMINED_PER_PAGE = 1000
"""Reports one filtered page may read (in queries of ``QUERY_BATCH``: at most 10 queries)."""

QUERY_BATCH = 100
"""Reports one query of a filtered listing reads."""

_CHANGED = (
    "Laporan sudah diubah pihak lain; muat ulang dan coba lagi "
    "(the report changed meanwhile; reload and retry)."
)


class Page(Struct, frozen=True):
    """One page of reports and the cursor of the next (None at the end of the list).

    ``incomplete``: the page is not full although the list goes on, because the filter let too few
    of the ``MAX_EXAMINED_PER_PAGE`` reports read through; ``cursor`` continues after the last read.
    """

    items: list[Report]
    cursor: str | None
    incomplete: bool = False


def _listing(
    index: GlobalSecondaryIndex[ReportModel],
    keys: tuple[Attribute[Any], Attribute[Any]],
    partition: str,
    cursor: str | None,
    *,
    condition: Condition | None = None,
    checks: dict[str, Any] | None = None,
    scope: tuple[str, ...] = (),
    forward: bool = True,
    keep: Callable[[Report], bool] | None = None,
    limit: int,
) -> Page:
    """Up to ``limit`` reports of an index partition (``keys``: its hash and sort key) that ``keep``
    accepts, in sort-key order from ``cursor`` (``forward``: ascending), reading on until the page is
    full or the list ends. The cursor belongs to this listing (index, partition, key condition,
    ``scope``: what ``keep`` filters on, direction) and must meet ``checks``: the key condition as
    ``cursors.decode`` checks it.

    One report beyond the page is looked for, so a page that ends the list has no cursor. At most
    ``MAX_EXAMINED_PER_PAGE`` reports are read (``limit + 1`` without a filter).
    """
    _, sort_key = keys
    name = index.Meta.index_name
    listing = _listing_name(index, partition, checks, forward, scope)
    number = isinstance(sort_key, NumberAttribute)
    start = _start_key(keys, partition, cursor, listing, checks)
    items: list[Report] = []
    last: ReportModel | None = None
    with translate_errors(f"list {name}"):
        result = index.query(
            partition,
            range_key_condition=condition,
            last_evaluated_key=start,
            scan_index_forward=forward,
            limit=limit + 1 if keep is None else max(MAX_EXAMINED_PER_PAGE, limit + 1),
            page_size=limit + 1 if keep is None else QUERY_BATCH,
        )
        for model in result:
            report = from_model(model)
            if keep is None or keep(report):
                if len(items) == limit:
                    break  # one more: the page is full and the list goes on
                items.append(report)
            last = model  # the next page starts after the last report read before that one
        else:
            if last is None or result.last_evaluated_key is None:
                return Page(items=items, cursor=None)  # the end of the list
    assert last is not None
    value = sort_key.__get__(last, ReportModel)
    after = cursors.encode(listing, last.pk, str(int(value or 0)) if number else str(value or ""))
    return Page(items=items, cursor=after, incomplete=len(items) < limit)


def _listing_name(
    index: GlobalSecondaryIndex[ReportModel],
    partition: str,
    checks: dict[str, Any] | None,
    forward: bool,
    scope: tuple[str, ...] = (),
) -> str:
    """What a cursor of ``_listing`` belongs to: index, partition, key condition, filters, direction."""
    checked = (str(v) for v in (checks or {}).values())
    return "|".join([index.Meta.index_name, partition, *checked, *scope, str(forward)])


def _start_key(
    keys: tuple[Attribute[Any], Attribute[Any]],
    partition: str,
    cursor: str | None,
    listing: str,
    checks: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """The query's exclusive start key from a ``listing``'s cursor (None: from the start)."""
    if not cursor:
        return None
    hash_key, sort_key = keys
    table_key, sort_value = cursors.decode(cursor, listing, **(checks or {}))
    number = isinstance(sort_key, NumberAttribute)
    return {
        "pk": {"S": table_key},
        hash_key.attr_name: {"S": partition},
        sort_key.attr_name: {"N" if number else "S": sort_value},
    }


def _merged_by_agency(
    partitions: list[str],
    statuses: Sequence[Status] | None,
    cursor: str | None,
    *,
    keep: Callable[[Report], bool] | None,
    limit: int,
) -> Page:
    """Up to ``limit`` reports of several ``by-agency`` partitions, of these ``statuses`` (None: any),
    that ``keep`` accepts, merged newest first, as one listing would give them.

    One Query a partition and status, read lazily and merged by creation time (each is newest first),
    so only what the page needs is read; ``MAX_EXAMINED_PER_PAGE`` bounds the reports taken from them
    together (each listing reads ahead at most one query page). The cursor holds where each listing
    goes on (``cursors.encode_many``). A filter that lets too few of them through is ``incomplete``.
    """
    prefixes = [agency_sort_prefix(status) for status in statuses or Status]
    streams = [(partition, prefix) for partition in partitions for prefix in prefixes]
    listing = "|".join(["merged", *partitions, ",".join(prefixes)])
    starts = cursors.decode_many(cursor, listing, len(streams)) if cursor else [cursors.START] * len(streams)
    page_size = limit + 1 if keep is None else max(QUERY_BATCH // max(len(streams), 1), limit + 1)
    merge = _Merge(streams, starts, page_size)
    taken: list[Report] = []
    more = False
    with translate_errors("list by-agency"):
        for n, model in merge.rows():
            report = from_model(model)
            if keep is None or keep(report):
                if len(taken) == limit:
                    more = True  # one more: the page is full and the list goes on
                    break
                taken.append(report)
            merge.passed(n, model)
            if merge.examined >= MAX_EXAMINED_PER_PAGE:
                more = True
                break
    if not more:
        return Page(items=taken, cursor=None)  # every listing read to its end
    if len(taken) < limit:
        return Page(items=[], cursor=None, incomplete=True)
    return Page(items=taken, cursor=cursors.encode_many(listing, merge.positions()))


class _Merge:
    """``by-agency`` listings (a partition and a sort-key prefix each, newest first), each from its
    place in a merged cursor (``START``, ``END`` or its own cursor), read lazily and merged."""

    def __init__(self, streams: list[tuple[str, str]], starts: list[str], page_size: int) -> None:
        self.streams, self.starts, self.page_size = streams, starts, page_size
        self.names = [
            _listing_name(ReportModel.by_agency, partition, {"sort_prefix": prefix}, False)
            for partition, prefix in streams
        ]
        self.pulled = [0] * len(streams)  # read from DynamoDB
        self.used = [0] * len(streams)  # taken or passed over by the page
        self.ended = [False] * len(streams)
        self.last: dict[int, ReportModel] = {}
        self.examined = 0

    def rows(self) -> Iterator[tuple[int, ReportModel]]:
        """Every listing's reports not read yet, newest first: (listing, report)."""
        opened = [self._read(n) for n, start in enumerate(self.starts) if start != cursors.END]
        for _, n, model in heapq.merge(*opened, key=lambda row: row[0], reverse=True):
            yield n, model

    def passed(self, n: int, model: ReportModel) -> None:
        """The page took ``model`` of listing ``n``, or passed over it: the listing goes on after it."""
        self.last[n] = model
        self.used[n] += 1
        self.examined += 1

    def positions(self) -> list[str]:
        """Where each listing goes on after what the page took or passed over."""
        positions = []
        for n, start in enumerate(self.starts):
            if start == cursors.END or (self.ended[n] and self.used[n] == self.pulled[n]):
                positions.append(cursors.END)
            elif n in self.last:
                model = self.last[n]
                positions.append(cursors.encode(self.names[n], model.pk, model.agency_sk or ""))
            else:
                positions.append(start)
        return positions

    def _read(self, n: int) -> Iterator[tuple[str, int, ReportModel]]:
        (partition, prefix), start = self.streams[n], self.starts[n]
        keys = (ReportModel.agency_pk, ReportModel.agency_sk)
        for model in ReportModel.by_agency.query(
            partition,
            range_key_condition=ReportModel.agency_sk.startswith(prefix),
            last_evaluated_key=_start_key(keys, partition, start, self.names[n], {"sort_prefix": prefix}),
            scan_index_forward=False,
            page_size=self.page_size,
        ):
            self.pulled[n] += 1
            yield (model.agency_sk or "")[len(prefix) :], n, model  # the creation time
        self.ended[n] = True


def _connection() -> Connection:
    """The low-level connection (and its botocore client) the models already use."""
    return table_connection(ReportModel).connection


def _idem_pk(province: str, key_hash: str) -> str:
    return f"{province}#idem#{key_hash}"


def _support_pk(province: str, supporter_hash: str) -> str:
    return f"{province}#sup#{supporter_hash}"


def _contact_item(report_id: str, contact: Contact, expires_at: int | None = None) -> PrivateModel:
    """The contact item; ``expires_at`` (epoch seconds): when DynamoDB's TTL deletes it, and from
    when it reads as gone (``NoticeStore.audience``)."""
    return PrivateModel(
        pk=contact_pk(report_id),
        kind="contact",
        report_id=report_id,
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        channels=",".join(contact.notify) or None,
        language=contact.language if contact.notify else None,
        expires_at=expires_at,
    )


class ReportRepository:
    """Reports and their private companions, as domain objects."""

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        """The report stored under ``key``, or None."""
        model = stored_item(ReportModel, key, "get report", consistent=consistent)
        return from_model(model) if model else None

    def get_many(self, keys: Sequence[str]) -> list[Report]:
        """The reports stored under ``keys``, in their order (those missing left out): one
        BatchGetItem per 100 keys, eventually consistent."""
        wanted = list(dict.fromkeys(keys))
        with translate_errors("get reports"):
            found = {model.pk: from_model(model) for model in ReportModel.batch_get(wanted)}
        return [found[key] for key in wanted if key in found]

    def create(
        self, report: Report, *, contact: Contact | None = None, contact_expires_at: int | None = None
    ) -> Report:
        """Store a new report (and its contact, in one transaction, if any); return it as stored.

        ``contact_expires_at`` (epoch seconds): the end of the contact's retention (its TTL).
        """
        model = to_model(report)
        new_item = ReportModel.pk.does_not_exist()
        with translate_errors("create report"):
            if contact is None:
                with on_failed_condition(IdCollision("report id taken")):
                    model.save(condition=new_item, add_version_condition=False)
                return from_model(model)
            try:
                # The token makes a retried transaction (botocore retries after a timeout) idempotent.
                token = hashlib.sha256(f"{report.id}|{report.secret_hash}".encode()).hexdigest()[:36]
                with TransactWrite(connection=_connection(), client_request_token=token) as tx:
                    tx.save(model, condition=new_item)
                    tx.save(_contact_item(report.id, contact, contact_expires_at))
            except TransactWriteError as error:
                reasons = [r.code if r else None for r in error.cancellation_reasons]
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise IdCollision("report id taken") from error
                raise
        return from_model(model)

    def claim_idempotency(self, province: str, record: IdempotencyRecord) -> None:
        """Write the record of a submission before its report (raises IdempotencyKeyTaken if it exists).

        Written first, it is the claim: a retry that finds it gets the same report (stored again
        from the identical body if the first attempt stopped before storing it).
        """
        item = PrivateModel(
            pk=_idem_pk(province, record.key_hash),
            kind="idem",
            report_id=record.report_id,
            body_hash=record.body_hash,
            salt=record.salt,
            expires_at=record.expires_at,
        )
        taken = IdempotencyKeyTaken("idempotency key already used")
        with translate_errors("claim idempotency key"), on_failed_condition(taken):
            item.save(condition=PrivateModel.pk.does_not_exist())

    def move_idempotency(self, province: str, key_hash: str, *, from_report: str, to_report: str) -> None:
        """Point a record at another report id (its first drawn id was taken by another report)."""
        item = PrivateModel(pk=_idem_pk(province, key_hash))
        moved = IdempotencyKeyTaken("idempotency record moved concurrently")
        with translate_errors("move idempotency record"), on_failed_condition(moved):
            item.update(
                actions=[PrivateModel.report_id.set(to_report)],
                condition=PrivateModel.report_id == from_report,
            )

    def idempotency_record(
        self, province: str, key_hash: str, *, consistent: bool = True
    ) -> IdempotencyRecord | None:
        """The record of an earlier submission with this key, if any (strongly consistent by default)."""
        item = stored_item(
            PrivateModel, _idem_pk(province, key_hash), "read idempotency record", consistent=consistent
        )
        if item is None:
            return None
        return IdempotencyRecord(
            key_hash=key_hash,
            body_hash=item.body_hash or "",
            report_id=item.report_id or "",
            salt=item.salt or "",
            expires_at=int(item.expires_at or 0),
        )

    def open_in_cells(
        self, province: str, cells: list[str], *, category: str | None = None, per_cell: int
    ) -> list[Report]:
        """The province's open reports in these geohash cells (of 5 characters or more), ``per_cell`` each.

        For listing only: their timelines are not decoded.
        """
        found: list[Report] = []
        condition = ReportModel.category == category if category else None
        with translate_errors("list nearby reports"):
            for cell in cells:
                result = ReportModel.by_geo.query(
                    geo_partition(province, cell),
                    range_key_condition=ReportModel.geo_sk.startswith(cell),
                    filter_condition=condition,
                    limit=per_cell,
                    page_size=per_cell,
                )
                found.extend(from_model(model, with_timeline=False) for model in result)
        return found

    def add_support(self, report: Report, supporter_hashes: list[str]) -> bool:
        """Count one supporter of an open report, once: False if any of ``supporter_hashes`` (the names
        one supporter goes by) was counted before.

        One transaction: a record per name (conditional puts in the private table) and the count
        (plus the version, so a concurrent change of the report retries instead of losing it).
        """
        records = [
            PrivateModel(pk=_support_pk(report.province, name), kind="support", report_id=report.id)
            for name in supporter_hashes
        ]
        target = ReportModel(pk=report.key, version=report.version)  # the update adds 1 to the version
        still_open = ReportModel.status.is_in(*(s.value for s in Status if s.is_open))
        still_open &= ReportModel.closed.does_not_exist()
        with translate_errors("add support"):
            try:
                with TransactWrite(connection=_connection()) as tx:
                    for record in records:
                        tx.save(record, condition=PrivateModel.pk.does_not_exist())
                    tx.update(
                        target,
                        actions=[ReportModel.support_count.add(1)],
                        condition=ReportModel.pk.exists() & still_open,
                        add_version_condition=False,
                    )
            except TransactWriteError as error:
                reasons = [r.code if r else None for r in error.cancellation_reasons]
                if "ConditionalCheckFailed" in reasons[: len(records)]:
                    return False
                if len(reasons) > len(records) and reasons[len(records)] == "ConditionalCheckFailed":
                    raise Conflict(
                        "Laporan sudah ditutup (the report is closed).", code="report_closed"
                    ) from error
                raise
        return True

    def save_together(self, first: Report, second: Report) -> tuple[Report, Report]:
        """Store two changed reports in one transaction, each on the version read (all or nothing)."""
        models = [to_model(first), to_model(second)]
        with translate_errors("save reports"):
            try:
                with TransactWrite(connection=_connection()) as tx:
                    for model in models:
                        tx.save(model)
            except TransactWriteError as error:
                reasons = [r.code if r else None for r in error.cancellation_reasons]
                if {"ConditionalCheckFailed", "TransactionConflict"} & set(reasons):
                    raise VersionConflict(_CHANGED) from error
                raise
        return from_model(models[0]), from_model(models[1])

    def save(self, report: Report) -> Report:
        """Store a changed report if nobody changed it since it was read (optimistic locking)."""
        model = to_model(report)
        with translate_errors("save report"), on_failed_condition(VersionConflict(_CHANGED)):
            model.save()
        return from_model(model)

    def list_by_agency(
        self,
        province: str,
        agency: str,
        *,
        status: Status | None = None,
        keep: Callable[[Report], bool] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page:
        """An agency's reports, newest first (optionally of one status, and only those ``keep`` accepts),
        paged. Of one status, one Query of its sort keys; of any, that status's listings merged.

        A page is full unless the list ends there; see ``Page.incomplete`` for a filter too narrow.
        """
        partition = agency_partition(province, agency)
        if status is None:
            return _merged_by_agency([partition], None, cursor, keep=keep, limit=limit)
        prefix = agency_sort_prefix(status)
        return _listing(
            ReportModel.by_agency,
            (ReportModel.agency_pk, ReportModel.agency_sk),
            partition,
            cursor,
            condition=ReportModel.agency_sk.startswith(prefix),
            checks={"sort_prefix": prefix},
            forward=False,  # newest first
            keep=keep,
            limit=limit,
        )

    def list_handed(
        self,
        province: str,
        to_provinces: Sequence[str],
        *,
        status: Status | None = None,
        keep: Callable[[Report], bool] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page:
        """The province's reports it handed to these provinces (its copies, while one of them handles the
        report, and after), optionally of one status and only those ``keep`` accepts, newest first,
        paged: one ``by-agency`` Query page per province (``31#>36``) and status, merged."""
        partitions = [handed_partition(province, code) for code in to_provinces]
        return _merged_by_agency(partitions, [status] if status else None, cursor, keep=keep, limit=limit)

    def list_by_support(
        self,
        province: str,
        agency: str,
        *,
        keep: Callable[[Report], bool] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page:
        """An agency's reports (only those ``keep`` accepts), most supported first, paged."""
        return _listing(
            ReportModel.by_support,
            (ReportModel.agency_pk, ReportModel.support_count),
            agency_partition(province, agency),
            cursor,
            checks={"sort_number": True},
            forward=False,
            keep=keep,
            limit=limit,
        )

    def list_by_status(
        self,
        province: str,
        status: Status,
        *,
        limit: int = 20,
        cursor: str | None = None,
        created_before: datetime | None = None,
        newest_first: bool = True,
    ) -> Page:
        """A province's reports of one status, by age, paged."""
        below = stored_time(created_before) if created_before else None
        return _listing(
            ReportModel.by_status,
            (ReportModel.status_pk, ReportModel.created_at),
            status_partition(province, status),
            cursor,
            condition=ReportModel.created_at < below if below else None,
            checks={"sort_below": below},
            forward=not newest_first,
            limit=limit,
        )

    def list_doubtful(
        self,
        province: str,
        *,
        limit: int = 20,
        cursor: str | None = None,
        keep: Callable[[Report], bool] | None = None,
    ) -> Page:
        """Resolves on an unverified evidence photo awaiting a coordinator, oldest first, paged."""
        keys = (ReportModel.doubt_pk, ReportModel.resolved_at)
        return _listing(ReportModel.by_doubt, keys, doubt_partition(province), cursor, keep=keep, limit=limit)

    def due_before(self, province: str, now: datetime, *, limit: int | None = None) -> Iterator[Report]:
        """Open reports whose next timer (deadline, auto-close, a hand-over owed) has passed, the longest
        due first: read a page of ``QUERY_BATCH`` at a time as they are taken, and on to the end of the
        index's due part (or ``limit`` reports), so a caller that stops early has read little past it."""
        with translate_errors("list due reports"):
            yield from (
                from_model(m)
                for m in ReportModel.by_due.query(
                    due_partition(province),
                    range_key_condition=ReportModel.due_at <= stored_time(now),
                    limit=limit,
                    page_size=QUERY_BATCH if limit is None else min(limit, QUERY_BATCH),
                )
            )

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
    ) -> Page:
        """A province's own public reports created within [start, end] (the key condition), of these
        ``statuses`` and ``categories`` (filters), newest first, paged.

        A page is full unless the list ends there; see ``Page.incomplete`` for filters too narrow. The
        cursor belongs to the window and the filters.
        """
        low, high = stored_time(start), stored_time(end)
        wanted = frozenset(statuses or ()) if set(statuses or Status) != set(Status) else frozenset()
        codes = frozenset(categories or ())

        def keep(report: Report) -> bool:
            return (not wanted or report.status in wanted) and (not codes or report.category in codes)

        return _listing(
            ReportModel.by_public,
            (ReportModel.public_pk, ReportModel.created_at),
            public_partition(province),
            cursor,
            condition=ReportModel.created_at.between(low, high),
            checks={"sort_within": (low, high)},
            scope=(",".join(sorted(s.value for s in wanted)), ",".join(sorted(codes))),
            forward=False,
            keep=keep if wanted or codes else None,
            limit=limit,
        )
