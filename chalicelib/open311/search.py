"""``GET requests.{fmt}``: filters read from the query, answered a page at a time from the by-public index."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from chalicelib.api.inputs import whole_number
from chalicelib.domain.clock import utcnow
from chalicelib.domain.ids import WIB, normalise_report_id
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status
from chalicelib.errors import BadRequest, NotFound
from chalicelib.open311.mapping import CLOSED
from chalicelib.open311.services import service_of
from chalicelib.provinces.registry import Province
from chalicelib.services.ports import Reports

MAX_WINDOW = timedelta(days=90)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_IDS = 100
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
STATUSES = {
    "open": frozenset(s for s in Status if s not in CLOSED),
    "closed": CLOSED,
}


@dataclass(frozen=True)
class Search:
    """What a client asked for: ids (which override every other filter), or a window and filters."""

    ids: tuple[str, ...] | None
    service_codes: frozenset[str] | None
    statuses: frozenset[Status]
    start: datetime
    end: datetime
    page_size: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


def _list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def parse_datetime(raw: str, name: str) -> datetime:
    """An ISO 8601 datetime; without an offset it is WIB. A ``+`` decoded as a space is forgiven."""
    text = raw.strip().replace(" ", "+") if "T" in raw else raw.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"{name} harus tanggal-waktu ISO 8601, mis. 2026-11-27T08:00:00+07:00 ({name} must be ISO 8601).",
            code="invalid_date",
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=WIB)
    if not EARLIEST <= value <= LATEST:
        raise BadRequest(f"{name} di luar 2000-2100 ({name} out of range).", code="invalid_date")
    return value


def _window(start_raw: str | None, end_raw: str | None, now: datetime) -> tuple[datetime, datetime]:
    start = parse_datetime(start_raw, "start_date") if start_raw else None
    end = parse_datetime(end_raw, "end_date") if end_raw else None
    if start is None:  # the 90 days up to end_date, or up to now
        end = end or now
        start = end - MAX_WINDOW
    end = end or start + MAX_WINDOW
    if end < start:
        raise BadRequest(
            "end_date sebelum start_date (end_date is before start_date).", code="invalid_date_range"
        )
    if end - start > MAX_WINDOW:
        raise BadRequest(
            "Rentang tanggal maks. 90 hari (dates may span at most 90 days).", code="date_range_too_long"
        )
    return start, end


def _statuses(raw: str | None) -> frozenset[Status]:
    names = _list(raw) or list(STATUSES)
    unknown = [n for n in names if n not in STATUSES]
    if unknown:
        raise BadRequest(
            f"status '{unknown[0][:20]}' tidak dikenal; gunakan open atau closed (unknown status).",
            code="invalid_status",
        )
    return frozenset().union(*(STATUSES[n] for n in names))


def _page_size(raw: str | None) -> int:
    text = (raw or "").strip()
    if not text:
        return DEFAULT_PAGE_SIZE
    size = whole_number(text)
    if size is None or not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(
            f"page_size harus 1 sampai {MAX_PAGE_SIZE} (page_size must be 1 to {MAX_PAGE_SIZE}).",
            code="invalid_page_size",
        )
    return size


def parse_search(province: Province, params: Mapping[str, str]) -> Search:
    """The search a query string asks for, or 400/404 naming the first problem."""
    ids = _list(params.get("service_request_id"))
    if len(ids) > MAX_IDS:
        raise BadRequest(f"Maks. {MAX_IDS} service_request_id (too many ids).", code="too_many_ids")
    codes = _list(params.get("service_code"))
    for code in codes:
        service_of(province, code)
    start, end = _window(params.get("start_date"), params.get("end_date"), utcnow())
    return Search(
        ids=tuple(ids) or None,
        service_codes=frozenset(codes) or None,
        statuses=_statuses(params.get("status")),
        start=start,
        end=end,
        page_size=_page_size(params.get("page_size")),
        cursor=params.get("cursor") or None,
    )


def next_query(params: Mapping[str, str], search: Search, cursor: str) -> str:
    """The query string of the next page: the same search, its window written out, and the cursor."""
    carried = {k: v for k, v in params.items() if k in ("jurisdiction_id", "service_code", "status")}
    return urlencode(
        {
            **carried,
            "start_date": search.start.isoformat(),
            "end_date": search.end.isoformat(),
            "page_size": str(search.page_size),
            "cursor": cursor,
        }
    )


def find(reports: Reports, province: Province, search: Search) -> tuple[list[Report], str | None]:
    """One page of the province's own public reports matching the search, newest first, and the
    cursor of the next page (None on the last).

    An anonymous listing never shows private reports; asked for by id, they show status only.
    A page reads at most ``page_size`` reports more than it returns (``ReportRepository.list_public``).
    """
    if search.ids is not None:
        return _by_ids(reports, province, search.ids), None
    page = reports.list_public(
        province.code,
        search.start,
        search.end,
        statuses=search.statuses,
        categories=search.service_codes,
        limit=search.page_size,
        cursor=search.cursor,
    )
    return page.items, page.cursor


def _by_ids(reports: Reports, province: Province, ids: tuple[str, ...]) -> list[Report]:
    """Reports of this province among ``ids``, in the order asked; unknown ids are left out."""
    normalised = (normalise_report_id(raw) for raw in ids)
    return reports.get_many([i for i in normalised if i is not None and i[:2] == province.code])


def report_by_id(reports: Reports, province: Province, raw_id: str) -> Report:
    """``requests/{id}``: the report, or 404."""
    found = _by_ids(reports, province, (raw_id,))
    if not found:
        raise NotFound(
            f"service_request_id '{raw_id[:40]}' tidak ditemukan (request not found).",
            code="request_not_found",
        )
    return found[0]
