"""``GET requests.{fmt}``: the search and page a query asks for (``services/open311_requests`` answers)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from msgspec import Meta, Struct

from chalicelib.domain.clock import utcnow
from chalicelib.domain.status import Status
from chalicelib.errors import BadRequest
from chalicelib.open311.inputs import read
from chalicelib.open311.mapping import CLOSED
from chalicelib.open311.services import service_of
from chalicelib.provinces.registry import Province
from chalicelib.services.open311_requests import Search
from chalicelib.validation import CURSOR_MAX_LENGTH

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


# The query's parameters; each description is its parameter's in the OpenAPI document.
Ids = Annotated[
    str, Meta(description=f"Comma-separated ids (at most {MAX_IDS}); overrides every other filter.")
]
Codes = Annotated[str, Meta(description="Comma-separated service codes.")]
Start = Annotated[
    str, Meta(description="ISO 8601; without an offset the province's time. Default: end_date - 90 days.")
]
End = Annotated[str, Meta(description="ISO 8601; at most 90 days after start_date. Default: now.")]
Statuses = Annotated[str, Meta(description="open, closed or open,closed (default both).")]
PageSize = Annotated[
    int, Meta(ge=1, le=MAX_PAGE_SIZE, description=f"Requests per page (default {DEFAULT_PAGE_SIZE}).")
]
Cursor = Annotated[
    str,
    Meta(
        max_length=CURSOR_MAX_LENGTH,
        description="Where the next page starts; follow the Link header rather than building it.",
    ),
]


class SearchQuery(Struct, kw_only=True):
    """The filters, as text (``jurisdiction_id`` is every route's: ``spec.JURISDICTION``)."""

    service_request_id: Ids | None = None
    service_code: Codes | None = None
    start_date: Start | None = None
    end_date: End | None = None
    status: Statuses | None = None


class PageQuery(Struct, kw_only=True):
    """Which page: read after the filters, so that a filter's problem is the one answered."""

    page_size: PageSize | None = None
    cursor: Cursor | None = None


def _list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def parse_datetime(raw: str, name: str, zone: tzinfo) -> datetime:
    """An ISO 8601 datetime; without an offset in ``zone``, the province's. A ``+`` as a space is forgiven."""
    text = raw.strip().replace(" ", "+") if "T" in raw else raw.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            f"{name} harus tanggal-waktu ISO 8601, mis. 2026-11-27T08:00:00+07:00 ({name} must be ISO 8601).",
            code="invalid_date",
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=zone)
    if not EARLIEST <= value <= LATEST:
        raise BadRequest(f"{name} di luar 2000-2100 ({name} out of range).", code="invalid_date")
    return value


def _window(
    start_raw: str | None, end_raw: str | None, now: datetime, zone: tzinfo
) -> tuple[datetime, datetime]:
    start = parse_datetime(start_raw, "start_date", zone) if start_raw else None
    end = parse_datetime(end_raw, "end_date", zone) if end_raw else None
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


def _text(params: Mapping[str, str]) -> Callable[[str], str | None]:
    return lambda name: params.get(name) or None


def parse_search(province: Province, params: Mapping[str, str]) -> Search:
    """The search a query string asks for, or 400/404 naming the first problem."""
    filters = read(SearchQuery, _text(params))  # text only: nothing to refuse yet
    ids = _list(filters.service_request_id)
    if len(ids) > MAX_IDS:
        raise BadRequest(f"Maks. {MAX_IDS} service_request_id (too many ids).", code="too_many_ids")
    codes = _list(filters.service_code)
    for code in codes:
        service_of(province, code)
    start, end = _window(filters.start_date, filters.end_date, utcnow(), province.zone)
    statuses = _statuses(filters.status)
    # Only page_size can be refused here: a cursor is checked by the listing it belongs to.
    page = read(PageQuery, _text(params), lambda _: "invalid_page_size")
    return Search(
        ids=tuple(ids) or None,
        service_codes=frozenset(codes) or None,
        statuses=statuses,
        start=start,
        end=end,
        page_size=DEFAULT_PAGE_SIZE if page.page_size is None else page.page_size,
        cursor=page.cursor,
    )


def _given(query: Struct) -> dict[str, Any]:
    return {name: value for name, value in msgspec.to_builtins(query).items() if value is not None}


def next_query(params: Mapping[str, str], search: Search, cursor: str) -> str:
    """The query string of the next page: the same filters, the window written out, and the cursor."""
    filters = msgspec.structs.replace(
        read(SearchQuery, _text(params)),
        service_request_id=None,  # a search by id is one page
        start_date=search.start.isoformat(),
        end_date=search.end.isoformat(),
    )
    page = PageQuery(page_size=search.page_size, cursor=cursor)
    jurisdiction = {k: v for k, v in params.items() if k == "jurisdiction_id"}
    return urlencode({**jurisdiction, **_given(filters), **_given(page)})
