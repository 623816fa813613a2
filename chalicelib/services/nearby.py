"""What is already reported near a place, and citizens' support of a report instead of a new one."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from msgspec import Struct

from chalicelib.domain import geo
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import Conflict
from chalicelib.services.tracking import TrackingService

if TYPE_CHECKING:
    from chalicelib.data.reports import ReportRepository
MAX_RESULTS = 50
PER_CELL = 200
"""Open reports one geohash cell's query reads at most (in geohash order), for a nearby listing."""
# The public map's viewport: at most 0.1 degree (about 11 km) each way, covered by the finest cells
# (7, 6 or 5 characters: 153 m, 1.2 km, 4.9 km) of which at most MAP_MAX_CELLS do, so at most 16 Queries
# of at most MAP_PER_CELL items (a 0.1-degree view: 4 x 4 five-character cells); MAP_MAX_RESULTS markers.
MAP_MAX_SPAN_DEG = 0.1
MAP_MAX_CELLS = 16
MAP_PER_CELL = 100
MAP_MAX_RESULTS = 500


class Nearby(Struct, frozen=True):
    """An open report, where it is shown (rounded for a private one) and how far that is, in metres."""

    report: Report
    lat: float
    lon: float
    distance_m: float


class Supported(Struct, frozen=True):
    """The report after a supporter's request, and whether this request added to its count."""

    report: Report
    added: bool


def supporter_hash(report_key: str, supporter: str) -> str:
    """The stored trace of one supporter of one report: a hash, never the device or key itself."""
    return hashlib.sha256(f"{report_key}|{supporter}".encode()).hexdigest()[:32]


class Found(Struct, frozen=True):
    """Open reports shown; ``truncated``: a cell read, or the answer, reached its cap: there may be more."""

    found: list[Nearby]
    truncated: bool = False


class InView(Found, frozen=True, kw_only=True):
    """Open reports in ``box`` (the requested viewport, cut when larger than the cap): ``shown`` order."""

    box: geo.Box
    clipped: bool


def _capped(found: list[Nearby], reports: list[Report], precision: int, per_cell: int, cap: int) -> Found:
    """The first ``cap`` of ``found``, truncated when there were more or a cell read gave its whole
    ``per_cell`` (each report is indexed at its map place, so ``precision`` names the cell it came from)."""
    read = Counter(geo.encode(*report.map_place, precision) for report in reports)
    truncated = len(found) > cap or any(n >= per_cell for n in read.values())
    return Found(found[:cap], truncated)


def shown(found: list[Nearby]) -> list[Nearby]:
    """Public reports newest first, then private ones by a hash of their key: a private row's place in
    the list tells nothing of when it was filed (its time is not shown, and its neighbours' are)."""
    public = [n for n in found if n.report.visibility is Visibility.PUBLIC]
    private = [n for n in found if n.report.visibility is not Visibility.PUBLIC]
    public.sort(key=lambda n: (n.report.created_at, n.report.key), reverse=True)
    private.sort(key=lambda n: hashlib.sha256(n.report.key.encode()).hexdigest())
    return public + private


class NearbyService:
    """Open reports near a point, and support of them, in one province."""

    def __init__(self, reports: ReportRepository, tracking: TrackingService, province: str) -> None:
        self.reports = reports
        self.tracking = tracking
        self.province = province

    def _known(self, category: str | None) -> None:
        """A 422 ``unknown_category`` (naming the valid codes) for a category this province has not."""
        if category is not None:
            self.tracking.registry.get(self.province).category(category)

    def around(
        self, lat: float, lon: float, *, radius_m: int = geo.DEFAULT_RADIUS_M, category: str | None = None
    ) -> Found:
        """Open reports within ``radius_m`` of the point, nearest first (at most ``MAX_RESULTS``); among
        those as far, a private one's place is by a hash of its key, never by when it was filed.

        One query per geohash cell covering the circle; the province's own reports, wherever they
        lie, and its copies of reports escalated to it (which lie in it). A private report is indexed,
        placed and measured by its rounded place only, so the answer tells nothing finer about it.
        """
        self._known(category)
        radius = min(max(radius_m, 1), geo.MAX_RADIUS_M)
        precision = geo.precision_for(radius)
        cells = geo.covering(lat, lon, radius, precision)
        found: dict[str, Nearby] = {}
        reports = self.reports.open_in_cells(self.province, cells, category=category, per_cell=PER_CELL)
        for report in reports:
            place_lat, place_lon = report.map_place
            distance = geo.distance_m(lat, lon, place_lat, place_lon)
            if distance <= radius and report.key not in found:
                found[report.key] = Nearby(report, place_lat, place_lon, distance)
        nearest = sorted(shown(list(found.values())), key=lambda n: n.distance_m)  # stable: ties as shown
        return _capped(nearest, reports, precision, PER_CELL, MAX_RESULTS)

    def in_viewport(self, viewport: geo.Box, *, category: str | None = None) -> InView:
        """Open reports in the viewport (cut to ``MAP_MAX_SPAN_DEG`` around its centre), in ``shown`` order.

        One query per cell covering the box, the finest of which at most ``MAP_MAX_CELLS`` do (a small view
        spends each cell's cap on itself), whatever the table's size; a private report is placed by its
        rounded place only, as in ``around``.
        """
        self._known(category)
        box = viewport.clamped(MAP_MAX_SPAN_DEG)
        mid_lat, mid_lon = (box.south + box.north) / 2, (box.west + box.east) / 2
        precision, cells = geo.finest_cover(box.south, box.north, box.west, box.east, MAP_MAX_CELLS)
        found: dict[str, Nearby] = {}
        reports = self.reports.open_in_cells(self.province, cells, category=category, per_cell=MAP_PER_CELL)
        for report in reports:
            place_lat, place_lon = report.map_place
            if box.contains(place_lat, place_lon) and report.key not in found:
                distance = geo.distance_m(mid_lat, mid_lon, place_lat, place_lon)
                found[report.key] = Nearby(report, place_lat, place_lon, distance)
        capped = _capped(shown(list(found.values())), reports, precision, MAP_PER_CELL, MAP_MAX_RESULTS)
        return InView(capped.found, capped.truncated, box=box, clipped=box != viewport)

    def support(self, raw_id: str, supporters: Sequence[str]) -> Supported:
        """Add one citizen's support to an open report; a repeat by any of the same ``supporters`` (the
        names one supporter goes by: ``support_listed``) adds nothing."""
        report = self.tracking.find(raw_id)
        if not report.is_open:
            raise _closed({"duplicate_of": report.duplicate_of} if report.duplicate_of else None)
        added = self.reports.add_support(report, _hashes(report.key, supporters))
        return Supported(self.reports.get(report.key, consistent=True) or report, added)

    def support_listed(self, key: str, supporters: Sequence[str]) -> bool | None:
        """Support the report of table key ``key`` (from a private row's token): whether this added one.

        None when the province has no such report of its own (a copy of another province's report is
        supported at its origin); a closed one is a 409 without details: nothing more is told of it.
        The supporter is counted as by ``support``: once per report, whichever way they came, and
        nothing is added when any of the names in ``supporters`` (the device id the client sends, the
        device its valid device token names) was counted before.
        """
        report = self.reports.get(key) if key.startswith(f"{self.province}-") else None
        if report is None:
            return None
        if not report.is_open:
            raise _closed(None)
        return self.reports.add_support(report, _hashes(report.key, supporters))


def _hashes(report_key: str, supporters: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(supporter_hash(report_key, supporter) for supporter in supporters))


def _closed(details: dict[str, str] | None) -> Conflict:
    return Conflict(
        "Laporan sudah ditutup; dukungan tidak dapat ditambahkan (the report is closed).",
        code="report_closed",
        details=details,
    )
