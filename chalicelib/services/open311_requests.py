"""Open311's reads of service requests (``GET requests``, ``requests/{id}``, ``tokens/{token}``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from msgspec import Struct

from chalicelib.domain.ids import normalise_report_id
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.provinces.registry import Province

if TYPE_CHECKING:
    from chalicelib.data.reports import ReportRepository


class Search(Struct, frozen=True):
    """What a client asked for: ids (which override every other filter), or a window and filters."""

    ids: tuple[str, ...] | None
    service_codes: frozenset[str] | None
    statuses: frozenset[Status]
    start: datetime
    end: datetime
    page_size: int
    cursor: str | None = None


class Open311Requests:
    """Open311's reads of service requests in one province: the views' use cases over the reports."""

    def __init__(self, reports: ReportRepository, province: Province) -> None:
        self.reports = reports
        self.province = province

    def find(self, search: Search) -> tuple[list[Report], str | None]:
        """One page of the province's own public reports matching the search, newest first, and the
        cursor of the next page (None on the last; asked for by ids, one page without a cursor).

        An anonymous listing never shows private reports; asked for by id, they show status only.
        Every page is full unless the list ends there: statuses and service codes are filters within
        the data layer's bound of reports read per page, and filters that let too few through are a
        422 ``search_filter_too_narrow`` (Open311 answers it as a 400), never a short page.
        """
        if search.ids is not None:
            return self._by_ids(search.ids), None
        page = self.reports.list_public(
            self.province.code,
            search.start,
            search.end,
            statuses=search.statuses,
            categories=search.service_codes,
            limit=search.page_size,
            cursor=search.cursor,
        )
        if page.incomplete:
            raise ValidationFailed(
                "Terlalu sedikit laporan yang cocok dengan status dan service_code; persempit rentang "
                "start_date-end_date atau kecilkan page_size (too few requests match the status and "
                "service_code filters; narrow the dates or lower page_size).",
                code="search_filter_too_narrow",
            )
        return page.items, page.cursor

    def request(self, raw_id: str) -> Report:
        """``requests/{id}`` and ``tokens/{token}``: the report, or 404."""
        found = self._by_ids((raw_id,))
        if not found:
            raise NotFound(
                f"service_request_id '{raw_id[:40]}' tidak ditemukan (request not found).",
                code="request_not_found",
            )
        return found[0]

    def _by_ids(self, ids: tuple[str, ...]) -> list[Report]:
        """The province's reports among ``ids``, in the order asked; unknown ids are left out."""
        normalised = (normalise_report_id(raw) for raw in ids)
        code = self.province.code
        return self.reports.get_many([i for i in normalised if i is not None and i[:2] == code])
